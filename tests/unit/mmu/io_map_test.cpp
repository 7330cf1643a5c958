// gb::IoMap: open bus, access splitting, overlap checks, port wrap.
#include <catch2/catch.hpp>

#include <ostream>
#include <stdexcept>
#include <vector>

#include "mmu/io_map.hpp"

using namespace gb;

namespace {
struct Access {
  bool write;
  u16 port;
  u32 value;
  Width w;
  bool operator==(const Access&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Access& a) {
  return os << (a.write ? "write " : "read ") << std::hex << a.port << " = " << a.value << " /" << bytes(a.w);
}

// Records every access; reads return `tag` in the low byte + port + junk above.
struct Recorder : IoHandler {
  explicit Recorder(u8 tag_, Width max = Width::Byte) : tag(tag_), max_width(max) {}
  u32 io_read(u16 port, Width w) override {
    log.push_back({false, port, 0, w});
    return 0xABCD'0000u | static_cast<u8>(tag + port);
  }
  void io_write(u16 port, u32 value, Width w) override { log.push_back({true, port, value, w}); }
  Width io_max_width() const override { return max_width; }
  u8 tag;
  Width max_width;
  std::vector<Access> log;
};
}  // namespace

TEST_CASE("IoMap unmapped ports read all ones and drop writes", "[mmu][io_map]") {
  IoMap io;
  CHECK(io.read(0x80, Width::Byte) == 0xFF);
  CHECK(io.read(0x80, Width::Word) == 0xFFFF);
  CHECK(io.read(0x80, Width::Dword) == 0xFFFF'FFFFu);
  io.write(0x80, 0x1234, Width::Word);
  CHECK(io.handler(0x80) == nullptr);
}

TEST_CASE("IoMap splits wide accesses to a byte handler, low byte first", "[mmu][io_map]") {
  IoMap io;
  Recorder r(0x10);
  io.map(0x60, 0x63, r);
  CHECK(io.read(0x60, Width::Byte) == 0x70);  // masked to the width
  CHECK(io.read(0x60, Width::Word) == 0x7170);
  CHECK(io.read(0x60, Width::Dword) == 0x7372'7170u);
  r.log.clear();
  io.write(0x60, 0xDDCC'BBAAu, Width::Dword);
  const std::vector<Access> want{{true, 0x60, 0xAA, Width::Byte},
                                 {true, 0x61, 0xBB, Width::Byte},
                                 {true, 0x62, 0xCC, Width::Byte},
                                 {true, 0x63, 0xDD, Width::Byte}};
  CHECK(r.log == want);
  r.log.clear();
  io.read(0x62, Width::Word);
  CHECK(r.log == std::vector<Access>{{false, 0x62, 0, Width::Byte}, {false, 0x63, 0, Width::Byte}});
}

TEST_CASE("IoMap passes accesses up to io_max_width through whole", "[mmu][io_map]") {
  IoMap io;
  Recorder r(0, Width::Word);
  io.map(0x1F0, 0x1F7, r);
  CHECK(io.read(0x1F0, Width::Word) == 0xF0);  // junk above bit 15 masked off
  io.write(0x1F0, 0xFFFF'1234u, Width::Word);
  CHECK(r.log == std::vector<Access>{{false, 0x1F0, 0, Width::Word}, {true, 0x1F0, 0x1234, Width::Word}});
  r.log.clear();
  io.write(0x1F0, 0x4433'2211u, Width::Dword);  // wider than the device: words split to bytes
  CHECK(r.log.size() == 4);
  CHECK(r.log[0] == Access{true, 0x1F0, 0x11, Width::Byte});
  CHECK(r.log[3] == Access{true, 0x1F3, 0x44, Width::Byte});
}

TEST_CASE("IoMap rejects overlapping maps", "[mmu][io_map]") {
  IoMap io;
  Recorder a(0), b(0);
  io.map(0x20, 0x21, a);
  CHECK_THROWS_AS(io.map(0x21, 0x22, b), std::invalid_argument);
  CHECK_THROWS_AS(io.map(0x00, 0xFFFF, b), std::invalid_argument);
  CHECK(io.handler(0x22) == nullptr);  // a failed map maps nothing
  CHECK(io.handler(0x00) == nullptr);
  CHECK(io.handler(0x20) == &a);
  io.unmap(0x20, 0x21);
  CHECK(io.handler(0x20) == nullptr);
  CHECK_NOTHROW(io.map(0x21, 0x22, b));
  CHECK(io.handler(0x21) == &b);
}

TEST_CASE("IoMap wraps at port 0xFFFF and mixes devices per byte", "[mmu][io_map]") {
  IoMap io;
  Recorder hi(0x01), lo(0x40);
  io.map(0xFFFF, 0xFFFF, hi);
  io.map(0x0000, 0x0000, lo);
  CHECK(io.read(0xFFFF, Width::Word) == 0x4000);  // 0x01+0xFF, then 0x40+0
  CHECK(io.read(0xFFFF, Width::Dword) == 0xFFFF'4000u);  // ports 1, 2 unmapped
  io.write(0xFFFE, 0x8877'6655u, Width::Dword);
  CHECK(hi.log.back() == Access{true, 0xFFFF, 0x66, Width::Byte});
  CHECK(lo.log.back() == Access{true, 0x0000, 0x77, Width::Byte});
}
