#include "devices/apic/io_apic.hpp"

#include <fmt/format.h>

namespace gb {

namespace {

// Redirection table entry fields (82093AA datasheet, IOREDTBL[23:0]).
constexpr u64 kVector = 0xFF, kDeliveryMode = 0x700, kDestLogical = 1u << 11, kDeliveryStatus = 1u << 12,
              kPolarity = 1u << 13, kRemoteIrr = 1u << 14, kLevel = 1u << 15, kMasked = 1u << 16;
constexpr u64 kWritableLow = kVector | kDeliveryMode | kDestLogical | kPolarity | kLevel | kMasked;
constexpr u64 kModeFixed = 0x000, kModeLowest = 0x100, kModeNmi = 0x400, kModeExtInt = 0x700;

}  // namespace

void IoApic::reset() {
  select_ = 0;
  id_ = 0;
  redir_.fill(kMasked);  // every pin masked at reset
  level_.fill(false);
  bus_.set_extint(false);
}

u32 IoApic::read_reg(u8 index) const {
  if (index == 0x00) return id_;
  if (index == 0x01) return kVersionValue;
  if (index == 0x02) return id_;  // arbitration ID: the APIC ID after reset
  if (index >= 0x10 && index < 0x10 + 2 * kPins) {
    const u64 e = redir_[(index - 0x10) / 2];
    return (index & 1) ? static_cast<u32>(e >> 32) : static_cast<u32>(e);
  }
  return 0;
}

void IoApic::write_reg(u8 index, u32 value) {
  if (index == 0x00) {
    id_ = value & 0x0F00'0000;
    return;
  }
  if (index < 0x10 || index >= 0x10 + 2 * kPins) return;  // version, arbitration: read only
  const unsigned pin = (index - 0x10) / 2;
  u64& e = redir_[pin];
  if (index & 1) {
    e = (e & 0xFFFF'FFFFu) | (u64{value & 0xFF00'0000u} << 32);  // destination field
  } else {
    const bool was_extint = !(e & kMasked) && (e & kDeliveryMode) == kModeExtInt;
    e = (e & (0xFFFF'FFFF'0000'0000u | kRemoteIrr | kDeliveryStatus)) | (value & kWritableLow);
    if (!(e & kLevel)) e &= ~kRemoteIrr;  // Remote IRR is undefined for edge entries: kept clear
    const bool is_extint = !(e & kMasked) && (e & kDeliveryMode) == kModeExtInt;
    if (was_extint && !is_extint) bus_.set_extint(false);
  }
  service(pin);
}

void IoApic::service(unsigned pin) {
  u64& e = redir_[pin];
  const u64 mode = e & kDeliveryMode;
  if (mode == kModeExtInt) {
    bus_.set_extint(!(e & kMasked) && level_[pin]);
    return;
  }
  if ((e & kMasked) || !level_[pin] || !(e & kLevel)) return;  // edges are sent by set_irq
  if (e & kRemoteIrr) return;  // waiting for the EOI
  if (mode == kModeFixed || mode == kModeLowest) {
    const u8 dest = static_cast<u8>(e >> 56);
    if (bus_.deliver_fixed(static_cast<u8>(e & kVector), true, dest, (e & kDestLogical) != 0, mode == kModeLowest)) {
      e |= kRemoteIrr;
    }
  } else if (mode == kModeNmi) {
    bus_.deliver_nmi(static_cast<u8>(e >> 56), (e & kDestLogical) != 0);
  }
}

void IoApic::set_irq(unsigned line, bool level) {
  if (line >= kPins) return;
  const bool rising = level && !level_[line];
  level_[line] = level;
  const u64 e = redir_[line];
  const u64 mode = e & kDeliveryMode;
  if (!(e & kLevel) && mode != kModeExtInt) {
    if (!rising || (e & kMasked)) return;
    if (mode == kModeFixed || mode == kModeLowest) {
      bus_.deliver_fixed(static_cast<u8>(e & kVector), false, static_cast<u8>(e >> 56), (e & kDestLogical) != 0,
                         mode == kModeLowest);
    } else if (mode == kModeNmi) {
      bus_.deliver_nmi(static_cast<u8>(e >> 56), (e & kDestLogical) != 0);
    }
    return;
  }
  service(line);
}

void IoApic::eoi(u8 vector) {
  for (unsigned pin = 0; pin < kPins; ++pin) {
    if ((redir_[pin] & kRemoteIrr) && (redir_[pin] & kVector) == vector) {
      redir_[pin] &= ~kRemoteIrr;
      service(pin);  // still asserted: sent again
    }
  }
}

std::optional<u32> IoApic::mmio_peek(u64 offset, Width w) const {
  u32 v = 0xFFFF'FFFFu;
  if (offset < 0x10) v = select_;
  else if (offset >= 0x10 && offset < 0x14) v = read_reg(select_) >> (8 * (offset & 3));
  return v & width_mask(w);
}

u32 IoApic::mmio_read(u64 offset, Width w) { return *mmio_peek(offset, w); }

void IoApic::mmio_write(u64 offset, u32 value, Width) {
  if (offset == 0x00) select_ = static_cast<u8>(value);
  else if (offset == 0x10) write_reg(select_, value);
}

std::string IoApic::dump() const {
  std::string out = fmt::format("I/O APIC: ID {} version {:08x} IOREGSEL {:02x}\n", id_ >> 24, kVersionValue, select_);
  for (unsigned pin = 0; pin < kPins; ++pin) {
    const u64 e = redir_[pin];
    if ((e & kMasked) && !level_[pin]) continue;
    static constexpr const char* kModes[8] = {"fixed", "lowest", "SMI", "?", "NMI", "INIT", "?", "ExtINT"};
    out += fmt::format("  pin {:2}: {:016x} vector {:02x} {} {} {}{}{} dest {:02x}{}\n", pin, e, e & kVector,
                       kModes[(e >> 8) & 7], e & kLevel ? "level" : "edge", e & kMasked ? "masked" : "unmasked",
                       e & kRemoteIrr ? " remote-IRR" : "", e & kPolarity ? " active-low" : "", e >> 56,
                       level_[pin] ? " (asserted)" : "");
  }
  return out;
}

}  // namespace gb
