#include "frontend/debugger/panel_model.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/debugger.hpp"
#include "frontend/debugger/target.hpp"

namespace gb {

std::vector<RegisterRow> register_rows(const CpuState& now, const CpuState* before) {
  std::vector<RegisterRow> rows;
  const auto add = [&](const char* name, u64 v, u64 was, unsigned digits) {
    rows.push_back(RegisterRow{name, fmt::format("{:0{}x}", v, digits), before && v != was});
  };
  if (now.lma()) {
    // IA-32e mode, 64-bit or compatibility: the 64-bit registers (a
    // compatibility-mode program sees only their low halves, but the
    // kernel's values in R8-R15 and the upper halves survive it).
    static constexpr const char* kGpr64[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                             "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    for (unsigned r : std::initializer_list<unsigned>{EAX, EBX, ECX, EDX, ESI, EDI, EBP, ESP, 8, 9, 10, 11, 12, 13, 14, 15}) {
      add(kGpr64[r], now.gpr[r], before ? before->gpr[r] : 0, 16);
    }
    add("rip", now.rip, before ? before->rip : 0, 16);
    add("rflags", now.eflags(), before ? before->eflags() : 0, 16);
    static constexpr const char* kSeg[] = {"es", "cs", "ss", "ds", "fs", "gs"};
    for (unsigned r : {CS, DS, ES, SS, FS, GS}) add(kSeg[r], now.seg[r].selector, before ? before->seg[r].selector : 0, 4);
    add("fsbase", now.seg[FS].base, before ? before->seg[FS].base : 0, 16);
    add("gsbase", now.seg[GS].base, before ? before->seg[GS].base : 0, 16);
    add("cr0", now.cr0, before ? before->cr0 : 0, 8);
    add("cr2", now.cr2, before ? before->cr2 : 0, 16);
    add("cr3", now.cr3, before ? before->cr3 : 0, 16);
    add("cr4", now.cr4, before ? before->cr4 : 0, 8);
    return rows;
  }
  static constexpr const char* kGpr[] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
  // In the order people read them: eax ebx ecx edx, esi edi ebp esp.
  // (32-bit views: a value left in bits 63:32 by IA-32e code is not shown.)
  const auto lo = [](u64 v) { return v & 0xFFFF'FFFFu; };
  for (unsigned r : {EAX, EBX, ECX, EDX, ESI, EDI, EBP, ESP}) add(kGpr[r], lo(now.gpr[r]), before ? lo(before->gpr[r]) : 0, 8);
  add("eip", lo(now.rip), before ? lo(before->rip) : 0, 8);
  add("eflags", now.eflags(), before ? before->eflags() : 0, 8);
  static constexpr const char* kSeg[] = {"es", "cs", "ss", "ds", "fs", "gs"};
  for (unsigned r : {CS, DS, ES, SS, FS, GS}) add(kSeg[r], now.seg[r].selector, before ? before->seg[r].selector : 0, 4);
  add("cr0", now.cr0, before ? before->cr0 : 0, 8);
  add("cr2", lo(now.cr2), before ? lo(before->cr2) : 0, 8);
  add("cr3", lo(now.cr3), before ? lo(before->cr3) : 0, 8);
  add("cr4", now.cr4, before ? before->cr4 : 0, 8);
  return rows;
}

std::vector<std::string> memory_rows(const Target& t, u64 addr, bool physical, unsigned rows) {
  std::vector<std::string> out;
  for (unsigned r = 0; r < rows; ++r) {
    const u64 at = addr + 16 * r;
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
  if (s.mode64()) {
    // 64-bit mode: quadwords at RSP, SS's base ignored (SDM Vol. 3A 3.4.4);
    // the offset alone (the Registers panel has RSP), to fit the panel.
    for (unsigned i = 0; i < n; ++i) {
      const auto b = t.read_linear(s.gpr[ESP] + i * 8, 8);
      std::string v;
      for (unsigned k = 8; k-- > 0;) v += b[k] ? fmt::format("{:02x}", *b[k]) : std::string("??");
      out.push_back(fmt::format("rsp+{:<3x} {}", i * 8, v));
    }
    return out;
  }
  const bool big = s.pe() && s.seg[SS].big;
  const unsigned w = big ? 4 : 2;
  for (unsigned i = 0; i < n; ++i) {
    const u32 off = static_cast<u32>(big ? s.gpr[ESP] + i * w : (s.gpr[ESP] + i * w) & 0xFFFF);
    const auto b = t.read_linear(static_cast<u32>(s.seg[SS].base + off), w);
    std::string v;
    for (unsigned k = w; k-- > 0;) v += b[k] ? fmt::format("{:02x}", *b[k]) : std::string("??");
    out.push_back(fmt::format("{}+{:<3x} {:04x}:{:0{}x}  {}", big ? "esp" : "sp", i * w, s.seg[SS].selector, off, big ? 8 : 4, v));
  }
  return out;
}

u64 listing_start(u64 eip_lin, const std::vector<u64>& shown, unsigned lines) {
  const unsigned keep = lines > 4 ? lines - 4 : 1;
  for (unsigned i = 0; i < shown.size() && i < keep; ++i) {
    if (shown[i] == eip_lin) return shown.front();
  }
  return eip_lin;
}

const CpuState* DebugPanels::before() const {
  const unsigned i = d_.current_cpu();
  return have_before_ && i < before_.size() ? &before_[i] : nullptr;
}

void DebugPanels::on_stop(const std::string& why) {
  if (have_stop_) {
    before_ = at_stop_;
    have_before_ = true;
  }
  // Every processor's registers: a later stop may select another CPU.
  at_stop_.clear();
  for (unsigned i = 0; i < m_.cpu_count(); ++i) at_stop_.push_back(m_.processor(i).cpu.state());
  have_stop_ = true;
  stopped_ = true;
  why_ = why;
}

}  // namespace gb
