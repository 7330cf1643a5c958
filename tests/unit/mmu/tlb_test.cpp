// gb::Tlb: slots, flush_all, flush_non_global (MOV CR3), flush_page (INVLPG)
// and the large-page rule, 64-bit linear addresses, INVPCID, the rights
// tlb_rights() grants (with SMEP and SMAP), and the fast tags kept in step.
#include <array>

#include <catch2/catch.hpp>

#include "mmu/tlb.hpp"

using namespace gb;

namespace {

void fill(Tlb& t, u64 lin, bool global = false) {
  TlbEntry& e = t.edit(lin >> 12);
  e.vpn = lin >> 12;
  e.global = global;
  e.rights = tlbr::kSupRead;
  e.frame = lin & 0xF'FFFF'F000u;
  t.sync(lin >> 12);
}

/// The fast tag of `set` for the slot of `lin`, and whether it serves an
/// access of `size` bytes at `lin` (as Cpu::tlb_host tests it).
bool serves(const Tlb& t, Tlb::FastSet set, u64 lin, u64 size) {
  return t.fast(set)[(lin >> 12) & (Tlb::kEntries - 1)].tag == (lin + size - 1) >> 12;
}

bool has(Tlb& t, u64 lin) { return t.slot(lin >> 12).vpn == lin >> 12; }

}  // namespace

TEST_CASE("tlb: empty and filled slots", "[tlb]") {
  Tlb t;
  CHECK_FALSE(has(t, 0x0000'0000));
  CHECK_FALSE(has(t, 0x1234'5000));
  fill(t, 0x1234'5678);
  CHECK(has(t, 0x1234'5000));
  CHECK(&t.slot(0x12345) == &t.slot(0x12345 + Tlb::kEntries));  // direct-mapped
  CHECK_FALSE(has(t, 0x1234'5000 + Tlb::kEntries * 0x1000));
}

TEST_CASE("tlb: flush_all drops everything, global too", "[tlb]") {
  Tlb t;
  fill(t, 0x0000'1000);
  fill(t, 0x0040'2000, true);
  fill(t, 0xFFFF'F000);
  t.flush_all();
  CHECK_FALSE(has(t, 0x0000'1000));
  CHECK_FALSE(has(t, 0x0040'2000));
  CHECK_FALSE(has(t, 0xFFFF'F000));
}

TEST_CASE("tlb: flush_non_global keeps global entries", "[tlb]") {
  Tlb t;
  fill(t, 0x0000'1000);
  fill(t, 0x0040'2000, true);
  fill(t, 0xC000'3000, true);
  fill(t, 0xFFFF'F000);
  t.flush_non_global();
  CHECK_FALSE(has(t, 0x0000'1000));
  CHECK(has(t, 0x0040'2000));
  CHECK(has(t, 0xC000'3000));
  CHECK_FALSE(has(t, 0xFFFF'F000));
  t.flush_all();
  CHECK_FALSE(has(t, 0x0040'2000));
}

TEST_CASE("tlb: flush_page drops one entry", "[tlb]") {
  Tlb t;
  fill(t, 0x0000'1000);
  fill(t, 0x0040'2000, true);
  fill(t, 0x0040'3000);
  t.flush_page(0x0040'2ABC);  // any address in the page, global or not
  CHECK_FALSE(has(t, 0x0040'2000));
  CHECK(has(t, 0x0000'1000));
  CHECK(has(t, 0x0040'3000));
  t.flush_page(0x0040'3000);
  CHECK_FALSE(has(t, 0x0040'3000));
  CHECK(has(t, 0x0000'1000));
  // A page sharing the slot but not cached leaves the slot's entry alone.
  t.flush_page(0x0000'1000 + Tlb::kEntries * 0x1000);
  CHECK(has(t, 0x0000'1000));
}

TEST_CASE("tlb: after note_large flush_page drops everything", "[tlb]") {
  Tlb t;
  fill(t, 0x0000'1000);
  fill(t, 0x0040'2000, true);
  fill(t, 0x00C0'3000);
  t.note_large();
  t.flush_page(0x7000'0000);  // a page not even cached
  CHECK_FALSE(has(t, 0x0000'1000));
  CHECK_FALSE(has(t, 0x0040'2000));
  CHECK_FALSE(has(t, 0x00C0'3000));
  // The full flush forgets the large pages: the next INVLPG is precise again.
  fill(t, 0x0000'1000);
  fill(t, 0x0040'2000);
  t.flush_page(0x0040'2000);
  CHECK_FALSE(has(t, 0x0040'2000));
  CHECK(has(t, 0x0000'1000));
}

TEST_CASE("tlb: flush_all forgets note_large", "[tlb]") {
  Tlb t;
  t.note_large();
  t.flush_all();
  fill(t, 0x0000'1000);
  fill(t, 0x0000'2000);
  t.flush_page(0x0000'2000);
  CHECK(has(t, 0x0000'1000));
  CHECK_FALSE(has(t, 0x0000'2000));
  // flush_non_global does not forget it.
  t.note_large();
  t.flush_non_global();
  fill(t, 0x0000'1000, true);
  fill(t, 0x0000'2000, true);
  t.flush_page(0x0000'2000);
  CHECK_FALSE(has(t, 0x0000'1000));
}

TEST_CASE("tlb: 64-bit linear addresses", "[tlb]") {
  Tlb t;
  // vpn 0xFFFFFFFF (linear 0x00000FFF'FFFFF000) is a real page in 4-level
  // paging: an empty slot must not match it, nor any other page number.
  CHECK_FALSE(has(t, 0x0000'0FFF'FFFF'F000ull));
  CHECK_FALSE(has(t, 0xFFFF'FFFF'FFFF'F000ull));
  CHECK(t.slot(0xFFFF'FFFFu).vpn == TlbEntry::kEmpty);
  const u64 high = 0xFFFF'8000'0012'3000ull;
  const u64 low = high & 0xFFFF'FFFFull;  // same low 32 bits, same slot
  fill(t, high, false);
  CHECK(has(t, high));
  CHECK(&t.slot(high >> 12) == &t.slot(low >> 12));
  CHECK_FALSE(has(t, low));
  t.flush_page(low);  // a different page: the entry stays
  CHECK(has(t, high));
  t.flush_page(high + 0xABC);
  CHECK_FALSE(has(t, high));
  fill(t, 0x0000'0FFF'FFFF'F000ull);
  CHECK(has(t, 0x0000'0FFF'FFFF'F000ull));
  t.flush_all();
  CHECK_FALSE(has(t, 0x0000'0FFF'FFFF'F000ull));
}

TEST_CASE("tlb: INVPCID types", "[tlb]") {
  const auto filled = [] {
    Tlb t;
    fill(t, 0x0000'7FFF'0000'1000ull);
    fill(t, 0xFFFF'FFFF'8000'2000ull, true);
    fill(t, 0x0000'0000'0040'3000ull);
    return t;
  };
  Tlb t = filled();
  t.invpcid(InvpcidType::IndividualAddress, 0x0000'7FFF'0000'1234ull);
  CHECK_FALSE(has(t, 0x0000'7FFF'0000'1000ull));
  CHECK(has(t, 0xFFFF'FFFF'8000'2000ull));
  CHECK(has(t, 0x0000'0000'0040'3000ull));
  for (const InvpcidType type : {InvpcidType::SingleContext, InvpcidType::AllContexts}) {
    t = filled();
    t.invpcid(type, 0);
    CHECK_FALSE(has(t, 0x0000'7FFF'0000'1000ull));
    CHECK(has(t, 0xFFFF'FFFF'8000'2000ull));  // global
    CHECK_FALSE(has(t, 0x0000'0000'0040'3000ull));
  }
  t = filled();
  t.invpcid(InvpcidType::AllContextsAndGlobals, 0);
  CHECK_FALSE(has(t, 0x0000'7FFF'0000'1000ull));
  CHECK_FALSE(has(t, 0xFFFF'FFFF'8000'2000ull));
  CHECK_FALSE(has(t, 0x0000'0000'0040'3000ull));
}

TEST_CASE("tlb: tlb_rights", "[tlb]") {
  using namespace tlbr;
  WalkResult r;
  r.ok = true;
  r.user = r.writable = r.dirty = true;
  PagingConfig c;
  c.wp = true;
  CHECK(tlb_rights(r, c) == (kSupRead | kSupWrite | kSupExec | kUserRead | kUserWrite | kUserExec));
  // Clean pages: no write rights until a write walks and sets D.
  r.dirty = false;
  CHECK(tlb_rights(r, c) == (kSupRead | kSupExec | kUserRead | kUserExec));
  r.dirty = true;
  // Read-only: supervisor writes only with CR0.WP = 0.
  r.writable = false;
  CHECK(tlb_rights(r, c) == (kSupRead | kSupExec | kUserRead | kUserExec));
  c.wp = false;
  CHECK(tlb_rights(r, c) == (kSupRead | kSupWrite | kSupExec | kUserRead | kUserExec));
  c.wp = true;
  r.writable = true;
  r.no_exec = true;
  CHECK(tlb_rights(r, c) == (kSupRead | kSupWrite | kUserRead | kUserWrite));
  r.no_exec = false;
  // SMEP: no supervisor fetch from a user page; SMAP: no supervisor data
  // access to it (AC and implicit accesses are decided by a walk).
  c.smep = true;
  CHECK(tlb_rights(r, c) == (kSupRead | kSupWrite | kUserRead | kUserWrite | kUserExec));
  c.smap = true;
  CHECK(tlb_rights(r, c) == (kUserRead | kUserWrite | kUserExec));
  // Supervisor pages keep every supervisor right under SMEP and SMAP.
  r.user = false;
  CHECK(tlb_rights(r, c) == (kSupRead | kSupWrite | kSupExec));
}

TEST_CASE("tlb: fast tags follow the entries' rights and host bytes", "[tlb]") {
  using namespace tlbr;
  std::array<u8, 0x2000> ram{}, rom{};
  Tlb t;
  const u64 lin = 0x0040'2000;
  const auto put = [&](u8 rights, u8* read, u8* write) {
    TlbEntry& e = t.edit(lin >> 12);
    e.vpn = lin >> 12;
    e.rights = rights;
    e.host_read = read;
    e.host_write = write;
    t.sync(lin >> 12);
  };
  put(kSupRead | kSupWrite | kUserRead | kUserWrite, ram.data(), ram.data());
  for (const auto set : {Tlb::kSupRead, Tlb::kSupWrite, Tlb::kUserRead, Tlb::kUserWrite}) {
    CHECK(serves(t, set, lin + 0xFFC, 4));
    CHECK(t.fast(set)[(lin >> 12) & (Tlb::kEntries - 1)].host == ram.data());
    // The last byte in the next page: that page's slot decides, not this one.
    CHECK_FALSE(serves(t, set, lin + 0xFFD, 4));
    CHECK_FALSE(serves(t, Tlb::kNoFast, lin, 1));
  }
  CHECK_FALSE(serves(t, Tlb::kSupRead, lin - 1, 2));  // from the page before
  // Rights per level; write entries need the read right too.
  put(kSupRead | kSupWrite, ram.data(), ram.data());
  CHECK(serves(t, Tlb::kSupWrite, lin, 1));
  CHECK_FALSE(serves(t, Tlb::kUserRead, lin, 1));
  CHECK_FALSE(serves(t, Tlb::kUserWrite, lin, 1));
  put(kSupWrite, ram.data(), ram.data());
  CHECK_FALSE(serves(t, Tlb::kSupWrite, lin, 1));
  // ROM: reads only; MMIO: nothing; split read/write bytes: reads only.
  put(kSupRead | kSupWrite, rom.data(), nullptr);
  CHECK(serves(t, Tlb::kSupRead, lin, 1));
  CHECK_FALSE(serves(t, Tlb::kSupWrite, lin, 1));
  put(kSupRead | kSupWrite, nullptr, nullptr);
  CHECK_FALSE(serves(t, Tlb::kSupRead, lin, 1));
  put(kSupRead | kSupWrite, rom.data(), ram.data());
  CHECK(serves(t, Tlb::kSupRead, lin, 1));
  CHECK_FALSE(serves(t, Tlb::kSupWrite, lin, 1));
  // Every way an entry changes takes its tags along.
  put(kSupRead | kSupWrite, ram.data(), ram.data());
  t.for_each([](TlbEntry& e) { e.rights &= ~kSupWrite; });
  CHECK(serves(t, Tlb::kSupRead, lin, 1));
  CHECK_FALSE(serves(t, Tlb::kSupWrite, lin, 1));
  t.flush_page(lin);
  CHECK_FALSE(serves(t, Tlb::kSupRead, lin, 1));
  put(kSupRead, ram.data(), ram.data());
  t.flush_non_global();
  CHECK_FALSE(serves(t, Tlb::kSupRead, lin, 1));
  put(kSupRead, ram.data(), ram.data());
  t.flush_all();
  CHECK_FALSE(serves(t, Tlb::kSupRead, lin, 1));
}
