#include "devices/pci/pci_host.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace gb {

void PciHost::attach(unsigned slot, unsigned fn, PciDevice& dev) {
  if (slot > 31 || fn > 7 || devs_[slot][fn]) {
    throw std::invalid_argument(fmt::format("PCI 00:{:02x}.{} is taken or out of range", slot, fn));
  }
  devs_[slot][fn] = &dev;
}

PciDevice* PciHost::selected() const {
  if (!(address_ & 0x8000'0000u) || ((address_ >> 16) & 0xFF) != 0) return nullptr;
  const unsigned slot = (address_ >> 11) & 31, fn = (address_ >> 8) & 7;
  // A function other than 0 exists only if function 0 says the device is
  // multi-function (header type bit 7); PCI 2.1 6.2.1.
  if (fn && (!devs_[slot][0] || !(devs_[slot][0]->id().header_type & 0x80))) return nullptr;
  return devs_[slot][fn];
}

u32 PciHost::io_read(u16 port, Width w) {
  const unsigned n = bytes(w);
  if (port == 0xCF8 && n == 4) return address_;
  if (port == 0xCF9 && n == 1) return reset_control_;
  if (port >= 0xCFC) {
    const unsigned off = port - 0xCFCu;
    PciDevice* d = selected();
    const unsigned len = off + n > 4 ? 4 - off : n;
    if (!d) return width_mask(w);
    return d->config_read(static_cast<u8>((address_ & 0xFC) + off), len) | (len < n ? width_mask(w) & ~((1u << (8 * len)) - 1) : 0);
  }
  return width_mask(w);
}

void PciHost::io_write(u16 port, u32 value, Width w) {
  const unsigned n = bytes(w);
  if (port == 0xCF8 && n == 4) {
    address_ = value & 0x80FF'FFFCu;
    return;
  }
  if (port == 0xCF9 && n == 1) {
    // RC: a 0->1 transition of bit 2 resets the system (bit 1 chooses a
    // hard reset, which for us is the same power-on reset of the CPU).
    if ((value & 0x04) && !(reset_control_ & 0x04)) {
      reset_ = true;
      bus_.request_stop();
    }
    reset_control_ = static_cast<u8>(value & 0x02);
    return;
  }
  if (port >= 0xCFC) {
    const unsigned off = port - 0xCFCu;
    if (PciDevice* d = selected()) {
      const unsigned len = off + n > 4 ? 4 - off : n;
      d->config_write(static_cast<u8>((address_ & 0xFC) + off), value, len);
    }
  }
}

}  // namespace gb
