// glassbox-long-fuzz: runs random instruction bytes in IA-32e mode (issue
// 21, "Bad input"): 64-bit and compatibility mode, CPL 0 and 3, 4- and
// 5-level paging over tables with random extra entries (reserved bits, NX,
// U/S, 1 GiB and 2 MiB pages), a GDT with random 8- and 16-byte
// descriptors, a 64-bit IDT with random gates, a 64-bit TSS with random
// stack pointers, random SYSCALL MSRs. Whatever the bytes, the CPU must
// raise the SDM's exception (or triple-fault) and never crash or hang the
// host. Run under the sanitizer build in CI (.ci/run).
//   glassbox-long-fuzz [INSTRUCTIONS] [SEED] [PER-ROUND]  (PER-ROUND: 4000)
// GB_FUZZ_VERBOSE=1 prints each round's number before it runs;
// GB_FUZZ_TRACE=N prints every instruction of round N (RIP and bytes);
// GB_FUZZ_STATS=1 counts faults by vector and instructions by mode.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "cpu/cpu.hpp"
#include "cpu/cpuid.hpp"
#include "cpu/msr.hpp"
#include "mmu/endian.hpp"

using namespace gb;

namespace {

// Physical (= linear, identity-mapped) layout of the 4 MiB of RAM.
constexpr u64 kPml5 = 0x1000, kPml4 = 0x2000, kPdpt = 0x3000, kPd = 0x4000, kPt = 0x5000;  // PTs: 5000h, 6000h
constexpr u64 kXPdpt = 0x7000, kXPd = 0x8000, kXPt = 0x9000;  // extra tables with random entries
constexpr u64 kGdt = 0xA000, kLdt = 0xA800, kIdt = 0xB000, kTss = 0xC000;  // TSS + I/O bitmap to E068h
constexpr u64 kCode = 0x10000, kCodeSize = 0x20000;
constexpr u64 kData = 0x100000, kStack = 0x200000;
constexpr u64 kRam = 4u << 20;

// Selectors (Linux's order: SYSRET from STAR[63:48] = 20h).
constexpr u16 kCode32k = 0x08, kCode64k = 0x10, kDatak = 0x18, kCode32u = 0x23, kDatau = 0x2B, kCode64u = 0x33,
              kTssSel = 0x40, kLdtSel = 0x50, kGate = 0x60, kBadGate = 0x70;

constexpr u64 P = 1, RW = 2, US = 4, PS = 0x80, G = 0x100, XD = u64{1} << 63;

struct Machine {
  std::vector<u8> ram = std::vector<u8>(kRam);
  MemoryMap memory;
  IoMap io;
  Bus bus{memory, io};
  Cpu cpu;
  explicit Machine(const CpuModel& m) : cpu(bus, m) {
    memory.map_ram(0, ram);
    cpu.set_log(nullptr);
  }
};

// Prints each instruction of a traced round (GB_FUZZ_TRACE).
struct Tracer : CpuObserver {
  const std::vector<u8>* ram = nullptr;
  bool before_insn(const Cpu& c) override {
    const CpuState& s = c.state();
    std::string bytes;
    for (u64 i = 0; i < 15 && s.rip + i < ram->size(); ++i) bytes += fmt::format("{:02x} ", (*ram)[s.rip + i]);
    u64 h = c.eflags();
    for (unsigned i = 0; i < 16; ++i) h = (h ^ s.gpr[i]) * 0x100'0000'01B3u;
    for (const auto& x : s.fpu.xmm) {
      for (u8 b : x.b) h = (h ^ b) * 0x100'0000'01B3u;
    }
    std::fprintf(stderr, "  cpl%u %04x:%016llx  %-45s regs %016llx\n", s.cpl, s.seg[CS].selector,
                 static_cast<unsigned long long>(s.rip), bytes.c_str(), static_cast<unsigned long long>(h));
    return true;
  }
  void on_fault(const Cpu&, const GuestFault& f) override {
    std::fprintf(stderr, "    fault %u error %x\n", f.vector, f.error);
  }
};

// Counts the faults delivered and the instructions run per mode
// (GB_FUZZ_STATS): how much of the ground the random bytes cover.
struct Stats : CpuObserver {
  u64 faults[32] = {};
  u64 insns[2][2] = {};  // [64-bit mode][CPL 3]
  bool before_insn(const Cpu& c) override {
    ++insns[c.mode64()][c.state().cpl == 3];
    return true;
  }
  void on_fault(const Cpu&, const GuestFault& f) override { ++faults[f.vector & 31]; }
  void print() const {
    std::fprintf(stderr, "instructions: 64-bit CPL0 %llu, CPL3 %llu; compatibility CPL0 %llu, CPL3 %llu\nfaults:",
                 static_cast<unsigned long long>(insns[1][0]), static_cast<unsigned long long>(insns[1][1]),
                 static_cast<unsigned long long>(insns[0][0]), static_cast<unsigned long long>(insns[0][1]));
    for (unsigned v = 0; v < 32; ++v) {
      if (faults[v]) std::fprintf(stderr, " %u:%llu", v, static_cast<unsigned long long>(faults[v]));
    }
    std::fprintf(stderr, "\n");
  }
};

class Round {
 public:
  Round(Machine& m, u64 seed) : m_(m), ram_(m.ram), r_(seed) {}

  /// Builds the round's memory, tables and CPU state.
  void build() {
    const CpuModel& model = m_.cpu.model();
    la57_ = model.la57 && pick(2);  // 5-level paging in half the rounds that can
    maxphy_ = cpuid_maxphyaddr(model);
    kind_ = static_cast<unsigned>(r_() % 4);  // bit 0: CPL 3, bit 1: compatibility mode
    // The data: random from earlier rounds, a random eighth of it anew.
    const u64 window = (kRam - kData) / 8, from = kData + window * (r_() % 8);
    fill_random(from, window);
    sprinkle(from, window);
    code(kCode, kCodeSize);
    paging(model);
    gdt();
    idt();
    tss();
    cpu_state(model);
    start_ = m_.cpu.state();
  }

  /// Bit 0: CPL 3; bit 1: compatibility mode.
  unsigned kind() const { return kind_; }

  /// Runs up to `budget` instructions. A CPL 3 or compatibility-mode round
  /// stays there: when a fault takes the CPU to its (CPL 0, 64-bit) handler,
  /// a few instructions later the round's start state comes back with a
  /// new RIP and RSP (the memory as the code left it). Returns why the last
  /// run() stopped; `reentries` counts the returns. A HLT with nothing to
  /// wake it (`halts`) is also left that way.
  StopReason run(u64 budget, u64& reentries, u64& halts) {
    Cpu& cpu = m_.cpu;
    CpuState& s = cpu.state();
    const bool stay = start_.cpl != 0 || (kind_ & 2);
    const u64 first = cpu.instructions();
    for (;;) {
      const u64 done = cpu.instructions() - first;
      if (done >= budget) return StopReason::Budget;
      const StopReason why = cpu.run(stay ? std::min<u64>(2, budget - done) : budget - done);
      if (why == StopReason::Halted) ++halts;
      if (why != StopReason::Budget && why != StopReason::Halted) return why;
      if (why == StopReason::Halted || (stay && (s.cpl != start_.cpl || cpu.mode64() != !(kind_ & 2)))) {
        ++reentries;
        // The round's mode and system registers; GPRs, XMM and memory as
        // the handler left them.
        const bool paging_changed = s.cr0 != start_.cr0 || s.cr3 != start_.cr3 || s.cr4 != start_.cr4 ||
                                    s.efer != start_.efer;
        s.seg = start_.seg;
        s.cpl = start_.cpl;
        s.cr0 = start_.cr0;
        s.cr3 = start_.cr3;
        s.cr4 = start_.cr4;
        s.efer = start_.efer;
        s.gdtr = start_.gdtr;
        s.idtr = start_.idtr;
        s.tr = start_.tr;
        s.ldtr = start_.ldtr;
        s.msr.star = start_.msr.star;
        s.msr.lstar = start_.msr.lstar;
        s.msr.fmask = start_.msr.fmask;
        s.halted = false;
        s.rip = kCode + r_() % kCodeSize;
        s.gpr[ESP] = stack_pointer();
        s.gpr[ECX] = r_() % 0x10000;  // a REP count: a REPE CMPS over open bus runs as long as RCX says
        if (kind_ & 2) s.gpr[ESP] &= 0xFFFF'FFFFu;
        cpu.write_eflags(start_.eflags(), 0xFFFF'FFFFu & ~(fl::VM | fl::VIF | fl::VIP));
        cpu.update_mode();
        cpu.update_mode();
        if (paging_changed) cpu.update_paging(Cpu::TlbFlush::All);
      }
    }
  }

 private:
  Machine& m_;
  std::vector<u8>& ram_;
  std::mt19937_64 r_;
  bool la57_ = false;
  unsigned maxphy_ = 36, kind_ = 0;
  CpuState start_;

  bool pick(unsigned n) { return r_() % n == 0; }  // probability 1/n
  void put64(u64 at, u64 v) { store_le<u64>(&ram_[at], v); }
  void fill_random(u64 at, u64 size) {
    for (u64 i = 0; i < size; i += 8) put64(at + i, r_());
  }

  // A linear address worth trying: identity-mapped RAM, the extra
  // mappings, high canonical, just either side of the canonical hole, or
  // anything.
  u64 addr() {
    const u64 v = r_();
    const unsigned bits = la57_ ? 57 : 48;
    const u64 hole = u64{1} << (bits - 1);
    switch (r_() % 11) {
      case 0: case 1: case 2: case 3: return v % kRam;
      case 9: return ~u64{0} - (v & 0x1F);                        // an access that wraps at 2^64
      case 4: return (u64{1 + static_cast<unsigned>(v >> 60) % 4} << 39 | (v & ((u64{1} << 39) - 1)));
      case 5: return ~(hole - 1) | (v & (hole - 1));              // high canonical
      case 6: return hole - 1 - (v & 0xFFF);                      // top of the low half
      case 7: return hole + (v & 0xFFF);                          // first non-canonical
      case 8: return (v % kRam) | (u64{1} << (47 + v % 17));      // RAM with a high bit set
      default: return v;
    }
  }
  // A selector: the fixed ones, or any GDT slot (also the upper halves of
  // 16-byte descriptors), any LDT slot, any RPL.
  u64 selector() {
    static constexpr u16 kSels[] = {kCode32k, kCode64k, kDatak, kCode32u, kDatau, kCode64u, kTssSel,
                                    kLdtSel,  kGate,    kGate | 3, kBadGate | 3, 0x0C | 3, 0x14 | 3};
    u64 sel = pick(2) ? kSels[r_() % std::size(kSels)] : (r_() % 0x400) & ~u64{7};
    if (pick(4)) sel |= 4 | (r_() % 4);
    return sel;
  }
  u64 canonical_or_not(u64 good) { return pick(6) ? good ^ (u64{1} << (48 + r_() % 15)) : good; }

  // Random interesting values in the data: selectors (far pointers, gates),
  // addresses, small counts.
  void sprinkle(u64 at, u64 size) {
    for (u64 i = 0; i < size; i += 8) {
      if (!pick(8)) continue;
      const u64 sel = selector();
      switch (r_() % 3) {
        case 0: put64(at + i, addr()); break;
        case 1: put64(at + i, (sel << 32) | (kCode + r_() % kCodeSize)); break;  // m16:32
        default: put64(at + i, sel); break;                                      // m16:64's selector, SS, ...
      }
    }
  }

  // Instruction-shaped random bytes: legacy, mandatory (66/F2/F3) and REX
  // prefixes, the one-byte map and the 0F, 0F 38 and 0F 3A maps, ModR/M,
  // SIB, displacements and immediates; now and then a system instruction.
  void code(u64 at, u64 size) {
    static constexpr u8 kLegacy[] = {0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65};
    static const std::vector<std::vector<u8>> kSystem = {
        {0x0F, 0x05}, {0x0F, 0x07}, {0x48, 0x0F, 0x07}, {0x48, 0xCF}, {0xCF}, {0xCD}, {0xCC}, {0xCE},
        {0xCB}, {0x48, 0xCB}, {0xCA}, {0xFF}, {0x48, 0xFF}, {0x0F, 0x00}, {0x0F, 0x01}, {0x0F, 0x01, 0xF8},
        {0x0F, 0x01, 0xF9}, {0x0F, 0x22}, {0x0F, 0x20}, {0x0F, 0x30}, {0x0F, 0x32}, {0x8E}, {0x17}, {0x0F, 0xB2},
        {0x48, 0x0F, 0xC7}, {0x66, 0x0F, 0x38, 0x82}, {0x0F, 0x02}, {0x0F, 0x03}, {0x9D}, {0x48, 0x9D},
        {0x0F, 0x34}, {0x0F, 0x35}, {0x48, 0x0F, 0x35}, {0xEA}, {0x9A}, {0x0F, 0xA1}, {0x0F, 0xA9}, {0xE8},
        {0xC3}, {0xC2}, {0xA4}, {0xF3, 0x48, 0xAB}, {0xF3, 0xA6}, {0x0F, 0xAE}, {0x0F, 0x0B}, {0x0F, 0xA2},
    };
    u64 p = at;
    const u64 end = at + size - 32;
    while (p < end) {
      const unsigned kind = static_cast<unsigned>(r_() % 16);
      if (kind == 0) {  // plain random bytes
        for (unsigned n = 1 + r_() % 15; n--;) ram_[p++] = static_cast<u8>(r_());
        continue;
      }
      if (kind == 1) {  // a system instruction with random operand bytes
        for (u8 b : kSystem[r_() % kSystem.size()]) ram_[p++] = b;
      } else {
        if (pick(4)) ram_[p++] = kLegacy[r_() % std::size(kLegacy)];
        if (pick(3)) ram_[p++] = static_cast<u8>(0x66 + (r_() % 3 == 0 ? 0 : 0x8C + r_() % 2));  // 66, F2, F3
        if (pick(2)) ram_[p++] = static_cast<u8>(0x40 | (r_() & 0xF));
        switch (r_() % 10) {
          case 0: case 1: case 2: case 3: case 4: ram_[p++] = static_cast<u8>(r_()); break;
          case 5: case 6: case 7: ram_[p++] = 0x0F; ram_[p++] = static_cast<u8>(r_()); break;
          case 8: ram_[p++] = 0x0F; ram_[p++] = 0x38; ram_[p++] = static_cast<u8>(r_()); break;
          default: ram_[p++] = 0x0F; ram_[p++] = 0x3A; ram_[p++] = static_cast<u8>(r_()); break;
        }
      }
      // ModR/M (a third register forms), SIB, disp32 or disp8, immediate.
      u8 modrm = static_cast<u8>(r_());
      if (pick(3)) modrm |= 0xC0;
      ram_[p++] = modrm;
      if ((modrm & 0xC7) == 0x05 && pick(2)) {  // RIP-relative: mostly near the code
        store_le<u32>(&ram_[p], static_cast<u32>(static_cast<i32>(r_() % 0x20000) - 0x10000));
        p += 4;
      }
      for (unsigned n = r_() % 6; n--;) ram_[p++] = static_cast<u8>(r_());
    }
    while (p < at + size) ram_[p++] = 0xCC;
  }

  // Random flags for an extra paging-structure entry: mostly present,
  // sometimes reserved address bits (MAXPHYADDR..51), XD, PS.
  u64 entry_flags(bool ps_ok) {
    // Each draw its own statement: the order of operands is unspecified,
    // and every build must make the same machine from a seed.
    u64 f = pick(8) ? 0 : P;
    if (!pick(4)) f |= RW;
    if (pick(2)) f |= US;
    f |= r_() & 0x60;
    if (pick(4)) f |= G;
    if (pick(4)) f |= XD;
    if (pick(6)) f |= u64{1} << (maxphy_ + r_() % (52 - maxphy_));
    if (ps_ok ? pick(3) : pick(12)) f |= PS;  // PS in a PML4E/PML5E is reserved
    return f;
  }
  // A table for an extra entry to point to: a prepared one or random RAM.
  u64 table(u64 prepared) { return pick(3) ? (kData + (r_() % (kRam - kData))) & ~u64{0xFFF} : prepared; }

  void paging(const CpuModel& model) {
    fill_random(kPml5, 0x9000);  // PML5 .. the extra PT: garbage to start with
    for (u64 t : {kPml5, kPml4, kPdpt, kPd}) {
      for (u64 i = 0; i < 512; ++i) {
        if (!pick(16)) put64(t + 8 * i, 0);  // most entries not present
      }
    }
    // Identity map 0-4 MiB with 4 KiB pages: the tables supervisor-only,
    // the code user for CPL 3 (and sometimes for CPL 0: SMEP), the data
    // random U/S and sometimes XD.
    const bool user = (kind_ & 1) || pick(4);
    put64(kPml5, kPml4 | P | RW | US);
    put64(kPml4, kPdpt | P | RW | US);
    put64(kPdpt, kPd | P | RW | US);
    put64(kPd, kPt | P | RW | US);
    put64(kPd + 8, (kPt + 0x1000) | P | RW | US);
    for (u64 page = 0; page < kRam >> 12; ++page) {
      const u64 lin = page << 12;
      u64 f = P | RW;
      if (lin < kCode) {
        f |= pick(64) ? US : 0;
      } else if (lin < kCode + kCodeSize) {
        f |= (user ? US : 0) | (pick(64) ? XD : 0);
      } else if (lin >= kStack && lin < kStack + 0x100000 && !pick(16)) {
        f |= (kind_ & 1) ? US : 0;  // stacks: mostly usable, so rounds get past their first fault
      } else {
        if (!pick(4)) f |= US;
        if (pick(8)) f |= XD;
        if (pick(32)) f &= ~RW;
        if (pick(64)) f &= ~P;
        if (pick(128)) f |= u64{1} << (maxphy_ + r_() % (52 - maxphy_));
      }
      put64(kPt + 8 * page, lin | f);
    }
    // Extra entries at every level: PML4 1-4, 256, 511 (and the PML5's
    // others), PDPT 1-3 (1 GiB pages), PD 2-511 (2 MiB pages).
    for (u64 i : {1, 2, 3, 4, 256, 511}) {
      const u64 t = table(kXPdpt);
      put64(kPml4 + 8 * i, t | entry_flags(false));
    }
    for (u64 i : {1, 255, 256, 511}) {
      const u64 t = table(kPml4);
      put64(kPml5 + 8 * i, t | entry_flags(false));
    }
    for (u64 i = 1; i < 4; ++i) {
      const u64 f = entry_flags(model.page1gb);
      u64 frame = (f & PS) ? (pick(2) ? 0 : (r_() & 0xF) << 30) : table(kXPd);
      if ((f & PS) && pick(4)) frame |= r_() & 0x3FFFE000;  // reserved bits 29:13
      put64(kPdpt + 8 * i, frame | f);
    }
    for (u64 i = 2; i < 512; ++i) {
      if (!pick(8)) continue;
      const u64 f = entry_flags(true);
      u64 frame = (f & PS) ? (r_() % 4) << 21 : table(kXPt);
      if ((f & PS) && pick(4)) frame |= r_() & 0x1FE000;  // reserved bits 20:13
      put64(kPd + 8 * i, frame | f);
    }
    for (u64 t : {kXPdpt, kXPd, kXPt}) {
      for (u64 i = 0; i < 512; ++i) {
        const u64 f = entry_flags(t != kXPt);
        const u64 next = t == kXPdpt ? kXPd : t == kXPd ? kXPt : (r_() % kRam) & ~u64{0xFFF};
        put64(t + 8 * i, (pick(4) ? next : (r_() % kRam) & ~u64{0xFFF}) | f);
      }
    }
  }

  // Descriptor words.
  static u64 desc(u32 base, u32 limit, u8 access, u8 flags) {
    return (limit & 0xFFFF) | (u64{base & 0xFFFFFF} << 16) | (u64{access} << 40) | (u64{(limit >> 16) & 0xF} << 48) |
           (u64{flags & 0xFu} << 52) | (u64{base >> 24} << 56);
  }
  // A 16-byte system descriptor or gate at `at`: `access` byte 5, base or
  // offset 64 bits, the upper half's type field `upper_type` (must be 0).
  void sys16(u64 at, u64 base, u32 limit, u8 access, u16 sel, bool gate, u8 upper_type) {
    const u64 lo = gate ? (base & 0xFFFF) | (u64{sel} << 16) | (u64{access} << 40) | (((base >> 16) & 0xFFFF) << 48)
                        : desc(static_cast<u32>(base), limit, access, 0);
    put64(at, lo);
    put64(at + 8, (base >> 32) | (u64{upper_type} << 40));
  }
  u8 maybe_bad_type() { return pick(6) ? static_cast<u8>(1 + r_() % 31) : 0; }

  void gdt() {
    fill_random(kGdt, 0x400);
    put64(kGdt + 0x00, 0);
    put64(kGdt + kCode32k, desc(0, 0xFFFFF, 0x9B, 0xC));
    put64(kGdt + kCode64k, desc(0, 0xFFFFF, 0x9B, 0xA));
    put64(kGdt + kDatak, desc(0, 0xFFFFF, 0x93, 0xC));
    put64(kGdt + (kCode32u & ~3), desc(0, 0xFFFFF, 0xFB, 0xC));
    put64(kGdt + (kDatau & ~3), desc(0, 0xFFFFF, 0xF3, 0xC));
    put64(kGdt + (kCode64u & ~3), desc(0, 0xFFFFF, 0xFB, 0xA));
    u64 base = canonical_or_not(kTss);
    sys16(kGdt + kTssSel, base, 0x68 + 0x2000, 0x8B, 0, false, maybe_bad_type());
    base = canonical_or_not(kLdt);
    sys16(kGdt + kLdtSel, base, 0x7FF, 0x82, 0, false, maybe_bad_type());
    base = kCode + r_() % kCodeSize;
    sys16(kGdt + kGate, base, 0, 0xEC, pick(4) ? kCode32k : kCode64k, true, 0);
    base = canonical_or_not(kCode + r_() % kCodeSize);
    sys16(kGdt + kBadGate, base, 0, 0xEC, kCode64k, true, maybe_bad_type());
    // 80h-3F8h: valid code and data with random DPL, L and D, and random
    // 16-byte system descriptors and gates.
    for (u64 at = 0x80; at < 0x400; at += 16) {
      switch (r_() % 4) {
        case 0: break;  // random bytes
        case 1:
          for (u64 half = 0; half < 16; half += 8) {
            const u8 access = static_cast<u8>((half ? 0x98 : 0x90) | (r_() & (half ? 0x67 : 0x6F)));
            put64(kGdt + at + half, desc(0, 0xFFFFF, access, static_cast<u8>(r_() & 0xE)));
          }
          break;
        default: {
          static constexpr u8 kTypes[] = {0x2, 0x9, 0xB, 0xC, 0xC, 0xE, 0xF, 0x4, 0x5, 0x1, 0x3};
          const u8 type = kTypes[r_() % std::size(kTypes)];
          const u8 present = pick(8) ? 0 : 0x80;
          const u8 access = static_cast<u8>(present | (r_() & 0x60) | type);
          const bool gate = type >= 0xC || type == 0x4 || type == 0x5;
          const u16 sel = gate ? static_cast<u16>(pick(2) ? kCode64k : r_() & 0x3FF) : 0;
          const u64 b = canonical_or_not(pick(2) ? kCode + r_() % kCodeSize : addr());
          const u32 limit = static_cast<u32>(r_());
          sys16(kGdt + at, b, limit, access, sel, gate, maybe_bad_type());
        }
      }
    }
    fill_random(kLdt, 0x800);
    put64(kLdt + 0x08, desc(0, 0xFFFFF, 0xF3, 0xC));
    put64(kLdt + 0x10, desc(0, 0xFFFFF, 0xFB, 0xA));
  }

  void idt() {
    fill_random(kIdt, 0x1000);
    for (u64 v = 0; v < 256; ++v) {
      // The fault vectors a first fault leads to (#DF, #TS..#PF) are mostly
      // well-formed, so rounds go on past it.
      const bool core = v == 8 || (v >= 10 && v <= 14);
      if (core ? pick(16) : pick(6)) continue;  // random bytes
      const u64 off = kCode + r_() % kCodeSize;
      const u8 dpl = pick(3) ? 0x60 : 0;
      const u8 access = static_cast<u8>(0x80 | dpl | (pick(2) ? 0xE : 0xF));
      const u16 sel = pick(10) ? static_cast<u16>(r_() & 0x7F) : kCode64k;
      const u64 ist = pick(3) ? r_() % 8 : 0;
      u8 bad_type = 0;
      u64 target = off;
      u8 acc = access;
      switch (r_() % (core ? 40 : 12)) {
        case 0: bad_type = static_cast<u8>(1 + r_() % 31); break;                   // upper-half type
        case 1: target = off | (u64{1} << (47 + r_() % 16)); break;                 // non-canonical target
        case 2: acc &= 0x7F; break;                                                 // not present
        case 3: acc = static_cast<u8>((acc & 0xF0) | (r_() % 16)); break;            // any type
        default: break;
      }
      put64(kIdt + 16 * v, (target & 0xFFFF) | (u64{sel} << 16) | (ist << 32) | (u64{acc} << 40) |
                               (((target >> 16) & 0xFFFF) << 48));
      put64(kIdt + 16 * v + 8, (target >> 32) | (u64{bad_type} << 40));
    }
  }

  u64 stack_pointer() {
    switch (r_() % 16) {
      case 0: return canonical_or_not(addr()) & ~u64{7};
      case 1: return addr();
      default: {
        const u64 sp = kStack + r_() % 0x100000;
        return pick(2) ? sp & ~u64{0xF} : sp;
      }
    }
  }

  void tss() {
    fill_random(kTss, 0x68 + 0x2000);
    put64(kTss + 0, 0);
    for (unsigned i = 0; i < 3; ++i) put64(kTss + 4 + 8 * i, stack_pointer());  // RSP0-2
    for (unsigned i = 1; i < 8; ++i) put64(kTss + 0x1C + 8 * i, stack_pointer());  // IST1-7 at 24h
    store_le<u16>(&ram_[kTss + 0x66], pick(4) ? static_cast<u16>(r_()) : 0x68);
  }

  void cpu_state(const CpuModel& model) {
    Cpu& cpu = m_.cpu;
    cpu.reset();
    cpu.memory_changed();
    CpuState& s = cpu.state();
    s.cr0 = 0x8000'0033u;  // PG NE ET MP PE; WP, AM, TS, EM
    if (!pick(4)) s.cr0 |= 0x1'0000u;
    if (pick(4)) s.cr0 |= 0x4'0000u;
    if (pick(16)) s.cr0 |= 8;
    if (pick(32)) s.cr0 |= 4;
    u64 cr4 = 0x20;  // PAE; OSFXSR, OSXMMEXCPT, PGE, TSD, DE
    if (!pick(8)) cr4 |= 0x200;
    if (!pick(4)) cr4 |= 0x400;
    if (pick(2)) cr4 |= 0x80;
    if (pick(8)) cr4 |= 4;
    if (pick(8)) cr4 |= 8;
    if (model.pcid && pick(3)) cr4 |= u64{1} << 17;
    if (model.smep && pick(3)) cr4 |= u64{1} << 20;
    if (model.smap && pick(3)) cr4 |= u64{1} << 21;
    if (model.umip && pick(3)) cr4 |= u64{1} << 11;
    if (la57_) cr4 |= u64{1} << 12;
    s.cr4 = cr4;
    s.cr3 = (la57_ ? kPml5 : kPml4) | ((cr4 >> 17 & 1) ? r_() & 0xFFF : pick(2) ? 0x18 : 0);
    s.efer = msr::kEferLme | msr::kEferLma;
    if (!pick(8)) s.efer |= msr::kEferSce;
    if (model.nx && !pick(4)) s.efer |= msr::kEferNxe;
    s.msr.star = pick(8) ? r_() : (u64{0x23} << 48) | (u64{kCode64k} << 32);
    s.msr.lstar = canonical_or_not(kCode + r_() % kCodeSize);
    s.msr.cstar = kCode + r_() % kCodeSize;
    s.msr.fmask = pick(4) ? r_() & 0xFFFF'FFFFu : 0x47700;
    s.msr.kernel_gs_base = canonical_or_not(addr());
    s.msr.tsc_aux = r_() & 0xFFFF'FFFFu;
    s.msr_sysenter_cs = pick(2) ? kCode64k : r_() & 0xFFFF;
    s.msr_sysenter_esp = stack_pointer();
    s.msr_sysenter_eip = kCode + r_() % kCodeSize;
    s.gdtr = TableRegister{kGdt, static_cast<u16>(pick(8) ? r_() % 0x400 : 0x3FF)};
    s.idtr = TableRegister{kIdt, static_cast<u16>(pick(8) ? r_() % 0x1000 : 0xFFF)};
    s.tr.selector = kTssSel;
    s.tr.base = kTss;
    s.tr.limit = 0x68 + 0x2000;
    s.tr.access = 0x8B;
    s.ldtr.selector = kLdtSel;
    s.ldtr.base = kLdt;
    s.ldtr.limit = 0x7FF;
    s.ldtr.access = 0x82;
    const bool user = kind_ & 1, compat = kind_ & 2;
    for (unsigned sg = 0; sg < 6; ++sg) {
      Segment& x = s.seg[sg];
      x.selector = user ? kDatau : kDatak;
      x.base = 0;
      x.limit = 0xFFFF'FFFFu;
      x.access = user ? 0xF3 : 0x93;
      x.flags = 0xC;
      x.big = true;
      if ((sg == DS || sg == ES) && pick(8)) {  // NULL: usable in 64-bit mode, #GP in compatibility mode
        x.selector = 0;
        x.access = 0;
      }
    }
    Segment& cs = s.seg[CS];
    cs.selector = compat ? (user ? kCode32u : kCode32k) : (user ? kCode64u : kCode64k);
    cs.access = user ? 0xFB : 0x9B;
    cs.flags = compat ? 0xC : 0xA;
    cs.big = compat;
    s.seg[FS].base = canonical_or_not(addr());
    s.seg[GS].base = canonical_or_not(addr());
    if (compat) {  // FS/GS bases from 32-bit descriptors
      s.seg[FS].base &= 0xFFFF'FFFFu;
      s.seg[GS].base &= 0xFFFF'FFFFu;
    }
    s.cpl = user ? 3 : 0;
    cpu.update_mode();
    cpu.update_mode();
    cpu.update_paging(Cpu::TlbFlush::All);
    for (unsigned i = 0; i < 16; ++i) s.gpr[i] = pick(6) ? selector() : addr();
    s.gpr[ECX] = pick(4) ? r_() % 0x10 : r_() % 0x10000;  // REP counts (and MSR numbers now and then)
    if (pick(4)) {
      static constexpr u32 kMsrs[] = {msr::kEfer, 0xC000'0081u, 0xC000'0082u, 0xC000'0084u, 0xC000'0100u,
                                      0xC000'0101u, 0xC000'0102u, 0x174, 0x175, 0x176, 0x1B, 0x277, 0xC000'0103u};
      s.gpr[ECX] = kMsrs[r_() % std::size(kMsrs)];
    }
    s.gpr[ESP] = stack_pointer();
    if (compat) {
      for (unsigned i = 0; i < 8; ++i) s.gpr[i] &= 0xFFFF'FFFFu;
    }
    u32 flags = static_cast<u32>(r_()) & (fl::ARITH | fl::DF);
    if (pick(16)) flags |= fl::TF;
    if (pick(8)) {  // debug-register breakpoints: code, data and I/O, any length
      for (unsigned i = 0; i < 4; ++i) s.dr[i] = pick(2) ? kCode + r_() % kCodeSize : addr();
      s.dr[7] = 0x400 | (r_() & 0xFFFF'00FFu);
      cpu.update_breakpoints();
    }
    if (pick(4)) flags |= fl::AC;
    if (pick(4)) flags |= fl::IF;
    if (pick(8)) flags |= fl::NT;
    if (pick(4)) flags |= static_cast<u32>(r_() % 4) << 12;  // IOPL
    cpu.write_eflags(flags | 2, 0xFFFF'FFFFu & ~(fl::VM | fl::VIF | fl::VIP));
    FpuState& f = s.fpu;
    for (auto& x : f.xmm) {
      for (auto& b : x.b) b = static_cast<u8>(r_());
    }
    f.mxcsr = static_cast<u32>(r_() & 0xFFFF);
    s.rip = compat ? kCode + r_() % kCodeSize : (pick(16) ? addr() : kCode + r_() % kCodeSize);
  }
};

// Fails the run if a round makes no progress (a host-side hang: the CPU's
// run() must return within its instruction budget). The limit is generous:
// a round of a few thousand instructions takes milliseconds.
class Watchdog {
 public:
  explicit Watchdog(const std::atomic<u64>& round) : round_(round), thread_([this] { watch(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  static constexpr auto kLimit = std::chrono::seconds(600);
  const std::atomic<u64>& round_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;

  void watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    u64 last = round_.load();
    while (!cv_.wait_for(lock, kLimit, [this] { return done_; })) {
      const u64 now = round_.load();
      if (now == last) {
        std::fprintf(stderr, "long-fuzz: round %llu did not return from Cpu::run in %lld s\n",
                     static_cast<unsigned long long>(now), static_cast<long long>(kLimit.count()));
        std::abort();
      }
      last = now;
    }
  }
};

// FNV-1a over RAM and the general registers (GB_FUZZ_VERBOSE: two builds
// given the same seed must print the same digests).
u64 digest(const Machine& m) {
  u64 h = 0xCBF2'9CE4'8422'2325u;
  auto mix = [&h](u64 v) { h = (h ^ v) * 0x100'0000'01B3u; };
  for (u8 b : m.ram) mix(b);
  const CpuState& s = m.cpu.state();
  for (unsigned i = 0; i < 16; ++i) mix(s.gpr[i]);
  mix(s.rip);
  mix(s.cpl);
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  const u64 target = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  const u64 seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 12345;
  const u64 per_round = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 4000;
  const bool verbose = std::getenv("GB_FUZZ_VERBOSE") != nullptr;
  const char* trace_env = std::getenv("GB_FUZZ_TRACE");
  const u64 trace_round = trace_env ? std::strtoull(trace_env, nullptr, 10) : ~u64{0};
  std::mt19937_64 rng(seed);
  std::vector<std::unique_ptr<Machine>> machines;
  for (const char* name : {"core2duo", "nehalem", "icelake-server"}) {
    machines.push_back(std::make_unique<Machine>(*find_cpu_model(name)));
    for (u64 i = 0; i < kRam; i += 8) store_le<u64>(&machines.back()->ram[i], rng());
  }
  Tracer tracer;
  Stats stats;
  const bool want_stats = std::getenv("GB_FUZZ_STATS") != nullptr;
  std::atomic<u64> round{0};
  Watchdog watchdog(round);
  u64 executed = 0, shutdowns = 0, halts = 0, bytes = 0, reentries = 0;
  while (executed < target) {
    const u64 n = round.fetch_add(1) + 1;
    const u64 round_seed = rng();
    Machine& m = *machines[n % machines.size()];
    if (verbose) std::fprintf(stderr, "round %llu (%s)\n", static_cast<unsigned long long>(n), std::string(m.cpu.model().name).c_str());
    Round r(m, round_seed);
    r.build();
    if (verbose) std::fprintf(stderr, "  built: %016llx\n", static_cast<unsigned long long>(digest(m)));
    bytes += kCodeSize;
    if (want_stats) m.cpu.set_observer(&stats);
    if (n == trace_round) {
      tracer.ram = &m.ram;
      m.cpu.set_observer(&tracer);
    }
    const u64 before = m.cpu.instructions();
    const StopReason why = r.run(per_round, reentries, halts);
    m.cpu.set_observer(nullptr);
    if (verbose) {
      std::fprintf(stderr, "  kind %u ran %llu, stop %d: %016llx\n", r.kind(),
                   static_cast<unsigned long long>(m.cpu.instructions() - before), static_cast<int>(why),
                   static_cast<unsigned long long>(digest(m)));
    }
    if (why == StopReason::Shutdown) {
      ++shutdowns;
      if (verbose) {
        std::fprintf(stderr, "  triple fault after %llu instructions: vector %u error %x\n",
                     static_cast<unsigned long long>(m.cpu.instructions() - before), m.cpu.last_fault().vector,
                     m.cpu.last_fault().error);
      }
    }
    executed += m.cpu.instructions() - before + 1;
  }
  if (want_stats) stats.print();
  fmt::print("long-fuzz: {} instructions in {} rounds ({} random code bytes), {} triple faults, {} halts, "
             "{} returns to CPL 3 or compatibility mode, no host fault\n",
             executed, round.load(), bytes, shutdowns, halts, reentries);
  fmt::print("1 passed, 0 failed\n");
  return 0;
}
