// load_le / store_le / byteswap.
#include <catch2/catch.hpp>

#include <array>

#include "mmu/endian.hpp"

using namespace gb;

static_assert(byteswap(u8{0x12}) == 0x12);
static_assert(byteswap(u16{0x1234}) == 0x3412);
static_assert(byteswap(u32{0x1234'5678}) == 0x7856'3412);
static_assert(byteswap(u64{0x0102'0304'0506'0708}) == 0x0807'0605'0403'0201);

TEST_CASE("byteswap reverses bytes and is an involution", "[mmu][endian]") {
  CHECK(byteswap(u16{0xFF00}) == 0x00FF);
  CHECK(byteswap(u32{0x8000'0001u}) == 0x0100'0080u);
  for (u32 v : {0u, 1u, 0xDEAD'BEEFu, 0xFFFF'FFFFu, 0x0012'3400u}) {
    CHECK(byteswap(byteswap(v)) == v);
    CHECK(byteswap(static_cast<u16>(byteswap(static_cast<u16>(v)))) == static_cast<u16>(v));
  }
}

TEST_CASE("load_le reads little-endian at any alignment", "[mmu][endian]") {
  const std::array<u8, 10> b{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A};
  CHECK(load_le<u8>(b.data() + 3) == 0x04);
  CHECK(load_le<u16>(b.data()) == 0x0201);
  CHECK(load_le<u16>(b.data() + 1) == 0x0302);
  CHECK(load_le<u32>(b.data() + 1) == 0x0504'0302u);
  CHECK(load_le<u32>(b.data() + 3) == 0x0706'0504u);
  CHECK(load_le<u64>(b.data() + 1) == 0x0908'0706'0504'0302ull);
}

TEST_CASE("store_le writes little-endian at any alignment", "[mmu][endian]") {
  std::array<u8, 12> b{};
  store_le<u32>(b.data() + 1, 0xAABB'CCDDu);
  CHECK(b == std::array<u8, 12>{0, 0xDD, 0xCC, 0xBB, 0xAA, 0, 0, 0, 0, 0, 0, 0});
  store_le<u16>(b.data() + 5, 0x1122);
  CHECK(b[5] == 0x22);
  CHECK(b[6] == 0x11);
  store_le<u64>(b.data() + 3, 0x0102'0304'0506'0708ull);
  CHECK(b == std::array<u8, 12>{0, 0xDD, 0xCC, 8, 7, 6, 5, 4, 3, 2, 1, 0});
  CHECK(load_le<u64>(b.data() + 3) == 0x0102'0304'0506'0708ull);
}
