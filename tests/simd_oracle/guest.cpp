#include "tests/simd_oracle/guest.hpp"

#include <cstring>

namespace gb::simd_oracle {

namespace {
constexpr u32 kGdt = 0x1000, kIdt = 0x2000, kHandlers = 0x3000, kCode = 0x1'0000, kStack = 0x3F'0000;

void put64(std::vector<u8>& ram, u32 at, u64 v) { store_le<u64>(&ram[at], v); }
}  // namespace

Guest::Guest() : cpu_(bus_, *find_cpu_model("nehalem")) {
  memory_.map_ram(0, ram_);
  cpu_.set_log(nullptr);
  // GDT: flat ring-0 code (08h) and data (10h).
  put64(ram_, kGdt + 0x08, 0x00CF'9B00'0000'FFFFu);
  put64(ram_, kGdt + 0x10, 0x00CF'9300'0000'FFFFu);
  // IDT: 32-bit interrupt gates to a HLT each.
  for (u32 v = 0; v < 256; ++v) {
    const u32 h = kHandlers + 16 * v;
    put64(ram_, kIdt + 8 * v, (h & 0xFFFF) | (u64{0x08} << 16) | (u64{0x8E} << 40) | (u64{h >> 16} << 48));
    ram_[h] = 0xF4;
  }
}

Outcome Guest::run(const std::vector<u8>& code, const State& in, State& out) {
  cpu_.reset();
  CpuState& s = cpu_.state();
  s.cr0 = 0x33;   // PE, MP, ET, NE (as Linux runs)
  s.cr4 = 0x600;  // OSFXSR, OSXMMEXCPT
  s.gdtr = TableRegister{kGdt, 0x17};
  s.idtr = TableRegister{kIdt, 256 * 8 - 1};
  for (unsigned sg = 0; sg < 6; ++sg) {
    Segment& x = s.seg[sg];
    x.selector = sg == CS ? 0x08 : 0x10;
    x.base = 0;
    x.limit = 0xFFFF'FFFFu;
    x.access = sg == CS ? 0x9B : 0x93;
    x.flags = 0xC;
    x.big = true;
  }
  s.cpl = 0;
  cpu_.update_mode();
  for (unsigned r = 0; r < 8; ++r) s.gpr[r] = in.gpr[r];
  s.gpr[ESP] = kStack;
  s.gpr[ESI] = kBuf;
  cpu_.write_eflags((in.eflags & kArith) | 0x2, 0xFFFF'FFFFu);
  FpuState& f = s.fpu;
  for (unsigned i = 0; i < 8; ++i) {
    f.r[i].sig = in.mm[i];
    f.r[i].se = in.mse[i];
    std::memcpy(f.xmm[i].b.data(), in.xmm[i].data(), 16);
  }
  f.fcw = in.fcw;
  f.fsw = in.fsw;
  f.full = in.ftw;
  f.mxcsr = in.mxcsr;
  std::memcpy(ram_.data() + kBuf, in.mem.data(), kMemBytes);
  std::memcpy(ram_.data() + kCode, code.data(), code.size());
  ram_[kCode + code.size()] = 0xF4;  // HLT
  bus_.host_wrote(kCode, code.size() + 1);
  s.rip = kCode;
  const StopReason why = cpu_.run(200);

  Outcome o;
  const u32 end = kCode + static_cast<u32>(code.size()) + 1;
  if (why == StopReason::Halted && s.rip == end) {
    o.completed = true;
  } else if (why == StopReason::Halted && s.rip > kHandlers && s.rip <= kHandlers + 256 * 16 && (s.rip - kHandlers) % 16 == 1) {
    o.vector = static_cast<int>((s.rip - kHandlers) / 16);
    const bool error_code = o.vector == 8 || (o.vector >= 10 && o.vector <= 14) || o.vector == 17;
    const u32 sp = s.gpr[ESP] + (error_code ? 4 : 0);
    if (sp + 4 <= ram_.size()) o.fault_offset = load_le<u32>(&ram_[sp]) - kCode;
  }
  out = in;
  for (unsigned r = 0; r < 8; ++r) out.gpr[r] = s.gpr[r];
  out.gpr[ESP] = 0;
  out.eflags = cpu_.eflags() & kArith;
  for (unsigned i = 0; i < 8; ++i) {
    out.mm[i] = f.r[i].sig;
    out.mse[i] = f.r[i].se;
    std::memcpy(out.xmm[i].data(), f.xmm[i].b.data(), 16);
  }
  out.fcw = f.fcw;
  out.fsw = f.fsw;
  out.ftw = f.full;
  out.mxcsr = f.mxcsr;
  std::memcpy(out.mem.data(), ram_.data() + kBuf, kMemBytes);
  return o;
}

}  // namespace gb::simd_oracle
