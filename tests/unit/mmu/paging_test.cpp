// gb::walk against hand-built page tables (SDM Vol. 3A chapter 4): 32-bit
// paging with 4 KiB and PSE 4 MiB pages, PAE with 4 KiB and 2 MiB pages and
// XD, the A/D updates, the #PF error codes, and pdpte_reserved().
#include <catch2/catch.hpp>

#include <vector>

#include "mmu/bus.hpp"
#include "mmu/io_map.hpp"
#include "mmu/memory_map.hpp"
#include "mmu/paging.hpp"

using namespace gb;

namespace {

constexpr u64 P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
constexpr u64 XD = u64{1} << 63;

// 1 MiB of RAM at physical 0, on a bus.
struct Machine {
  static constexpr std::size_t kRamSize = 1u << 20;
  std::vector<u8> ram = std::vector<u8>(kRamSize, 0);
  MemoryMap map;
  IoMap io;
  Bus bus{map, io};

  Machine() { map.map_ram(0, ram); }

  void put32(u64 addr, u32 v) {
    for (unsigned i = 0; i < 4; ++i) ram.at(addr + i) = static_cast<u8>(v >> (8 * i));
  }
  void put64(u64 addr, u64 v) {
    for (unsigned i = 0; i < 8; ++i) ram.at(addr + i) = static_cast<u8>(v >> (8 * i));
  }
  u32 get32(u64 addr) const {
    u32 v = 0;
    for (unsigned i = 0; i < 4; ++i) v |= static_cast<u32>(ram.at(addr + i)) << (8 * i);
    return v;
  }
  u64 get64(u64 addr) const {
    u64 v = 0;
    for (unsigned i = 0; i < 8; ++i) v |= static_cast<u64>(ram.at(addr + i)) << (8 * i);
    return v;
  }
};

constexpr PageAccess kRead{};
constexpr PageAccess kWrite{true, false, false};
constexpr PageAccess kUserRead{false, true, false};
constexpr PageAccess kUserWrite{true, true, false};
constexpr PageAccess kFetch{false, false, true};
constexpr PageAccess kUserFetch{false, true, true};

// ---------------------------------------------------------------------------
// 32-bit paging layout: CR3 = 0x1000 (page directory), page table at 0x2000.
// Linear 0x00403123: PDE 1 (at 0x1004), PTE 3 (at 0x200C) -> frame 0x5000.
constexpr u32 kPd = 0x1000, kPt = 0x2000;
constexpr u32 kLin = 0x0040'3123;
constexpr u64 kPdeAddr = kPd + 1 * 4, kPteAddr = kPt + 3 * 4;

PagingConfig legacy_cfg() {
  PagingConfig c;
  c.mode = PagingMode::Legacy32;
  c.cr3 = kPd;
  return c;
}

void build_legacy(Machine& m, u32 pde_flags = P | RW | US, u32 pte_flags = P | RW | US) {
  m.put32(kPdeAddr, kPt | pde_flags);
  m.put32(kPteAddr, 0x5000u | pte_flags);
}

}  // namespace

TEST_CASE("paging: 32-bit 4 KiB translation and steps", "[paging]") {
  Machine m;
  build_legacy(m);
  const auto cfg = legacy_cfg();
  const WalkResult r = walk(cfg, kLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.error == 0);
  CHECK(r.phys == 0x5123);
  CHECK(r.page_base == 0x5000);
  CHECK_FALSE(r.large);
  CHECK_FALSE(r.global);
  CHECK(r.user);
  CHECK(r.writable);
  CHECK_FALSE(r.no_exec);
  REQUIRE(r.steps == 2);
  CHECK(r.step[0].level == 2);
  CHECK(r.step[0].entry_addr == kPdeAddr);
  CHECK(r.step[0].entry == (kPt | P | RW | US));
  CHECK(r.step[1].level == 1);
  CHECK(r.step[1].entry_addr == kPteAddr);
  CHECK(r.step[1].entry == (0x5000 | P | RW | US));

  // Another offset in the same page, and a different PTE of the same table.
  CHECK(walk(cfg, 0x0040'3FFF, kRead, m.bus, false).phys == 0x5FFF);
  m.put32(kPt + 0x3FF * 4, 0x000F'F000u | P);
  const WalkResult r2 = walk(cfg, 0x007F'F010, kRead, m.bus, false);
  REQUIRE(r2.ok);
  CHECK(r2.phys == 0xF'F010);
  CHECK(r2.step[0].entry_addr == kPd + 1 * 4);
  CHECK(r2.step[1].entry_addr == kPt + 0x3FF * 4);
}

TEST_CASE("paging: 32-bit CR3 low bits are not part of the directory address", "[paging]") {
  Machine m;
  build_legacy(m);
  auto cfg = legacy_cfg();
  cfg.cr3 = kPd | 0x18;  // PWT/PCD
  const WalkResult r = walk(cfg, kLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.step[0].entry_addr == kPdeAddr);
  CHECK(r.phys == 0x5123);
}

TEST_CASE("paging: 32-bit not-present PDE", "[paging]") {
  Machine m;
  build_legacy(m);
  const auto cfg = legacy_cfg();
  const u32 lin = 0x0080'0000;  // PDE 2: zero
  struct {
    PageAccess acc;
    u32 err;
  } cases[] = {{kRead, 0}, {kWrite, pf::W}, {kUserRead, pf::U}, {kUserWrite, pf::W | pf::U}};
  for (const auto& c : cases) {
    const WalkResult r = walk(cfg, lin, c.acc, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == c.err);
    REQUIRE(r.steps == 1);
    CHECK(r.step[0].level == 2);
    CHECK(r.step[0].entry_addr == kPd + 2 * 4);
    CHECK(r.step[0].entry == 0);
  }
  // A PDE with everything but P set is still not present.
  m.put32(kPd + 2 * 4, kPt | RW | US | A);
  const WalkResult r = walk(cfg, lin, kUserWrite, m.bus, true);
  CHECK_FALSE(r.ok);
  CHECK(r.error == (pf::W | pf::U));
}

TEST_CASE("paging: 32-bit not-present PTE", "[paging]") {
  Machine m;
  build_legacy(m);
  const auto cfg = legacy_cfg();
  const u32 lin = 0x0040'4000;  // PTE 4: zero
  struct {
    PageAccess acc;
    u32 err;
  } cases[] = {{kRead, 0}, {kWrite, pf::W}, {kUserRead, pf::U}, {kUserWrite, pf::W | pf::U}};
  for (const auto& c : cases) {
    const std::vector<u8> before = m.ram;
    const WalkResult r = walk(cfg, lin, c.acc, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == c.err);
    REQUIRE(r.steps == 2);
    CHECK(r.step[1].level == 1);
    CHECK(r.step[1].entry_addr == kPt + 4 * 4);
    CHECK(r.step[1].entry == 0);
    CHECK(m.ram == before);  // no A bit on the PDE for a faulting walk
  }
}

TEST_CASE("paging: 32-bit user/supervisor checks", "[paging]") {
  const auto cfg = legacy_cfg();
  SECTION("supervisor PTE") {
    Machine m;
    build_legacy(m, P | RW | US, P | RW);
    CHECK(walk(cfg, kLin, kRead, m.bus, false).ok);
    CHECK(walk(cfg, kLin, kWrite, m.bus, false).ok);
    WalkResult r = walk(cfg, kLin, kUserRead, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::U));
    r = walk(cfg, kLin, kUserWrite, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::W | pf::U));
  }
  SECTION("supervisor PDE, user PTE") {
    Machine m;
    build_legacy(m, P | RW, P | RW | US);
    CHECK(walk(cfg, kLin, kRead, m.bus, false).ok);
    const WalkResult r = walk(cfg, kLin, kUserRead, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::U));
    CHECK_FALSE(r.user);
  }
  SECTION("user at both levels") {
    Machine m;
    build_legacy(m);
    CHECK(walk(cfg, kLin, kUserRead, m.bus, false).ok);
    CHECK(walk(cfg, kLin, kUserWrite, m.bus, false).ok);
  }
}

TEST_CASE("paging: 32-bit read/write checks and CR0.WP", "[paging]") {
  auto cfg = legacy_cfg();
  for (int level = 0; level < 2; ++level) {
    Machine m;
    if (level == 0)
      build_legacy(m, P | RW | US, P | US);  // read-only PTE
    else
      build_legacy(m, P | US, P | RW | US);  // read-only PDE
    INFO("read-only at " << (level == 0 ? "PTE" : "PDE"));

    cfg.wp = false;
    CHECK(walk(cfg, kLin, kUserRead, m.bus, false).ok);
    CHECK(walk(cfg, kLin, kRead, m.bus, false).ok);
    WalkResult r = walk(cfg, kLin, kUserWrite, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::W | pf::U));
    // Supervisor write to a read-only page: allowed without CR0.WP.
    r = walk(cfg, kLin, kWrite, m.bus, false);
    CHECK(r.ok);
    CHECK(r.phys == 0x5123);
    CHECK_FALSE(r.writable);

    cfg.wp = true;
    CHECK(walk(cfg, kLin, kRead, m.bus, false).ok);
    CHECK(walk(cfg, kLin, kUserRead, m.bus, false).ok);
    r = walk(cfg, kLin, kWrite, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::W));
    r = walk(cfg, kLin, kUserWrite, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::W | pf::U));
  }
  // WP does not affect a writable page.
  Machine m;
  build_legacy(m);
  cfg.wp = true;
  CHECK(walk(cfg, kLin, kWrite, m.bus, false).ok);
  CHECK(walk(cfg, kLin, kUserWrite, m.bus, false).ok);
}

TEST_CASE("paging: 32-bit accessed and dirty bits", "[paging]") {
  const auto cfg = legacy_cfg();
  SECTION("read sets A on PDE and PTE, no D") {
    Machine m;
    build_legacy(m);
    const WalkResult r = walk(cfg, kLin, kRead, m.bus, true);
    REQUIRE(r.ok);
    CHECK(m.get32(kPdeAddr) == (kPt | P | RW | US | A));
    CHECK(m.get32(kPteAddr) == (0x5000 | P | RW | US | A));
    CHECK_FALSE(r.dirty);
    // The steps hold the values read, before the update.
    CHECK(r.step[0].entry == (kPt | P | RW | US));
    CHECK(r.step[1].entry == (0x5000 | P | RW | US));
  }
  SECTION("write sets A on both and D on the PTE only") {
    Machine m;
    build_legacy(m);
    const WalkResult r = walk(cfg, kLin, kWrite, m.bus, true);
    REQUIRE(r.ok);
    CHECK(m.get32(kPdeAddr) == (kPt | P | RW | US | A));
    CHECK(m.get32(kPteAddr) == (0x5000 | P | RW | US | A | D));
    CHECK(r.dirty);
  }
  SECTION("user write") {
    Machine m;
    build_legacy(m);
    REQUIRE(walk(cfg, kLin, kUserWrite, m.bus, true).ok);
    CHECK(m.get32(kPdeAddr) == (kPt | P | RW | US | A));
    CHECK(m.get32(kPteAddr) == (0x5000 | P | RW | US | A | D));
  }
  SECTION("already dirty: reported dirty on a read") {
    Machine m;
    build_legacy(m, P | RW | US | A, P | RW | US | A | D);
    const std::vector<u8> before = m.ram;
    const WalkResult r = walk(cfg, kLin, kRead, m.bus, true);
    REQUIRE(r.ok);
    CHECK(r.dirty);
    CHECK(m.ram == before);
  }
  SECTION("set_ad = false never touches memory") {
    Machine m;
    build_legacy(m);
    const std::vector<u8> before = m.ram;
    for (const PageAccess acc : {kRead, kWrite, kUserRead, kUserWrite, kFetch}) {
      const WalkResult r = walk(cfg, kLin, acc, m.bus, false);
      CHECK(r.ok);
      CHECK_FALSE(r.dirty);
    }
    CHECK(m.ram == before);
  }
  SECTION("no A/D update on a faulting walk") {
    Machine m;
    build_legacy(m, P | RW | US, P | RW);  // supervisor page
    const std::vector<u8> before = m.ram;
    CHECK_FALSE(walk(cfg, kLin, kUserWrite, m.bus, true).ok);
    CHECK_FALSE(walk(cfg, kLin, kUserRead, m.bus, true).ok);
    CHECK(m.ram == before);
    // Read-only page with WP: the supervisor write faults, nothing set.
    Machine m2;
    build_legacy(m2, P | RW | US, P | US);
    auto wp = cfg;
    wp.wp = true;
    const std::vector<u8> before2 = m2.ram;
    CHECK_FALSE(walk(wp, kLin, kWrite, m2.bus, true).ok);
    CHECK(m2.ram == before2);
  }
}

TEST_CASE("paging: 32-bit global bit on a 4 KiB page", "[paging]") {
  Machine m;
  build_legacy(m, P | RW | US | G, P | RW | US | G);
  auto cfg = legacy_cfg();
  CHECK_FALSE(walk(cfg, kLin, kRead, m.bus, false).global);
  cfg.pge = true;
  CHECK(walk(cfg, kLin, kRead, m.bus, false).global);
  // G in a PDE that references a page table is ignored.
  m.put32(kPteAddr, 0x5000 | P | RW | US);
  CHECK_FALSE(walk(cfg, kLin, kRead, m.bus, false).global);
}

TEST_CASE("paging: paging off is the identity", "[paging]") {
  Machine m;
  PagingConfig cfg;
  const std::vector<u8> before = m.ram;
  const WalkResult r = walk(cfg, 0x1234'5678, kUserWrite, m.bus, true);
  CHECK(r.ok);
  CHECK(r.phys == 0x1234'5678);
  CHECK(r.page_base == 0x1234'5000);
  CHECK(r.steps == 0);
  CHECK(m.ram == before);
}

// ---------------------------------------------------------------------------
// PSE: PDE 3 (linear 0x00C00000-0x00FFFFFF) maps the 4 MiB page at 0x01000000.

TEST_CASE("paging: PSE 4 MiB page translation", "[paging][pse]") {
  Machine m;
  const u64 pde_addr = kPd + 3 * 4;
  m.put32(pde_addr, 0x0100'0000u | P | RW | US | PS);
  auto cfg = legacy_cfg();
  cfg.pse = true;
  const WalkResult r = walk(cfg, 0x00C1'2345, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.phys == 0x0101'2345);
  CHECK(r.page_base == 0x0101'2000);
  CHECK(r.large);
  CHECK_FALSE(r.global);
  REQUIRE(r.steps == 1);
  CHECK(r.step[0].level == 2);
  CHECK(r.step[0].entry_addr == pde_addr);
  CHECK(r.step[0].entry == (0x0100'0000u | P | RW | US | PS));
  CHECK(walk(cfg, 0x00FF'FFFF, kRead, m.bus, false).phys == 0x013F'FFFF);

  SECTION("A and D on the PDE") {
    REQUIRE(walk(cfg, 0x00C0'0000, kRead, m.bus, true).ok);
    CHECK(m.get32(pde_addr) == (0x0100'0000u | P | RW | US | PS | A));
    const WalkResult w = walk(cfg, 0x00C0'0000, kWrite, m.bus, true);
    REQUIRE(w.ok);
    CHECK(w.dirty);
    CHECK(m.get32(pde_addr) == (0x0100'0000u | P | RW | US | PS | A | D));
  }
  SECTION("rights on the PDE") {
    m.put32(pde_addr, 0x0100'0000u | P | PS);
    const WalkResult u = walk(cfg, 0x00C0'0000, kUserRead, m.bus, false);
    CHECK_FALSE(u.ok);
    CHECK(u.error == (pf::P | pf::U));
    CHECK(walk(cfg, 0x00C0'0000, kWrite, m.bus, false).ok);
    cfg.wp = true;
    const WalkResult w = walk(cfg, 0x00C0'0000, kWrite, m.bus, false);
    CHECK_FALSE(w.ok);
    CHECK(w.error == (pf::P | pf::W));
  }
  SECTION("PAT bit 12 is not reserved") {
    m.put32(pde_addr, 0x0100'0000u | 0x1000u | P | RW | US | PS);
    const WalkResult p = walk(cfg, 0x00C1'2345, kRead, m.bus, false);
    CHECK(p.ok);
    CHECK(p.phys == 0x0101'2345);
  }
}

TEST_CASE("paging: PS is ignored without CR4.PSE", "[paging][pse]") {
  Machine m;
  // PDE 3 has PS set but, without PSE, references the page table at 0x3000.
  m.put32(kPd + 3 * 4, 0x3000u | P | RW | US | PS);
  m.put32(0x3000 + 5 * 4, 0x7000u | P | RW | US);
  const auto cfg = legacy_cfg();
  const WalkResult r = walk(cfg, 0x00C0'5678, kRead, m.bus, true);
  REQUIRE(r.ok);
  CHECK(r.phys == 0x7678);
  CHECK_FALSE(r.large);
  REQUIRE(r.steps == 2);
  CHECK(r.step[1].level == 1);
  CHECK(r.step[1].entry_addr == 0x3000 + 5 * 4);
  CHECK(r.step[1].entry == (0x7000u | P | RW | US));
  // A on both, the PDE still a page-table reference.
  CHECK(m.get32(kPd + 3 * 4) == (0x3000u | P | RW | US | PS | A));
  CHECK(m.get32(0x3000 + 5 * 4) == (0x7000u | P | RW | US | A));
}

TEST_CASE("paging: PSE 4 MiB PDE reserved bits 21:13", "[paging][pse]") {
  auto cfg = legacy_cfg();
  cfg.pse = true;
  for (unsigned bit = 13; bit <= 21; ++bit) {
    INFO("bit " << bit);
    Machine m;
    m.put32(kPd + 3 * 4, 0x0100'0000u | (1u << bit) | P | RW | US | PS);
    const std::vector<u8> before = m.ram;
    WalkResult r = walk(cfg, 0x00C1'2345, kRead, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::RSVD | pf::P));
    r = walk(cfg, 0x00C1'2345, kUserWrite, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::RSVD | pf::P | pf::W | pf::U));
    CHECK(m.ram == before);
    // Without PSE the same PDE is a page-table reference: no reserved bits.
    auto nopse = cfg;
    nopse.pse = false;
    CHECK(walk(nopse, 0x00C1'2345, kRead, m.bus, false).error == 0);
  }
}

TEST_CASE("paging: PSE 4 MiB global page", "[paging][pse]") {
  Machine m;
  m.put32(kPd + 3 * 4, 0x0100'0000u | P | RW | US | PS | G);
  auto cfg = legacy_cfg();
  cfg.pse = true;
  WalkResult r = walk(cfg, 0x00C1'2345, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.large);
  CHECK_FALSE(r.global);
  cfg.pge = true;
  r = walk(cfg, 0x00C1'2345, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.global);
  CHECK(r.large);
}

// SDM Vol. 3A 4.7: the I/D flag is set for an instruction fetch only with
// CR4.SMEP = 1 or with PAE paging and IA32_EFER.NXE = 1; 32-bit paging with
// NXE set reports it clear.
TEST_CASE("paging: 32-bit paging never reports I/D, even with EFER.NXE", "[paging]") {
  Machine m;
  build_legacy(m, P | RW | US, P | RW);
  auto cfg = legacy_cfg();
  cfg.nxe = true;
  const WalkResult np = walk(cfg, 0x0080'0000, kFetch, m.bus, false);
  CHECK_FALSE(np.ok);
  CHECK(np.error == 0);
  const WalkResult us = walk(cfg, kLin, kUserFetch, m.bus, false);
  CHECK_FALSE(us.ok);
  CHECK(us.error == (pf::P | pf::U));
}

// ---------------------------------------------------------------------------
// PAE layout: CR3 = 0x1000 (PDPT), PDPTE 1 -> page directory at 0x2000, PDE 2
// -> page table at 0x3000, PTE 3 -> frame 0x5000. Linear 0x40403123.
namespace {

constexpr u32 kPdpt = 0x1000, kPaePd = 0x2000, kPaePt = 0x3000;
constexpr u32 kPaeLin = 0x4040'3123;
constexpr u64 kPaePdeAddr = kPaePd + 2 * 8, kPaePteAddr = kPaePt + 3 * 8;
// 2 MiB page: PDE 4 of the same directory -> 0x00600000. Linear 0x40812345.
constexpr u32 kPaeLargeLin = 0x4081'2345;
constexpr u64 kPaeLargePdeAddr = kPaePd + 4 * 8;

PagingConfig pae_cfg() {
  PagingConfig c;
  c.mode = PagingMode::Pae;
  c.cr3 = kPdpt;
  c.maxphyaddr = 36;
  c.pdpte = {0, kPaePd | P, 0, 0};
  return c;
}

void build_pae(Machine& m, u64 pde_flags = P | RW | US, u64 pte_flags = P | RW | US,
               u64 frame = 0x5000) {
  m.put64(kPdpt + 1 * 8, kPaePd | P);  // as MOV CR3 would have loaded it
  m.put64(kPaePdeAddr, kPaePt | pde_flags);
  m.put64(kPaePteAddr, frame | pte_flags);
}

}  // namespace

TEST_CASE("paging: PAE 4 KiB translation and steps", "[paging][pae]") {
  Machine m;
  build_pae(m);
  const auto cfg = pae_cfg();
  const WalkResult r = walk(cfg, kPaeLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.phys == 0x5123);
  CHECK(r.page_base == 0x5000);
  CHECK_FALSE(r.large);
  REQUIRE(r.steps == 3);
  CHECK(r.step[0].level == 3);
  CHECK(r.step[0].entry_addr == kPdpt + 1 * 8);
  CHECK(r.step[0].entry == (kPaePd | P));
  CHECK(r.step[1].level == 2);
  CHECK(r.step[1].entry_addr == kPaePdeAddr);
  CHECK(r.step[1].entry == (kPaePt | P | RW | US));
  CHECK(r.step[2].level == 1);
  CHECK(r.step[2].entry_addr == kPaePteAddr);
  CHECK(r.step[2].entry == (0x5000 | P | RW | US));
}

TEST_CASE("paging: PAE frame above 4 GiB", "[paging][pae]") {
  Machine m;
  const u64 frame = u64{0x8'0000'5000};
  build_pae(m, P | RW | US, P | RW | US, frame);
  const auto cfg = pae_cfg();
  const WalkResult r = walk(cfg, kPaeLin, kWrite, m.bus, true);
  REQUIRE(r.ok);
  CHECK(r.phys == u64{0x8'0000'5123});
  CHECK(r.page_base == u64{0x8'0000'5000});
  // The A/D update keeps the high dword of the entry.
  CHECK(m.get64(kPaePteAddr) == (frame | P | RW | US | A | D));
  CHECK(m.get64(kPaePdeAddr) == (kPaePt | P | RW | US | A));
  // The PDPTE in memory is not touched (PAE PDPTEs have no A bit).
  CHECK(m.get64(kPdpt + 1 * 8) == (kPaePd | P));
}

TEST_CASE("paging: PAE A/D bits and set_ad = false", "[paging][pae]") {
  const auto cfg = pae_cfg();
  SECTION("read") {
    Machine m;
    build_pae(m);
    const std::vector<u8> before = m.ram;
    REQUIRE(walk(cfg, kPaeLin, kRead, m.bus, false).ok);
    REQUIRE(walk(cfg, kPaeLin, kWrite, m.bus, false).ok);
    CHECK(m.ram == before);
    REQUIRE(walk(cfg, kPaeLin, kRead, m.bus, true).ok);
    CHECK(m.get64(kPaePdeAddr) == (kPaePt | P | RW | US | A));
    CHECK(m.get64(kPaePteAddr) == (0x5000 | P | RW | US | A));
  }
  SECTION("faulting walk") {
    Machine m;
    build_pae(m, P | RW | US, P | US);
    auto wp = cfg;
    wp.wp = true;
    const std::vector<u8> before = m.ram;
    const WalkResult r = walk(wp, kPaeLin, kWrite, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::W));
    CHECK(m.ram == before);
  }
}

TEST_CASE("paging: PAE 2 MiB page", "[paging][pae]") {
  Machine m;
  m.put64(kPaeLargePdeAddr, 0x0060'0000u | P | RW | US | PS);
  auto cfg = pae_cfg();
  const WalkResult r = walk(cfg, kPaeLargeLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.phys == 0x0061'2345);
  CHECK(r.page_base == 0x0061'2000);
  CHECK(r.large);
  CHECK_FALSE(r.global);
  REQUIRE(r.steps == 2);
  CHECK(r.step[0].level == 3);
  CHECK(r.step[0].entry_addr == kPdpt + 1 * 8);
  CHECK(r.step[1].level == 2);
  CHECK(r.step[1].entry_addr == kPaeLargePdeAddr);
  CHECK(r.step[1].entry == (0x0060'0000u | P | RW | US | PS));
  // PS counts in PAE paging regardless of CR4.PSE.
  CHECK_FALSE(cfg.pse);
  // Global with PGE; A and D on the PDE.
  m.put64(kPaeLargePdeAddr, 0x0060'0000u | P | RW | US | PS | G);
  cfg.pge = true;
  const WalkResult w = walk(cfg, kPaeLargeLin, kWrite, m.bus, true);
  REQUIRE(w.ok);
  CHECK(w.global);
  CHECK(w.dirty);
  CHECK(m.get64(kPaeLargePdeAddr) == (0x0060'0000u | P | RW | US | PS | G | A | D));
  // A 2 MiB page above 4 GiB.
  m.put64(kPaeLargePdeAddr, u64{0xF'FFE0'0000} | P | PS);
  CHECK(walk(cfg, kPaeLargeLin, kRead, m.bus, false).phys == u64{0xF'FFE1'2345});
}

TEST_CASE("paging: PAE not-present PDPTE", "[paging][pae]") {
  Machine m;
  build_pae(m);
  const auto cfg = pae_cfg();
  const u32 lin = 0x8000'0000;  // PDPTE 2: zero
  struct {
    PageAccess acc;
    u32 err;
  } cases[] = {{kRead, 0}, {kWrite, pf::W}, {kUserRead, pf::U}, {kUserWrite, pf::W | pf::U}};
  for (const auto& c : cases) {
    const std::vector<u8> before = m.ram;
    const WalkResult r = walk(cfg, lin, c.acc, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == c.err);
    REQUIRE(r.steps == 1);
    CHECK(r.step[0].level == 3);
    CHECK(r.step[0].entry_addr == kPdpt + 2 * 8);
    CHECK(r.step[0].entry == 0);
    CHECK(m.ram == before);
  }
  // The PDPTEs come from the config (loaded at MOV CR3), not from memory.
  auto stale = cfg;
  stale.pdpte[1] = 0;
  CHECK_FALSE(walk(stale, kPaeLin, kRead, m.bus, false).ok);
}

TEST_CASE("paging: PAE not-present PDE and PTE", "[paging][pae]") {
  Machine m;
  build_pae(m);
  const auto cfg = pae_cfg();
  WalkResult r = walk(cfg, 0x4060'0000, kUserWrite, m.bus, true);  // PDE 3: zero
  CHECK_FALSE(r.ok);
  CHECK(r.error == (pf::W | pf::U));
  CHECK(r.steps == 2);
  r = walk(cfg, 0x4040'4000, kWrite, m.bus, true);  // PTE 4: zero
  CHECK_FALSE(r.ok);
  CHECK(r.error == pf::W);
  CHECK(r.steps == 3);
}

TEST_CASE("paging: PAE reserved bits above MAXPHYADDR", "[paging][pae]") {
  const auto cfg = pae_cfg();
  for (unsigned bit : {36u, 40u, 51u, 62u}) {
    INFO("bit " << bit);
    const u64 rsvd = u64{1} << bit;
    {
      Machine m;
      build_pae(m, P | RW | US | rsvd);
      const std::vector<u8> before = m.ram;
      WalkResult r = walk(cfg, kPaeLin, kRead, m.bus, true);
      CHECK_FALSE(r.ok);
      CHECK(r.error == (pf::RSVD | pf::P));
      r = walk(cfg, kPaeLin, kUserWrite, m.bus, true);
      CHECK(r.error == (pf::RSVD | pf::P | pf::W | pf::U));
      CHECK(m.ram == before);
    }
    {
      Machine m;
      build_pae(m, P | RW | US, P | RW | US | rsvd);
      const std::vector<u8> before = m.ram;
      const WalkResult r = walk(cfg, kPaeLin, kWrite, m.bus, true);
      CHECK_FALSE(r.ok);
      CHECK(r.error == (pf::RSVD | pf::P | pf::W));
      CHECK(m.ram == before);
    }
    {
      Machine m;
      m.put64(kPaeLargePdeAddr, 0x0060'0000u | rsvd | P | RW | US | PS);
      const WalkResult r = walk(cfg, kPaeLargeLin, kRead, m.bus, false);
      CHECK_FALSE(r.ok);
      CHECK(r.error == (pf::RSVD | pf::P));
    }
  }
  // Bit 35 is an address bit with MAXPHYADDR 36.
  Machine m;
  build_pae(m, P | RW | US, P | RW | US, u64{1} << 35);
  const WalkResult r = walk(cfg, kPaeLin, kRead, m.bus, false);
  CHECK(r.ok);
  CHECK(r.phys == ((u64{1} << 35) | 0x123));
}

TEST_CASE("paging: PAE bit 63 without NXE is reserved", "[paging][pae]") {
  const auto cfg = pae_cfg();
  SECTION("PDE") {
    Machine m;
    build_pae(m, P | RW | US | XD);
    const WalkResult r = walk(cfg, kPaeLin, kRead, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::RSVD | pf::P));
  }
  SECTION("PTE") {
    Machine m;
    build_pae(m, P | RW | US, P | RW | US | XD);
    WalkResult r = walk(cfg, kPaeLin, kRead, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::RSVD | pf::P));
    // Without NXE a fetch does not set I/D.
    r = walk(cfg, kPaeLin, kFetch, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::RSVD | pf::P));
  }
  SECTION("2 MiB PDE") {
    Machine m;
    m.put64(kPaeLargePdeAddr, 0x0060'0000u | XD | P | RW | US | PS);
    const WalkResult r = walk(cfg, kPaeLargeLin, kRead, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::RSVD | pf::P));
  }
}

TEST_CASE("paging: PAE XD with NXE", "[paging][pae]") {
  auto cfg = pae_cfg();
  cfg.nxe = true;
  SECTION("XD in the PTE") {
    Machine m;
    build_pae(m, P | RW | US, P | RW | US | XD);
    const std::vector<u8> before = m.ram;
    WalkResult r = walk(cfg, kPaeLin, kFetch, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::ID | pf::P));
    CHECK(r.no_exec);
    r = walk(cfg, kPaeLin, kUserFetch, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::ID | pf::P | pf::U));
    CHECK(m.ram == before);
    // Reads and writes of an XD page are fine.
    r = walk(cfg, kPaeLin, kRead, m.bus, false);
    CHECK(r.ok);
    CHECK(r.phys == 0x5123);
    CHECK(r.no_exec);
    CHECK(walk(cfg, kPaeLin, kUserWrite, m.bus, false).ok);
  }
  SECTION("XD in the PDE") {
    Machine m;
    build_pae(m, P | RW | US | XD, P | RW | US);
    const WalkResult r = walk(cfg, kPaeLin, kFetch, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::ID | pf::P));
    CHECK(walk(cfg, kPaeLin, kRead, m.bus, false).ok);
  }
  SECTION("XD on a 2 MiB page") {
    Machine m;
    m.put64(kPaeLargePdeAddr, 0x0060'0000u | XD | P | RW | US | PS);
    const WalkResult r = walk(cfg, kPaeLargeLin, kFetch, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::ID | pf::P));
    CHECK(walk(cfg, kPaeLargeLin, kRead, m.bus, false).ok);
  }
  SECTION("fetch of an executable page") {
    Machine m;
    build_pae(m);
    const WalkResult r = walk(cfg, kPaeLin, kFetch, m.bus, false);
    CHECK(r.ok);
    CHECK_FALSE(r.no_exec);
  }
  SECTION("not-present fetch reports I/D") {
    Machine m;
    build_pae(m);
    const WalkResult r = walk(cfg, 0x4040'4000, kUserFetch, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::ID | pf::U));
  }
}

TEST_CASE("paging: PAE 2 MiB PDE reserved bits 20:13", "[paging][pae]") {
  const auto cfg = pae_cfg();
  for (unsigned bit = 13; bit <= 20; ++bit) {
    INFO("bit " << bit);
    Machine m;
    m.put64(kPaeLargePdeAddr, 0x0060'0000u | (u64{1} << bit) | P | RW | US | PS);
    const std::vector<u8> before = m.ram;
    const WalkResult r = walk(cfg, kPaeLargeLin, kWrite, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::RSVD | pf::P | pf::W));
    CHECK(m.ram == before);
  }
  // Bit 12 is PAT; bit 21 is an address bit.
  Machine m;
  m.put64(kPaeLargePdeAddr, 0x0060'0000u | 0x1000u | P | RW | US | PS);
  CHECK(walk(cfg, kPaeLargeLin, kRead, m.bus, false).phys == 0x0061'2345);
  m.put64(kPaeLargePdeAddr, 0x0020'0000u | P | RW | US | PS);
  CHECK(walk(cfg, kPaeLargeLin, kRead, m.bus, false).phys == 0x0021'2345);
}

TEST_CASE("paging: pdpte_reserved", "[paging][pae]") {
  CHECK_FALSE(pdpte_reserved(0, 36));
  CHECK_FALSE(pdpte_reserved(0x2000 | P, 36));
  // PWT, PCD and the ignored bits 11:9 are not reserved.
  CHECK_FALSE(pdpte_reserved(0x2000 | P | 0x8 | 0x10, 36));
  CHECK_FALSE(pdpte_reserved(0x2000 | P | 0xE00, 36));
  for (unsigned bit : {1u, 2u, 5u, 6u, 7u, 8u}) {
    INFO("bit " << bit);
    CHECK(pdpte_reserved(0x2000 | P | (u64{1} << bit), 36));
    // Only a present PDPTE is checked.
    CHECK_FALSE(pdpte_reserved(0x2000 | (u64{1} << bit), 36));
  }
  // Bits 63:MAXPHYADDR.
  CHECK_FALSE(pdpte_reserved((u64{1} << 35) | P, 36));
  CHECK(pdpte_reserved((u64{1} << 36) | P, 36));
  CHECK(pdpte_reserved((u64{1} << 52) | P, 36));
  CHECK(pdpte_reserved(XD | P, 36));
  CHECK_FALSE(pdpte_reserved((u64{1} << 36), 36));
  CHECK(pdpte_reserved((u64{1} << 32) | P, 32));
  CHECK_FALSE(pdpte_reserved((u64{1} << 31) | P, 32));
}

// ---------------------------------------------------------------------------
// Without the PAT (cfg.pat = false), its bits are reserved: bit 12 of a large
// PDE and bit 7 of a PTE (SDM Vol. 3A Tables 4-4, 4-6, 4-10, 4-11).
TEST_CASE("paging: PAT bits are reserved without the PAT", "[paging]") {
  SECTION("4 MiB PDE bit 12") {
    Machine m;
    PagingConfig cfg = legacy_cfg();
    cfg.pse = true;
    cfg.pat = false;
    m.put32(kPdeAddr, static_cast<u32>(0x0080'0000u | 0x1000 | PS | RW | P));
    const WalkResult r = walk(cfg, kLin, kRead, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::RSVD));
    cfg.pat = true;
    CHECK(walk(cfg, kLin, kRead, m.bus, false).ok);
  }
  SECTION("4 KiB PTE bit 7") {
    Machine m;
    PagingConfig cfg = legacy_cfg();
    cfg.pat = false;
    m.put32(kPdeAddr, static_cast<u32>(kPt | RW | P));
    m.put32(kPteAddr, static_cast<u32>(0x5000 | 0x80 | RW | P));
    const WalkResult r = walk(cfg, kLin, kWrite, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::W | pf::RSVD));
  }
}

// ---------------------------------------------------------------------------
// Outside IA-32e mode linear addresses are 32 bits: walk() ignores bits 63:32.
TEST_CASE("paging: 32-bit modes ignore bits 63:32 of the linear address", "[paging]") {
  Machine m;
  build_legacy(m);
  const u64 high = u64{0xFFFF'FFFF} << 32;
  CHECK(walk(legacy_cfg(), high | kLin, kRead, m.bus, false).phys == 0x5123);
  Machine p;
  build_pae(p);
  const WalkResult r = walk(pae_cfg(), high | kPaeLin, kRead, p.bus, false);
  CHECK(r.phys == 0x5123);
  CHECK(r.step[0].entry_addr == kPdpt + 1 * 8);
  CHECK(walk(PagingConfig{}, high | 0x1234'5678, kRead, m.bus, false).phys == 0x1234'5678);
}

TEST_CASE("paging: page_size of 4 KiB, 4 MiB and 2 MiB pages", "[paging]") {
  Machine m;
  build_legacy(m);
  CHECK(walk(legacy_cfg(), kLin, kRead, m.bus, false).page_size == 0x1000);
  PagingConfig cfg = legacy_cfg();
  cfg.pse = true;
  m.put32(kPd + 3 * 4, static_cast<u32>(0x0100'0000u | P | RW | US | PS));
  CHECK(walk(cfg, 0x00C1'2345, kRead, m.bus, false).page_size == 0x40'0000);
  Machine p;
  p.put64(kPaeLargePdeAddr, 0x0060'0000u | P | RW | US | PS);
  CHECK(walk(pae_cfg(), kPaeLargeLin, kRead, p.bus, false).page_size == 0x20'0000);
}

// SMEP applies in every paging mode, and its faults report I/D even in
// 32-bit paging (SDM Vol. 3A 4.6.1, 4.7).
TEST_CASE("paging: SMEP and SMAP in 32-bit and PAE paging", "[paging]") {
  Machine m;
  build_legacy(m);
  PagingConfig cfg = legacy_cfg();
  cfg.smep = true;
  CHECK(walk(cfg, kLin, kFetch, m.bus, false).error == (pf::P | pf::ID));
  CHECK(walk(cfg, kLin, kUserFetch, m.bus, false).ok);
  cfg.smep = false;
  cfg.smap = true;
  CHECK(walk(cfg, kLin, kRead, m.bus, false).error == pf::P);
  CHECK(walk(cfg, kLin, PageAccess{false, false, false, false, true}, m.bus, false).ok);
  Machine p;
  build_pae(p);
  PagingConfig pc = pae_cfg();
  pc.smep = true;
  CHECK(walk(pc, kPaeLin, kFetch, p.bus, false).error == (pf::P | pf::ID));
  pc.smap = true;
  CHECK(walk(pc, kPaeLin, kWrite, p.bus, false).error == (pf::P | pf::W));
}
