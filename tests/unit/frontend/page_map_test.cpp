// for_each_page_ia32e (`info tab` in 4/5-level paging): the pages of
// hand-built tables, in order, with canonical linear addresses, large
// pages, rights, entries that map nothing, and looping tables.
#include <catch2/catch.hpp>

#include <vector>

#include "frontend/debugger/page_map.hpp"
#include "mmu/io_map.hpp"
#include "mmu/memory_map.hpp"

using namespace gb;

namespace {

constexpr u64 P = 1, RW = 2, US = 4, PS = 0x80;
constexpr u64 XD = u64{1} << 63;

struct Machine {
  std::vector<u8> ram = std::vector<u8>(1u << 20, 0);
  MemoryMap map;
  IoMap io;
  Bus bus{map, io};

  Machine() { map.map_ram(0, ram); }
  void put(u64 addr, u64 v) {
    for (unsigned i = 0; i < 8; ++i) ram.at(addr + i) = static_cast<u8>(v >> (8 * i));
  }
};

PagingConfig cfg(PagingMode mode, u64 cr3) {
  PagingConfig c;
  c.mode = mode;
  c.cr3 = cr3;
  c.maxphyaddr = 40;
  c.nxe = c.page1g = c.wp = true;
  c.smap = true;  // the listing still sees user pages
  return c;
}

std::vector<MappedPage> pages(const PagingConfig& c, Machine& m, bool* complete = nullptr) {
  std::vector<MappedPage> v;
  const bool done = for_each_page_ia32e(c, m.bus, [&](const MappedPage& p) { v.push_back(p); });
  if (complete) *complete = done;
  return v;
}

}  // namespace

TEST_CASE("page map: 4-level pages in linear order", "[debugger][page_map]") {
  Machine m;
  // PML4 0x1000: [0] -> PDPT 0x2000, [1] PS (reserved: maps nothing),
  // [0x1FF] -> PDPT 0x7000.
  m.put(0x1000, 0x2000 | P | RW | US);
  m.put(0x1008, 0x8000 | P | RW | PS);
  m.put(0x1000 + 0x1FF * 8, 0x7000 | P | RW);
  // PDPT 0x2000: [0] -> PD 0x3000; [2] a 1 GiB page at 0x80000000.
  m.put(0x2000, 0x3000 | P | RW | US);
  m.put(0x2000 + 2 * 8, 0x8000'0000 | P | US | PS);
  // PD 0x3000: [1] -> PT 0x4000, [3] a 2 MiB page, XD.
  m.put(0x3000 + 8, 0x4000 | P | RW | US);
  m.put(0x3000 + 3 * 8, 0x0060'0000 | P | RW | PS | XD);
  // PT 0x4000: [5] -> 0x9000, [6] with bit 45 set (reserved: maps nothing).
  m.put(0x4000 + 5 * 8, 0x9000 | P | RW | US);
  m.put(0x4000 + 6 * 8, (u64{1} << 45) | 0xA000 | P);
  // PDPT 0x7000 (PML4 index 0x1FF): [0x1FE] a 1 GiB page at 0 (a kernel map).
  m.put(0x7000 + 0x1FE * 8, P | RW | PS);
  const auto v = pages(cfg(PagingMode::Level4, 0x1000), m);
  REQUIRE(v.size() == 4);
  CHECK(v[0].lin == 0x0020'5000);
  CHECK(v[0].phys == 0x9000);
  CHECK(v[0].size == 0x1000);
  CHECK(v[0].writable);
  CHECK(v[0].user);
  CHECK(v[1].lin == 0x0060'0000);
  CHECK(v[1].phys == 0x0060'0000);
  CHECK(v[1].size == 0x20'0000);
  CHECK_FALSE(v[1].user);
  CHECK(v[1].no_exec);
  CHECK(v[2].lin == 0x8000'0000);
  CHECK(v[2].size == 0x4000'0000);
  CHECK_FALSE(v[2].writable);
  CHECK(v[3].lin == 0xFFFF'FFFF'8000'0000ull);  // canonical
  CHECK(v[3].phys == 0);
  CHECK(v[3].size == 0x4000'0000);
  CHECK_FALSE(v[3].no_exec);
  // Without 1 GiB pages those PDPTEs map nothing.
  PagingConfig no1g = cfg(PagingMode::Level4, 0x1000);
  no1g.page1g = false;
  CHECK(pages(no1g, m).size() == 2);
}

TEST_CASE("page map: 5-level addresses are canonical on bit 56", "[debugger][page_map]") {
  Machine m;
  m.put(0x6000 + 0x1FF * 8, 0x1000 | P | RW);  // PML5 index 0x1FF
  m.put(0x1000, 0x2000 | P | RW);
  m.put(0x2000 + 8, 0x4000'0000 | P | RW | PS);
  const auto v = pages(cfg(PagingMode::Level5, 0x6000), m);
  REQUIRE(v.size() == 1);
  CHECK(v[0].lin == 0xFFFF'0000'4000'0000ull);
  CHECK(v[0].phys == 0x4000'0000);
}

TEST_CASE("page map: looping tables stop", "[debugger][page_map]") {
  Machine m;
  // Every PML4E points at the PML4 itself: 512^4 pages if followed.
  for (u64 i = 0; i < 512; ++i) m.put(0x1000 + i * 8, 0x1000 | P | RW);
  bool complete = true;
  const auto v = pages(cfg(PagingMode::Level4, 0x1000), m, &complete);
  CHECK_FALSE(complete);
  CHECK(v.size() > 0);
  CHECK(v.size() <= kMaxPageMapEntries);
  // Not IA-32e: nothing, and complete.
  CHECK(pages(cfg(PagingMode::Pae, 0x1000), m, &complete).empty());
  CHECK(complete);
}
