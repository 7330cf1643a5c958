// The PC/AT's two cascaded Intel 8237A DMA controllers and their page
// registers.
//
// References: Intel 8237A "High Performance Programmable DMA Controller"
// datasheet (order number 231466): "Register Description" (Current/Base
// Address and Word Count registers, Command, Mode, Request, Mask, Status and
// Temporary registers), Table 2 "Software Commands" (clear first/last
// flip-flop, master clear, clear mask register), "Autoinitialize",
// "Transfer Types", "Address Generation" and "EOP" (terminal count). PC/AT
// wiring: IBM Personal Computer AT Technical Reference, "System Board - DMA
// Controller" and "I/O Address Map": DMA1 (channels 0-3, 8-bit) at 00h-0Fh,
// DMA2 (channels 4-7, 16-bit) at C0h-DFh on even addresses (SA0 is not
// decoded: the chip's A0-A3 come from SA1-SA4), DMA2 channel 0 cascades
// DMA1, and the 74LS612 page registers at 81h-8Fh supply A23-A16 (A23-A17
// for the 16-bit channels, whose address register counts words and drives
// A16-A1).
//
// The device side is a call, not a DREQ line: a device moves a block with
// device_write()/device_read() and the channel runs as many DMA cycles as
// the data and its word count allow, stopping at terminal count (TC) exactly
// as a real DREQ burst would (demand, single and block mode differ only in
// when the bus is released, which nothing here can observe).
//
// Not modelled: memory-to-memory transfers (command bit 0; channel 0 address
// hold), software DMA requests as transfers (the request register is kept and
// shown in the status register, but a request alone moves no data), priority
// between channels and bus timing (compressed timing, extended write, DREQ and
// DACK polarity are stored only), and the A20 gate: transfers go through
// Bus::read/write<u8>, which applies the CPU's address mask, whereas the AT's
// DMA addresses bypass the A20 gate.
#pragma once
#include <array>
#include <cstddef>
#include <span>
#include <string>

#include "mmu/bus.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class Dma8237Pair final : public IoHandler {
 public:
  /// Channels 0-7: 0-3 on DMA1 (byte transfers), 4-7 on DMA2 (word
  /// transfers; channel 4 cascades DMA1).
  static constexpr unsigned kChannels = 8;

  /// `bus` carries the transfers (physical addresses, 24 bits). The device
  /// starts in its power-on state (see reset()).
  explicit Dma8237Pair(Bus& bus);

  /// Ports 00h-0Fh (DMA1), C0h-DFh (DMA2: register (port - C0h) / 2), and the
  /// page registers 81h-8Fh (87h ch0, 83h ch1, 81h ch2, 82h ch3, 8Fh ch4,
  /// 8Bh ch5, 89h ch6, 8Ah ch7; the others are scratch registers that read
  /// back what was written). Any other port reads FFh and ignores writes.
  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;

  /// Power-on state: a master clear of both chips (every channel masked,
  /// command, status, request and temporary registers and the byte pointer
  /// flip-flops cleared), and address, count, mode and page registers zero.
  void reset();

  /// Device -> memory ("write transfer"): runs one DMA cycle per byte (per
  /// 2 bytes, little-endian, on channels 4-7) of `data` until the word count
  /// is exhausted (TC) or the data runs out; returns the bytes consumed from
  /// `data` (a trailing odd byte on a 16-bit channel is never consumed).
  /// Verify mode runs the cycles without writing memory; so does a channel
  /// programmed for the other direction (read transfer) or the illegal
  /// transfer type 11b. Returns 0 if the channel cannot be granted the bus:
  /// it is masked, in cascade mode, its controller is disabled (command bit
  /// 2), or it is on DMA1 and DMA2's channel 0 is masked, disabled or not in
  /// cascade mode. Throws std::out_of_range for channel >= 8.
  size_t device_write(unsigned channel, std::span<const u8> data);
  /// Memory -> device ("read transfer"): fills `out` from memory, one DMA
  /// cycle per byte (per word on channels 4-7), until TC or `out` is full;
  /// returns the bytes produced. A channel in verify or write mode runs the
  /// cycles without reading memory and produces FFh (an undriven bus).
  /// Returns 0 when the channel cannot be granted the bus (see
  /// device_write). Throws std::out_of_range for channel >= 8.
  size_t device_read(unsigned channel, std::span<u8> out);

  /// Whether the last device_write/device_read on `channel` ended at terminal
  /// count (cleared by the next transfer call, by writing the channel's
  /// count, and by a master clear). Throws std::out_of_range for channel >= 8.
  bool terminal_count(unsigned channel) const;
  /// The channel's mask bit. Throws std::out_of_range for channel >= 8.
  bool masked(unsigned channel) const;

  /// Every register, side-effect free (for a debugger).
  std::string dump() const;

 private:
  struct Channel {
    u16 base_addr = 0;
    u16 base_count = 0;
    u16 cur_addr = 0;
    u16 cur_count = 0;
    u8 mode = 0;  ///< mode register bits 7-2 (bits 1-0 are the channel)
    bool tc_last = false;
  };
  struct Chip {
    std::array<Channel, 4> ch{};
    u8 command = 0;
    u8 tc_bits = 0;   ///< status bits 3-0, cleared by reading the status
    u8 request = 0;   ///< software request bits 3-0
    u8 mask = 0x0F;   ///< mask bits 3-0
    u8 temp = 0;
    bool flip_flop = false;  ///< false: next byte is the low byte
  };

  static void check_channel(unsigned channel);
  Chip& chip_of(unsigned channel) { return chips_[channel >> 2]; }
  const Chip& chip_of(unsigned channel) const { return chips_[channel >> 2]; }
  Channel& chan(unsigned channel) { return chip_of(channel).ch[channel & 3]; }
  const Channel& chan(unsigned channel) const { return chip_of(channel).ch[channel & 3]; }
  bool granted(unsigned channel) const;
  u8 page_of(unsigned channel) const;
  PhysAddr phys_addr(unsigned channel) const;
  /// Advances the channel's address and count after one cycle; true at TC.
  bool step(unsigned channel);
  void master_clear(Chip& c);
  u8 read_reg(unsigned chip, unsigned reg);
  void write_reg(unsigned chip, unsigned reg, u8 v);

  Bus& bus_;
  std::array<Chip, 2> chips_{};
  std::array<u8, 16> page_{};  ///< ports 80h-8Fh by low nibble (80h unused)
};

}  // namespace gb
