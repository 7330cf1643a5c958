#include "frontend/debugger/panel_model.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/target.hpp"

namespace gb {

std::vector<RegisterRow> register_rows(const CpuState& now, const CpuState* before) {
  std::vector<RegisterRow> rows;
  const auto add = [&](const char* name, u32 v, u32 was, unsigned digits) {
    rows.push_back(RegisterRow{name, fmt::format("{:0{}x}", v, digits), before && v != was});
  };
  static constexpr const char* kGpr[] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
  // In the order people read them: eax ebx ecx edx, esi edi ebp esp.
  for (unsigned r : {EAX, EBX, ECX, EDX, ESI, EDI, EBP, ESP}) add(kGpr[r], now.gpr[r], before ? before->gpr[r] : 0, 8);
  add("eip", now.rip, before ? before->rip : 0, 8);
  add("eflags", now.eflags(), before ? before->eflags() : 0, 8);
  static constexpr const char* kSeg[] = {"es", "cs", "ss", "ds", "fs", "gs"};
  for (unsigned r : {CS, DS, ES, SS, FS, GS}) add(kSeg[r], now.seg[r].selector, before ? before->seg[r].selector : 0, 4);
  add("cr0", now.cr0, before ? before->cr0 : 0, 8);
  add("cr2", now.cr2, before ? before->cr2 : 0, 8);
  add("cr3", now.cr3, before ? before->cr3 : 0, 8);
  add("cr4", now.cr4, before ? before->cr4 : 0, 8);
  return rows;
}

std::vector<std::string> memory_rows(const Target& t, u32 addr, bool physical, unsigned rows) {
  std::vector<std::string> out;
  for (unsigned r = 0; r < rows; ++r) {
    const u32 at = addr + 16 * r;
    const auto b = physical ? t.read_phys(at, 16) : t.read_linear(at, 16);
    std::string hex, text;
    for (const auto& x : b) {
      hex += x ? fmt::format("{:02x} ", *x) : std::string("?? ");
      text += x && *x >= 0x20 && *x < 0x7F ? static_cast<char>(*x) : '.';
    }
    out.push_back(fmt::format("{}{:08x}  {} {}", physical ? "p:" : "", at, hex, text));
  }
  return out;
}

std::vector<std::string> stack_rows(const Target& t, const CpuState& s, unsigned n) {
  std::vector<std::string> out;
  const bool big = s.pe() && s.seg[SS].big;
  const unsigned w = big ? 4 : 2;
  for (unsigned i = 0; i < n; ++i) {
    const u32 off = big ? s.gpr[ESP] + i * w : (s.gpr[ESP] + i * w) & 0xFFFF;
    const auto b = t.read_linear(s.seg[SS].base + off, w);
    std::string v;
    for (unsigned k = w; k-- > 0;) v += b[k] ? fmt::format("{:02x}", *b[k]) : std::string("??");
    out.push_back(fmt::format("{}+{:<3x} {:04x}:{:0{}x}  {}", big ? "esp" : "sp", i * w, s.seg[SS].selector, off, big ? 8 : 4, v));
  }
  return out;
}

u32 listing_start(u32 eip_lin, const std::vector<u32>& shown, unsigned lines) {
  const unsigned keep = lines > 4 ? lines - 4 : 1;
  for (unsigned i = 0; i < shown.size() && i < keep; ++i) {
    if (shown[i] == eip_lin) return shown.front();
  }
  return eip_lin;
}

void DebugPanels::on_stop(const std::string& why) {
  if (have_stop_) {
    before_ = at_stop_;
    have_before_ = true;
  }
  at_stop_ = m_.cpu().state();
  have_stop_ = true;
  stopped_ = true;
  why_ = why;
}

}  // namespace gb
