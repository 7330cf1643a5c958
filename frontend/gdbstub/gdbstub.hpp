// A GDB remote stub (RSP over TCP; "Debugging with GDB", appendix E): an
// i386 target description with the segment registers, EFLAGS, the x87 and
// SSE registers and CR0/CR2/CR3/CR4/EFER as extra system registers, or on a
// model with Intel 64 an i386:x86-64 one (RAX..R15, RIP, XMM0-15, fs_base,
// gs_base, CR8, k_gs_base) from the first packet on, the legacy-mode registers
// zero-extended (see GdbStub::layout); memory by linear address; software and hardware breakpoints (both are the
// debugger's breakpoints, shared with its prompt); single step, continue,
// interrupt (03h), detach, kill; one thread per processor (-smp), thread
// ID = CPU index + 1 as in QEMU: qfThreadInfo, qC, Hg/Hc, T, qThreadExtraInfo,
// vCont, and stop replies naming the thread that stopped. One client at a time. Malformed packets
// (bad checksum, overlong, truncated) are NAKed or answered with an error,
// and never end the session.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/gdbstub/rsp.hpp"

namespace gb {

class Debugger;
class Machine;

class GdbStub {
 public:
  /// Parses QEMU's -gdb spec: tcp::PORT (loopback) or tcp:HOST:PORT.
  /// Throws std::invalid_argument on a bad spec.
  static std::pair<std::string, u16> parse_spec(const std::string& spec);

  /// One register of the target description, in g-packet order.
  struct Reg {
    enum class Kind : u8 { Gpr, Pc, Flags, Seg, St, Fpu, Xmm, Mxcsr, SegBase, Cr, Efer, KernelGsBase };
    const char* name;
    Kind kind;
    unsigned index;     ///< Gpr: CpuState::gpr index; Seg/SegBase: SegReg; St/Fpu/Xmm: number; Cr: n of CRn
    unsigned bytes;     ///< width in the g packet
    const char* type;   ///< the description's type
    const char* group;  ///< "" for the default group
    const char* feature;  ///< core, sse, segments (org.gnu.gdb.i386.*) or system (org.glassbox.i386.system)
  };
  /// The registers of the i386 description (`x86_64` false) or of the
  /// i386:x86-64 one, which the stub offers when the model has long mode.
  static std::vector<Reg> layout(bool x86_64);
  /// Listens on host:port. Throws std::runtime_error (naming the address)
  /// when the socket cannot be bound.
  /// `attach_on_connect`: the debugger is only attached while a client is
  /// connected (no prompt in this run), so an idle stub costs no speed.
  GdbStub(Machine& m, Debugger& d, const std::string& host, u16 port, bool attach_on_connect = false);
  ~GdbStub();
  GdbStub(const GdbStub&) = delete;
  GdbStub& operator=(const GdbStub&) = delete;

  /// Between CPU slices: accepts a waiting client (asking the debugger to
  /// stop the CPU, as gdb expects on attach) and reads an interrupt byte
  /// from a connected one. Never blocks.
  void poll();
  /// Blocks until a client connects (-S); false if `stop` was set first.
  bool wait_for_client(const std::atomic<bool>* stop);
  bool connected() const { return client_ >= 0; }

  enum class Next { Resume, Quit };
  /// The CPU is stopped and a client is connected: reports the stop (when
  /// the client is waiting for one) and serves packets until it continues,
  /// steps, detaches or disconnects (Resume) or kills the target (Quit).
  /// Also Quit once `stop` is set (a signal), seen within 0.1 s.
  Next serve_stop(const std::atomic<bool>* stop = nullptr);

  /// The reply to one packet's payload, as serve_stop sends it (the unit
  /// tests call it directly); sets `resume` when the packet continues or
  /// steps the guest and `quit` when it kills it.
  std::string handle(const std::string& packet, bool& resume, bool& quit);

 private:
  void send_packet(const std::string& payload);
  /// T05, naming the watchpoint when one stopped the guest (RSP "Stop
  /// Reply Packets": watch/rwatch/awatch:ADDR).
  std::string stop_reply() const;
  void send_raw(const std::string& bytes);
  std::string read_registers() const;
  std::string read_register(unsigned n) const;
  bool write_register(unsigned n, const std::vector<u8>& value);
  std::string target_xml() const;
  /// The highest linear address packets may name: 64 bits on a model with
  /// Intel 64, else 4 GiB - 1.
  u64 max_address() const;
  void drop_client();
  /// The processor of gdb thread ID `id` (hex; 1..cpu_count()), if any.
  std::optional<unsigned> thread_cpu(const std::string& id) const;
  /// Continues every processor, or steps `cpu` (default: the current one)
  /// while the others run their share of the rounds.
  void resume_all(bool step, std::optional<unsigned> cpu);

  Machine& m_;
  Debugger& d_;
  std::vector<Reg> regs_;
  int listen_ = -1;
  int client_ = -1;
  RspDecoder decoder_;
  bool no_ack_ = false;
  bool attach_on_connect_ = false;
  std::optional<unsigned> step_cpu_;  // Hc: the processor s steps (none: the current one)
  bool waiting_for_stop_ = false;  // the client sent c/s/03h and waits for a stop reply
  std::string last_sent_;          // for a NAK's retransmission
};

}  // namespace gb
