#include "tests/oracle64/guest.hpp"

#include <cstring>

#include "cpu/msr.hpp"
#include "mmu/endian.hpp"

namespace gb::oracle64 {

namespace {

// Page tables: PML4, PDPT, PD, and two page tables mapping 0-4 MiB with
// 4 KiB pages (SDM Vol. 3A 4.5.4, Figure 4-8).
constexpr u64 kPml4 = 0x1000, kPdpt = 0x2000, kPd = 0x3000, kPt = 0x4000;
constexpr u64 kP = 1, kRW = 2, kUS = 4, kXD = u64{1} << 63;

void put64(std::vector<u8>& ram, u64 at, u64 v) { store_le<u64>(&ram[at], v); }

}  // namespace

Guest::Guest(const CpuModel& model, bool paging) : cpu_(bus_, model), paging_(paging) {
  memory_.map_ram(0, ram_);
  cpu_.set_log(nullptr);
  cpu_.set_observer(&watch_);
  put64(ram_, kPml4, kPdpt | kP | kRW | kUS);
  put64(ram_, kPdpt, kPd | kP | kRW | kUS);
  for (u64 t = 0; t < 2; ++t) put64(ram_, kPd + 8 * t, (kPt + 0x1000 * t) | kP | kRW | kUS);
  for (u64 page = 0; page < 1024; ++page) {
    const u64 lin = page << 12;
    const bool data = lin >> 20 == kData >> 20;  // the data page and its megabyte: not executable
    put64(ram_, kPt + 8 * page, lin | kP | kRW | kUS | (data ? kXD : 0));
  }
}

Outcome Guest::run(const std::vector<u8>& code, const State& in, State& out) {
  cpu_.reset();
  CpuState& s = cpu_.state();
  // PG, WP, NE, ET, MP, PE (as Linux runs); without paging_ PG stays clear
  // and EFER.LMA is set by hand (no real CPU gets there: a bring-up rig).
  s.cr0 = paging_ ? 0x8001'0033 : 0x0001'0033;
  s.cr4 = 0x620;        // OSXMMEXCPT, OSFXSR, PAE
  s.efer = msr::kEferLme | msr::kEferLma | msr::kEferNxe | msr::kEferSce;
  s.cr3 = kPml4;
  for (unsigned sg = 0; sg < 6; ++sg) {
    Segment& x = s.seg[sg];
    x.selector = sg == CS ? 0x33 : 0x2B;  // Linux's __USER_CS and __USER_DS
    x.base = 0;
    x.limit = 0xFFFF'FFFFu;
    x.access = sg == CS ? 0xFB : 0xF3;  // DPL 3: code execute/read, data read/write; accessed
    x.flags = sg == CS ? 0xA : 0xC;     // CS: G, L (D clear); data: G, B
    x.big = sg != CS;
  }
  s.cpl = 3;
  cpu_.update_mode();
  cpu_.update_mode();
  cpu_.update_paging(Cpu::TlbFlush::All);
  for (unsigned r = 0; r < 16; ++r) s.gpr[r] = in.gpr[r];
  cpu_.write_eflags(static_cast<u32>(in.rflags & (kArith | kDF)) | 0x202, 0xFFFF'FFFFu);
  FpuState& f = s.fpu;
  for (unsigned i = 0; i < 16; ++i) std::memcpy(f.xmm[i].b.data(), in.xmm[i].data(), 16);
  f.mxcsr = in.mxcsr;
  std::memcpy(ram_.data() + kData, in.mem.data(), kMemBytes);
  // The sequence, in a code page otherwise full of INT3: a stray jump
  // ends in #BP instead of running an older sequence's bytes.
  std::memset(ram_.data() + kCode, 0xCC, 0x1000);
  std::memcpy(ram_.data() + kSeq, code.data(), code.size());
  bus_.host_wrote(kCode, 0x1000);
  s.rip = kSeq;
  watch_.end = kSeq + code.size();
  watch_.vector = -1;
  cpu_.run(100'000);

  Outcome o;
  if (watch_.vector >= 0) {
    o.vector = watch_.vector;
    o.fault_offset = static_cast<u32>(watch_.fault_rip - kSeq);
  } else {
    o.completed = s.rip == watch_.end;
  }
  out = in;
  for (unsigned r = 0; r < 16; ++r) out.gpr[r] = s.gpr[r];
  out.rflags = cpu_.eflags() & (kArith | kDF);
  for (unsigned i = 0; i < 16; ++i) std::memcpy(out.xmm[i].data(), f.xmm[i].b.data(), 16);
  out.mxcsr = f.mxcsr;
  std::memcpy(out.mem.data(), ram_.data() + kData, kMemBytes);
  return o;
}

}  // namespace gb::oracle64
