// fw_cfg (devices/fw_cfg.hpp) as SeaBIOS reads it: selector 510h, data
// 511h, the signature, the big-endian file directory, reads past the end.
#include <catch2/catch.hpp>

#include <string>

#include "devices/fw_cfg.hpp"

using namespace gb;

namespace {
std::string read(FwCfg& f, u16 key, size_t n) {
  f.io_write(FwCfg::kSelectPort, key, Width::Word);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>(f.io_read(FwCfg::kDataPort, Width::Byte));
  return s;
}
u32 be32(const std::string& s, size_t at) {
  u32 v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<u8>(s[at + i]);
  return v;
}
}  // namespace

TEST_CASE("fw_cfg: signature, ID, little-endian numbers, zeros past the end", "[fw_cfg]") {
  FwCfg f;
  CHECK(read(f, FwCfg::kSignature, 4) == "QEMU");
  CHECK(read(f, FwCfg::kId, 4) == std::string("\x01\0\0\0", 4));  // the traditional interface, no DMA
  f.set_u32(FwCfg::kKernelSize, 0x12345678);
  CHECK(read(f, FwCfg::kKernelSize, 6) == std::string("\x78\x56\x34\x12\0\0", 6));
  // Selecting again starts the item over; an unknown key reads zeros.
  CHECK(read(f, FwCfg::kSignature, 2) == "QE");
  CHECK(read(f, FwCfg::kSignature, 2) == "QE");
  CHECK(read(f, 0x1234, 2) == std::string(2, '\0'));
  // The selector port reads as nothing (write-only); data writes are ignored.
  f.io_write(FwCfg::kDataPort, 0x55, Width::Byte);
  CHECK(read(f, FwCfg::kSignature, 4) == "QEMU");
  // A word read of the data port gives two consecutive bytes.
  f.io_write(FwCfg::kSelectPort, FwCfg::kSignature, Width::Word);
  CHECK(f.io_read(FwCfg::kDataPort, Width::Word) == 0x4551u);  // 'Q' 'E'
}

TEST_CASE("fw_cfg: files are listed in the big-endian directory", "[fw_cfg]") {
  FwCfg f;
  CHECK(be32(read(f, FwCfg::kFileDir, 4), 0) == 0);
  f.add_file("genroms/linuxboot.bin", std::vector<u8>(512, 0xAB));
  f.add_file("etc/test", {1, 2, 3});
  const std::string dir = read(f, FwCfg::kFileDir, 4 + 2 * 64);
  CHECK(be32(dir, 0) == 2);
  CHECK(be32(dir, 4) == 512);                               // size
  CHECK(static_cast<u8>(dir[8]) == 0x00);                   // select, big-endian: 0020h
  CHECK(static_cast<u8>(dir[9]) == 0x20);
  CHECK(dir.substr(12, 21) == "genroms/linuxboot.bin");
  CHECK(dir[12 + 21] == '\0');
  CHECK(be32(dir, 68) == 3);
  CHECK(static_cast<u8>(dir[73]) == 0x21);
  CHECK(read(f, 0x21, 3) == "\x01\x02\x03");
  CHECK_THROWS_AS(f.add_file("etc/test", {}), std::invalid_argument);
  CHECK_THROWS_AS(f.add_file(std::string(56, 'x'), {}), std::invalid_argument);
}
