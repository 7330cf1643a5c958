#include "devices/pc/multiboot.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "devices/fw_cfg.hpp"
#include "mmu/endian.hpp"

namespace gb {

namespace {

constexpr u32 kMagic = 0x1BAD'B002;
constexpr size_t kSearchBytes = 8192;  // MB 3.1.1: the header lies within the first 8 KiB
constexpr u32 kFlagPageAlign = 1u << 0, kFlagMemInfo = 1u << 1, kFlagVideo = 1u << 2, kFlagAoutKludge = 1u << 16;
constexpr u64 kPage = 4096;
// The information structure and its memory map, below 1 MiB where the ROM
// reaches them in real mode (QEMU's addresses); roms/multiboot.asm keeps
// the map within the 500h bytes before the structure.
constexpr u32 kMmapAddr = 0x9000, kInfoAddr = 0x9500;
constexpr u64 kLowest = 1 << 20;        // below: the BIOS's until the ROM has run
constexpr u64 kHole = 0xA0000;          // to 1 MiB: the VGA window and ROMs, not RAM
constexpr u64 kFirmwareTop = 1 << 20;   // kept free at the top of RAM (as for Linux)
constexpr char kLoaderName[] = "Glassbox";

u64 page_up(u64 v) { return (v + kPage - 1) & ~(kPage - 1); }

/// Throws unless [lo, hi) lies in [1 MiB, top).
void check_range(const char* what, u64 lo, u64 hi, u64 top, u64 ram_bytes) {
  if (lo < kLowest) {
    throw std::invalid_argument(fmt::format("{} at {:#x}-{:#x} starts below 1 MiB, which the BIOS uses until the kernel runs", what, lo, hi));
  }
  if (hi > top) {
    throw std::invalid_argument(fmt::format("{} at {:#x}-{:#x} does not fit in RAM: {} MiB, less the top 1 MiB the firmware keeps, ends at {:#x}",
                                            what, lo, hi, ram_bytes >> 20, top));
  }
}

struct Loaded {
  std::vector<u8> bytes;  // from addr; the bss zeroed
  u32 addr = 0, entry = 0;
};

/// The a.out kludge (MB 3.1.3): the file from header_addr - load_addr
/// bytes before the header goes to load_addr, up to load_end_addr (0: the
/// end of the file), zeros up to bss_end_addr (0: none).
Loaded load_aout(std::span<const u8> image, const MultibootHeader& h, u64 top, u64 ram_bytes) {
  if (h.header_addr < h.load_addr) {
    throw std::invalid_argument(fmt::format("a.out kludge: header_addr {:#x} is below load_addr {:#x}", h.header_addr, h.load_addr));
  }
  const u64 before = h.header_addr - h.load_addr;
  if (before > h.offset) {
    throw std::invalid_argument(fmt::format("a.out kludge: load_addr {:#x} is {:#x} bytes before the header, which is at file offset {:#x}",
                                            h.load_addr, before, h.offset));
  }
  const u64 text = h.offset - before;  // file offset of load_addr
  u64 load_size = image.size() - text;
  if (h.load_end_addr) {
    if (h.load_end_addr < h.load_addr) {
      throw std::invalid_argument(fmt::format("a.out kludge: load_end_addr {:#x} is below load_addr {:#x}", h.load_end_addr, h.load_addr));
    }
    load_size = h.load_end_addr - h.load_addr;
    if (text + load_size > image.size()) {
      throw std::invalid_argument(fmt::format("a.out kludge: load_end_addr {:#x} lies beyond the end of the file", h.load_end_addr));
    }
  }
  u64 mem_size = load_size;
  if (h.bss_end_addr) {
    if (h.bss_end_addr < h.load_addr + load_size) {
      throw std::invalid_argument(fmt::format("a.out kludge: bss_end_addr {:#x} is below the end of the loaded text {:#x}", h.bss_end_addr,
                                              h.load_addr + load_size));
    }
    mem_size = h.bss_end_addr - h.load_addr;
  }
  check_range("the kernel", h.load_addr, h.load_addr + mem_size, top, ram_bytes);
  Loaded l;
  l.addr = h.load_addr;
  l.entry = h.entry_addr;
  l.bytes.assign(static_cast<size_t>(mem_size), 0);
  std::copy_n(image.begin() + static_cast<std::ptrdiff_t>(text), load_size, l.bytes.begin());
  return l;
}

/// An ELF32 executable (System V ABI, "Program Loading"): each PT_LOAD
/// segment's p_filesz bytes at its physical address p_paddr, zeros to
/// p_memsz. The entry is e_entry, translated to physical when it falls in
/// an executable segment linked at another virtual address (as GRUB and
/// QEMU do for higher-half kernels).
Loaded load_elf32(std::span<const u8> image, u64 top, u64 ram_bytes) {
  if (image.size() < 52 || !std::equal(image.begin(), image.begin() + 4, "\x7F" "ELF")) {
    throw std::invalid_argument("the Multiboot header has no load addresses (flags bit 16 clear) and the image is not an ELF file");
  }
  if (image[4] == 2) throw std::invalid_argument("a 64-bit ELF (ELFCLASS64); long mode is not implemented");
  if (image[4] != 1 || image[5] != 1) throw std::invalid_argument("not a little-endian ELF32 file");
  if (const u16 machine = load_le<u16>(&image[18]); machine != 3) {
    throw std::invalid_argument(fmt::format("ELF e_machine {} is not EM_386 (3)", machine));
  }
  const u32 e_entry = load_le<u32>(&image[24]);
  const u64 phoff = load_le<u32>(&image[28]);
  const u64 phentsize = load_le<u16>(&image[42]), phnum = load_le<u16>(&image[44]);
  if (phnum && (phentsize < 32 || phoff + phnum * phentsize > image.size())) {
    throw std::invalid_argument("the ELF program headers lie beyond the end of the file");
  }
  struct Segment {
    u64 paddr, memsz, offset, filesz;
  };
  std::vector<Segment> segs;
  std::optional<u32> entry;
  for (u64 i = 0; i < phnum; ++i) {
    const u8* ph = &image[phoff + i * phentsize];
    const u32 type = load_le<u32>(ph), offset = load_le<u32>(ph + 4), vaddr = load_le<u32>(ph + 8), paddr = load_le<u32>(ph + 12),
              filesz = load_le<u32>(ph + 16), memsz = load_le<u32>(ph + 20), flags = load_le<u32>(ph + 24);
    if (type != 1 || memsz == 0) continue;  // PT_LOAD only
    if (filesz > memsz) throw std::invalid_argument(fmt::format("ELF segment at {:#x}: p_filesz {:#x} exceeds p_memsz {:#x}", paddr, filesz, memsz));
    if (u64{offset} + filesz > image.size()) throw std::invalid_argument(fmt::format("ELF segment at {:#x} lies beyond the end of the file", paddr));
    // A segment wholly in the hole below 1 MiB is not loaded. ld -Ttext
    // 0x100000 puts the ELF headers in one at FF000h; QEMU copies it into
    // the BIOS area, where the read-only shadow drops it.
    if (paddr >= kHole && u64{paddr} + memsz <= kLowest) continue;
    segs.push_back({paddr, memsz, offset, filesz});
    if (!entry && vaddr != paddr && (flags & 1) && e_entry >= vaddr && e_entry - vaddr < filesz) entry = e_entry - vaddr + paddr;
  }
  if (segs.empty()) throw std::invalid_argument("the ELF file has no PT_LOAD segment to load");
  std::sort(segs.begin(), segs.end(), [](const Segment& a, const Segment& b) { return a.paddr < b.paddr; });
  u64 high = 0;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    if (i && s.paddr < segs[i - 1].paddr + segs[i - 1].memsz) {
      throw std::invalid_argument(fmt::format("ELF segments overlap: {:#x}-{:#x} and {:#x}-{:#x}", segs[i - 1].paddr,
                                              segs[i - 1].paddr + segs[i - 1].memsz, s.paddr, s.paddr + s.memsz));
    }
    check_range("ELF segment", s.paddr, s.paddr + s.memsz, top, ram_bytes);
    high = std::max(high, s.paddr + s.memsz);
  }
  Loaded l;
  l.addr = static_cast<u32>(segs.front().paddr);
  l.entry = entry.value_or(e_entry);
  // One contiguous image, as QEMU loads it: the gaps between segments are zeros.
  l.bytes.assign(static_cast<size_t>(high - l.addr), 0);
  for (const Segment& s : segs) {
    std::copy_n(image.begin() + static_cast<std::ptrdiff_t>(s.offset), s.filesz, l.bytes.begin() + static_cast<std::ptrdiff_t>(s.paddr - l.addr));
  }
  return l;
}

}  // namespace

std::optional<MultibootHeader> find_multiboot_header(std::span<const u8> image) {
  std::optional<size_t> bad;
  const size_t end = std::min(image.size(), kSearchBytes);
  for (size_t off = 0; off + 12 <= end; off += 4) {
    if (load_le<u32>(&image[off]) != kMagic) continue;
    MultibootHeader h;
    h.offset = off;
    h.flags = load_le<u32>(&image[off + 4]);
    if (static_cast<u32>(kMagic + h.flags + load_le<u32>(&image[off + 8])) != 0) {
      if (!bad) bad = off;
      continue;
    }
    if (h.flags & kFlagAoutKludge) {
      if (off + 32 > end) throw std::invalid_argument(fmt::format("the Multiboot header at offset {:#x} ends beyond the first 8 KiB", off));
      h.header_addr = load_le<u32>(&image[off + 12]);
      h.load_addr = load_le<u32>(&image[off + 16]);
      h.load_end_addr = load_le<u32>(&image[off + 20]);
      h.bss_end_addr = load_le<u32>(&image[off + 24]);
      h.entry_addr = load_le<u32>(&image[off + 28]);
    }
    return h;
  }
  if (bad) {
    throw std::invalid_argument(fmt::format("the Multiboot header at offset {:#x} has a bad checksum (magic + flags + checksum must be 0)", *bad));
  }
  return std::nullopt;
}

bool is_elf64(std::span<const u8> image) {
  return image.size() >= 5 && std::equal(image.begin(), image.begin() + 4, "\x7F" "ELF") && image[4] == 2;
}

std::vector<std::string> split_module_list(const std::string& list) {
  std::vector<std::string> out;
  if (list.empty()) return out;
  std::string cur;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i] != ',') {
      cur += list[i];
    } else if (i + 1 < list.size() && list[i + 1] == ',') {
      cur += ',';  // ",," is a comma in the text (QEMU's option syntax)
      ++i;
    } else {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  out.push_back(std::move(cur));
  return out;
}

std::string module_file_name(const std::string& text) { return text.substr(0, text.find(' ')); }

Multiboot prepare_multiboot(std::span<const u8> image, const MultibootHeader& h, const std::string& kernel_name,
                            const std::string& append, const std::vector<MultibootModule>& modules, u64 ram_bytes) {
  // MB 3.1.2: bits 0-15 are requirements; a loader that cannot meet one
  // must refuse. Modules are always page-aligned here (bit 0) and memory
  // information always given (bit 1). Bit 2 asks for a video mode: QEMU
  // ignores it with a warning, and so does this loader (text mode stays);
  // QEMU ignores bits 3-15 too, the specification says to refuse them.
  if (const u32 unknown = h.flags & 0xFFFF & ~(kFlagPageAlign | kFlagMemInfo | kFlagVideo)) {
    throw std::invalid_argument(fmt::format("the Multiboot header requires features this loader lacks (flags {:#x}; bits 0-2 are supported)", unknown));
  }
  const u64 top = std::min<u64>(ram_bytes > kFirmwareTop ? ram_bytes - kFirmwareTop : 0, u64{1} << 32);
  Loaded k = (h.flags & kFlagAoutKludge) ? load_aout(image, h, top, ram_bytes) : load_elf32(image, top, ram_bytes);

  Multiboot b;
  b.image_addr = k.addr;
  b.entry = k.entry;
  // After the kernel: the module list (16 bytes each: mod_start, mod_end
  // exclusive, string, reserved; MB 3.3), the strings, then the modules.
  const u64 list = page_up(k.bytes.size());
  const std::string cmdline = kernel_name + " " + append;
  u64 strings_size = cmdline.size() + 1 + sizeof kLoaderName;
  for (const auto& m : modules) strings_size += m.text.size() + 1;
  u64 end = page_up(list + 16 * modules.size() + strings_size);
  std::vector<u64> mod_at;
  for (const auto& m : modules) {
    mod_at.push_back(end);
    end = page_up(end + m.data.size());
  }
  check_range(modules.empty() ? "the kernel and its command line" : "the kernel with its modules", k.addr, k.addr + end, top, ram_bytes);
  b.image = std::move(k.bytes);
  b.image.resize(static_cast<size_t>(end), 0);
  u64 str = list + 16 * modules.size();
  const auto put_string = [&](const std::string& s) {
    std::copy(s.begin(), s.end(), b.image.begin() + static_cast<std::ptrdiff_t>(str));
    const u32 addr = static_cast<u32>(b.image_addr + str);
    str += s.size() + 1;  // the NUL is there already
    return addr;
  };
  for (size_t i = 0; i < modules.size(); ++i) {
    u8* entry = &b.image[list + 16 * i];
    store_le<u32>(entry, static_cast<u32>(b.image_addr + mod_at[i]));
    store_le<u32>(entry + 4, static_cast<u32>(b.image_addr + mod_at[i] + modules[i].data.size()));
    store_le<u32>(entry + 8, put_string(modules[i].text));
    std::copy(modules[i].data.begin(), modules[i].data.end(), b.image.begin() + static_cast<std::ptrdiff_t>(mod_at[i]));
  }

  // The information structure; the ROM fills mem_lower, mem_upper and the
  // memory map. No boot_device (bit 1): the kernel came from no BIOS disk.
  b.info_addr = kInfoAddr;
  b.info.assign(mbi::kSize, 0);
  store_le<u32>(&b.info[mbi::kFlags], mbi::kHasMemory | mbi::kHasCmdline | mbi::kHasMods | mbi::kHasMmap | mbi::kHasBootLoaderName);
  store_le<u32>(&b.info[mbi::kCmdline], put_string(cmdline));
  store_le<u32>(&b.info[mbi::kModsCount], static_cast<u32>(modules.size()));
  store_le<u32>(&b.info[mbi::kModsAddr], static_cast<u32>(b.image_addr + list));
  store_le<u32>(&b.info[mbi::kMmapAddr], kMmapAddr);
  store_le<u32>(&b.info[mbi::kBootLoaderName], put_string(kLoaderName));
  return b;
}

void add_to_fw_cfg(const Multiboot& b, FwCfg& fw) {
  fw.set_u32(FwCfg::kKernelAddr, b.image_addr);
  fw.set_u32(FwCfg::kKernelSize, static_cast<u32>(b.image.size()));
  fw.set(FwCfg::kKernelData, b.image);
  fw.set_u32(FwCfg::kKernelEntry, b.entry);
  fw.set_u32(FwCfg::kInitrdAddr, b.info_addr);
  fw.set_u32(FwCfg::kInitrdSize, static_cast<u32>(b.info.size()));
  fw.set(FwCfg::kInitrdData, b.info);
}

}  // namespace gb
