// Debug output ports: the Bochs/QEMU debug console (port 0xE9, also the
// SeaBIOS log port 0x402) and QEMU's isa-debug-exit device.
#pragma once
#include <optional>

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

}  // namespace gb
