// SIMD and x87 instructions in 64-bit mode (issue 21): XMM8-15 through
// REX.R/REX.B, MMX registers that REX does not extend (SDM Vol. 2A 2.2.1.2),
// the REX.W forms (MOVQ, CVTSI2SS/SD, CVT(T)SS2SI/SD2SI, PEXTRQ/PINSRQ,
// CRC32, POPCNT, MOVBE, MOVNTI, CMPXCHG16B, FXSAVE64/FXRSTOR64), 64-bit
// destinations zero-extended, and 16-byte operands above 4 GiB. Expected
// values are constants from the SDM's definitions.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <optional>
#include <vector>

#include "cpu/cpu.hpp"
#include "cpu/msr.hpp"

using namespace gb;

namespace {

/// A long-mode machine: 4 MiB of RAM, identity-mapped by 2 MiB pages
/// (PML4 0x1000, PDPT 0x2000, PD 0x3000), plus linear kHigh (PML4 entry 1,
/// above 4 GiB) mapped to physical 0x200000. CR0.PE|PG, CR4.PAE|OSFXSR|
/// OSXMMEXCPT, EFER.LME|LMA, a 64-bit CS (L = 1) at CPL 0, code at 0x10000.
/// No IDT (limit 0): an exception ends in a triple fault; the observer keeps
/// the first one.
struct Rig64 : CpuObserver {
  static constexpr u64 kCode = 0x10000, kData = 0x20000;
  static constexpr u64 kHigh = u64{1} << 39;  ///< 0000_0080_0000_0000h
  static constexpr u64 kHighPhys = 0x200000;

  std::vector<u8> ram = std::vector<u8>(4u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Cpu cpu;
  CpuState& s;
  u64 at = kCode;
  std::optional<GuestFault> fault;

  explicit Rig64(const char* model = "nehalem") : cpu(bus, *find_cpu_model(model)), s(cpu.state()) {
    mem.map_ram(0, ram);
    cpu.set_log(nullptr);
    cpu.set_observer(this);
    constexpr u64 P = 1, RW = 2, PS = 0x80;
    put64(0x1000, 0x2000 | P | RW);
    put64(0x1008, 0x4000 | P | RW);  // kHigh: PML4 entry 1
    put64(0x2000, 0x3000 | P | RW);
    put64(0x3000, 0x000000 | P | RW | PS);
    put64(0x3008, 0x200000 | P | RW | PS);
    put64(0x4000, 0x5000 | P | RW);
    put64(0x5000, kHighPhys | P | RW | PS);
    s.cr0 = 0x8000'0011u;  // PG, ET, PE
    s.cr3 = 0x1000;
    s.cr4 = 0x20 | 0x200 | 0x400;  // PAE, OSFXSR, OSXMMEXCPT
    s.efer = msr::kEferLme | msr::kEferLma;
    s.cpl = 0;
    s.idtr = TableRegister{0, 0};
    Segment& cs = s.seg[CS];
    cs.selector = 8;
    cs.base = 0;
    cs.limit = 0xFFFF'FFFF;
    cs.access = 0x9B;
    cs.flags = 0xA;  // G, L
    cs.big = false;
    for (unsigned r : {ES, SS, DS, FS, GS}) {
      Segment& sg = s.seg[r];
      sg.selector = 0x10;
      sg.base = 0;
      sg.limit = 0xFFFF'FFFF;
      sg.access = 0x93;
      sg.flags = 0xC;
      sg.big = true;
    }
    s.gpr[ESP] = 0x8000;
    s.rip = kCode;
    cpu.update_paging(Cpu::TlbFlush::All);
    REQUIRE(cpu.paging().mode == PagingMode::Level4);
    code({0xDB, 0xE3});  // FNINIT
  }
  void on_fault(const Cpu&, const GuestFault& f) override {
    if (!fault) fault = f;
  }
  void put64(u64 addr, u64 v) { store_le<u64>(&ram.at(addr), v); }
  void code(std::initializer_list<u8> bytes) {
    for (u8 b : bytes) ram.at(at++) = b;
  }
  /// MOV r64, imm64 (REX.W B8+r).
  void mov(unsigned r, u64 v) {
    code({static_cast<u8>(0x48 | (r >> 3)), static_cast<u8>(0xB8 | (r & 7))});
    for (unsigned i = 0; i < 8; ++i) code({static_cast<u8>(v >> (8 * i))});
  }
  void run() {
    code({0xF4});
    cpu.run(500);
  }
  /// Ran to the final HLT without an exception.
  bool completed() const { return !fault && s.halted && s.rip == at; }
  bool faulted(u8 vector) const { return fault && fault->vector == vector; }
  Vec128& xmm(unsigned i) { return s.fpu.xmm[i]; }
  u64 mm(unsigned i) const { return s.fpu.r[i].sig; }
  u64 gpr(unsigned i) const { return s.gpr[i]; }
  template <class T>
  T get(u64 phys) const {
    return load_le<T>(&ram.at(phys));
  }
  template <class T>
  void put(u64 phys, T v) {
    store_le<T>(&ram.at(phys), v);
  }
};

constexpr unsigned RAX = EAX, RCX = ECX, RDX = EDX, RBX = EBX, RSI = ESI, RDI = EDI;

}  // namespace

TEST_CASE("64-bit mode: XMM8-15 through REX.R and REX.B, MMX registers not extended", "[simd][simd64]") {
  Rig64 m;
  for (unsigned i = 0; i < 16; ++i) m.put<u8>(Rig64::kData + i, static_cast<u8>(0x10 + i));
  m.mov(RAX, Rig64::kData);
  m.code({0x66, 0x44, 0x0F, 0x6F, 0x08});        // MOVDQA xmm9, [rax]
  m.code({0x66, 0x45, 0x0F, 0x6F, 0xD1});        // MOVDQA xmm10, xmm9
  m.code({0x66, 0x45, 0x0F, 0xEF, 0xFF});        // PXOR xmm15, xmm15
  m.code({0x66, 0x45, 0x0F, 0xFE, 0xFA});        // PADDD xmm15, xmm10
  m.code({0x66, 0x45, 0x0F, 0xFE, 0xF9});        // PADDD xmm15, xmm9
  m.code({0x66, 0x44, 0x0F, 0x7F, 0x78, 0x10});  // MOVDQA [rax+16], xmm15
  m.code({0x41, 0x0F, 0x6F, 0xC1});              // MOVQ mm0, mm1 (REX.B ignored: MM1)
  m.code({0x44, 0x0F, 0x6F, 0xD1});              // MOVQ mm2, mm1 (REX.R ignored)
  m.xmm(1) = Vec128::from(0xDEAD, 0xBEEF);
  m.xmm(2) = Vec128::from(0x1111, 0x2222);
  m.s.fpu.r[1].sig = 0x0123'4567'89AB'CDEFu;
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(9).lo() == 0x1716'1514'1312'1110u);
  CHECK(m.xmm(9).hi() == 0x1F1E'1D1C'1B1A'1918u);
  CHECK(m.xmm(10).lo() == m.xmm(9).lo());
  CHECK(m.xmm(10).hi() == m.xmm(9).hi());
  CHECK(m.xmm(1).lo() == 0xDEAD);  // the unextended numbers are untouched
  CHECK(m.xmm(2).lo() == 0x1111);
  CHECK(m.get<u32>(Rig64::kData + 16) == 2 * 0x1312'1110u);
  CHECK(m.get<u32>(Rig64::kData + 28) == 2 * 0x1F1E'1D1Cu);
  CHECK(m.mm(0) == 0x0123'4567'89AB'CDEFu);
  CHECK(m.mm(2) == 0x0123'4567'89AB'CDEFu);
}

TEST_CASE("64-bit mode: MOVD/MOVQ between XMM/MMX and general registers (REX.W 0F 6E/7E)", "[simd][simd64]") {
  Rig64 m;
  m.mov(RAX, 0x8877'6655'4433'2211u);
  m.mov(RCX, ~u64{0});
  m.mov(RDX, ~u64{0});
  m.code({0x66, 0x4C, 0x0F, 0x6E, 0xC8});  // MOVQ xmm9, rax
  m.code({0x66, 0x44, 0x0F, 0x6E, 0xD0});  // MOVD xmm10, eax
  m.code({0x66, 0x4C, 0x0F, 0x7E, 0xC9});  // MOVQ rcx, xmm9
  m.code({0x66, 0x44, 0x0F, 0x7E, 0xCA});  // MOVD edx, xmm9 (bits 63-32 of RDX cleared)
  m.code({0x48, 0x0F, 0x6E, 0xD8});        // MOVQ mm3, rax
  m.code({0x49, 0x0F, 0x7E, 0xD8});        // MOVQ r8, mm3
  m.xmm(9) = Vec128::from(1, 2);
  m.xmm(10) = Vec128::from(3, 4);
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(9).lo() == 0x8877'6655'4433'2211u);
  CHECK(m.xmm(9).hi() == 0);
  CHECK(m.xmm(10).lo() == 0x4433'2211u);
  CHECK(m.xmm(10).hi() == 0);
  CHECK(m.gpr(RCX) == 0x8877'6655'4433'2211u);
  CHECK(m.gpr(RDX) == 0x4433'2211u);
  CHECK(m.mm(3) == 0x8877'6655'4433'2211u);
  CHECK(m.gpr(R8) == 0x8877'6655'4433'2211u);
}

TEST_CASE("64-bit mode: CVTSI2SS/SD r/m64 and CVT(T)SS2SI/SD2SI r64 (SDM Vol. 2)", "[simd][simd64]") {
  Rig64 m;
  m.mov(RAX, 0x1'0000'0001u);                   // 4294967297: exact in binary64
  m.mov(RBX, ~u64{0});                          // -1
  m.code({0xF2, 0x4C, 0x0F, 0x2A, 0xC0});      // CVTSI2SD xmm8, rax
  m.code({0xF3, 0x48, 0x0F, 0x2A, 0xCB});      // CVTSI2SS xmm1, rbx
  m.code({0xF2, 0x4D, 0x0F, 0x2C, 0xCB});      // CVTTSD2SI r9, xmm11 (2^40 + 0.5)
  m.code({0xF2, 0x49, 0x0F, 0x2D, 0xD4});      // CVTSD2SI rdx, xmm12 (NaN: indefinite)
  m.code({0xF3, 0x48, 0x0F, 0x2D, 0xF1});      // CVTSS2SI rsi, xmm1 (-1.0)
  m.code({0xF3, 0x0F, 0x2D, 0xF9});            // CVTSS2SI edi, xmm1 (bits 63-32 cleared)
  m.mov(RCX, 0);
  m.xmm(8) = Vec128::from(0x1234, 0x5678);
  m.xmm(1) = Vec128::from(0xAAAA'BBBB'0000'0000u, 0x9999);
  m.xmm(11) = Vec128::from(0x4270'0000'0000'0800u, 0);
  m.xmm(12) = Vec128::from(0x7FF8'0000'0000'0000u, 0);
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(8).lo() == 0x41F0'0000'0010'0000u);
  CHECK(m.xmm(8).hi() == 0x5678);  // the other lanes kept
  CHECK(m.xmm(1).lo() == 0xAAAA'BBBB'BF80'0000u);
  CHECK(m.gpr(R9) == u64{1} << 40);
  CHECK(m.gpr(RDX) == 0x8000'0000'0000'0000u);  // the 64-bit integer indefinite
  CHECK(m.gpr(RSI) == ~u64{0});
  CHECK(m.gpr(RDI) == 0xFFFF'FFFFu);
  CHECK((m.s.fpu.mxcsr & 1) == 1);  // IE from the NaN, masked
}

TEST_CASE("64-bit mode: PEXTRQ/PINSRQ and 64-bit register destinations zero-extended", "[simd][simd64]") {
  Rig64 m;
  m.mov(RBX, 0xCAFE'F00D'1234'5678u);
  m.mov(RAX, ~u64{0});
  m.mov(RDX, ~u64{0});
  m.mov(R8, ~u64{0});
  m.mov(R9, ~u64{0});
  m.mov(RSI, ~u64{0});
  m.code({0x66, 0x4C, 0x0F, 0x3A, 0x22, 0xC3, 0x01});  // PINSRQ xmm8, rbx, 1
  m.code({0x66, 0x4C, 0x0F, 0x3A, 0x16, 0xC1, 0x01});  // PEXTRQ rcx, xmm8, 1
  m.code({0x66, 0x0F, 0x3A, 0x16, 0xC0, 0x01});        // PEXTRD eax, xmm0, 1
  m.code({0x66, 0x45, 0x0F, 0x3A, 0x14, 0xC0, 0x09});  // PEXTRB r8d, xmm8, 9
  m.code({0x66, 0x45, 0x0F, 0xD7, 0xC8});              // PMOVMSKB r9d, xmm8
  m.code({0x66, 0x41, 0x0F, 0x50, 0xD0});              // MOVMSKPD edx, xmm8
  m.code({0x66, 0x41, 0x0F, 0xC5, 0xF0, 0x06});        // PEXTRW esi, xmm8, 6
  m.xmm(8) = Vec128::from(0x1111'2222'3333'4444u, 0);
  m.xmm(0) = Vec128::from(0x8765'4321'0000'0000u, 0);
  m.run();
  REQUIRE(m.completed());
  CHECK(m.xmm(8).lo() == 0x1111'2222'3333'4444u);
  CHECK(m.xmm(8).hi() == 0xCAFE'F00D'1234'5678u);
  CHECK(m.gpr(RCX) == 0xCAFE'F00D'1234'5678u);
  CHECK(m.gpr(RAX) == 0x8765'4321u);
  CHECK(m.gpr(R8) == 0x56);
  CHECK(m.gpr(R9) == 0xE000);  // bytes 13-15 (F0, FE, CA) have their sign set
  CHECK(m.gpr(RDX) == 2);
  CHECK(m.gpr(RSI) == 0xF00D);
}

TEST_CASE("64-bit mode: PCMPESTRI lengths from RAX/RDX with REX.W, EAX/EDX without", "[simd][simd64]") {
  for (bool w : {true, false}) {
    Rig64 m;
    m.mov(RAX, u64{1} << 32);  // EAX = 0: no valid element; RAX: saturated to 16
    m.mov(RDX, u64{1} << 32);
    m.mov(RCX, ~u64{0});
    if (w) {
      m.code({0x66, 0x48, 0x0F, 0x3A, 0x61, 0xC1, 0x00});  // PCMPESTRI xmm0, xmm1, 0 (REX.W)
    } else {
      m.code({0x66, 0x0F, 0x3A, 0x61, 0xC1, 0x00});  // PCMPESTRI xmm0, xmm1, 0
    }
    m.run();
    REQUIRE(m.completed());
    // Equal Any over all-zero bytes: every valid element of xmm1 matches.
    CHECK(m.gpr(RCX) == (w ? 0u : 16u));  // index of the first match, else 16
    CHECK(m.s.flags.zf() == !w);           // ZF: xmm1 has an invalid element
  }
}

TEST_CASE("64-bit mode: CRC32, POPCNT, MOVBE and MOVNTI with REX.W", "[simd][simd64]") {
  Rig64 m("icelake-server");  // MOVBE (Nehalem has none)
  m.mov(RAX, 0xFFFF'FFFF'FFFF'FFFFu);
  m.mov(RCX, 0x0123'4567'89AB'CDEFu);
  m.mov(RDX, 0xFFFF'FFFF'1234'5678u);
  m.mov(RSI, 0x5A);
  m.mov(RBX, Rig64::kData);
  m.code({0xF2, 0x48, 0x0F, 0x38, 0xF1, 0xC1});  // CRC32 rax, rcx
  m.code({0xF2, 0x48, 0x0F, 0x38, 0xF0, 0xD6});  // CRC32 rdx, sil (REX: SIL, not DH)
  m.code({0xF3, 0x48, 0x0F, 0xB8, 0xF9});        // POPCNT rdi, rcx
  m.code({0x48, 0x0F, 0xC3, 0x0B});              // MOVNTI [rbx], rcx
  m.code({0x4C, 0x0F, 0x38, 0xF0, 0x03});        // MOVBE r8, [rbx]
  m.code({0x4C, 0x0F, 0x38, 0xF1, 0x43, 0x08});  // MOVBE [rbx+8], r8
  m.run();
  REQUIRE(m.completed());
  // CRC-32C (reflected 82F63B78h) of the 8 bytes EF CD AB 89 67 45 23 01
  // from FFFFFFFFh; the destination's bits 63-32 are cleared.
  CHECK(m.gpr(RAX) == 0x9A4F'27DCu);
  CHECK(m.gpr(RDX) == 0xC194'CA7Fu);  // 12345678h updated by byte 5Ah
  CHECK(m.gpr(RDI) == 32);
  CHECK(m.get<u64>(Rig64::kData) == 0x0123'4567'89AB'CDEFu);
  CHECK(m.gpr(R8) == 0xEFCD'AB89'6745'2301u);
  CHECK(m.get<u64>(Rig64::kData + 8) == 0x0123'4567'89AB'CDEFu);
}

TEST_CASE("64-bit mode: CMPXCHG16B (REX.W 0F C7 /1)", "[simd64][cmpxchg16b]") {
  SECTION("equal: RCX:RBX stored, ZF set") {
    Rig64 m;
    m.put<u64>(Rig64::kData, 0x1111);
    m.put<u64>(Rig64::kData + 8, 0x2222);
    m.mov(RSI, Rig64::kData);
    m.mov(RAX, 0x1111);
    m.mov(RDX, 0x2222);
    m.mov(RBX, 0xAAAA'0000'0000'BBBBu);
    m.mov(RCX, 0xCCCC'0000'0000'DDDDu);
    m.code({0xF0, 0x48, 0x0F, 0xC7, 0x0E});  // LOCK CMPXCHG16B [rsi]
    m.run();
    REQUIRE(m.completed());
    CHECK(m.get<u64>(Rig64::kData) == 0xAAAA'0000'0000'BBBBu);
    CHECK(m.get<u64>(Rig64::kData + 8) == 0xCCCC'0000'0000'DDDDu);
    CHECK(m.s.flags.zf());
  }
  SECTION("different: the operand into RDX:RAX, ZF clear") {
    Rig64 m;
    m.put<u64>(Rig64::kData, 0x0123'4567'89AB'CDEFu);
    m.put<u64>(Rig64::kData + 8, 0xFEDC'BA98'7654'3210u);
    m.mov(RSI, Rig64::kData);
    m.mov(RAX, 0x1111);
    m.mov(RDX, 0x2222);
    m.code({0x48, 0x0F, 0xC7, 0x0E});
    m.run();
    REQUIRE(m.completed());
    CHECK(m.gpr(RAX) == 0x0123'4567'89AB'CDEFu);
    CHECK(m.gpr(RDX) == 0xFEDC'BA98'7654'3210u);
    CHECK(m.get<u64>(Rig64::kData) == 0x0123'4567'89AB'CDEFu);
    CHECK_FALSE(m.s.flags.zf());
  }
  SECTION("an operand not 16-byte aligned is #GP(0)") {
    Rig64 m;
    m.mov(RSI, Rig64::kData + 8);
    m.code({0x48, 0x0F, 0xC7, 0x0E});
    m.run();
    CHECK(m.faulted(kGP));
    CHECK(m.fault->error == 0);
  }
  SECTION("CMPXCHG8B in 64-bit mode compares EDX:EAX only and zero-extends the load") {
    Rig64 m;
    m.put<u64>(Rig64::kData, 0x0000'0002'0000'0001u);
    m.mov(RSI, Rig64::kData);
    m.mov(RAX, 0xFFFF'FFFF'0000'0001u);  // bits 63-32 play no part
    m.mov(RDX, 0xFFFF'FFFF'0000'0003u);
    m.code({0x0F, 0xC7, 0x0E});  // CMPXCHG8B [rsi]: differs in EDX
    m.run();
    REQUIRE(m.completed());
    CHECK_FALSE(m.s.flags.zf());
    CHECK(m.gpr(RAX) == 1);
    CHECK(m.gpr(RDX) == 2);
  }
}

TEST_CASE("64-bit mode: a shift by a masked count of 0 still zero-extends a 32-bit register", "[simd64][shift]") {
  // SDM Vol. 1 3.4.1.1; found by the 64-bit oracle (the host clears bits
  // 63-32 for SHL r32,CL and SHLD r32 with CL = 0 or 32).
  Rig64 m;
  m.mov(RAX, 0xFFFF'FFFF'1234'5678u);
  m.mov(RSI, 0xFFFF'FFFF'8765'4321u);
  m.mov(12, ~u64{0});  // R12
  m.mov(RCX, 32);  // masked to 0 for 32-bit operands
  m.put<u64>(Rig64::kData, 0xAAAA'AAAA'5555'5555u);
  m.mov(RBX, Rig64::kData);
  m.code({0xD3, 0xE0});                          // SHL eax, cl
  m.code({0x44, 0x0F, 0xA5, 0xE6});              // SHLD esi, r12d, cl
  m.code({0xD3, 0x23});                          // SHL dword [rbx], cl: memory unchanged
  m.run();
  REQUIRE(m.completed());
  CHECK(m.gpr(RAX) == 0x1234'5678u);
  CHECK(m.gpr(RSI) == 0x8765'4321u);
  CHECK(m.get<u64>(Rig64::kData) == 0xAAAA'AAAA'5555'5555u);
}

TEST_CASE("64-bit mode: 16-byte operands above 4 GiB and the alignment rule", "[simd][simd64]") {
  SECTION("MOVDQU, MOVAPS and MASKMOVDQU at kHigh") {
    Rig64 m;
    for (unsigned i = 0; i < 16; ++i) m.put<u8>(Rig64::kHighPhys + 0x13 + i, static_cast<u8>(0xA0 + i));
    m.mov(RBX, Rig64::kHigh + 0x13);
    m.mov(RDI, Rig64::kHigh + 0x40);
    m.code({0xF3, 0x44, 0x0F, 0x6F, 0x23});        // MOVDQU xmm12, [rbx]
    m.code({0x44, 0x0F, 0x29, 0x63, 0x1D});        // MOVAPS [rbx+1Dh] (= kHigh+30h), xmm12
    m.code({0x66, 0x45, 0x0F, 0xF7, 0xE5});        // MASKMOVDQU xmm12, xmm13 -> [rdi]
    m.xmm(13) = Vec128::from(0x80, 0x8000'0000'0000'0000u);  // bytes 0 and 15
    m.run();
    REQUIRE(m.completed());
    CHECK(m.xmm(12).lo() == 0xA7A6'A5A4'A3A2'A1A0u);
    CHECK(m.xmm(12).hi() == 0xAFAE'ADAC'ABAA'A9A8u);
    CHECK(m.get<u64>(Rig64::kHighPhys + 0x30) == 0xA7A6'A5A4'A3A2'A1A0u);
    CHECK(m.get<u64>(Rig64::kHighPhys + 0x38) == 0xAFAE'ADAC'ABAA'A9A8u);
    CHECK(m.get<u8>(Rig64::kHighPhys + 0x40) == 0xA0);
    CHECK(m.get<u8>(Rig64::kHighPhys + 0x41) == 0);
    CHECK(m.get<u8>(Rig64::kHighPhys + 0x4F) == 0xAF);
  }
  SECTION("MOVAPS at a misaligned high address: #GP(0), the register kept") {
    Rig64 m;
    m.mov(RBX, Rig64::kHigh + 8);
    m.code({0x44, 0x0F, 0x28, 0x33});  // MOVAPS xmm14, [rbx]
    m.xmm(14) = Vec128::from(7, 7);
    m.run();
    CHECK(m.faulted(kGP));
    CHECK(m.xmm(14).lo() == 7);
  }
  SECTION("a non-canonical 16-byte operand: #GP(0)") {
    Rig64 m;
    m.mov(RBX, 0x0000'8000'0000'0000u);
    m.code({0x66, 0x44, 0x0F, 0x6F, 0x03});  // MOVDQA xmm8, [rbx]
    m.run();
    CHECK(m.faulted(kGP));
  }
}

TEST_CASE("64-bit mode: FXSAVE, FXSAVE64 and FXRSTOR64 (SDM Vol. 2 FXSAVE Tables 3-57, 3-58)", "[x87][simd64]") {
  Rig64 m;
  m.put<u64>(Rig64::kHighPhys + 0x100, 0x3FF0'0000'0000'0000u);  // 1.0
  m.mov(RBX, Rig64::kHigh + 0x100);
  m.mov(RSI, Rig64::kData);
  m.mov(RDI, Rig64::kData + 0x200);
  const u64 fld = m.at;
  m.code({0xDD, 0x03});              // FLD qword [rbx]
  m.code({0x48, 0x0F, 0xAE, 0x06});  // FXSAVE64 [rsi]
  m.code({0x0F, 0xAE, 0x07});        // FXSAVE [rdi]
  m.xmm(8) = Vec128::from(0x8888, 0x8008);
  m.xmm(15) = Vec128::from(0xF0F0, 0x0F0F);
  m.run();
  REQUIRE(m.completed());
  const u64 img = Rig64::kData, leg = Rig64::kData + 0x200;
  CHECK(m.get<u64>(img + 8) == fld);                      // FPU IP, 64 bits
  CHECK(m.get<u64>(img + 16) == Rig64::kHigh + 0x100);    // FPU DP, 64 bits
  CHECK(m.get<u32>(leg + 8) == static_cast<u32>(fld));    // 32-bit layout: FIP
  CHECK(m.get<u16>(leg + 12) == 8);                       // then FCS
  CHECK(m.get<u32>(leg + 16) == 0x100);                   // FDP: its low 32 bits
  CHECK(m.get<u16>(leg + 20) == 0x10);                    // FDS
  for (u64 base : {img, leg}) {
    CHECK(m.get<u64>(base + 160 + 16 * 8) == 0x8888);     // XMM8-15 in 64-bit mode
    CHECK(m.get<u64>(base + 160 + 16 * 15 + 8) == 0x0F0F);
  }

  // FXRSTOR64 reads them back.
  Rig64 n;
  for (unsigned i = 0; i < 416; ++i) n.put<u8>(Rig64::kData + i, m.get<u8>(img + i));
  n.put<u64>(Rig64::kData + 160 + 16 * 12, 0x1212);
  n.mov(RSI, Rig64::kData);
  n.code({0x48, 0x0F, 0xAE, 0x0E});  // FXRSTOR64 [rsi]
  n.run();
  REQUIRE(n.completed());
  CHECK(n.s.fpu.fip == fld);
  CHECK(n.s.fpu.fdp == Rig64::kHigh + 0x100);
  CHECK(n.xmm(12).lo() == 0x1212);
  CHECK(n.xmm(15).hi() == 0x0F0F);
}
