#include "devices/pci/piix3.hpp"

namespace gb {

Piix3Isa::Piix3Isa() : PciDevice(Id{0x8086, 0x7000, 0x00, 0x060100, 0x80, 0x1AF4, 0x1100, 0}) {
  // Command: the bridge always decodes I/O and memory and masters (bits
  // hard-wired to 1 in the datasheet's PCICMD); only SERR# enable is ours.
  set_writable(0x04, 0x00);
  set_writable(0x05, 0x01);
  const u8 regs[] = {0x4C, 0x4E, 0x4F, 0x60, 0x61, 0x62, 0x63, 0x69, 0x6A, 0x6B, 0x70, 0x76, 0x77, 0x78, 0x79, 0x80, 0x82};
  for (u8 r : regs) set_writable(r, 0xFF);
  for (u8 r = 0xA0; r <= 0xAF; ++r) set_writable(r, 0xFF);
  reset();
}

void Piix3Isa::reset() {
  PciDevice::reset();
  cfg_[0x04] = 0x07;
  cfg_[0x4C] = 0x4D;  // IORT
  cfg_[0x4E] = 0x03;  // XBCS: RTC and keyboard controller decode enabled
  for (u8 r = 0x60; r <= 0x63; ++r) cfg_[r] = 0x80;  // PIRQs not routed
  cfg_[0x69] = 0x02;  // TOM: 1 MiB
  cfg_[0x6A] = 0x00;
  cfg_[0x70] = 0x80;  // MBIRQ0 disabled
  cfg_[0x76] = cfg_[0x77] = 0x0C;  // MBDMA disabled
}

int Piix3Isa::pirq_route(unsigned pirq) const {
  const u8 r = cfg_[0x60 + (pirq & 3)];
  if (r & 0x80) return -1;
  // IRQs 0-2, 8 and 13 are reserved routing targets (datasheet PIRQRC).
  const unsigned irq = r & 0x0F;
  if (irq < 3 || irq == 8 || irq == 13) return -1;
  return static_cast<int>(irq);
}

Piix3Ide::Piix3Ide() : PciDevice(Id{0x8086, 0x7010, 0x00, 0x010180, 0x00, 0x1AF4, 0x1100, 0}) {
  for (u8 r = 0x40; r <= 0x44; ++r) set_writable(r, 0xFF);
  reset();
}

void Piix3Ide::reset() {
  PciDevice::reset();
  for (u8 r = 0x40; r <= 0x44; ++r) cfg_[r] = 0;
}

bool Piix3Ide::decode_enabled(unsigned channel) const { return cfg_[0x41 + 2 * (channel & 1)] & 0x80; }

}  // namespace gb
