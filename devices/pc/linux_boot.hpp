// Direct Linux boot (-kernel/-initrd/-append): a bzImage split and placed
// by the x86 boot protocol (Linux Documentation/arch/x86/boot.rst), then
// loaded by the firmware through fw_cfg and the Linux boot option ROM
// (roms/linuxboot.asm), which enters the kernel's real-mode setup after
// POST, with the BIOS services the setup code uses (E820, video).
#pragma once
#include <span>
#include <string>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

class FwCfg;

/// The pieces and where they go, all physical addresses.
struct LinuxBoot {
  std::vector<u8> setup;   ///< the real-mode setup, its header filled in
  std::vector<u8> kernel;  ///< the protected-mode kernel
  std::vector<u8> initrd;
  std::vector<u8> cmdline;  ///< NUL-terminated
  u32 setup_addr = 0, kernel_addr = 0, initrd_addr = 0, cmdline_addr = 0;
  u16 protocol = 0;  ///< boot protocol version, e.g. 0x20F
};

/// True if `image` has the boot sector flag AA55h and the "HdrS" setup
/// header signature, the marks of the x86 boot protocol.
bool has_linux_setup_header(std::span<const u8> image);

/// Prepares `image` (a bzImage, or any image with the 2.02+ setup header)
/// with `initrd` (may be empty) and `cmdline` for a machine of `ram_bytes`
/// of RAM. The setup goes to 10000h, the command line to 20000h, the
/// kernel to 100000h, the initrd as high as initrd_addr_max and RAM allow
/// below the top 1 MiB (which SeaBIOS keeps for its tables). Throws
/// std::invalid_argument saying why: not a Linux kernel, protocol older
/// than 2.02, not loadable high, command line too long, the initrd not
/// fitting.
LinuxBoot prepare_linux_boot(std::vector<u8> image, std::vector<u8> initrd, const std::string& cmdline, u64 ram_bytes);

/// Puts `b` into fw_cfg's kernel, initrd, command line and setup items.
void add_to_fw_cfg(const LinuxBoot& b, FwCfg& fw);

}  // namespace gb
