// The frontend tests' smallest guest: a 1 MiB machine whose 64 KiB BIOS is
// HLT throughout (the first instruction, at the reset vector, halts).
#pragma once
#include "devices/pc/machine.hpp"

namespace gb::test {

inline MachineConfig tiny_machine() {
  MachineConfig c;
  c.ram_mib = 1;
  c.bios.assign(64 * 1024, 0xF4);
  return c;
}

}  // namespace gb::test
