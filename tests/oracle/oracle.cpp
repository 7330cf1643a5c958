// glassbox-oracle: differential test of user-level integer instructions.
// Random sequences of instructions whose encodings mean the same in 32-bit
// and 64-bit mode run natively (in a hand-assembled 64-bit helper) and in
// Glassbox's CPU in flat 32-bit protected mode. The low 32 bits of EAX ECX
// EDX EBX EBP ESI EDI, the arithmetic flags that the last instruction
// writing them left defined (SDM), and the 4 KiB data buffer at linear
// 0x00200000 (ESI, never written) must match.
//   glassbox-oracle [SEQUENCES] [SEED]
// Exit 0 all passed, 1 on a mismatch, 77 (skip) on a non-x86-64 host.
#include <cstdio>
#include <cstdlib>

#if !defined(__x86_64__)
int main() {
  std::puts("SKIP: not an x86-64 host");
  return 77;
}
#else

#include <sys/mman.h>

#include <array>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {

constexpr u32 kBuf = 0x0020'0000u;  // data buffer, same linear address in both worlds
constexpr u32 kBufSize = 4096;
constexpr u32 kCode = 0x0001'0000u;  // guest code
constexpr u32 CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
constexpr u32 ALL = CF | PF | AF | ZF | SF | OF;
constexpr std::array<u8, 6> kR32{0, 1, 2, 3, 5, 7};  // EAX ECX EDX EBX EBP EDI (never ESP, ESI)

// Register block shared with the native helper: gpr[i] at 8*i (Gpr order),
// RFLAGS at 64.
struct State {
  std::array<u64, 8> gpr{};
  u64 flags = 0;
};

// ---------------------------------------------------------------- generator
struct Gen {
  std::mt19937& rng;
  std::vector<std::vector<u8>> insns;  // the sequence, one entry per instruction
  std::vector<u8>* cur = nullptr;
  u32 defined = ALL;  // flags whose final value is architecturally defined

  u32 r(u32 n) { return rng() % n; }
  void begin() { insns.emplace_back(); cur = &insns.back(); }
  void b(u32 v) { cur->push_back(static_cast<u8>(v)); }
  void imm(u32 v, unsigned bytes) { for (unsigned i = 0; i < bytes; ++i) b(v >> (8 * i)); }
  void flags(u32 affected, u32 undef) { defined = (defined | affected) & ~undef; }
  unsigned size() { const u32 x = r(3); return x == 0 ? 8 : x == 1 ? 16 : 32; }
  unsigned size1632() { return r(2) ? 32 : 16; }
  void prefix(unsigned sz) { if (sz == 16) b(0x66); }
  u8 reg(unsigned sz) { return sz == 8 ? static_cast<u8>(r(8)) : kR32[r(6)]; }
  // ModR/M with `regf` in the reg field: a register (mod 3) or [esi+disp8].
  void modrm(u32 regf, unsigned sz, bool allow_mem = true) {
    if (allow_mem && r(3) == 0) {
      b(0x40 | (regf << 3) | 6);
      b(r(0x80));
    } else {
      b(0xC0 | (regf << 3) | reg(sz));
    }
  }
  void modrm_reg(u32 regf, u8 rm) { b(0xC0 | (regf << 3) | rm); }
  void immsz(unsigned sz) { imm(rng(), sz / 8); }
  u32 count() { return r(3) == 0 ? r(34) : r(256); }  // raw shift count
  u32 shift_flags(u32 op, u32 m, unsigned sz) {  // group-2 op /op, masked count m
    if (m == 0) return 0;
    if (op < 4) { flags(CF | OF, m == 1 ? 0 : OF); return 0; }
    flags(ALL, AF | (m == 1 ? 0 : OF) | (m >= sz ? CF : 0));
    return 0;
  }
  void mov_cl(u32 v) { begin(); b(0xB1); b(v); }
  // Before an instruction that reads flags `f` (ADC, SBB, RCL, RCR, CMOVcc,
  // SETcc): when one of them is undefined now, define all with CMP r32,r32.
  void need(u32 f) {
    if ((defined & f) == f) return;
    begin(); b(0x39); modrm_reg(kR32[r(6)], kR32[r(6)]);
    flags(ALL, 0);
  }
  static u32 cc_flags(u32 cc) {
    static constexpr std::array<u32, 8> f{OF, CF, ZF, CF | ZF, SF, PF, SF | OF, ZF | SF | OF};
    return f[(cc >> 1) & 7];
  }

  void one() {
    switch (r(24)) {
      case 0: {  // ALU r/m,r and r,r/m
        const u32 op = r(8), sz = size();
        if (op == 2 || op == 3) need(CF);
        begin(); prefix(sz); b((op << 3) | (r(2) << 1) | (sz != 8)); modrm(reg(sz), sz);
        flags(ALL, (op == 1 || op == 4 || op == 6) ? AF : 0);
        break;
      }
      case 1: {  // ALU imm: 04/05, 80, 81, 83
        const u32 op = r(8), sz = size(), form = r(3);
        if (op == 2 || op == 3) need(CF);
        begin(); prefix(sz);
        if (form == 0) { b((op << 3) | 4 | (sz != 8)); immsz(sz); }
        else if (form == 1 || sz == 8) { b(sz == 8 ? 0x80 : 0x81); modrm(op, sz); immsz(sz); }
        else { b(0x83); modrm(op, sz); b(rng()); }
        flags(ALL, (op == 1 || op == 4 || op == 6) ? AF : 0);
        break;
      }
      case 2: {  // TEST 84/85, F6/F7 /0, A8/A9
        const u32 sz = size(), form = r(3);
        begin(); prefix(sz);
        if (form == 0) { b(0x84 | (sz != 8)); modrm(reg(sz), sz); }
        else if (form == 1) { b(0xF6 | (sz != 8)); modrm(0, sz); immsz(sz); }
        else { b(0xA8 | (sz != 8)); immsz(sz); }
        flags(ALL, AF);
        break;
      }
      case 3: {  // INC/DEC FE/FF /0 /1
        const u32 sz = size();
        begin(); prefix(sz); b(0xFE | (sz != 8)); modrm(r(2), sz);
        flags(ALL & ~CF, 0);
        break;
      }
      case 4: {  // NOT /2, NEG /3
        const u32 sz = size(), op = 2 + r(2);
        begin(); prefix(sz); b(0xF6 | (sz != 8)); modrm(op, sz);
        if (op == 3) flags(ALL, 0);
        break;
      }
      case 5: case 6: {  // shifts/rotates: D0/D1 (1), D2/D3 (CL), C0/C1 (imm8)
        static constexpr std::array<u8, 7> ops{0, 1, 2, 3, 4, 5, 7};
        const u32 op = ops[r(7)], sz = size(), form = r(3);
        if (op == 2 || op == 3) need(CF);
        u32 c = 1;
        if (form == 1) { c = count(); mov_cl(c); }
        begin(); prefix(sz);
        if (form == 0) { b(0xD0 | (sz != 8)); modrm(op, sz); }
        else if (form == 1) { b(0xD2 | (sz != 8)); modrm(op, sz); }
        else { c = count(); b(0xC0 | (sz != 8)); modrm(op, sz); b(c); }
        shift_flags(op, c & 31, sz);
        break;
      }
      case 7: {  // MUL/IMUL one operand F6/F7 /4 /5
        const u32 sz = size();
        begin(); prefix(sz); b(0xF6 | (sz != 8)); modrm(4 + r(2), sz);
        flags(ALL, SF | ZF | AF | PF);
        break;
      }
      case 8: {  // IMUL 0F AF, 69, 6B
        const u32 sz = size1632(), form = r(3);
        begin(); prefix(sz);
        if (form == 0) { b(0x0F); b(0xAF); modrm(reg(sz), sz); }
        else if (form == 1) { b(0x69); modrm(reg(sz), sz); immsz(sz); }
        else { b(0x6B); modrm(reg(sz), sz); b(rng()); }
        flags(ALL, SF | ZF | AF | PF);
        break;
      }
      case 9: {  // DIV/IDIV by CL/CX/ECX, made safe
        const u32 sz = size();
        const bool sgn = r(2);
        u32 d = 0;
        do { d = rng() & (sz == 32 ? 0xFFFF'FFFFu : (1u << sz) - 1); } while (d == 0 || (sgn && d == (sz == 32 ? 0xFFFF'FFFFu : (1u << sz) - 1)));
        if (r(2)) d &= 0xF | (d & 0x10);  // small divisors too
        if (d == 0) d = 3;
        begin(); prefix(sz); b(sz == 8 ? 0xB1 : 0xB9); imm(d, sz / 8);  // MOV CL/CX/ECX, divisor
        if (sz == 8) {
          begin(); if (sgn) { b(0x66); b(0x98); } else { b(0x0F); b(0xB6); b(0xC0); }  // CBW / MOVZX EAX,AL
        } else {
          begin(); if (sgn) { prefix(sz); b(0x99); } else { b(0x31); b(0xD2); }  // CWD/CDQ / XOR EDX,EDX
        }
        begin(); prefix(sz); b(0xF6 | (sz != 8)); b(sgn ? 0xF9 : 0xF1);
        flags(ALL, ALL);
        break;
      }
      case 10: {  // BT/BTS/BTR/BTC r/m,r (registers only) and 0F BA /4-7 ib
        const u32 sz = size1632(), op = r(4);
        begin(); prefix(sz); b(0x0F);
        if (r(2)) { b(0xA3 | (op << 3)); modrm(reg(sz), sz, false); }
        else { b(0xBA); modrm(4 + op, sz); b(rng()); }
        flags(CF, OF | SF | AF | PF);
        break;
      }
      case 11: {  // BSF/BSR with a source made nonzero by OR first
        const u32 sz = size1632();
        u32 v = rng();
        if ((v & (sz == 16 ? 0xFFFF : 0xFFFF'FFFFu)) == 0) v |= 1u << r(sz);
        if (r(2)) v &= 1u << r(sz) | (1u << r(sz));  // sparse bits
        if ((v & (sz == 16 ? 0xFFFF : 0xFFFF'FFFFu)) == 0) v = 0x100;
        const bool mem = r(3) == 0;
        const u8 src = kR32[r(6)];
        const u8 disp = static_cast<u8>(r(0x80));
        begin(); prefix(sz); b(0x81);
        if (mem) { b(0x40 | (1 << 3) | 6); b(disp); } else modrm_reg(1, src);
        imm(v, sz / 8);
        begin(); prefix(sz); b(0x0F); b(0xBC | r(2));
        if (mem) { b(0x40 | (reg(sz) << 3) | 6); b(disp); } else modrm_reg(reg(sz), src);
        flags(ALL, ALL & ~ZF);
        break;
      }
      case 12: {  // MOVZX/MOVSX r32, r/m8 / r/m16; r16, r/m8
        const u32 form = r(3), sx = r(2) ? 8 : 0;
        begin();
        if (form == 0) { b(0x66); b(0x0F); b(0xB6 | sx); modrm(reg(16), 8); }
        else { b(0x0F); b((form == 1 ? 0xB6 : 0xB7) | sx); const u8 d = reg(32); if (r(3) == 0) { b(0x40 | (d << 3) | 6); b(r(0x80)); } else modrm_reg(d, form == 1 ? static_cast<u8>(r(8)) : reg(16)); }
        break;
      }
      case 13: {  // CMOVcc 0F 40+cc
        const u32 sz = size1632(), cc = r(16);
        need(cc_flags(cc));
        begin(); prefix(sz); b(0x0F); b(0x40 | cc); modrm(reg(sz), sz);
        break;
      }
      case 14: {  // SETcc 0F 90+cc /0
        const u32 cc = r(16);
        need(cc_flags(cc));
        begin(); b(0x0F); b(0x90 | cc); modrm(0, 8);
        break;
      }
      case 15: {  // BSWAP r32
        begin(); b(0x0F); b(0xC8 | kR32[r(6)]);
        break;
      }
      case 16: {  // XADD 0F C0/C1, CMPXCHG 0F B0/B1
        const u32 sz = size();
        const bool x = r(2);
        begin(); prefix(sz); b(0x0F); b((x ? 0xC0 : 0xB0) | (sz != 8)); modrm(reg(sz), sz);
        flags(ALL, 0);
        break;
      }
      case 17: {  // SHLD/SHRD imm8 (0F A4/AC) and CL (0F A5/AD)
        const u32 sz = size1632();
        const bool cl = r(2), right = r(2);
        u32 c = 0;
        do { c = count(); } while (sz == 16 && (c & 31) > 16);
        if (cl) mov_cl(c);
        begin(); prefix(sz); b(0x0F); b((right ? 0xAC : 0xA4) | cl); modrm(reg(sz), sz);
        if (!cl) b(c);
        const u32 m = c & 31;
        if (m) flags(ALL, AF | (m == 1 ? 0 : OF));
        break;
      }
      case 18: {  // MOV 88/89/8A/8B, C6/C7
        const u32 sz = size();
        begin(); prefix(sz);
        if (r(3)) { b(0x88 | (r(2) << 1) | (sz != 8)); modrm(reg(sz), sz); }
        else { b(0xC6 | (sz != 8)); modrm(0, sz); immsz(sz); }
        break;
      }
      case 19: {  // MOV B0+r ib, B8+r iw/id
        const u32 sz = size();
        begin(); prefix(sz); b((sz == 8 ? 0xB0 : 0xB8) | reg(sz)); immsz(sz);
        break;
      }
      case 20: {  // LEA r, [esi+disp8] (only the low 32 bits are compared)
        const u32 sz = size1632();
        begin(); prefix(sz); b(0x8D); b(0x40 | (reg(sz) << 3) | 6); b(r(0x80));
        break;
      }
      case 21: {  // CBW/CWDE/CWD/CDQ
        begin(); if (r(2)) b(0x66); b(0x98 | r(2));
        break;
      }
      case 22: {  // XCHG 86/87
        const u32 sz = size();
        begin(); prefix(sz); b(0x86 | (sz != 8)); modrm(reg(sz), sz);
        break;
      }
      default: {  // ADD/ADC/SBB/SUB r,r to exercise carries more
        static constexpr std::array<u8, 4> ops{0, 2, 3, 5};
        const u32 op = ops[r(4)], sz = size();
        if (op == 2 || op == 3) need(CF);
        begin(); prefix(sz); b((op << 3) | (sz != 8)); modrm(reg(sz), sz, false);
        flags(ALL, 0);
        break;
      }
    }
  }
};

// ----------------------------------------------------------- native helper
// void helper(State* rdi): hand-assembled 64-bit code.
struct Native {
  u8* page = nullptr;
  bool ok() const { return page != nullptr; }
  Native() {
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) page = static_cast<u8*>(p);
  }
  bool run(const std::vector<u8>& seq, State& st) {
    if (mprotect(page, 4096, PROT_READ | PROT_WRITE) != 0) return false;
    std::vector<u8> c;
    auto e = [&](std::initializer_list<int> bytes) { for (int x : bytes) c.push_back(static_cast<u8>(x)); };
    e({0x53, 0x55});                          // push rbx; push rbp
    e({0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});  // push r12..r15
    e({0x49, 0x89, 0xFF});                    // mov r15, rdi
    e({0x41, 0xFF, 0x77, 64});                // push qword [r15+64]
    e({0x9D});                                // popfq
    for (int r : {0, 1, 2, 3, 5, 6, 7}) e({0x41, 0x8B, 0x47 | (r << 3), r * 8});  // mov r32, [r15+8*r]
    c.insert(c.end(), seq.begin(), seq.end());  // the sequence
    e({0x9C});                                // pushfq
    e({0x41, 0x8F, 0x47, 64});                // pop qword [r15+64]
    for (int r : {0, 1, 2, 3, 5, 6, 7}) e({0x49, 0x89, 0x47 | (r << 3), r * 8});  // mov [r15+8*r], r64
    e({0xFC});                                // cld
    e({0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C});  // pop r15..r12
    e({0x5D, 0x5B, 0xC3});                    // pop rbp; pop rbx; ret
    std::memcpy(page, c.data(), c.size());
    if (mprotect(page, 4096, PROT_READ | PROT_EXEC) != 0) return false;
    void (*fn)(State*) = nullptr;
    void* vp = page;
    std::memcpy(&fn, &vp, sizeof fn);
    fn(&st);
    return true;
  }
};

std::string hex(const std::vector<std::vector<u8>>& insns) {
  std::string s;
  for (const auto& in : insns) {
    if (!s.empty()) s += " | ";
    for (std::size_t i = 0; i < in.size(); ++i) s += fmt::format("{}{:02X}", i ? " " : "", in[i]);
  }
  return s;
}

const char* const kNames[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

std::string regs(const std::array<u32, 8>& g, u32 fl) {
  std::string s;
  for (int r : {0, 1, 2, 3, 5, 6, 7}) s += fmt::format("{}={:08X} ", kNames[r], g[r]);
  return s + fmt::format("fl={:03X}", fl);
}

}  // namespace

int main(int argc, char** argv) {
  const u64 target = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const u32 seed = argc > 2 ? static_cast<u32>(std::strtoul(argv[2], nullptr, 10)) : 20240601;
  void* bufp = mmap(reinterpret_cast<void*>(uintptr_t{kBuf}), kBufSize, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (bufp == MAP_FAILED || bufp != reinterpret_cast<void*>(uintptr_t{kBuf})) {
    std::puts("SKIP: cannot map the data buffer at 0x00200000");
    return 77;
  }
  u8* buf = static_cast<u8*>(bufp);
  Native native;
  if (!native.ok()) {
    std::puts("SKIP: cannot map a code page");
    return 77;
  }

  std::mt19937 rng(seed);
  std::vector<u8> ram(4u << 20);
  MemoryMap memory;
  memory.map_ram(0, ram);
  IoMap io;
  Bus bus(memory, io);
  Cpu cpu(bus, *find_cpu_model("pentium-pro"));  // the ISA its sequences were drawn for
  cpu.set_log(nullptr);

  std::array<u8, kBufSize> init{};
  for (auto& x : init) x = static_cast<u8>(rng());
  u64 passed = 0, failed = 0, insns_total = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (u64 n = 0; n < target; ++n) {
    Gen g{rng, {}, nullptr, ALL};
    const u32 count = 5 + rng() % 16;
    while (g.insns.size() < count) g.one();
    std::vector<u8> seq;
    for (const auto& in : g.insns) seq.insert(seq.end(), in.begin(), in.end());
    insns_total += g.insns.size();

    for (u32 i = 0; i < 0x100; ++i) init[i] = static_cast<u8>(rng());
    std::array<u32, 8> in{};
    for (auto& v : in) v = rng();
    if (rng() % 4 == 0) for (auto& v : in) v &= 0xFF;  // small values now and then
    in[ESP] = 0;
    in[ESI] = kBuf;
    const u32 fl_in = rng() & ALL;

    // Native.
    State st;
    for (int r = 0; r < 8; ++r) st.gpr[r] = in[r];
    st.flags = fl_in | 0x202;
    std::memcpy(buf, init.data(), kBufSize);
    if (!native.run(seq, st)) {
      std::puts("SKIP: mprotect of the code page failed");
      return 77;
    }

    // Glassbox.
    cpu.reset();
    CpuState& s = cpu.state();
    s.cr0 = 0x11;
    s.gdtr = TableRegister{0x1000, 7};
    s.idtr = TableRegister{0x2000, 7};  // zeroed: any fault ends in a triple fault
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
    cpu.update_mode();
    for (int r = 0; r < 8; ++r) s.gpr[r] = in[r];
    s.gpr[ESP] = 0x3F'0000;
    cpu.write_eflags(fl_in | 0x2, 0xFFFF'FFFFu);
    std::memcpy(ram.data() + kCode, seq.data(), seq.size());
    ram[kCode + seq.size()] = 0xF4;  // HLT
    std::memcpy(ram.data() + kBuf, init.data(), kBufSize);
    bus.host_wrote(kCode, seq.size() + 1);
    s.rip = kCode;
    const StopReason why = cpu.run(1000);

    std::array<u32, 8> nat{}, emu{};
    for (int r = 0; r < 8; ++r) { nat[r] = static_cast<u32>(st.gpr[r]); emu[r] = s.gpr[r]; }
    nat[ESP] = emu[ESP] = 0;
    const u32 mask = g.defined;
    const u32 nf = static_cast<u32>(st.flags) & ALL, ef = cpu.eflags() & ALL;
    std::string why_s;
    if (why != StopReason::Halted) why_s = why == StopReason::Shutdown ? "triple fault (an exception in the guest)" : "did not reach HLT";
    else if (nat != emu) why_s = "registers differ";
    else if ((nf & mask) != (ef & mask)) why_s = "flags differ";
    else if (std::memcmp(buf, ram.data() + kBuf, kBufSize) != 0) why_s = "memory differs";
    if (why_s.empty()) { ++passed; continue; }
    if (++failed <= 5) {
      fmt::print("MISMATCH #{} (sequence {}): {}\n  code:     {}\n  input:    {}\n  native:   {}\n  glassbox: {}\n  flag mask {:03X}: native {:03X} glassbox {:03X}\n",
                 failed, n, why_s, hex(g.insns), regs(in, fl_in), regs(nat, nf), regs(emu, ef), mask, nf & mask, ef & mask);
      for (u32 i = 0; i < kBufSize; ++i)
        if (buf[i] != ram[kBuf + i]) { fmt::print("  first differing byte at +{:X}: native {:02X} glassbox {:02X}\n", i, buf[i], ram[kBuf + i]); break; }
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("oracle: {} sequences ({} instructions, seed {}) in {:.2f} s\n", target, insns_total, seed, secs);
  fmt::print("{} passed, {} failed\n", passed, failed);
  return failed ? 1 : 0;
}

#endif
