// Direct Multiboot 1 boot (-kernel with a Multiboot header), as QEMU does
// it (hw/i386/multiboot.c): the image is laid out on the host, the BIOS
// loads it after POST. The Multiboot 1 specification (GNU, version 0.6.96)
// section numbers are cited below as "MB 3.1.1" and so on.
//
// Why after POST, through an option ROM: SeaBIOS's POST clears and uses
// memory, so an image placed in RAM before reset would not survive. The
// host builds two blobs, handed over in fw_cfg as QEMU does:
//  - the kernel items: one contiguous image at the load address, holding
//    the kernel (a.out-kludge bytes or the span of the ELF32 PT_LOAD
//    segments, bss zeroed), then, page-aligned, the module list, the
//    command lines and the boot loader name, then each module page-aligned;
//  - the initrd items: the 88-byte Multiboot information structure, at
//    9500h, its memory map at 9000h.
// roms/multiboot.asm fills in the structure's BIOS fields (mem_lower,
// mem_upper, the E820 memory map), loads both blobs and enters the kernel
// in 32-bit protected mode.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

class FwCfg;

/// The Multiboot header's fields (MB 3.1.1); the address fields are valid
/// with flags bit 16 (the "a.out kludge").
struct MultibootHeader {
  size_t offset = 0;  ///< in the image, bytes (4-aligned, within the first 8 KiB)
  u32 flags = 0;
  u32 header_addr = 0, load_addr = 0, load_end_addr = 0, bss_end_addr = 0, entry_addr = 0;
};

/// Looks for the header in the first 8 KiB of `image`, at 4-byte-aligned
/// offsets: the magic 1BADB002h, flags and a checksum making the three sum
/// to 0; the header (12 bytes, 32 with flags bit 16) must end within 8 KiB
/// (MB 3.1.1). nullopt if there is no magic; throws std::invalid_argument
/// when the magic is there but no copy of it has a right checksum.
std::optional<MultibootHeader> find_multiboot_header(std::span<const u8> image);

/// True for an ELF file of class ELFCLASS64 (e_ident[EI_CLASS] = 2).
bool is_elf64(std::span<const u8> image);

/// Splits a QEMU-style module list, -initrd "mod1 args,mod2": modules are
/// separated by commas, ",," stands for a comma inside one. Each text is a
/// module's whole string (its file name and arguments). "" gives none.
std::vector<std::string> split_module_list(const std::string& list);

/// The file name in a module text: everything before its first space.
std::string module_file_name(const std::string& text);

struct MultibootModule {
  std::string text;  ///< the module's string, handed to the kernel as is
  std::vector<u8> data;
};

/// What roms/multiboot.asm loads, all physical addresses.
struct Multiboot {
  std::vector<u8> image;  ///< kernel, module list, strings, modules
  u32 image_addr = 0;     ///< where `image` goes
  u32 entry = 0;          ///< the kernel's entry point
  std::vector<u8> info;   ///< the information structure (MB 3.3)
  u32 info_addr = 0;
};

/// Multiboot information structure offsets and flags (MB 3.3).
namespace mbi {
constexpr u32 kFlags = 0, kMemLower = 4, kMemUpper = 8, kCmdline = 16, kModsCount = 20, kModsAddr = 24,
              kMmapLength = 44, kMmapAddr = 48, kBootLoaderName = 64, kSize = 88;
constexpr u32 kHasMemory = 1u << 0, kHasCmdline = 1u << 2, kHasMods = 1u << 3, kHasMmap = 1u << 6,
              kHasBootLoaderName = 1u << 9;
constexpr u32 kBootloaderMagic = 0x2BAD'B002;  ///< EAX at the kernel's entry
}  // namespace mbi

/// Lays out the Multiboot image `image` (whose header is `h`) for a machine
/// of `ram_bytes` of RAM: the kernel's command line is `kernel_name`, a
/// space, and `append` (QEMU passes the -kernel argument as given, then
/// -append, even when that is empty). Everything must lie between 1 MiB and
/// the top of RAM less 1 MiB (kept for the firmware's tables), as a
/// contiguous range; low memory is the BIOS's until the ROM has run.
/// Throws std::invalid_argument saying why: header flags this loader does
/// not support (bits 3-15 are "required" features, MB 3.1.2; bit 2, video
/// mode, is ignored as QEMU does: the kernel stays in text mode), bad a.out
/// kludge addresses, an ELF that is not ELF32 little-endian i386, with no
/// PT_LOAD segment or overlapping ones, or anything outside that range
/// (except ELF segments wholly within A0000h-FFFFFh, the VGA window and
/// ROMs, which are not loaded: ld puts the ELF headers there).
Multiboot prepare_multiboot(std::span<const u8> image, const MultibootHeader& h, const std::string& kernel_name,
                            const std::string& append, const std::vector<MultibootModule>& modules, u64 ram_bytes);

/// Puts `b` into fw_cfg: the image as the kernel items (address, size, data,
/// and the entry as kernel_entry), the structure as the initrd items.
void add_to_fw_cfg(const Multiboot& b, FwCfg& fw);

}  // namespace gb
