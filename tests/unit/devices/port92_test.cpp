// Port 92h: fast A20 and the reset pulse.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/port92.hpp"

using namespace gb;

TEST_CASE("port 92h bit 1 gates A20 and reads back", "[port92]") {
  std::vector<u8> ram(2u << 20);
  MemoryMap memory;
  memory.map_ram(0, ram);
  IoMap io;
  Bus bus(memory, io);
  Port92 p(bus);
  CHECK(bus.a20());
  CHECK(p.io_read(0x92, Width::Byte) == 0x02);
  ram[0x000010] = 0x11;
  ram[0x100010] = 0x22;
  CHECK(bus.read<u8>(0x100010) == 0x22);
  p.io_write(0x92, 0x00, Width::Byte);
  CHECK_FALSE(bus.a20());
  CHECK(p.io_read(0x92, Width::Byte) == 0x00);
  CHECK(bus.read<u8>(0x100010) == 0x11);  // bit 20 masked: wraps to 0x000010
  p.io_write(0x92, 0x02, Width::Byte);
  CHECK(bus.read<u8>(0x100010) == 0x22);
  CHECK_FALSE(p.take_reset());
}

TEST_CASE("port 92h bit 0 requests a reset and stops the CPU", "[port92]") {
  std::vector<u8> ram(1u << 20);
  MemoryMap memory;
  memory.map_ram(0, ram);
  IoMap io;
  Bus bus(memory, io);
  Port92 p(bus);
  p.io_write(0x92, 0x03, Width::Byte);
  CHECK(bus.take_stop());
  CHECK(p.take_reset());
  CHECK_FALSE(p.take_reset());
  CHECK(bus.a20());
}
