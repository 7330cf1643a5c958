// gb::MemoryMap: page kinds, alignment checks, generation counter.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "mmu/memory_map.hpp"

using namespace gb;

namespace {
struct NullMmio : MmioHandler {
  u32 mmio_read(u64, Width) override { return 0; }
  void mmio_write(u64, u32, Width) override {}
};

bool unmapped(const MemoryMap::Page& p) {
  return !p.host_read && !p.host_write && !p.mmio;
}
}  // namespace

TEST_CASE("MemoryMap starts empty", "[mmu][memory_map]") {
  MemoryMap m;
  CHECK(m.generation() == 0);
  CHECK(unmapped(m.page(0)));
  CHECK(unmapped(m.page(0xFFFF'FFFFu)));
  CHECK(unmapped(m.page(PhysAddr{1} << 32)));
}

TEST_CASE("MemoryMap RAM pages point into the span", "[mmu][memory_map]") {
  MemoryMap m;
  std::vector<u8> ram(0x3000);
  m.map_ram(0x10000, ram);
  CHECK(m.generation() == 1);
  for (u32 i = 0; i < 3; ++i) {
    const auto& p = m.page(0x10000 + i * 0x1000 + 0x123);
    CHECK(p.host_read == ram.data() + i * 0x1000);
    CHECK(p.host_write == ram.data() + i * 0x1000);
    CHECK(p.mmio == nullptr);
  }
  CHECK(unmapped(m.page(0xFFFF)));
  CHECK(unmapped(m.page(0x13000)));
}

TEST_CASE("MemoryMap ROM pages are read-only", "[mmu][memory_map]") {
  MemoryMap m;
  std::vector<u8> rom(0x2000);
  m.map_rom(0xFFFF'E000u, rom);
  const auto& p = m.page(0xFFFF'F800u);
  CHECK(p.host_read == rom.data() + 0x1000);
  CHECK(p.host_write == nullptr);
  CHECK(p.mmio == nullptr);
}

TEST_CASE("MemoryMap MMIO pages name the handler and region base", "[mmu][memory_map]") {
  MemoryMap m;
  NullMmio h;
  m.map_mmio(0xA0000, 0x20000, h);
  for (PhysAddr a : {PhysAddr{0xA0000}, PhysAddr{0xBFFFF}}) {
    const auto& p = m.page(a);
    CHECK(p.mmio == &h);
    CHECK(p.mmio_base == 0xA0000);
    CHECK(p.host_read == nullptr);
    CHECK(p.host_write == nullptr);
  }
  CHECK(unmapped(m.page(0xC0000)));
}

TEST_CASE("MemoryMap unmap and remap", "[mmu][memory_map]") {
  MemoryMap m;
  std::vector<u8> ram(0x4000), rom(0x1000);
  m.map_ram(0, ram);
  m.unmap(0x1000, 0x1000);
  CHECK(m.generation() == 2);
  CHECK(m.page(0).host_read == ram.data());
  CHECK(unmapped(m.page(0x1000)));
  CHECK(m.page(0x2000).host_read == ram.data() + 0x2000);
  m.map_rom(0x2000, rom);  // replaces RAM
  CHECK(m.generation() == 3);
  CHECK(m.page(0x2000).host_read == rom.data());
  CHECK(m.page(0x2000).host_write == nullptr);
}

TEST_CASE("MemoryMap rejects misaligned or out-of-range ranges", "[mmu][memory_map]") {
  MemoryMap m;
  NullMmio h;
  std::vector<u8> ram(0x2000), odd(0x1800);
  CHECK_THROWS_AS(m.map_ram(0x800, ram), std::invalid_argument);
  CHECK_THROWS_AS(m.map_ram(0, odd), std::invalid_argument);
  CHECK_THROWS_AS(m.map_rom(0x1, ram), std::invalid_argument);
  CHECK_THROWS_AS(m.map_mmio(0x1000, 0x10, h), std::invalid_argument);
  CHECK_THROWS_AS(m.unmap(0x1000, 0xFFF), std::invalid_argument);
  CHECK_THROWS_AS(m.map_ram(0xFFFF'F000u, ram), std::invalid_argument);  // ends above 4 GiB
  CHECK_THROWS_AS(m.map_mmio(PhysAddr{1} << 32, 0x1000, h), std::invalid_argument);
  // Failed calls change nothing.
  CHECK(m.generation() == 0);
  CHECK(unmapped(m.page(0)));
  CHECK(unmapped(m.page(0xFFFF'F000u)));
  // The last page below 4 GiB is mappable.
  CHECK_NOTHROW(m.map_ram(0xFFFF'F000u, std::span<u8>(ram).first(0x1000)));
  CHECK(m.page(0xFFFF'FFFFu).host_read == ram.data());
}

TEST_CASE("MemoryMap generation bumps on every change", "[mmu][memory_map]") {
  MemoryMap m;
  NullMmio h;
  std::vector<u8> ram(0x1000);
  m.map_ram(0, ram);
  m.map_rom(0x1000, ram);
  m.map_mmio(0x2000, 0x1000, h);
  m.unmap(0, 0x3000);
  CHECK(m.generation() == 4);
}
