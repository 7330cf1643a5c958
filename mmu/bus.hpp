// The CPU's whole view of the machine: physical memory, ports, INTA.
#pragma once
#include <algorithm>

#include "mmu/code_pages.hpp"
#include "mmu/endian.hpp"
#include "mmu/io_map.hpp"
#include "mmu/memory_map.hpp"

namespace gb {

/// Answers the CPU's interrupt-acknowledge cycle (the 8259A in a PC).
class InterruptAcknowledge {
 public:
  virtual ~InterruptAcknowledge() = default;
  /// Returns the vector of the highest-priority pending interrupt.
  virtual u8 acknowledge() = 0;
};

/// Told when the physical memory map or the A20 gate changes, so a TLB of
/// host pointers can flush (called on changes only, never per access).
class MemoryListener {
 public:
  virtual ~MemoryListener() = default;
  virtual void memory_changed() = 0;
  /// A write through the bus (DMA, the page walker, the CPU's slow path)
  /// reached bytes the CPU has decoded (CodePages); `addr` is physical.
  virtual void code_written(PhysAddr addr) { (void)addr; }
  /// A CPU decoded code in physical `frame` (4 KiB aligned), which held
  /// none before: every other CPU sharing the bus must stop writing it
  /// through host pointers (see CodePages::add).
  virtual void code_frame_added(PhysAddr frame) { (void)frame; }
};

/// Physical memory and port access for the CPU. RAM and ROM take a host
/// pointer (no virtual call); MMIO pages call their handler. The A20 gate
/// masks bit 20 of every physical address while it is disabled.
class Bus {
 public:
  Bus(MemoryMap& memory, IoMap& io) : memory_(memory), io_(io) {}

  MemoryMap& memory() { return memory_; }
  IoMap& io() { return io_; }

  /// Physical address mask applied to every access (A20 gate and the
  /// CPU's address-bus width). Default: all 32 bits.
  void set_address_mask(PhysAddr mask) {
    mask_ = mask;
    memory_changed();
  }
  PhysAddr address_mask() const { return mask_; }
  /// The A20 gate: when disabled, physical address bit 20 reads as 0 (the
  /// 8086 wrap-around that PC software relies on).
  void set_a20(bool enabled) { set_address_mask(enabled ? 0xFFFF'FFFFu : 0xFFEF'FFFFu); }
  bool a20() const { return (mask_ & 0x10'0000u) != 0; }

  void set_memory_listener(MemoryListener* l) { listener_ = l; }
  MemoryListener* memory_listener() const { return listener_; }
  /// Call after changing the memory map (a remap, PAM, an MMIO BAR move).
  void memory_changed() {
    if (listener_) listener_->memory_changed();
  }

  template <class T>
  T read(PhysAddr addr) {
    addr &= mask_;
    const auto off = static_cast<u32>(addr) & (MemoryMap::kPageSize - 1);
    if (off + sizeof(T) <= MemoryMap::kPageSize) {
      const auto& p = memory_.page(addr);
      if (p.host_read) return load_le<T>(p.host_read + off);
    }
    return static_cast<T>(read_slow(addr, sizeof(T)));
  }

  template <class T>
  void write(PhysAddr addr, T value) {
    addr &= mask_;
    const auto off = static_cast<u32>(addr) & (MemoryMap::kPageSize - 1);
    if (off + sizeof(T) <= MemoryMap::kPageSize) {
      const auto& p = memory_.page(addr);
      if (p.host_write) {
        store_le<T>(p.host_write + off, value);
        if (code_.written(addr, sizeof(T)) && listener_) listener_->code_written(addr);
        return;
      }
    }
    write_slow(addr, value, sizeof(T));
  }

  /// Physical memory holding decoded instructions. Writes through this bus
  /// consult it; the CPU, which writes RAM through its own host pointers,
  /// keeps those pointers away from frames with decoded code.
  CodePages& code() { return code_; }
  /// A CPU's own store reached decoded bytes at `addr`: the listener hears
  /// it as a bus write (the machine tells every CPU).
  void cpu_wrote_code(PhysAddr addr) {
    if (listener_) listener_->code_written(addr);
  }
  /// See MemoryListener::code_frame_added.
  void code_frame_added(PhysAddr frame) {
    if (listener_) listener_->code_frame_added(frame);
  }
  /// Bytes at physical [addr, addr + size) were changed through a host
  /// pointer, outside the bus (a loader, a test harness filling RAM): any
  /// decoded code among them goes stale. Writes through read/write need not
  /// call this.
  void host_wrote(PhysAddr addr, u64 size) {
    for (u64 done = 0; done < size;) {
      const u64 n = std::min<u64>(size - done, 0x1000 - ((addr + done) & 0xFFF));
      if (code_.written(addr + done, static_cast<unsigned>(n)) && listener_) listener_->code_written(addr + done);
      done += n;
    }
  }

  u32 in(u16 port, Width w) { return io_.read(port, w); }
  void out(u16 port, u32 value, Width w) { io_.write(port, value, w); }

  /// A device asks the CPU to return from run() after the current
  /// instruction (an exit port, a reset line). The CPU polls this after port
  /// writes only, so the instruction loop pays nothing for it.
  void request_stop() { stop_ = true; }
  bool take_stop() {
    const bool s = stop_;
    stop_ = false;
    return s;
  }

  void set_interrupt_acknowledge(InterruptAcknowledge* ack) { ack_ = ack; }
  /// INTA: the vector the interrupt controller supplies; 0xFF (an open bus)
  /// when no controller is attached.
  u8 acknowledge_interrupt() { return ack_ ? ack_->acknowledge() : 0xFF; }

 private:
  u32 read_slow(PhysAddr addr, unsigned size);
  void write_slow(PhysAddr addr, u32 value, unsigned size);

  MemoryMap& memory_;
  IoMap& io_;
  InterruptAcknowledge* ack_ = nullptr;
  MemoryListener* listener_ = nullptr;
  CodePages code_;
  PhysAddr mask_ = 0xFFFF'FFFFu;
  bool stop_ = false;
};

}  // namespace gb
