// gb::DebugConsole, gb::DebugExit (devices/debug_port.hpp) and
// gb::StreamSink::open (devices/sink.hpp).
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>

#include "devices/debug_port.hpp"
#include "devices/sink.hpp"

using namespace gb;

namespace {

struct Collect : ByteSink {
  std::string bytes;
  int flushes = 0;
  void put(u8 b) override { bytes.push_back(static_cast<char>(b)); }
  void flush() override { ++flushes; }
};

struct Ports {
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
};

std::string temp_path(const std::string& tag) {
  return (std::filesystem::temp_directory_path() /
          ("glassbox-unit-" + tag + "-" + std::to_string(::getpid()) + ".bin"))
      .string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("DebugConsole sends each written byte to the sink", "[devices][debugcon]") {
  Collect sink;
  DebugConsole con(&sink);
  con.io_write(0xE9, 'o', Width::Byte);
  con.io_write(0xE9, 'k', Width::Byte);
  con.io_write(0xE9, 0x1234'5600u | '!', Width::Byte);  // only the low byte
  CHECK(sink.bytes == "ok!");
}

TEST_CASE("DebugConsole reads back 0xE9", "[devices][debugcon]") {
  Collect sink;
  DebugConsole con(&sink);
  CHECK(con.io_read(0xE9, Width::Byte) == 0xE9);
  CHECK(sink.bytes.empty());
}

TEST_CASE("DebugConsole without a sink discards output", "[devices][debugcon]") {
  DebugConsole con(nullptr);
  CHECK_NOTHROW(con.io_write(0xE9, 'x', Width::Byte));
  CHECK(con.io_read(0xE9, Width::Byte) == 0xE9);
}

TEST_CASE("DebugConsole through the port map", "[devices][debugcon]") {
  Ports p;
  Collect sink;
  DebugConsole con(&sink);
  p.io.map(0xE9, 0xE9, con);
  p.bus.out(0xE9, 'h', Width::Byte);
  p.bus.out(0xE9, 'i', Width::Byte);
  CHECK(sink.bytes == "hi");
  CHECK(p.bus.in(0xE9, Width::Byte) == 0xE9);
}

TEST_CASE("DebugExit: status is ((V << 1) | 1) & 0xFF and it requests a stop", "[devices][debugexit]") {
  Ports p;
  DebugExit ex(p.bus);
  CHECK_FALSE(ex.status().has_value());
  CHECK_FALSE(p.bus.take_stop());

  struct Case {
    u32 value;
    int status;
  };
  for (const Case c : {Case{0, 1}, Case{1, 3}, Case{0x10, 0x21}, Case{0x7F, 0xFF}, Case{0x80, 1}, Case{0xFF, 0xFF},
                       Case{0x1234'5601u, 3}}) {
    INFO("value " << c.value);
    ex.io_write(0xF4, c.value, Width::Dword);
    REQUIRE(ex.status().has_value());
    CHECK(*ex.status() == c.status);
    CHECK(p.bus.take_stop());
    CHECK_FALSE(p.bus.take_stop());  // take_stop clears the request
  }
}

TEST_CASE("DebugExit reads all ones at its width", "[devices][debugexit]") {
  Ports p;
  DebugExit ex(p.bus);
  CHECK(ex.io_read(0xF4, Width::Byte) == 0xFF);
  CHECK(ex.io_read(0xF4, Width::Word) == 0xFFFF);
  CHECK(ex.io_read(0xF4, Width::Dword) == 0xFFFF'FFFFu);
  CHECK(ex.io_max_width() == Width::Dword);
  CHECK_FALSE(ex.status().has_value());
  CHECK_FALSE(p.bus.take_stop());
}

TEST_CASE("DebugExit through the port map", "[devices][debugexit]") {
  Ports p;
  DebugExit ex(p.bus);
  p.io.map(0xF4, 0xF7, ex);
  p.bus.out(0xF4, 2, Width::Byte);
  REQUIRE(ex.status().has_value());
  CHECK(*ex.status() == 5);
  CHECK(p.bus.take_stop());
  p.bus.out(0xF4, 0, Width::Dword);
  CHECK(*ex.status() == 1);
  CHECK(p.bus.take_stop());
}

TEST_CASE("StreamSink::open(\"none\") is nullptr", "[devices][sink]") {
  CHECK(StreamSink::open("none") == nullptr);
}

TEST_CASE("StreamSink::open(\"stdio\") gives a sink", "[devices][sink]") {
  auto s = StreamSink::open("stdio");
  CHECK(s != nullptr);
}

TEST_CASE("StreamSink::open(\"file:PATH\") writes the bytes", "[devices][sink]") {
  const std::string path = temp_path("sink");
  {
    auto s = StreamSink::open("file:" + path);
    REQUIRE(s != nullptr);
    for (u8 b : {u8{'a'}, u8{0}, u8{'\n'}, u8{0xFF}, u8{'z'}}) s->put(b);
    s->flush();
  }  // closes the file
  CHECK(slurp(path) == std::string("a\0\n\xFFz", 5));
  std::filesystem::remove(path);
}

TEST_CASE("StreamSink::open truncates an existing file", "[devices][sink]") {
  const std::string path = temp_path("trunc");
  {
    std::ofstream(path, std::ios::binary) << "old contents";
  }
  {
    auto s = StreamSink::open("file:" + path);
    REQUIRE(s != nullptr);
    s->put('n');
  }
  CHECK(slurp(path) == "n");
  std::filesystem::remove(path);
}

TEST_CASE("StreamSink::open of a bad path throws runtime_error naming it", "[devices][sink]") {
  const std::string path = "/nonexistent-glassbox-dir/sub/out.txt";
  CHECK_THROWS_AS(StreamSink::open("file:" + path), std::runtime_error);
  CHECK_THROWS_WITH(StreamSink::open("file:" + path), Catch::Contains(path));
  CHECK_THROWS_AS(StreamSink::open("file:"), std::runtime_error);  // empty path
}

TEST_CASE("StreamSink::open of an unknown spec throws invalid_argument", "[devices][sink]") {
  for (const char* spec : {"", "bogus", "stdout", "File:/tmp/x", "file", "vc", "NONE"}) {
    INFO("spec '" << spec << "'");
    CHECK_THROWS_AS(StreamSink::open(spec), std::invalid_argument);
  }
  CHECK_THROWS_WITH(StreamSink::open("bogus"), Catch::Contains("bogus"));
}

TEST_CASE("POST code port: keeps and logs each code, reads back the last", "[debug_port]") {
  Collect log;
  PostCodePort post(&log);
  CHECK(post.io_read(0x80, Width::Byte) == 0);
  post.io_write(0x80, 0x12, Width::Byte);
  post.io_write(0x80, 0xAB, Width::Byte);
  CHECK(post.last() == 0xAB);
  CHECK(post.count() == 2);
  CHECK(post.io_read(0x80, Width::Byte) == 0xAB);
  CHECK(log.bytes == "POST 12\nPOST ab\n");
  PostCodePort quiet(nullptr);
  quiet.io_write(0x80, 0x55, Width::Byte);
  CHECK(quiet.last() == 0x55);
}

TEST_CASE("Bochs shutdown port: \"Shutdown\" in sequence powers off", "[debug_port]") {
  MemoryMap mem;
  IoMap io;
  Bus bus(mem, io);
  BochsShutdownPort port(bus);
  for (char c : std::string_view("Shutdow")) port.io_write(0x8900, static_cast<u8>(c), Width::Byte);
  CHECK_FALSE(port.powered_off());
  port.io_write(0x8900, 'X', Width::Byte);  // breaks the sequence
  port.io_write(0x8900, 'n', Width::Byte);
  CHECK_FALSE(port.powered_off());
  for (char c : std::string_view("SShutdown")) port.io_write(0x8900, static_cast<u8>(c), Width::Byte);
  CHECK(port.powered_off());
  CHECK(bus.take_stop());
  CHECK(port.io_read(0x8900, Width::Byte) == 0xFF);
}
