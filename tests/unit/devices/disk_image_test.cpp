// DiskImage: raw files, snapshot overlays and the refusal of bad images.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "devices/disk_image.hpp"

using namespace gb;
namespace fs = std::filesystem;

namespace {
fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("gb-disk-" + std::to_string(::getpid()) + "-" + name);
}
fs::path temp_file(const std::string& name, size_t bytes, u8 fill) {
  const fs::path p = temp_path(name);
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  std::vector<char> data(bytes, static_cast<char>(fill));
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  return p;
}
std::vector<u8> file_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}
std::string open_error(const std::string& path, DiskImage::Mode m, u32 sector = 512) {
  try {
    DiskImage::open(path, m, sector);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("disk image: writes reach the file; reads see them", "[disk]") {
  const auto p = temp_file("rw", 8192, 0xAA);
  {
    auto img = DiskImage::open(p.string(), DiskImage::Mode::ReadWrite);
    CHECK(img->size() == 8192);
    std::vector<u8> buf(512);
    REQUIRE(img->read(512, buf));
    CHECK(buf[0] == 0xAA);
    std::vector<u8> w(600, 0x55);
    REQUIRE(img->write(4000, w));  // crosses a 4 KiB chunk boundary
    REQUIRE(img->read(3999, buf));
    CHECK(buf[0] == 0xAA);
    CHECK(buf[1] == 0x55);
    CHECK_FALSE(img->write(8000, w));  // past the end
    CHECK_FALSE(img->read(8192 - 10, buf));
    CHECK(img->flush());
  }
  const auto bytes = file_bytes(p);
  CHECK(bytes[3999] == 0xAA);
  CHECK(bytes[4000] == 0x55);
  CHECK(bytes[4599] == 0x55);
  CHECK(bytes[4600] == 0xAA);
  fs::remove(p);
}

TEST_CASE("disk image: snapshot keeps the file unchanged", "[disk]") {
  const auto p = temp_file("snap", 16384, 0x11);
  {
    auto img = DiskImage::open(p.string(), DiskImage::Mode::Snapshot);
    std::vector<u8> w(5000, 0x77);
    REQUIRE(img->write(100, w));
    std::vector<u8> r(5200);
    REQUIRE(img->read(0, r));
    CHECK(r[99] == 0x11);
    CHECK(r[100] == 0x77);
    CHECK(r[5099] == 0x77);
    CHECK(r[5100] == 0x11);
  }
  for (u8 b : file_bytes(p)) REQUIRE(b == 0x11);
  fs::remove(p);
}

TEST_CASE("disk image: read-only refuses writes", "[disk]") {
  const auto p = temp_file("ro", 4096, 0);
  auto img = DiskImage::open(p.string(), DiskImage::Mode::ReadOnly, 2048);
  std::vector<u8> w(16, 1);
  CHECK_FALSE(img->write(0, w));
  CHECK(img->read_only());
  fs::remove(p);
}

TEST_CASE("disk image: bad images are refused with the file and the reason", "[disk]") {
  const auto missing = temp_path("missing");
  CHECK(open_error(missing.string(), DiskImage::Mode::ReadWrite).find("No such file") != std::string::npos);
  CHECK(open_error(fs::temp_directory_path().string(), DiskImage::Mode::ReadWrite).find("is a directory") != std::string::npos);
  const auto empty = temp_file("empty", 0, 0);
  CHECK(open_error(empty.string(), DiskImage::Mode::ReadWrite).find("image is empty") != std::string::npos);
  const auto odd = temp_file("odd", 1000, 0);
  const std::string e = open_error(odd.string(), DiskImage::Mode::ReadWrite);
  CHECK(e.find(odd.string()) == 0);
  CHECK(e.find("not a multiple of the 512-byte sector") != std::string::npos);
  fs::remove(empty);
  fs::remove(odd);
}

TEST_CASE("disk image: in-memory images", "[disk]") {
  auto img = DiskImage::from_memory(std::vector<u8>(1024, 3));
  std::vector<u8> w{9, 8};
  REQUIRE(img->write(1022, w));
  std::vector<u8> r(2);
  REQUIRE(img->read(1022, r));
  CHECK(r == w);
}
