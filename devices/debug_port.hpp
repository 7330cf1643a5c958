// Debug output ports: the Bochs/QEMU debug console (port 0xE9, also the
// SeaBIOS log port 0x402), QEMU's isa-debug-exit device, the POST code port
// 80h and the Bochs shutdown port 8900h.
#pragma once
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "devices/sink.hpp"
#include "mmu/bus.hpp"

namespace gb {

/// Port 0xE9 "debugcon": each byte written goes to the sink. Reads return
/// 0xE9, which is how guests detect the port (Bochs and QEMU do the same).
class DebugConsole final : public IoHandler {
 public:
  explicit DebugConsole(ByteSink* sink) : sink_(sink) {}
  u32 io_read(u16, Width) override { return 0xE9; }
  void io_write(u16, u32 value, Width) override {
    if (sink_) sink_->put(static_cast<u8>(value));
  }

 private:
  ByteSink* sink_;
};

/// QEMU's isa-debug-exit: a write of V asks the machine to exit with status
/// (V << 1) | 1. Reads return all ones.
class DebugExit final : public IoHandler {
 public:
  explicit DebugExit(Bus& bus) : bus_(bus) {}
  u32 io_read(u16, Width w) override { return width_mask(w); }
  void io_write(u16, u32 value, Width) override {
    status_ = static_cast<int>(((value << 1) | 1) & 0xFF);
    bus_.request_stop();
  }
  Width io_max_width() const override { return Width::Dword; }

  /// The exit status requested, if any.
  std::optional<int> status() const { return status_; }

 private:
  Bus& bus_;
  std::optional<int> status_;
};

/// Port 80h, the POST diagnostic port: firmware writes a progress code at
/// each step of power-on self test (PC/AT convention; a POST card shows the
/// last byte). Codes are kept and, with a sink, logged one line each.
/// Reads return the last code (as on a PIIX, where 80h is a DMA scratch
/// register that reads back).
class PostCodePort final : public IoHandler {
 public:
  explicit PostCodePort(ByteSink* log) : log_(log) {}
  u32 io_read(u16, Width) override { return last_; }
  void io_write(u16, u32 value, Width) override {
    last_ = static_cast<u8>(value);
    ++count_;
    if (log_) {
      for (char c : fmt::format("POST {:02x}\n", last_)) log_->put(static_cast<u8>(c));
    }
  }
  u8 last() const { return last_; }
  u64 count() const { return count_; }

 private:
  ByteSink* log_;
  u8 last_ = 0;
  u64 count_ = 0;
};

/// Port 8900h, the Bochs/Plex86 power-off port: writing the characters of
/// "Shutdown" in sequence powers the machine off (Bochs BIOS and SeaBIOS's
/// APM power-off use it). Any other byte restarts the match.
class BochsShutdownPort final : public IoHandler {
 public:
  explicit BochsShutdownPort(Bus& bus) : bus_(bus) {}
  u32 io_read(u16, Width w) override { return width_mask(w); }
  void io_write(u16, u32 value, Width) override {
    static constexpr std::string_view kMagic = "Shutdown";
    const char c = static_cast<char>(value);
    matched_ = c == kMagic[matched_] ? matched_ + 1 : (c == kMagic[0] ? 1 : 0);
    if (matched_ == kMagic.size()) {
      matched_ = 0;
      off_ = true;
      bus_.request_stop();
    }
  }
  /// Whether the guest has asked for power-off.
  bool powered_off() const { return off_; }

 private:
  Bus& bus_;
  size_t matched_ = 0;
  bool off_ = false;
};

}  // namespace gb
