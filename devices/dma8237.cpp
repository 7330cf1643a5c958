// The PC/AT's 8237A pair; see dma8237.hpp for the datasheet sections followed.
#include "devices/dma8237.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace gb {

namespace {

// Register offsets within one 8237A (datasheet Table 2, "Software Commands",
// and the address/count register decode).
constexpr unsigned kRegCommandStatus = 0x8;  // write: command, read: status
constexpr unsigned kRegRequest = 0x9;
constexpr unsigned kRegSingleMask = 0xA;
constexpr unsigned kRegMode = 0xB;
constexpr unsigned kRegClearFlipFlop = 0xC;
constexpr unsigned kRegMasterClearTemp = 0xD;  // write: master clear, read: temporary
constexpr unsigned kRegClearMask = 0xE;
constexpr unsigned kRegAllMask = 0xF;

// Command register bit 2: controller disable.
constexpr u8 kCmdDisable = 0x04;

// Mode register fields.
constexpr u8 kModeTypeMask = 0x0C;
constexpr u8 kModeVerify = 0x00;
constexpr u8 kModeWrite = 0x04;  // device -> memory
constexpr u8 kModeRead = 0x08;   // memory -> device
constexpr u8 kModeAutoinit = 0x10;
constexpr u8 kModeDecrement = 0x20;
constexpr u8 kModeSelectMask = 0xC0;
constexpr u8 kModeCascade = 0xC0;

// Page register port (low nibble of 8xh) per channel (IBM AT Technical
// Reference, I/O address map: 87h ch0, 83h ch1, 81h ch2, 82h ch3, 8Fh ch4,
// 8Bh ch5, 89h ch6, 8Ah ch7).
constexpr std::array<u8, 8> kPagePort = {0x7, 0x3, 0x1, 0x2, 0xF, 0xB, 0x9, 0xA};

const char* type_name(u8 mode) {
  switch (mode & kModeTypeMask) {
    case kModeVerify: return "verify";
    case kModeWrite: return "write";
    case kModeRead: return "read";
    default: return "illegal";
  }
}

const char* select_name(u8 mode) {
  switch (mode & kModeSelectMask) {
    case 0x00: return "demand";
    case 0x40: return "single";
    case 0x80: return "block";
    default: return "cascade";
  }
}

}  // namespace

Dma8237Pair::Dma8237Pair(Bus& bus) : bus_(bus) { reset(); }

void Dma8237Pair::reset() {
  for (auto& c : chips_) {
    c.ch = {};
    master_clear(c);
  }
  page_.fill(0);
}

void Dma8237Pair::master_clear(Chip& c) {
  // Datasheet, "Software Commands - Master Clear": same effect as a hardware
  // reset. The command, status, request and temporary registers and the
  // first/last flip-flop are cleared and the mask register is set; the mode,
  // address and count registers keep their contents.
  c.command = 0;
  c.tc_bits = 0;
  c.request = 0;
  c.temp = 0;
  c.flip_flop = false;
  c.mask = 0x0F;
  for (auto& ch : c.ch) ch.tc_last = false;
}

void Dma8237Pair::check_channel(unsigned channel) {
  if (channel >= kChannels) throw std::out_of_range(fmt::format("DMA channel {} does not exist (0-7)", channel));
}

bool Dma8237Pair::terminal_count(unsigned channel) const {
  check_channel(channel);
  return chan(channel).tc_last;
}

bool Dma8237Pair::masked(unsigned channel) const {
  check_channel(channel);
  return (chip_of(channel).mask >> (channel & 3)) & 1;
}

bool Dma8237Pair::granted(unsigned channel) const {
  const Chip& c = chip_of(channel);
  const unsigned i = channel & 3;
  if (c.command & kCmdDisable) return false;
  if ((c.mask >> i) & 1) return false;
  // A channel in cascade mode only passes its DREQ on (DACK to a bus master
  // or a slave 8237A); it generates no transfer cycles itself.
  if ((c.ch[i].mode & kModeSelectMask) == kModeCascade) return false;
  if (channel < 4) {
    // DMA1's HRQ is DMA2's DREQ0, and DMA2's DACK0 is DMA1's HLDA (AT
    // Technical Reference, DMA controller): DMA1 gets the bus only through
    // DMA2 channel 0 in cascade mode, unmasked, with DMA2 enabled.
    const Chip& m = chips_[1];
    if (m.command & kCmdDisable) return false;
    if (m.mask & 1) return false;
    if ((m.ch[0].mode & kModeSelectMask) != kModeCascade) return false;
  }
  return true;
}

u8 Dma8237Pair::page_of(unsigned channel) const { return page_[kPagePort[channel]]; }

PhysAddr Dma8237Pair::phys_addr(unsigned channel) const {
  const Channel& k = chan(channel);
  if (channel < 4) return (static_cast<PhysAddr>(page_of(channel)) << 16) | k.cur_addr;
  // 16-bit channels: the address register drives A16-A1 and the page
  // register A23-A17; its bit 0 is not used.
  return (static_cast<PhysAddr>(page_of(channel) & 0xFE) << 16) | (static_cast<PhysAddr>(k.cur_addr) << 1);
}

bool Dma8237Pair::step(unsigned channel) {
  Chip& c = chip_of(channel);
  Channel& k = c.ch[channel & 3];
  // "Address Generation": the 16-bit current address counts up or down
  // (mode bit 5) and wraps within its 64 Ki (words on DMA2); the page
  // register does not count.
  k.cur_addr = static_cast<u16>((k.mode & kModeDecrement) ? k.cur_addr - 1 : k.cur_addr + 1);
  // The word count register holds one less than the number of transfers; TC
  // is reached when it rolls over from 0000h to FFFFh.
  const bool tc = k.cur_count == 0;
  k.cur_count = static_cast<u16>(k.cur_count - 1);
  if (!tc) return false;
  const unsigned i = channel & 3;
  c.tc_bits = static_cast<u8>(c.tc_bits | (1u << i));
  // Status bits 7-4 / the request register: a software request is cleared
  // at TC ("Request Register").
  c.request = static_cast<u8>(c.request & ~(1u << i));
  if (k.mode & kModeAutoinit) {
    // "Autoinitialize": the base registers are copied back into the current
    // registers at EOP and the channel stays unmasked.
    k.cur_addr = k.base_addr;
    k.cur_count = k.base_count;
  } else {
    // "Mask Register": the mask bit is set at EOP unless the channel is
    // programmed for autoinitialize.
    c.mask = static_cast<u8>(c.mask | (1u << i));
  }
  k.tc_last = true;
  return true;
}

size_t Dma8237Pair::device_write(unsigned channel, std::span<const u8> data) {
  check_channel(channel);
  Channel& k = chan(channel);
  k.tc_last = false;
  if (!granted(channel)) return 0;
  const unsigned unit = channel < 4 ? 1 : 2;
  const bool store = (k.mode & kModeTypeMask) == kModeWrite;
  size_t done = 0;
  while (done + unit <= data.size()) {
    if (store) {
      const PhysAddr a = phys_addr(channel);
      bus_.write<u8>(a, data[done]);
      if (unit == 2) bus_.write<u8>(a + 1, data[done + 1]);
    }
    done += unit;
    if (step(channel)) break;
  }
  return done;
}

size_t Dma8237Pair::device_read(unsigned channel, std::span<u8> out) {
  check_channel(channel);
  Channel& k = chan(channel);
  k.tc_last = false;
  if (!granted(channel)) return 0;
  const unsigned unit = channel < 4 ? 1 : 2;
  const bool load = (k.mode & kModeTypeMask) == kModeRead;
  size_t done = 0;
  while (done + unit <= out.size()) {
    if (load) {
      const PhysAddr a = phys_addr(channel);
      out[done] = bus_.read<u8>(a);
      if (unit == 2) out[done + 1] = bus_.read<u8>(a + 1);
    } else {
      out[done] = 0xFF;
      if (unit == 2) out[done + 1] = 0xFF;
    }
    done += unit;
    if (step(channel)) break;
  }
  return done;
}

u8 Dma8237Pair::read_reg(unsigned chip, unsigned reg) {
  Chip& c = chips_[chip];
  if (reg < 8) {
    // Current address (even) or current word count (odd), low byte then
    // high byte as the first/last flip-flop toggles.
    const Channel& k = c.ch[reg >> 1];
    const u16 v = (reg & 1) ? k.cur_count : k.cur_addr;
    const u8 b = static_cast<u8>(c.flip_flop ? v >> 8 : v);
    c.flip_flop = !c.flip_flop;
    return b;
  }
  switch (reg) {
    case kRegCommandStatus: {
      // "Status Register": bits 3-0 TC reached (cleared by this read), bits
      // 7-4 channel requesting service.
      const u8 v = static_cast<u8>(c.tc_bits | (c.request << 4));
      c.tc_bits = 0;
      return v;
    }
    case kRegMasterClearTemp:
      return c.temp;
    case kRegAllMask:
      // The 8237A lists this read as illegal; the AT-compatible chipsets
      // this machine stands for (82C206, PIIX3 "WRMSK") read the mask bits
      // back here, upper nibble set.
      return static_cast<u8>(0xF0 | c.mask);
    default:
      return 0xFF;  // write-only registers: not driven
  }
}

void Dma8237Pair::write_reg(unsigned chip, unsigned reg, u8 v) {
  Chip& c = chips_[chip];
  if (reg < 8) {
    // "Base and current registers are written simultaneously."
    Channel& k = c.ch[reg >> 1];
    u16& base = (reg & 1) ? k.base_count : k.base_addr;
    u16& cur = (reg & 1) ? k.cur_count : k.cur_addr;
    base = c.flip_flop ? static_cast<u16>((base & 0x00FF) | (v << 8)) : static_cast<u16>((base & 0xFF00) | v);
    cur = base;
    c.flip_flop = !c.flip_flop;
    if (reg & 1) k.tc_last = false;
    return;
  }
  const unsigned i = v & 3;
  switch (reg) {
    case kRegCommandStatus:
      c.command = v;
      break;
    case kRegRequest:
      c.request = (v & 0x04) ? static_cast<u8>(c.request | (1u << i)) : static_cast<u8>(c.request & ~(1u << i));
      break;
    case kRegSingleMask:
      c.mask = (v & 0x04) ? static_cast<u8>(c.mask | (1u << i)) : static_cast<u8>(c.mask & ~(1u << i));
      break;
    case kRegMode:
      c.ch[i].mode = static_cast<u8>(v & 0xFC);
      break;
    case kRegClearFlipFlop:
      c.flip_flop = false;
      break;
    case kRegMasterClearTemp:
      master_clear(c);
      break;
    case kRegClearMask:
      c.mask = 0;
      break;
    case kRegAllMask:
      c.mask = static_cast<u8>(v & 0x0F);
      break;
    default:
      break;
  }
}

u32 Dma8237Pair::io_read(u16 port, Width) {
  if (port <= 0x0F) return read_reg(0, port);
  if (port >= 0xC0 && port <= 0xDF) return read_reg(1, static_cast<unsigned>(port - 0xC0) >> 1);
  if (port >= 0x81 && port <= 0x8F) return page_[port & 0xF];
  return 0xFF;
}

void Dma8237Pair::io_write(u16 port, u32 value, Width) {
  const u8 v = static_cast<u8>(value);
  if (port <= 0x0F) {
    write_reg(0, port, v);
  } else if (port >= 0xC0 && port <= 0xDF) {
    write_reg(1, static_cast<unsigned>(port - 0xC0) >> 1, v);
  } else if (port >= 0x81 && port <= 0x8F) {
    page_[port & 0xF] = v;
  }
}

std::string Dma8237Pair::dump() const {
  std::string s;
  for (unsigned chip = 0; chip < 2; ++chip) {
    const Chip& c = chips_[chip];
    s += fmt::format("DMA{}: command={:02X} status={:02X} mask={:X} request={:X} temp={:02X} flipflop={}\n",
                     chip + 1, c.command, static_cast<unsigned>(c.tc_bits | (c.request << 4)), c.mask, c.request,
                     c.temp, c.flip_flop ? "high" : "low");
    for (unsigned i = 0; i < 4; ++i) {
      const unsigned n = chip * 4 + i;
      const Channel& k = c.ch[i];
      s += fmt::format(
          "  ch{}: {} {} {}{} base={:04X}/{:04X} current={:04X}/{:04X} page={:02X} phys={:06X} mask={} tc={}\n", n,
          type_name(k.mode), select_name(k.mode), (k.mode & kModeDecrement) ? "dec" : "inc",
          (k.mode & kModeAutoinit) ? " autoinit" : "", k.base_addr, k.base_count, k.cur_addr, k.cur_count,
          page_of(n), phys_addr(n), (c.mask >> i) & 1, k.tc_last ? 1 : 0);
    }
  }
  s += "pages:";
  for (unsigned p = 1; p < 16; ++p) s += fmt::format(" {:02X}={:02X}", 0x80 + p, page_[p]);
  s += "\n";
  return s;
}

}  // namespace gb
