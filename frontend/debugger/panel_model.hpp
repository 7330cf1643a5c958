// What the SDL debugger panels show and ask for, without the GUI: the
// register rows with their changed-since-the-last-stop marks, memory and
// stack rows, the disassembly window's anchoring, and the queue of run
// commands the buttons produce. The drawing (Dear ImGui) is panels.cpp.
#pragma once
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "cpu/state.hpp"
#include "frontend/debugger/disasm.hpp"

namespace gb {

class Debugger;
class Machine;
class Target;

struct RegisterRow {
  std::string name;   ///< "eax", "cs", "cr0"
  std::string value;  ///< hex, as wide as the register
  bool changed = false;  ///< differs from the value at the previous stop
};

/// The registers of `now`, marked where they differ from `before` (none
/// marked without a `before`): GPRs, EIP, EFLAGS, the six selectors, CR0,
/// CR2, CR3, CR4. In IA-32e mode (EFER.LMA, 64-bit or compatibility code)
/// RAX..R15, RIP, RFLAGS, the selectors, FS.base, GS.base and the control
/// registers, 16 hex digits wide (the selectors 4, CR0 and CR4 8).
std::vector<RegisterRow> register_rows(const CpuState& now, const CpuState* before);

/// `rows` lines of 16 bytes from `addr` (linear, or physical when
/// `physical`): "00007c00  fa 31 c0 ...  .1.." with ?? where a byte is not
/// RAM/ROM or not mapped.
std::vector<std::string> memory_rows(const Target& t, u64 addr, bool physical, unsigned rows);

/// `n` stack slots from SS:ESP (dwords with a 32-bit stack, else words at
/// SS:SP): "esp+4   0010:00007c10  1234abcd"; in 64-bit mode quadwords at
/// RSP: "rsp+8   000000001234abcd".
std::vector<std::string> stack_rows(const Target& t, const CpuState& s, unsigned n);

/// Where the disassembly listing starts: it keeps its start while EIP stays
/// within its first `lines - 4` instructions (so stepping shows the code
/// around EIP, not only after it), else restarts at EIP. `shown` holds
/// the linear addresses the listing showed last time.
u64 listing_start(u64 eip_lin, const std::vector<u64>& shown, unsigned lines);

/// The panels' state between frames.
class DebugPanels {
 public:
  DebugPanels(Machine& m, Debugger& d) : m_(m), d_(d) {}

  bool visible() const { return visible_; }
  void set_visible(bool on) { visible_ = on; }
  /// The debugger stopped the CPUs (`why` as the prompt prints it): every
  /// processor's register values now become the ones the next stop
  /// compares with.
  void on_stop(const std::string& why);
  /// The CPU runs again.
  void on_resume() { stopped_ = false; }
  bool stopped() const { return stopped_; }
  const std::string& stop_message() const { return why_; }
  /// The debugger's current CPU's registers at the stop before the current
  /// one (for the highlighting).
  const CpuState* before() const;

  /// A button asked for a run command ("step", "next", "continue") or a
  /// break-in ("break"); the session takes them after each frame.
  void push_command(std::string c) { commands_.push_back(std::move(c)); }
  std::vector<std::string> take_commands() { return std::exchange(commands_, {}); }

  Machine& machine() { return m_; }
  Debugger& debugger() { return d_; }
  Disassembler& disassembler() { return dis_; }

  // Inputs and the listing's memory, kept across frames.
  std::string memory_address = "0";
  std::string walk_address = "cs:eip";
  std::vector<u64> listing;  ///< linear addresses of the last listing

 private:
  Machine& m_;
  Debugger& d_;
  bool visible_ = false;
  bool stopped_ = false;
  std::string why_;
  std::vector<CpuState> before_, at_stop_;  // per processor
  bool have_before_ = false, have_stop_ = false;
  std::vector<std::string> commands_;
  Disassembler dis_;
};

/// Width in pixels of the panel column beside the guest screen.
inline constexpr int kPanelColumnWidth = 560;
/// The window's minimum height with the panels open (room for the XMM
/// rows of the SSE models in the registers panel).
inline constexpr int kPanelMinHeight = 990;

}  // namespace gb
