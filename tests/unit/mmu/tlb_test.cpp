// gb::Tlb: slots, flush_all, flush_non_global (MOV CR3), flush_page (INVLPG)
// and the large-page rule.
#include <catch2/catch.hpp>

#include "mmu/tlb.hpp"

using namespace gb;

namespace {

void fill(Tlb& t, u32 lin, bool global = false) {
  TlbEntry& e = t.slot(lin >> 12);
  e.vpn = lin >> 12;
  e.global = global;
  e.rights = tlbr::kSupRead;
  e.frame = lin & ~0xFFFu;
}

bool has(Tlb& t, u32 lin) { return t.slot(lin >> 12).vpn == lin >> 12; }

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
