// gb::walk in 4-level and 5-level paging (SDM Vol. 3A 4.5) against
// hand-built tables: 4 KiB, 2 MiB and 1 GiB pages, the step list, the bits
// of the linear address each mode ignores, reserved bits at every level
// (RSVD), XD with and without EFER.NXE, the A/D updates, U/S and R/W over
// the levels with CR0.WP, SMEP and SMAP with EFLAGS.AC and implicit
// accesses (4.6.1), the #PF error codes (4.7), PCIDs and global pages.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "mmu/bus.hpp"
#include "mmu/io_map.hpp"
#include "mmu/memory_map.hpp"
#include "mmu/paging.hpp"

using namespace gb;

namespace {

constexpr u64 P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
constexpr u64 XD = u64{1} << 63;
constexpr u64 kAll = P | RW | US;

// 1 MiB of RAM at physical 0, on a bus.
struct Machine {
  std::vector<u8> ram = std::vector<u8>(1u << 20, 0);
  MemoryMap map;
  IoMap io;
  Bus bus{map, io};

  Machine() { map.map_ram(0, ram); }

  void put64(u64 addr, u64 v) {
    for (unsigned i = 0; i < 8; ++i) ram.at(addr + i) = static_cast<u8>(v >> (8 * i));
  }
  u64 get64(u64 addr) const {
    u64 v = 0;
    for (unsigned i = 0; i < 8; ++i) v |= static_cast<u64>(ram.at(addr + i)) << (8 * i);
    return v;
  }
};

// Accesses: {write, user, fetch, implicit, ac}.
constexpr PageAccess kRead{};
constexpr PageAccess kWrite{true, false, false};
constexpr PageAccess kUserRead{false, true, false};
constexpr PageAccess kUserWrite{true, true, false};
constexpr PageAccess kFetch{false, false, true};
constexpr PageAccess kUserFetch{false, true, true};

// The table each level's entry lives in: PML5 at 0x6000, PML4 at 0x1000,
// PDPT at 0x2000, PD at 0x3000, PT at 0x4000; 4 KiB frame 0x5000.
constexpr u64 kTable[6] = {0, 0x4000, 0x3000, 0x2000, 0x1000, 0x6000};
constexpr u64 kFrame = 0x5000;

constexpr unsigned index_of(u64 lin, unsigned level) { return (lin >> (12 + 9 * (level - 1))) & 0x1FF; }
constexpr u64 entry_addr(u64 lin, unsigned level) { return kTable[level] + index_of(lin, level) * 8; }

// Linear address with the given PML5/PML4/PDPT/PD/PT indices and offset.
constexpr u64 lin_of(unsigned i5, unsigned i4, unsigned i3, unsigned i2, unsigned i1, u64 off) {
  return u64{i5} << 48 | u64{i4} << 39 | u64{i3} << 30 | u64{i2} << 21 | u64{i1} << 12 | off;
}
// Distinct indices at every level, PML5 index 0 so 4-level gives the same walk.
constexpr u64 kLin = lin_of(0, 3, 5, 7, 9, 0x123);
constexpr u64 kLin5 = lin_of(0x0A5, 3, 5, 7, 9, 0x123);

PagingConfig cfg4() {
  PagingConfig c;
  c.mode = PagingMode::Level4;
  c.cr3 = kTable[4];
  c.maxphyaddr = 40;
  c.nxe = true;
  c.wp = true;
  c.page1g = true;
  return c;
}
PagingConfig cfg5() {
  PagingConfig c = cfg4();
  c.mode = PagingMode::Level5;
  c.cr3 = kTable[5];
  return c;
}

// Builds the chain for `lin` from `top` down to `leaf` (1 = PTE), the leaf
// mapping `frame`. flags[level] are the entry's flag bits (PS is added for
// a leaf above level 1).
struct Flags {
  u64 f[6] = {0, kAll, kAll, kAll, kAll, kAll};
};
void build(Machine& m, u64 lin, unsigned top, unsigned leaf = 1, Flags fl = {}, u64 frame = kFrame) {
  for (unsigned level = top; level > leaf; --level) m.put64(entry_addr(lin, level), kTable[level - 1] | fl.f[level]);
  m.put64(entry_addr(lin, leaf), frame | fl.f[leaf] | (leaf > 1 ? PS : 0));
}

}  // namespace

TEST_CASE("paging ia32e: paging_mode follows CR0.PG, CR4.PAE, EFER.LMA, CR4.LA57", "[paging][ia32e]") {
  CHECK(paging_mode(false, true, false, false) == PagingMode::Off);
  CHECK(paging_mode(true, false, false, false) == PagingMode::Legacy32);
  CHECK(paging_mode(true, true, false, true) == PagingMode::Pae);  // LA57 needs LMA
  CHECK(paging_mode(true, true, true, false) == PagingMode::Level4);
  CHECK(paging_mode(true, true, true, true) == PagingMode::Level5);
  CHECK(is_ia32e(PagingMode::Level4));
  CHECK(is_ia32e(PagingMode::Level5));
  CHECK_FALSE(is_ia32e(PagingMode::Pae));
}

TEST_CASE("paging ia32e: 4-level 4 KiB translation and steps", "[paging][ia32e]") {
  Machine m;
  build(m, kLin, 4);
  const std::vector<u8> before = m.ram;
  const WalkResult r = walk(cfg4(), kLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.phys == kFrame + 0x123);
  CHECK(r.page_base == kFrame);
  CHECK(r.page_size == 0x1000);
  CHECK_FALSE(r.large);
  CHECK(r.user);
  CHECK(r.writable);
  CHECK_FALSE(r.no_exec);
  CHECK(r.pcid == 0);
  REQUIRE(r.steps == 4);
  for (unsigned i = 0; i < 4; ++i) {
    const unsigned level = 4 - i;
    INFO("level " << level);
    CHECK(r.step[i].level == level);
    CHECK(r.step[i].entry_addr == entry_addr(kLin, level));
    CHECK(r.step[i].entry == (level == 1 ? kFrame | kAll : kTable[level - 1] | kAll));
  }
  CHECK(m.ram == before);  // set_ad = false
  // The last byte of the page, and a neighbouring PTE.
  CHECK(walk(cfg4(), kLin | 0xFFF, kRead, m.bus, false).phys == kFrame + 0xFFF);
  const u64 next = kLin + 0x1000;
  m.put64(entry_addr(next, 1), 0x9000 | kAll);
  const WalkResult n = walk(cfg4(), next, kRead, m.bus, false);
  CHECK(n.phys == 0x9123);
  CHECK(n.step[3].entry_addr == entry_addr(kLin, 1) + 8);
}

TEST_CASE("paging ia32e: the walk ignores bits 63:48 (4-level) and 63:57 (5-level)", "[paging][ia32e]") {
  Machine m;
  build(m, kLin, 4);
  // A canonical higher-half address with PML4 index 0x1FF (the lower
  // levels share kLin's tables, with their own PTE).
  const u64 high = lin_of(0, 0x1FF, 5, 7, 10, 0x456) | 0xFFFF'0000'0000'0000ull;
  build(m, high, 4, 1, {}, 0x7000);
  CHECK(walk(cfg4(), high, kRead, m.bus, false).phys == 0x7456);
  CHECK(walk(cfg4(), high & 0x0000'FFFF'FFFF'FFFFull, kRead, m.bus, false).phys == 0x7456);
  CHECK(walk(cfg4(), high ^ 0x1234'0000'0000'0000ull, kRead, m.bus, false).phys == 0x7456);
  // Non-canonical garbage above bit 47 does not change a 4-level walk...
  CHECK(walk(cfg4(), kLin | 0x8000'0000'0000'0000ull, kRead, m.bus, false).phys == kFrame + 0x123);
  // ...but bits 56:48 select the PML5E in 5-level paging.
  Machine m5;
  build(m5, kLin5, 5);
  CHECK(walk(cfg5(), kLin5, kRead, m5.bus, false).phys == kFrame + 0x123);
  CHECK(walk(cfg5(), kLin5 | 0xFE00'0000'0000'0000ull, kRead, m5.bus, false).phys == kFrame + 0x123);
  const WalkResult other = walk(cfg5(), kLin5 ^ (u64{1} << 48), kRead, m5.bus, false);
  CHECK_FALSE(other.ok);
  CHECK(other.steps == 1);
  CHECK(other.step[0].entry_addr == kTable[5] + 0xA4 * 8);
}

TEST_CASE("paging ia32e: 5-level 4 KiB translation and steps", "[paging][ia32e]") {
  Machine m;
  build(m, kLin5, 5);
  const WalkResult r = walk(cfg5(), kLin5, kWrite, m.bus, true);
  REQUIRE(r.ok);
  CHECK(r.phys == kFrame + 0x123);
  REQUIRE(r.steps == 5);
  for (unsigned i = 0; i < 5; ++i) {
    const unsigned level = 5 - i;
    INFO("level " << level);
    CHECK(r.step[i].level == level);
    CHECK(r.step[i].entry_addr == entry_addr(kLin5, level));
    // A set at every level; D only in the PTE.
    CHECK(m.get64(entry_addr(kLin5, level)) == ((level == 1 ? kFrame | D : kTable[level - 1]) | kAll | A));
  }
  CHECK(r.step[0].entry_addr == kTable[5] + 0xA5 * 8);
  CHECK(r.dirty);
}

TEST_CASE("paging ia32e: 2 MiB pages", "[paging][ia32e]") {
  Machine m;
  const u64 frame = u64{0x12} << 21;  // 0x02400000
  build(m, kLin, 4, 2, {}, frame);
  const WalkResult r = walk(cfg4(), kLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.phys == frame + (kLin & 0x1F'FFFF));
  CHECK(r.page_base == ((frame + (kLin & 0x1F'FFFF)) & ~u64{0xFFF}));
  CHECK(r.large);
  CHECK(r.page_size == 0x20'0000);
  REQUIRE(r.steps == 3);
  CHECK(r.step[2].level == 2);
  CHECK(r.step[2].entry == (frame | kAll | PS));
  SECTION("the PAT bit (12) is not an address bit") {
    m.put64(entry_addr(kLin, 2), frame | 0x1000 | kAll | PS);
    CHECK(walk(cfg4(), kLin, kRead, m.bus, false).phys == frame + (kLin & 0x1F'FFFF));
    PagingConfig nopat = cfg4();
    nopat.pat = false;
    CHECK(walk(nopat, kLin, kRead, m.bus, false).error == (pf::P | pf::RSVD));
  }
  SECTION("bits 20:13 are reserved") {
    for (unsigned bit = 13; bit <= 20; ++bit) {
      INFO("bit " << bit);
      m.put64(entry_addr(kLin, 2), frame | (u64{1} << bit) | kAll | PS);
      CHECK(walk(cfg4(), kLin, kWrite, m.bus, true).error == (pf::P | pf::W | pf::RSVD));
    }
  }
  SECTION("writes set A in the upper levels and D in the PDE") {
    REQUIRE(walk(cfg4(), kLin, kWrite, m.bus, true).ok);
    CHECK(m.get64(entry_addr(kLin, 4)) == (kTable[3] | kAll | A));
    CHECK(m.get64(entry_addr(kLin, 3)) == (kTable[2] | kAll | A));
    CHECK(m.get64(entry_addr(kLin, 2)) == (frame | kAll | PS | A | D));
  }
}

TEST_CASE("paging ia32e: 1 GiB pages only with Page1GB", "[paging][ia32e]") {
  Machine m;
  const u64 frame = u64{3} << 30;  // 0xC0000000
  build(m, kLin, 4, 3, {}, frame);
  const WalkResult r = walk(cfg4(), kLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.phys == frame + (kLin & 0x3FFF'FFFF));
  CHECK(r.large);
  CHECK(r.page_size == 0x4000'0000);
  REQUIRE(r.steps == 2);
  CHECK(r.step[1].level == 3);
  CHECK(r.step[1].entry == (frame | kAll | PS));
  SECTION("D lands in the PDPTE") {
    REQUIRE(walk(cfg4(), kLin, kUserWrite, m.bus, true).ok);
    CHECK(m.get64(entry_addr(kLin, 3)) == (frame | kAll | PS | A | D));
  }
  SECTION("bits 29:13 are reserved, bit 12 is PAT") {
    for (unsigned bit = 13; bit <= 29; ++bit) {
      INFO("bit " << bit);
      m.put64(entry_addr(kLin, 3), frame | (u64{1} << bit) | kAll | PS);
      CHECK(walk(cfg4(), kLin, kRead, m.bus, false).error == (pf::P | pf::RSVD));
    }
    m.put64(entry_addr(kLin, 3), frame | 0x1000 | kAll | PS);
    CHECK(walk(cfg4(), kLin, kRead, m.bus, false).phys == frame + (kLin & 0x3FFF'FFFF));
  }
  SECTION("without 1 GiB pages PS in a PDPTE is reserved") {
    PagingConfig c = cfg4();
    c.page1g = false;
    const WalkResult n = walk(c, kLin, kUserRead, m.bus, true);
    CHECK_FALSE(n.ok);
    CHECK(n.error == (pf::P | pf::U | pf::RSVD));
    CHECK(n.steps == 2);
    CHECK(m.get64(entry_addr(kLin, 4)) == (kTable[3] | kAll));  // no A on a fault
  }
}

TEST_CASE("paging ia32e: PS is reserved in a PML4E and a PML5E", "[paging][ia32e]") {
  Machine m;
  build(m, kLin5, 5);
  for (unsigned level : {5u, 4u}) {
    INFO("level " << level);
    const u64 good = m.get64(entry_addr(kLin5, level));
    m.put64(entry_addr(kLin5, level), good | PS);
    const WalkResult r = walk(cfg5(), kLin5, kRead, m.bus, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::RSVD));
    CHECK(r.steps == 6 - level);
    m.put64(entry_addr(kLin5, level), good);
    CHECK(walk(cfg5(), kLin5, kRead, m.bus, false).ok);
  }
}

TEST_CASE("paging ia32e: bits 51:MAXPHYADDR are reserved at every level, 62:52 ignored", "[paging][ia32e]") {
  Machine m;
  build(m, kLin5, 5);
  for (unsigned level = 5; level >= 1; --level) {
    INFO("level " << level);
    const u64 good = m.get64(entry_addr(kLin5, level));
    for (unsigned bit : {40u, 45u, 51u}) {
      INFO("bit " << bit);
      m.put64(entry_addr(kLin5, level), good | (u64{1} << bit));
      const WalkResult r = walk(cfg5(), kLin5, kUserWrite, m.bus, true);
      CHECK_FALSE(r.ok);
      CHECK(r.error == (pf::P | pf::W | pf::U | pf::RSVD));
      CHECK(r.steps == 6 - level);
    }
    for (unsigned bit : {52u, 58u, 62u}) {
      INFO("ignored bit " << bit);
      m.put64(entry_addr(kLin5, level), good | (u64{1} << bit));
      CHECK(walk(cfg5(), kLin5, kUserWrite, m.bus, false).ok);
    }
    m.put64(entry_addr(kLin5, level), good);
  }
  // A wider MAXPHYADDR makes bit 40 an address bit: the PTE's frame.
  PagingConfig wide = cfg5();
  wide.maxphyaddr = 46;
  m.put64(entry_addr(kLin5, 1), (u64{1} << 40) | kFrame | kAll);
  CHECK(walk(wide, kLin5, kRead, m.bus, false).phys == ((u64{1} << 40) | (kFrame + 0x123)));
  CHECK(walk(cfg5(), kLin5, kRead, m.bus, false).error == (pf::P | pf::RSVD));
  // The table address in CR3 is masked to MAXPHYADDR too (bits above are
  // MOV CR3's #GP to check).
  PagingConfig c = cfg4();
  c.cr3 = kTable[4] | (u64{1} << 45);
  m.put64(entry_addr(kLin, 1), kFrame | kAll);
  build(m, kLin, 4);
  CHECK(walk(c, kLin, kRead, m.bus, false).ok);
}

TEST_CASE("paging ia32e: XD is reserved without EFER.NXE", "[paging][ia32e]") {
  Machine m;
  build(m, kLin5, 5);
  PagingConfig c = cfg5();
  c.nxe = false;
  for (unsigned level = 5; level >= 1; --level) {
    INFO("level " << level);
    const u64 good = m.get64(entry_addr(kLin5, level));
    m.put64(entry_addr(kLin5, level), good | XD);
    WalkResult r = walk(c, kLin5, kRead, m.bus, false);
    CHECK(r.error == (pf::P | pf::RSVD));
    // A fetch: no I/D without NXE or SMEP.
    r = walk(c, kLin5, kFetch, m.bus, false);
    CHECK(r.error == (pf::P | pf::RSVD));
    CHECK(walk(cfg5(), kLin5, kRead, m.bus, false).ok);  // with NXE the bit is XD
    m.put64(entry_addr(kLin5, level), good);
  }
}

TEST_CASE("paging ia32e: XD at any level forbids fetches with NXE", "[paging][ia32e]") {
  Machine m;
  build(m, kLin, 4);
  for (unsigned level = 4; level >= 1; --level) {
    INFO("level " << level);
    const u64 good = m.get64(entry_addr(kLin, level));
    m.put64(entry_addr(kLin, level), good | XD);
    WalkResult r = walk(cfg4(), kLin, kFetch, m.bus, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error == (pf::P | pf::ID));
    CHECK(m.get64(entry_addr(kLin, level)) == (good | XD));  // no A on a fault
    r = walk(cfg4(), kLin, kUserFetch, m.bus, false);
    CHECK(r.error == (pf::P | pf::U | pf::ID));
    r = walk(cfg4(), kLin, kUserWrite, m.bus, false);
    CHECK(r.ok);
    CHECK(r.no_exec);
    m.put64(entry_addr(kLin, level), good);
    r = walk(cfg4(), kLin, kFetch, m.bus, false);
    CHECK(r.ok);
    CHECK_FALSE(r.no_exec);
  }
}

TEST_CASE("paging ia32e: not-present entries at each level", "[paging][ia32e]") {
  Machine m;
  build(m, kLin5, 5);
  const std::vector<u8> before = m.ram;
  for (unsigned level = 5; level >= 1; --level) {
    INFO("level " << level);
    const u64 good = m.get64(entry_addr(kLin5, level));
    m.put64(entry_addr(kLin5, level), good & ~P);
    struct Case {
      PageAccess acc;
      u32 error;
    };
    for (const Case c : {Case{kRead, 0}, Case{kWrite, pf::W}, Case{kUserRead, pf::U}, Case{kUserWrite, pf::W | pf::U},
                         Case{kFetch, pf::ID}, Case{kUserFetch, pf::U | pf::ID}}) {
      const WalkResult r = walk(cfg5(), kLin5, c.acc, m.bus, true);
      CHECK_FALSE(r.ok);
      CHECK(r.error == c.error);
      CHECK(r.steps == 6 - level);
      CHECK(r.step[r.steps - 1].entry == (good & ~P));
    }
    m.put64(entry_addr(kLin5, level), good);
    CHECK(m.ram == before);  // nothing set on a fault
  }
}

TEST_CASE("paging ia32e: accessed and dirty bits", "[paging][ia32e]") {
  Machine m;
  build(m, kLin, 4);
  SECTION("a read sets A at every level, D nowhere") {
    const WalkResult r = walk(cfg4(), kLin, kRead, m.bus, true);
    REQUIRE(r.ok);
    CHECK_FALSE(r.dirty);
    for (unsigned level = 4; level >= 1; --level) {
      INFO("level " << level);
      CHECK(m.get64(entry_addr(kLin, level)) == ((level == 1 ? kFrame : kTable[level - 1]) | kAll | A));
      CHECK(r.step[4 - level].entry == ((level == 1 ? kFrame : kTable[level - 1]) | kAll));  // as read
    }
  }
  SECTION("a write sets D in the PTE only") {
    const WalkResult r = walk(cfg4(), kLin, kWrite, m.bus, true);
    REQUIRE(r.ok);
    CHECK(r.dirty);
    CHECK(m.get64(entry_addr(kLin, 1)) == (kFrame | kAll | A | D));
    CHECK(m.get64(entry_addr(kLin, 2)) == (kTable[1] | kAll | A));
  }
  SECTION("the high dword (XD, address bits) is left alone") {
    m.put64(entry_addr(kLin, 1), (u64{0x12} << 32) | kFrame | kAll | XD);
    REQUIRE(walk(cfg4(), kLin, kWrite, m.bus, true).ok);
    CHECK(m.get64(entry_addr(kLin, 1)) == ((u64{0x12} << 32) | kFrame | kAll | XD | A | D));
  }
  SECTION("a denied access sets nothing") {
    m.put64(entry_addr(kLin, 1), kFrame | P | US);  // read-only
    const std::vector<u8> before = m.ram;
    CHECK_FALSE(walk(cfg4(), kLin, kUserWrite, m.bus, true).ok);
    CHECK(m.ram == before);
  }
}

TEST_CASE("paging ia32e: U/S and R/W must be 1 at every level, CR0.WP", "[paging][ia32e]") {
  for (unsigned level = 4; level >= 1; --level) {
    INFO("level " << level);
    SECTION("U/S clear") {
      Machine m;
      Flags f;
      f.f[level] = P | RW;
      build(m, kLin, 4, 1, f);
      WalkResult r = walk(cfg4(), kLin, kUserRead, m.bus, false);
      CHECK(r.error == (pf::P | pf::U));
      CHECK_FALSE(r.user);
      CHECK(walk(cfg4(), kLin, kUserFetch, m.bus, false).error == (pf::P | pf::U | pf::ID));
      CHECK(walk(cfg4(), kLin, kWrite, m.bus, false).ok);
    }
    SECTION("R/W clear") {
      Machine m;
      Flags f;
      f.f[level] = P | US;
      build(m, kLin, 4, 1, f);
      CHECK(walk(cfg4(), kLin, kUserRead, m.bus, false).ok);
      CHECK(walk(cfg4(), kLin, kUserWrite, m.bus, false).error == (pf::P | pf::W | pf::U));
      // Supervisor writes: denied with CR0.WP = 1, allowed with WP = 0.
      CHECK(walk(cfg4(), kLin, kWrite, m.bus, false).error == (pf::P | pf::W));
      PagingConfig nowp = cfg4();
      nowp.wp = false;
      const WalkResult r = walk(nowp, kLin, kWrite, m.bus, true);
      CHECK(r.ok);
      CHECK_FALSE(r.writable);
      CHECK(m.get64(entry_addr(kLin, 1)) & D);
      CHECK(walk(nowp, kLin, kUserWrite, m.bus, false).error == (pf::P | pf::W | pf::U));
    }
  }
}

TEST_CASE("paging ia32e: SMEP forbids supervisor fetches from user pages", "[paging][ia32e]") {
  Machine m;
  build(m, kLin, 4);
  PagingConfig c = cfg4();
  c.smep = true;
  c.nxe = false;  // I/D comes from SMEP alone
  WalkResult r = walk(c, kLin, kFetch, m.bus, true);
  CHECK_FALSE(r.ok);
  CHECK(r.error == (pf::P | pf::ID));
  CHECK(m.get64(entry_addr(kLin, 1)) == (kFrame | kAll));
  CHECK(walk(c, kLin, kUserFetch, m.bus, false).ok);
  CHECK(walk(c, kLin, kRead, m.bus, false).ok);   // data: SMAP's business
  CHECK(walk(c, kLin, kWrite, m.bus, false).ok);
  // A supervisor page (U/S clear at any one level) may be fetched from.
  for (unsigned level = 4; level >= 1; --level) {
    INFO("level " << level);
    const u64 good = m.get64(entry_addr(kLin, level));
    m.put64(entry_addr(kLin, level), good & ~US);
    CHECK(walk(c, kLin, kFetch, m.bus, false).ok);
    m.put64(entry_addr(kLin, level), good);
  }
  c.smep = false;
  CHECK(walk(c, kLin, kFetch, m.bus, false).ok);
  // Without SMEP and NXE a fetch fault has no I/D.
  m.put64(entry_addr(kLin, 1), kFrame | P | RW);
  CHECK(walk(c, kLin, kUserFetch, m.bus, false).error == (pf::P | pf::U));
}

TEST_CASE("paging ia32e: SMAP, EFLAGS.AC and implicit accesses", "[paging][ia32e]") {
  Machine m;
  build(m, kLin, 4);
  PagingConfig c = cfg4();
  c.smap = true;
  // {write, user, fetch, implicit, ac}
  constexpr PageAccess kReadAc{false, false, false, false, true};
  constexpr PageAccess kWriteAc{true, false, false, false, true};
  constexpr PageAccess kImplicitRead{false, false, false, true, false};
  constexpr PageAccess kImplicitReadAc{false, false, false, true, true};
  constexpr PageAccess kImplicitWriteAc{true, false, false, true, true};
  SECTION("user pages") {
    CHECK(walk(c, kLin, kRead, m.bus, false).error == pf::P);
    CHECK(walk(c, kLin, kWrite, m.bus, false).error == (pf::P | pf::W));
    CHECK(walk(c, kLin, kReadAc, m.bus, false).ok);
    CHECK(walk(c, kLin, kWriteAc, m.bus, false).ok);
    CHECK(walk(c, kLin, kImplicitRead, m.bus, false).error == pf::P);
    CHECK(walk(c, kLin, kImplicitReadAc, m.bus, false).error == pf::P);
    CHECK(walk(c, kLin, kImplicitWriteAc, m.bus, false).error == (pf::P | pf::W));
    // User-mode accesses and fetches are not SMAP's.
    CHECK(walk(c, kLin, kUserWrite, m.bus, false).ok);
    CHECK(walk(c, kLin, kFetch, m.bus, false).ok);
    // A denied walk sets no A bit; an allowed one does.
    CHECK_FALSE(walk(c, kLin, kRead, m.bus, true).ok);
    CHECK(m.get64(entry_addr(kLin, 4)) == (kTable[3] | kAll));
    CHECK(walk(c, kLin, kReadAc, m.bus, true).ok);
    CHECK(m.get64(entry_addr(kLin, 4)) == (kTable[3] | kAll | A));
  }
  SECTION("AC does not lift CR0.WP on a read-only user page") {
    m.put64(entry_addr(kLin, 1), kFrame | P | US);
    CHECK(walk(c, kLin, kReadAc, m.bus, false).ok);
    CHECK(walk(c, kLin, kWriteAc, m.bus, false).error == (pf::P | pf::W));
    c.wp = false;
    CHECK(walk(c, kLin, kWriteAc, m.bus, false).ok);
  }
  SECTION("supervisor pages") {
    m.put64(entry_addr(kLin, 3), kTable[2] | P | RW);
    CHECK(walk(c, kLin, kRead, m.bus, false).ok);
    CHECK(walk(c, kLin, kWrite, m.bus, false).ok);
    CHECK(walk(c, kLin, kImplicitRead, m.bus, false).ok);
  }
  SECTION("SMAP off") {
    c.smap = false;
    CHECK(walk(c, kLin, kRead, m.bus, false).ok);
    CHECK(walk(c, kLin, kImplicitWriteAc, m.bus, false).ok);
  }
}

TEST_CASE("paging ia32e: CR3 with PCIDE carries the PCID", "[paging][ia32e]") {
  Machine m;
  build(m, kLin, 4);
  PagingConfig c = cfg4();
  c.cr3 = kTable[4] | 0x5A7;
  c.pcide = true;
  WalkResult r = walk(c, kLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.pcid == 0x5A7);
  CHECK(r.step[0].entry_addr == entry_addr(kLin, 4));  // bits 11:0 are not address bits
  c.pcide = false;
  c.cr3 = kTable[4] | 0x18;  // PWT, PCD
  r = walk(c, kLin, kRead, m.bus, false);
  REQUIRE(r.ok);
  CHECK(r.pcid == 0);
  CHECK(r.step[0].entry_addr == entry_addr(kLin, 4));
}

TEST_CASE("paging ia32e: G marks a global translation only in the final entry", "[paging][ia32e]") {
  Machine m;
  Flags f;
  f.f[1] = kAll | G;
  build(m, kLin, 4, 1, f);
  PagingConfig c = cfg4();
  CHECK_FALSE(walk(c, kLin, kRead, m.bus, false).global);  // CR4.PGE = 0
  c.pge = true;
  CHECK(walk(c, kLin, kRead, m.bus, false).global);
  // Bit 8 of the upper levels is ignored.
  f.f[1] = kAll;
  f.f[2] = f.f[3] = f.f[4] = kAll | G;
  build(m, kLin, 4, 1, f);
  CHECK_FALSE(walk(c, kLin, kRead, m.bus, false).global);
  // A 2 MiB page's G is in the PDE.
  f.f[2] = kAll | G;
  build(m, kLin, 4, 2, f, 0x20'0000);
  CHECK(walk(c, kLin, kRead, m.bus, false).global);
}

TEST_CASE("paging ia32e: random tables and addresses never fault the host", "[paging][ia32e]") {
  // Garbage entries (any bits, table addresses anywhere up to 2^52) must
  // give a translation or a #PF error code, never a crash (checked under
  // the sanitizer build).
  Machine m;
  std::mt19937_64 rng(21);
  for (std::size_t i = 0; i < m.ram.size(); i += 8) {
    u64 v = rng();
    if (rng() % 2) v = (v & 0xFFFFF) | 1;  // half of them present tables inside the RAM
    m.put64(i, v);
  }
  for (const bool five : {false, true}) {
    PagingConfig c = five ? cfg5() : cfg4();
    c.maxphyaddr = 52;
    c.smep = c.smap = true;
    unsigned ok = 0;
    for (int i = 0; i < 20000; ++i) {
      c.cr3 = rng() & 0xF'F000;
      c.nxe = rng() & 1;
      c.page1g = rng() & 1;
      const PageAccess acc{(rng() & 1) != 0, (rng() & 1) != 0, (rng() & 1) != 0, false, (rng() & 1) != 0};
      const WalkResult r = walk(c, rng(), acc, m.bus, (rng() & 1) != 0);
      REQUIRE(r.steps >= 1);
      REQUIRE(r.steps <= (five ? 5u : 4u));
      if (r.ok) {
        ++ok;
        REQUIRE(r.phys < (u64{1} << 52));
        REQUIRE(r.error == 0);
      } else {
        REQUIRE((r.error & ~u32{0x1F}) == 0);
      }
    }
    INFO("translations " << ok);
    CHECK(ok > 0);
  }
}
