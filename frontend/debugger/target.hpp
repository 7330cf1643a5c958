// What the debugger (and later the gdbstub) reads of the machine, without
// side effects: guest memory by linear or physical address, translations
// with every step of the page walk, descriptors from the GDT/LDT/IDT.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmu/paging.hpp"
#include "mmu/types.hpp"

namespace gb {

class Machine;

/// A linear address's translation as the CPU would make it now.
struct Translation {
  bool ok = false;
  PhysAddr phys = 0;
  /// Paging on: the walk (entries read, not modified); ok = false with the
  /// #PF error code in `walk.error` when it would fault.
  bool paged = false;
  WalkResult walk;
};

class Cpu;

class Target {
 public:
  explicit Target(Machine& m) : m_(m) {}

  /// The processor whose paging translates linear addresses (0, the BSP,
  /// unless the debugger selects another); `i` < Machine::cpu_count().
  void set_cpu(unsigned i) { cpu_ = i; }
  unsigned cpu_index() const { return cpu_; }
  const Cpu& cpu() const;

  /// Linear -> physical through that processor's paging, for a supervisor
  /// read (no A/D bits set). Without paging the A20 mask applies. Outside
  /// 4/5-level paging only bits 31:0 of `lin` count.
  Translation translate(LinAddr lin) const;
  /// One byte of physical memory when it is RAM or ROM, or a device that
  /// can be read without side effects (MmioHandler::mmio_peek: the VGA
  /// window); nullopt for other MMIO (a read could change the device) and
  /// unmapped addresses.
  std::optional<u8> peek_phys(PhysAddr a) const;
  /// `n` bytes from linear `lin`, each translated; nullopt where a page is
  /// not present or not RAM/ROM.
  std::vector<std::optional<u8>> read_linear(LinAddr lin, unsigned n) const;
  std::vector<std::optional<u8>> read_phys(PhysAddr a, unsigned n) const;
  /// Writes RAM (linear or physical); false where it is not RAM. Decoded
  /// code over the bytes is retired.
  bool write_phys(PhysAddr a, u8 v);
  bool write_linear(LinAddr lin, u8 v);

  Machine& machine() const { return m_; }

 private:
  Machine& m_;
  unsigned cpu_ = 0;
};

}  // namespace gb
