// cpu/msr.cpp and cpu/mtrr.cpp: which MSRs each model has, what they read
// back, and the #GP(0) cases (SDM Vol. 4 Table 2-2, Vol. 2B RDMSR/WRMSR,
// Vol. 3A 12.11 for the MTRRs). RDMSR/WRMSR through the instruction: the
// last test case and cpuid_test.cpp.
#include <catch2/catch.hpp>

#include <string_view>

#include "cpu/canonical.hpp"
#include "cpu/msr.hpp"
#include "tests/unit/cpu/simd_rig.hpp"

using namespace gb;
using test::SimdMachine;

namespace {

/// True when `f` raises #GP(0).
template <class F>
bool gp0(F&& f) {
  try {
    f();
  } catch (const GuestFault& e) {
    return e.vector == kGP && e.has_error && e.error == 0;
  }
  return false;
}

struct Rig {
  SimdMachine m;
  explicit Rig(const char* model) : m(model, 0x600, false) {}
  u64 rd(u32 i) { return read_msr(m.cpu, i); }
  void wr(u32 i, u64 v) { write_msr(m.cpu, i, v); }
  bool rd_gp(u32 i) { return gp0([&] { rd(i); }); }
  bool wr_gp(u32 i, u64 v) { return gp0([&] { wr(i, v); }); }
  /// Writes `v` and reads it back (REQUIREs no fault).
  u64 round_trip(u32 i, u64 v) {
    REQUIRE_FALSE(wr_gp(i, v));
    return rd(i);
  }
};

constexpr const char* k64[] = {"core2duo", "nehalem", "icelake-server"};
constexpr const char* k32[] = {"pentium-pro", "pentium3", "pentium-m", "atom-n270"};

}  // namespace

TEST_CASE("canonical(): bits 63..width-1 equal", "[cpu][msr]") {
  CHECK(canonical(0, 48));
  CHECK(canonical(0x0000'7FFF'FFFF'F000u, 48));
  CHECK_FALSE(canonical(0x0000'8000'0000'0000u, 48));
  CHECK(canonical(0xFFFF'8000'0000'0000u, 48));
  CHECK_FALSE(canonical(0xFFFF'7FFF'FFFF'FFFFu, 48));
  CHECK_FALSE(canonical(0x8000'0000'0000'0000u, 48));
  CHECK(canonical(0x00FF'FFFF'FFFF'FFFFu, 57));
  CHECK_FALSE(canonical(0x0100'0000'0000'0000u, 57));
  CHECK(canonical(0xFF00'0000'0000'0000u, 57));
  CHECK_FALSE(canonical(0xFE00'0000'0000'0000u, 57));
  CHECK(canonical(0x8000'0000'0000'0000u, 64));
}

TEST_CASE("IA32_EFER: the bits each model has", "[cpu][msr][efer]") {
  CHECK(Rig("pentium-pro").rd_gp(msr::kEfer));
  CHECK(Rig("pentium3").wr_gp(msr::kEfer, 0));
  // Pentium M: NXE only; SCE and LME are reserved there.
  for (const char* name : {"pentium-m", "atom-n270"}) {
    INFO(name);
    Rig r(name);
    CHECK(r.rd(msr::kEfer) == 0);
    CHECK(r.round_trip(msr::kEfer, msr::kEferNxe) == msr::kEferNxe);
    CHECK(r.wr_gp(msr::kEfer, msr::kEferSce));
    CHECK(r.wr_gp(msr::kEfer, msr::kEferLme));
    CHECK(r.wr_gp(msr::kEfer, msr::kEferLma));
    CHECK(r.rd(msr::kEfer) == msr::kEferNxe);
  }
  for (const char* name : k64) {
    INFO(name);
    Rig r(name);
    const u64 all = msr::kEferSce | msr::kEferLme | msr::kEferNxe;
    CHECK(r.round_trip(msr::kEfer, all) == all);
    CHECK(r.round_trip(msr::kEfer, 0) == 0);
    // Reserved: 7:1, 9, 63:12 (FFXSR, SVME, LMSLE are AMD's).
    for (unsigned bit : {1u, 7u, 9u, 12u, 13u, 14u, 15u, 31u, 32u, 63u}) {
      INFO(bit);
      CHECK(r.wr_gp(msr::kEfer, u64{1} << bit));
    }
    CHECK(r.rd(msr::kEfer) == 0);
  }
}

TEST_CASE("IA32_EFER: LMA is the CPU's, LME fixed while CR0.PG = 1", "[cpu][msr][efer]") {
  Rig r("nehalem");
  CpuState& s = r.m.s;
  // A written LMA is ignored: it reads what the CPU set.
  CHECK(r.round_trip(msr::kEfer, msr::kEferLme | msr::kEferLma) == msr::kEferLme);
  s.efer = msr::kEferLme | msr::kEferLma;  // as the CR0.PG write leaves it
  CHECK(r.round_trip(msr::kEfer, msr::kEferLme | msr::kEferSce) == (msr::kEferLme | msr::kEferLma | msr::kEferSce));
  // With paging on, LME cannot change (either way); the other bits can.
  s.cr0 |= 0x8000'0001u;
  CHECK(r.wr_gp(msr::kEfer, msr::kEferSce));
  CHECK(r.rd(msr::kEfer) == (msr::kEferLme | msr::kEferLma | msr::kEferSce));
  CHECK(r.round_trip(msr::kEfer, msr::kEferLme | msr::kEferNxe) == (msr::kEferLme | msr::kEferLma | msr::kEferNxe));
  s.efer = 0;
  CHECK(r.wr_gp(msr::kEfer, msr::kEferLme));
  CHECK(r.round_trip(msr::kEfer, msr::kEferSce) == msr::kEferSce);
  // Paging off: LME sets and clears.
  s.cr0 &= ~0x8000'0000u;
  CHECK(r.round_trip(msr::kEfer, msr::kEferLme) == msr::kEferLme);
  CHECK(r.round_trip(msr::kEfer, 0) == 0);
}

TEST_CASE("IA32_EFER.NXE reaches the paging controls", "[cpu][msr][efer]") {
  Rig r("icelake-server");
  CHECK_FALSE(r.m.cpu.paging().nxe);
  r.wr(msr::kEfer, msr::kEferNxe);
  CHECK(r.m.cpu.paging().nxe);
  r.wr(msr::kEfer, 0);
  CHECK_FALSE(r.m.cpu.paging().nxe);
}

TEST_CASE("SYSCALL MSRs and the segment-base MSRs on the Intel 64 models", "[cpu][msr]") {
  const u32 all[] = {msr::kStar, msr::kLstar, msr::kCstar, msr::kFmask, msr::kFsBase, msr::kGsBase, msr::kKernelGsBase};
  for (const char* name : k32) {
    INFO(name);
    Rig r(name);
    for (u32 i : all) {
      CHECK(r.rd_gp(i));
      CHECK(r.wr_gp(i, 0));
    }
  }
  for (const char* name : k64) {
    INFO(name);
    Rig r(name);
    for (u32 i : all) CHECK(r.rd(i) == 0);  // power-up
    // STAR: all 64 bits (SYSRET/SYSCALL selectors, the legacy EIP field).
    CHECK(r.round_trip(msr::kStar, 0x0023'0010'DEAD'BEEFu) == 0x0023'0010'DEAD'BEEFu);
    CHECK(r.m.s.msr.star == 0x0023'0010'DEAD'BEEFu);
    // FMASK: bits 31:0; 63:32 reserved.
    CHECK(r.round_trip(msr::kFmask, 0x0004'7700u) == 0x0004'7700u);
    CHECK(r.wr_gp(msr::kFmask, u64{1} << 32));
    CHECK(r.m.s.msr.fmask == 0x0004'7700u);
    // Address MSRs: canonical values, both halves.
    for (u32 i : {msr::kLstar, msr::kFsBase, msr::kGsBase, msr::kKernelGsBase}) {
      INFO(i);
      CHECK(r.round_trip(i, 0xFFFF'FFFF'8100'0000u) == 0xFFFF'FFFF'8100'0000u);
      CHECK(r.round_trip(i, 0x0000'7FFF'F7FF'0000u) == 0x0000'7FFF'F7FF'0000u);
      CHECK(r.wr_gp(i, 0x8000'0000'0000'0000u));
      CHECK(r.wr_gp(i, 0x0100'0000'0000'0000u));
      CHECK(r.rd(i) == 0x0000'7FFF'F7FF'0000u);  // unchanged by the faulting writes
    }
    // CSTAR is not checked on Intel (SDM Vol. 2B WRMSR's list omits it).
    CHECK(r.round_trip(msr::kCstar, 0x8000'0000'0000'0000u) == 0x8000'0000'0000'0000u);
    CHECK(r.m.s.msr.lstar == 0x0000'7FFF'F7FF'0000u);
    CHECK(r.m.s.msr.kernel_gs_base == 0x0000'7FFF'F7FF'0000u);
    CHECK(r.m.s.seg[FS].base == 0x0000'7FFF'F7FF'0000u);
    CHECK(r.m.s.seg[GS].base == 0x0000'7FFF'F7FF'0000u);
  }
  // The canonical width is the part's: 48 bits on Core 2 and Nehalem, 57
  // with LA57 whatever CR4.LA57 says.
  const u64 high57 = 0x00FF'8000'0000'0000u;  // canonical for 57 bits only
  for (u32 i : {msr::kLstar, msr::kFsBase, msr::kGsBase, msr::kKernelGsBase}) {
    CHECK(Rig("nehalem").wr_gp(i, high57));
    CHECK(Rig("core2duo").wr_gp(i, high57));
    CHECK(Rig("icelake-server").round_trip(i, high57) == high57);
  }
}

TEST_CASE("IA32_TSC_AUX with RDTSCP", "[cpu][msr]") {
  for (const auto& m : cpu_models()) {
    if (!m.at_least(CpuFamily::p6) || m.rdtscp) continue;
    INFO(m.name);
    CHECK(Rig(m.name.data()).rd_gp(msr::kTscAux));
    CHECK(Rig(m.name.data()).wr_gp(msr::kTscAux, 1));
  }
  for (const auto& m : cpu_models()) {
    if (!m.rdtscp) continue;
    const char* name = m.name.data();
    INFO(name);
    Rig r(name);
    CHECK(r.rd(msr::kTscAux) == 0);
    CHECK(r.round_trip(msr::kTscAux, 0xFFFF'FFFFu) == 0xFFFF'FFFFu);
    CHECK(r.wr_gp(msr::kTscAux, u64{1} << 32));  // 63:32 reserved
    CHECK(r.m.s.msr.tsc_aux == 0xFFFF'FFFFu);
  }
}

TEST_CASE("IA32_SYSENTER_ESP/EIP: 32 bits before Intel 64, canonical 64 bits on it", "[cpu][msr]") {
  Rig p3("pentium3");
  CHECK(p3.round_trip(msr::kSysenterEip, 0x1234'5678'C010'0000u) == 0xC010'0000u);
  CHECK(p3.round_trip(msr::kSysenterEsp, 0xFFFF'FFFF'0000'1000u) == 0x1000u);
  Rig n("nehalem");
  CHECK(n.round_trip(msr::kSysenterEip, 0xFFFF'FFFF'8100'0000u) == 0xFFFF'FFFF'8100'0000u);
  CHECK(n.round_trip(msr::kSysenterEsp, 0x0000'7FFF'0000'1000u) == 0x0000'7FFF'0000'1000u);
  CHECK(n.wr_gp(msr::kSysenterEip, 0x1234'5678'C010'0000u));
  CHECK(n.wr_gp(msr::kSysenterEsp, 0x0000'8000'0000'0000u));
  CHECK(n.rd(msr::kSysenterEip) == 0xFFFF'FFFF'8100'0000u);
  CHECK(n.round_trip(msr::kSysenterCs, 0xFFFF'0010u) == 0x10u);  // selector only, as before
}

TEST_CASE("IA32_APIC_BASE: base bits up to MAXPHYADDR", "[cpu][msr]") {
  // Bits 35:12 take writes on every P6 model (as before); beyond them only
  // below MAXPHYADDR (46 on the Ice Lake part).
  CHECK(Rig("nehalem").wr_gp(msr::kApicBase, 0x10'FEE0'0900u));  // bit 36
  CHECK(Rig("icelake-server").wr_gp(msr::kApicBase, u64{1} << 46));
  CHECK(Rig("icelake-server").wr_gp(msr::kApicBase, 0xFEE0'0A00u));  // bit 9 reserved
  CHECK(Rig("icelake-server").wr_gp(msr::kApicBase, 0xFEE0'0D00u));  // bit 10 (x2APIC) not there
  CHECK(Rig("icelake-server").round_trip(msr::kApicBase, 0xFEE0'0900u) == 0xFEE0'0900u);
  CHECK(Rig("pentium").rd_gp(msr::kApicBase));
}

TEST_CASE("IA32_MISC_ENABLE and IA32_PAT on the Ice Lake part", "[cpu][msr]") {
  Rig r("icelake-server");
  CHECK(r.rd(msr::kMiscEnable) == 0x4'1801u);
  CHECK(r.round_trip(msr::kMiscEnable, 0x1800u) == 0x1800u);  // fast strings, MONITOR FSM off
  CHECK(r.wr_gp(msr::kMiscEnable, 0x4'1801u | (u64{1} << 34)));  // XD disable: not modelled
  CHECK(r.rd(msr::kPat) == 0x0007'0406'0007'0406u);
  CHECK(r.wr_gp(msr::kPat, 0x0007'0406'0007'0403u));
}

TEST_CASE("MTRRs: IA32_MTRRCAP and which models have them", "[cpu][msr][mtrr]") {
  // The 32-bit models do not report CPUID.MTRR, so have none.
  for (const char* name : k32) {
    INFO(name);
    Rig r(name);
    for (u32 i : {msr::kMtrrCap, msr::kMtrrDefType, msr::kMtrrPhysBase0, msr::kMtrrFix64k, msr::kMtrrFix4kC0 + 7}) {
      CHECK(r.rd_gp(i));
      CHECK(r.wr_gp(i, 0));
    }
  }
  // VCNT, FIX (8), WC (10); no SMRR (11).
  CHECK(Rig("core2duo").rd(msr::kMtrrCap) == 0x508u);
  CHECK(Rig("nehalem").rd(msr::kMtrrCap) == 0x50Au);
  CHECK(Rig("icelake-server").rd(msr::kMtrrCap) == 0x50Au);
  CHECK(Rig("nehalem").wr_gp(msr::kMtrrCap, 0x50A));  // read-only
  // Power-up: MTRRs disabled, every range register 0.
  Rig r("nehalem");
  CHECK(r.rd(msr::kMtrrDefType) == 0);
  CHECK(r.rd(msr::kMtrrPhysBase0 + 1) == 0);
  CHECK(r.rd(msr::kMtrrFix16kA0) == 0);
}

TEST_CASE("MTRRs: IA32_MTRR_DEF_TYPE", "[cpu][msr][mtrr]") {
  Rig r("core2duo");
  CHECK(r.round_trip(msr::kMtrrDefType, 0xC06) == 0xC06);  // E, FE, WB
  CHECK(r.round_trip(msr::kMtrrDefType, 0x800) == 0x800);  // E, UC
  for (u64 t : {0u, 1u, 4u, 5u, 6u}) CHECK(r.round_trip(msr::kMtrrDefType, 0x800 | t) == (0x800 | t));
  // Undefined types and reserved bits (9:8, 63:12).
  for (u64 v : {u64{0x802}, u64{0x803}, u64{0x807}, u64{0x8FF}, u64{0x900}, u64{0xA00}, u64{0x1800}, u64{1} << 63}) {
    INFO(v);
    CHECK(r.wr_gp(msr::kMtrrDefType, v));
  }
  CHECK(r.m.s.msr.mtrr.def_type == 0x806);
}

TEST_CASE("MTRRs: the variable-range pairs", "[cpu][msr][mtrr]") {
  // Core 2: 8 pairs (200h-20Fh); Nehalem and Ice Lake: 10 (200h-213h).
  Rig c2("core2duo");
  CHECK(c2.round_trip(0x20E, 0x6) == 0x6);
  CHECK(c2.rd_gp(0x210));
  CHECK(c2.wr_gp(0x211, 0));
  Rig n("nehalem");
  // PHYSBASE: type (7:0), base (35:12 with MAXPHYADDR 36).
  CHECK(n.round_trip(0x212, 0xF'FFFF'F006u) == 0xF'FFFF'F006u);
  CHECK(n.rd_gp(0x214));
  CHECK(n.wr_gp(0x200, 0x10'0000'0006u));  // bit 36: at MAXPHYADDR
  CHECK(n.wr_gp(0x200, 0x100u));           // 11:8 reserved
  CHECK(n.wr_gp(0x200, 0x2u));             // undefined type
  CHECK(n.wr_gp(0x200, 0x7u));
  // PHYSMASK: V (11), mask (35:12); 10:0 reserved.
  CHECK(n.round_trip(0x201, 0xF'FFF0'0800u) == 0xF'FFF0'0800u);
  CHECK(n.wr_gp(0x201, 0xF'FFF0'0400u));
  CHECK(n.wr_gp(0x201, 0x1F'FFF0'0800u));
  CHECK(n.m.s.msr.mtrr.phys_mask[0] == 0xF'FFF0'0800u);
  CHECK(n.m.s.msr.mtrr.phys_base[9] == 0xF'FFFF'F006u);
  // MAXPHYADDR 46 on the Ice Lake part.
  Rig i("icelake-server");
  CHECK(i.round_trip(0x200, 0x3FFF'FFFF'F001u) == 0x3FFF'FFFF'F001u);
  CHECK(i.wr_gp(0x200, 0x4000'0000'0001u));
  CHECK(i.round_trip(0x213, 0x3FFF'FFFF'F800u) == 0x3FFF'FFFF'F800u);
}

TEST_CASE("MTRRs: the fixed ranges", "[cpu][msr][mtrr]") {
  Rig r("icelake-server");
  const u32 fixed[] = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26A, 0x26B, 0x26C, 0x26D, 0x26E, 0x26F};
  u64 v = 0x0001'0405'0600'0106u;
  for (u32 i : fixed) {
    INFO(i);
    CHECK(r.round_trip(i, v) == v);
    v = (v << 8) | (v >> 56);  // rotate the types through the bytes
  }
  CHECK(r.m.s.msr.mtrr.fixed[0] == 0x0001'0405'0600'0106u);
  // One undefined type in any byte.
  for (unsigned byte = 0; byte < 8; ++byte) CHECK(r.wr_gp(0x268, u64{0x07} << (8 * byte)));
  CHECK(r.wr_gp(0x250, 0x0606'0606'0606'0602u));
  CHECK(r.wr_gp(0x250, 0x0306'0606'0606'0606u));
  // Numbers between the fixed MTRRs are no MSRs.
  for (u32 i : {0x251u, 0x257u, 0x25Au, 0x260u, 0x267u, 0x270u, 0x2FEu}) {
    INFO(i);
    CHECK(r.rd_gp(i));
  }
}

TEST_CASE("RDMSR/WRMSR instructions reach the new MSRs", "[cpu][msr]") {
  SimdMachine m("icelake-server");
  m.s.gpr[ECX] = msr::kKernelGsBase;
  m.s.gpr[EAX] = 0x8100'0000u;
  m.s.gpr[EDX] = 0xFFFF'FFFFu;
  m.code({0x0F, 0x30, 0x31, 0xC0, 0x31, 0xD2, 0x0F, 0x32});  // WRMSR; XOR EAX, EAX; XOR EDX, EDX; RDMSR
  m.run();
  REQUIRE(m.completed());
  CHECK(m.s.gpr[EAX] == 0x8100'0000u);
  CHECK(m.s.gpr[EDX] == 0xFFFF'FFFFu);
  CHECK(m.s.msr.kernel_gs_base == 0xFFFF'FFFF'8100'0000u);
  // A non-canonical value: #GP through the instruction too.
  SimdMachine bad("nehalem");
  bad.s.gpr[ECX] = msr::kLstar;
  bad.s.gpr[EAX] = 0;
  bad.s.gpr[EDX] = 0x0001'0000u;
  bad.code({0x0F, 0x30});
  bad.run();
  CHECK(bad.in_handler(13));
  CHECK(bad.s.msr.lstar == 0);
}
