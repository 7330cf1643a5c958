// describe_walk: the debugger's `translate` text for 32-bit, PAE, 4-level
// and 5-level walks over hand-built tables (entries, decoded bits, page
// sizes, PCIDs, the #PF error code).
#include <catch2/catch.hpp>

#include <vector>

#include "frontend/debugger/walk_text.hpp"
#include "mmu/bus.hpp"
#include "mmu/io_map.hpp"
#include "mmu/memory_map.hpp"

using namespace gb;

namespace {

constexpr u64 P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
constexpr u64 XD = u64{1} << 63;

struct Machine {
  std::vector<u8> ram = std::vector<u8>(1u << 20, 0);
  MemoryMap map;
  IoMap io;
  Bus bus{map, io};

  Machine() { map.map_ram(0, ram); }
  void put(u64 addr, u64 v, unsigned n = 8) {
    for (unsigned i = 0; i < n; ++i) ram.at(addr + i) = static_cast<u8>(v >> (8 * i));
  }
};

std::string text(const PagingConfig& c, u64 lin, Machine& m) {
  const WalkResult w = walk(c, lin, PageAccess{}, m.bus, false);
  return describe_walk(c, lin, w, w.phys);
}

}  // namespace

TEST_CASE("walk text: 32-bit paging keeps its format", "[debugger][walk_text]") {
  Machine m;
  m.put(0x1004, 0x2000 | P | RW | US | A, 4);
  m.put(0x200C, 0x5000 | P | RW | A | D | G, 4);
  PagingConfig c;
  c.mode = PagingMode::Legacy32;
  c.cr3 = 0x1000;
  CHECK(text(c, 0x0040'3123, m) ==
        "linear 00403123\n"
        "  32-bit paging, CR3 = 00001000\n"
        "  PDE   at 00001004 = 00002027  [P RW U A]\n"
        "  PTE   at 0000200c = 00005163  [P RW S A D G]\n"
        "  physical 00005123 (4 KiB page, writable, supervisor)\n");
  CHECK(text(c, 0x0080'0000, m) ==
        "linear 00800000\n"
        "  32-bit paging, CR3 = 00001000\n"
        "  PDE   at 00001008 = 00000000  [not present]\n"
        "  -> #PF, error code 0x0 [-]\n");
}

TEST_CASE("walk text: PAE paging keeps its format", "[debugger][walk_text]") {
  Machine m;
  m.put(0x2000 + 4 * 8, 0x0060'0000 | P | US | PS | XD);
  PagingConfig c;
  c.mode = PagingMode::Pae;
  c.cr3 = 0x1000;
  c.maxphyaddr = 36;
  c.nxe = true;
  c.pdpte = {0, 0x2000 | P, 0, 0};
  CHECK(text(c, 0x4081'2345, m) ==
        "linear 40812345\n"
        "  PAE paging, CR3 = 00001000\n"
        "  PDPTE at 00001008 = 0000000000002001  [P RO S]\n"
        "  PDE   at 00002020 = 8000000000600085  [P RO U PS XD]\n"
        "  physical 00612345 (2 MiB page, read-only, user, no-execute)\n");
}

TEST_CASE("walk text: 4-level paging with PCID, 4 KiB and 1 GiB pages", "[debugger][walk_text]") {
  Machine m;
  // PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. Linear
  // ffff800000403123: PML4 index 0x100, PDPT 0, PD 2, PT 3.
  const u64 lin = 0xFFFF'8000'0040'3123ull;
  m.put(0x1000 + 0x100 * 8, 0x2000 | P | RW | A);
  m.put(0x2000, 0x3000 | P | RW);
  m.put(0x3000 + 2 * 8, 0x4000 | P | RW);
  m.put(0x4000 + 3 * 8, 0x9000 | P | G | XD);
  PagingConfig c;
  c.mode = PagingMode::Level4;
  c.cr3 = 0x1000 | 0x02A;
  c.pcide = true;
  c.maxphyaddr = 40;
  c.nxe = c.pge = c.wp = c.page1g = true;
  CHECK(text(c, lin, m) ==
        "linear ffff800000403123\n"
        "  4-level paging, CR3 = 0000102a (PCID 02a)\n"
        "  PML4E at 00001800 = 0000000000002023  [P RW S A]\n"
        "  PDPTE at 00002000 = 0000000000003003  [P RW S]\n"
        "  PDE   at 00003010 = 0000000000004003  [P RW S]\n"
        "  PTE   at 00004018 = 8000000000009101  [P RO S G XD]\n"
        "  physical 00009123 (4 KiB page, read-only, supervisor, no-execute)\n");
  // A 1 GiB page at PDPT index 1.
  const u64 big = 0xFFFF'8000'4012'3456ull;
  m.put(0x2000 + 8, (u64{5} << 30) | P | RW | US | PS | A | D);
  c.pcide = false;
  c.cr3 = 0x1000;
  CHECK(text(c, big, m) ==
        "linear ffff800040123456\n"
        "  4-level paging, CR3 = 00001000\n"
        "  PML4E at 00001800 = 0000000000002023  [P RW S A]\n"
        "  PDPTE at 00002008 = 00000001400000e7  [P RW U A D PS]\n"
        "  physical 140123456 (1 GiB page, writable, supervisor)\n");
}

TEST_CASE("walk text: 5-level paging and a reserved-bit fault", "[debugger][walk_text]") {
  Machine m;
  // PML5 at 0x6000 (index 1 for linear 0x0001000000000000), PML4E with PS set.
  m.put(0x6000 + 8, 0x1000 | P | RW | US);
  m.put(0x1000, 0x2000 | P | RW | US | PS);
  PagingConfig c;
  c.mode = PagingMode::Level5;
  c.cr3 = 0x6000;
  c.maxphyaddr = 46;
  c.nxe = true;
  CHECK(text(c, 0x0001'0000'0000'0000ull, m) ==
        "linear 0001000000000000\n"
        "  5-level paging, CR3 = 00006000\n"
        "  PML5E at 00006008 = 0000000000001007  [P RW U]\n"
        "  PML4E at 00001000 = 0000000000002087  [P RW U PS]\n"
        "  -> #PF, error code 0x9 [P RSVD]\n");
}
