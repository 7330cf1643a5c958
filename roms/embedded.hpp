// Option ROMs built from roms/*.asm and compiled into glassbox.
#pragma once
#include <span>

#include "mmu/types.hpp"

namespace gb {

/// The Linux boot option ROM (roms/linuxboot.asm), checksummed: SeaBIOS
/// runs it from fw_cfg's genroms/linuxboot.bin for -kernel.
std::span<const u8> linux_boot_rom();

/// The Multiboot option ROM (roms/multiboot.asm), checksummed: SeaBIOS
/// runs it from fw_cfg's genroms/multiboot.bin for a Multiboot -kernel.
std::span<const u8> multiboot_rom();

}  // namespace gb
