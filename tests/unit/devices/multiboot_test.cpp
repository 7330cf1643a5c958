// The Multiboot loader (devices/pc/multiboot.hpp) on made-up images: the
// header search, the a.out kludge, ELF32 segments, the module list, the
// information structure, and what is refused.
#include <catch2/catch.hpp>

#include "devices/fw_cfg.hpp"
#include "devices/pc/multiboot.hpp"
#include "mmu/endian.hpp"

using namespace gb;

namespace {

constexpr u64 kRam = 32u << 20;
constexpr u32 kMagic = 0x1BAD'B002, kKludge = 1u << 16;

/// Puts a Multiboot header with `flags` at `offset` (and the five address
/// fields after it when given).
void put_header(std::vector<u8>& img, size_t offset, u32 flags, std::vector<u32> addrs = {}) {
  store_le<u32>(&img[offset], kMagic);
  store_le<u32>(&img[offset + 4], flags);
  store_le<u32>(&img[offset + 8], 0u - kMagic - flags);
  for (size_t i = 0; i < addrs.size(); ++i) store_le<u32>(&img[offset + 12 + 4 * i], addrs[i]);
}

/// A flat a.out-kludge image: 0x1000 bytes of text (byte i = i mod 251,
/// header at 40h) loaded at 200000h up to load_end, then 0x100 bytes past
/// it in the file (EEh), bss to bss_end, entry 200080h.
std::vector<u8> aout_image(u32 load_end = 0x201000, u32 bss_end = 0x203000) {
  std::vector<u8> img(0x1100, 0xEE);
  for (size_t i = 0; i < 0x1000; ++i) img[i] = static_cast<u8>(i % 251);
  put_header(img, 0x40, 3 | kKludge, {0x200040, 0x200000, load_end, bss_end, 0x200080});
  return img;
}

struct Seg {
  u32 type, vaddr, paddr, filesz, memsz, flags;
  u8 fill;
};

/// An ELF32 i386 executable with `segs`, each segment's file bytes `fill`
/// (at 1000h apart from file offset 1000h), with the Multiboot header
/// (flags 3, no kludge) at 200h.
std::vector<u8> elf_image(const std::vector<Seg>& segs, u32 entry, u8 cls = 1, u16 machine = 3) {
  std::vector<u8> img(0x1000 * (segs.size() + 1) + 0x100, 0xCC);
  std::fill(img.begin(), img.begin() + 0x1000, 0);
  img[0] = 0x7F, img[1] = 'E', img[2] = 'L', img[3] = 'F', img[4] = cls, img[5] = 1, img[6] = 1;
  store_le<u16>(&img[16], 2);
  store_le<u16>(&img[18], machine);
  store_le<u32>(&img[24], entry);
  store_le<u32>(&img[28], 52);
  store_le<u16>(&img[42], 32);
  store_le<u16>(&img[44], static_cast<u16>(segs.size()));
  for (size_t i = 0; i < segs.size(); ++i) {
    u8* ph = &img[52 + 32 * i];
    const u32 offset = static_cast<u32>(0x1000 * (i + 1));
    const Seg& s = segs[i];
    for (u32 v : {s.type, offset, s.vaddr, s.paddr, s.filesz, s.memsz, s.flags}) {
      store_le<u32>(ph, v);
      ph += 4;
    }
    std::fill_n(img.begin() + offset, std::min<size_t>(s.filesz, img.size() - offset), s.fill);
  }
  put_header(img, 0x200, 3);
  return img;
}

std::string c_string(const Multiboot& b, u32 addr) {
  std::string s;
  for (size_t i = addr - b.image_addr; b.image.at(i); ++i) s += static_cast<char>(b.image[i]);
  return s;
}

u32 info(const Multiboot& b, u32 field) { return load_le<u32>(&b.info[field]); }

Multiboot prepare(const std::vector<u8>& img, const std::string& append = "", const std::vector<MultibootModule>& mods = {},
                  u64 ram = kRam) {
  const auto h = find_multiboot_header(img);
  REQUIRE(h);
  return prepare_multiboot(img, *h, "k.elf", append, mods, ram);
}

std::string why(const std::vector<u8>& img, u64 ram = kRam, const std::vector<MultibootModule>& mods = {}) {
  try {
    prepare(img, "", mods, ram);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("Multiboot: the header is searched for in the first 8 KiB, 4-aligned, checksummed", "[multiboot]") {
  std::vector<u8> img(0x3000, 0);
  CHECK_FALSE(find_multiboot_header(img));
  put_header(img, 0x2000, 3);  // at 8 KiB: too far
  CHECK_FALSE(find_multiboot_header(img));
  put_header(img, 0x1FF4, 3);  // 12 bytes ending at 8 KiB: found
  auto h = find_multiboot_header(img);
  REQUIRE(h);
  CHECK(h->offset == 0x1FF4);
  CHECK(h->flags == 3);
  // Misaligned: not a header.
  std::vector<u8> odd(0x1000, 0);
  put_header(odd, 0x102, 3);
  CHECK_FALSE(find_multiboot_header(odd));
  // The a.out kludge's 32 bytes must end within 8 KiB too.
  std::vector<u8> late(0x3000, 0);
  put_header(late, 0x1FF0, kKludge);
  CHECK_THROWS_WITH(find_multiboot_header(late), Catch::Contains("beyond the first 8 KiB"));
  // A bad checksum: refused with its offset; a good copy after it wins.
  std::vector<u8> bad(0x1000, 0);
  put_header(bad, 0x100, 3);
  store_le<u32>(&bad[0x108], 0);
  CHECK_THROWS_WITH(find_multiboot_header(bad), Catch::Contains("0x100 has a bad checksum"));
  put_header(bad, 0x200, 2);
  h = find_multiboot_header(bad);
  REQUIRE(h);
  CHECK(h->offset == 0x200);
}

TEST_CASE("Multiboot: the a.out kludge loads from header_addr - load_addr before the header to load_end_addr, bss zeroed", "[multiboot]") {
  const Multiboot b = prepare(aout_image());
  CHECK(b.image_addr == 0x200000);
  CHECK(b.entry == 0x200080);
  for (u32 i : {0u, 0x3Fu, 0x60u, 0xFFFu}) CHECK(b.image[i] == i % 251);  // around the header
  CHECK(load_le<u32>(&b.image[0x40]) == kMagic);
  // The bytes past load_end_addr in the file are not loaded: bss is zeros.
  CHECK(std::all_of(b.image.begin() + 0x1000, b.image.begin() + 0x3000, [](u8 v) { return v == 0; }));
  // load_end_addr 0: to the end of the file; bss_end_addr 0: no bss.
  const Multiboot whole = prepare(aout_image(0, 0));
  CHECK(whole.image[0x1000] == 0xEE);
  CHECK(whole.image[0x10FF] == 0xEE);
  // The module list follows the kernel, page-aligned.
  CHECK(info(whole, mbi::kModsAddr) == 0x202000);
  CHECK(info(b, mbi::kModsAddr) == 0x203000);
}

TEST_CASE("Multiboot: ELF32 PT_LOAD segments at their physical addresses, bss zeroed, entry translated", "[multiboot]") {
  const std::vector<Seg> segs = {
      {1, 0xC0100000, 0x100000, 0x800, 0x800, 5, 0x11},     // text, linked at 3 GiB
      {4, 0, 0, 0x10, 0x10, 4, 0x22},                       // PT_NOTE: not loaded
      {1, 0x104000, 0x104000, 0x100, 0x2000, 6, 0x33},      // data and bss
      {1, 0x108000, 0x108000, 0, 0, 6, 0x44},               // empty: ignored
  };
  const Multiboot b = prepare(elf_image(segs, 0xC0100010));
  CHECK(b.image_addr == 0x100000);
  CHECK(b.entry == 0x100010);  // e_entry in the text segment, made physical
  CHECK(b.image[0] == 0x11);
  CHECK(b.image[0x7FF] == 0x11);
  CHECK(b.image[0x800] == 0);  // the gap
  CHECK(b.image[0x4000] == 0x33);
  CHECK(b.image[0x40FF] == 0x33);
  CHECK(std::all_of(b.image.begin() + 0x4100, b.image.begin() + 0x6000, [](u8 v) { return v == 0; }));
  CHECK(info(b, mbi::kModsAddr) == 0x106000);
  // ld -Ttext 0x100000 puts the ELF headers in a segment at FF000h: not
  // loaded (not RAM); one reaching above 1 MiB is refused.
  const Multiboot ld = prepare(elf_image({{1, 0xFF000, 0xFF000, 0xD4, 0xD4, 4, 0x55}, segs[0]}, 0xC0100010));
  CHECK(ld.image_addr == 0x100000);
  CHECK(ld.image[0] == 0x11);
  CHECK_THAT(why(elf_image({{1, 0xFF000, 0xFF000, 0x1100, 0x1100, 4, 0x55}}, 0x100000)), Catch::Contains("starts below 1 MiB"));
  CHECK_THAT(why(elf_image({{1, 0xFF000, 0xFF000, 0xD4, 0xD4, 4, 0x55}}, 0x100000)), Catch::Contains("no PT_LOAD segment to load"));
  // An entry outside every executable segment stays as it is.
  CHECK(prepare(elf_image(segs, 0x100020)).entry == 0x100020);
}

TEST_CASE("Multiboot: -initrd module lists split at commas, \",,\" a comma", "[multiboot]") {
  using V = std::vector<std::string>;
  CHECK(split_module_list("") == V{});
  CHECK(split_module_list("m1") == V{"m1"});
  CHECK(split_module_list("m1 a b,m2") == V{"m1 a b", "m2"});
  CHECK(split_module_list("a,,b c,d") == V{"a,b c", "d"});
  CHECK(split_module_list("a,,,b") == V{"a,", "b"});
  CHECK(split_module_list("a,") == V{"a", ""});
  CHECK(module_file_name("mod1.bin first arg") == "mod1.bin");
  CHECK(module_file_name("m,2") == "m,2");
}

TEST_CASE("Multiboot: the information structure, command line, modules and boot loader name", "[multiboot]") {
  const std::vector<MultibootModule> mods = {{"m1.bin a b", std::vector<u8>(5000, 0x5A)}, {"m,2", {'x', 'y'}}};
  const Multiboot b = prepare(aout_image(), "console=ttyS0 x", mods);
  CHECK(b.info_addr == 0x9500);
  REQUIRE(b.info.size() == 88);
  CHECK(info(b, mbi::kFlags) == (mbi::kHasMemory | mbi::kHasCmdline | mbi::kHasMods | mbi::kHasMmap | mbi::kHasBootLoaderName));
  CHECK(info(b, mbi::kMmapAddr) == 0x9000);
  CHECK(info(b, mbi::kMemLower) == 0);  // the ROM fills these in
  CHECK(info(b, mbi::kMmapLength) == 0);
  CHECK(c_string(b, info(b, mbi::kCmdline)) == "k.elf console=ttyS0 x");
  CHECK(c_string(b, info(b, mbi::kBootLoaderName)) == "Glassbox");
  REQUIRE(info(b, mbi::kModsCount) == 2);
  const u32 list = info(b, mbi::kModsAddr) - b.image_addr;
  const u32 s1 = load_le<u32>(&b.image[list]), e1 = load_le<u32>(&b.image[list + 4]);
  const u32 s2 = load_le<u32>(&b.image[list + 16]), e2 = load_le<u32>(&b.image[list + 20]);
  CHECK(s1 % 4096 == 0);
  CHECK(e1 - s1 == 5000);
  CHECK(s2 == s1 + 0x2000);  // page-aligned after the first
  CHECK(e2 - s2 == 2);
  CHECK(c_string(b, load_le<u32>(&b.image[list + 8])) == "m1.bin a b");
  CHECK(c_string(b, load_le<u32>(&b.image[list + 24])) == "m,2");
  CHECK(b.image[s1 - b.image_addr] == 0x5A);
  CHECK(b.image[e1 - 1 - b.image_addr] == 0x5A);
  CHECK(b.image[s2 - b.image_addr + 1] == 'y');
  CHECK(b.image.size() == s2 + 0x1000 - b.image_addr);
  // No -append: QEMU's form, the file name and a space.
  CHECK(c_string(prepare(aout_image()), info(prepare(aout_image()), mbi::kCmdline)) == "k.elf ");
  // Into fw_cfg: the image as the kernel, the structure as the initrd.
  FwCfg f;
  add_to_fw_cfg(b, f);
  const auto u32_item = [&](u16 key) {
    f.io_write(FwCfg::kSelectPort, key, Width::Word);
    u32 v = 0;
    for (unsigned i = 0; i < 4; ++i) v |= f.io_read(FwCfg::kDataPort, Width::Byte) << (8 * i);
    return v;
  };
  CHECK(u32_item(FwCfg::kKernelAddr) == 0x200000);
  CHECK(u32_item(FwCfg::kKernelEntry) == 0x200080);
  CHECK(u32_item(FwCfg::kKernelSize) == b.image.size());
  CHECK(u32_item(FwCfg::kInitrdAddr) == 0x9500);
  CHECK(u32_item(FwCfg::kInitrdSize) == 88);
}

TEST_CASE("Multiboot: what is refused and why", "[multiboot]") {
  // Header flags: bit 2 (video mode) is ignored; bits 3-15 are required features.
  std::vector<u8> video = aout_image();
  put_header(video, 0x40, 7 | kKludge, {0x200040, 0x200000, 0x201000, 0x203000, 0x200080});
  CHECK(why(video) == "accepted");
  std::vector<u8> unknown = aout_image();
  put_header(unknown, 0x40, 3 | (1 << 3) | kKludge, {0x200040, 0x200000, 0x201000, 0x203000, 0x200080});
  CHECK_THAT(why(unknown), Catch::Contains("requires features") && Catch::Contains("0x8"));
  // The a.out kludge's addresses.
  std::vector<u8> a = aout_image();
  store_le<u32>(&a[0x40 + 12], 0x1FFFF0);  // header_addr below load_addr
  put_header(a, 0x40, 3 | kKludge, {0x1FFFF0, 0x200000, 0x201000, 0x203000, 0x200080});
  CHECK_THAT(why(a), Catch::Contains("header_addr 0x1ffff0 is below load_addr"));
  put_header(a, 0x40, 3 | kKludge, {0x200100, 0x200000, 0x201000, 0x203000, 0x200080});  // load_addr before the file
  CHECK_THAT(why(a), Catch::Contains("before the header"));
  CHECK_THAT(why(aout_image(0x202000)), Catch::Contains("load_end_addr 0x202000 lies beyond the end of the file"));
  CHECK_THAT(why(aout_image(0x1FF000)), Catch::Contains("load_end_addr 0x1ff000 is below load_addr"));
  CHECK_THAT(why(aout_image(0x201000, 0x200800)), Catch::Contains("bss_end_addr 0x200800 is below"));
  // Where it goes: from 1 MiB to the top of RAM less 1 MiB.
  CHECK_THAT(why(aout_image(), 3u << 20), Catch::Contains("does not fit in RAM") && Catch::Contains("3 MiB"));
  CHECK(why(aout_image(), 4u << 20) == "accepted");
  CHECK_THAT(why(aout_image(), 4u << 20, {{"big", std::vector<u8>(1u << 20, 1)}}),
             Catch::Contains("the kernel with its modules") && Catch::Contains("does not fit in RAM"));
  CHECK_THAT(why(elf_image({{1, 0x8000, 0x8000, 0x100, 0x100, 5, 1}}, 0x8000)), Catch::Contains("starts below 1 MiB"));
  CHECK_THAT(why(elf_image({{1, 0x100000, 0x100000, 0x100, 0x100, 5, 1}, {1, 0x1F80000, 0x1F80000, 0x100, 0x100000, 6, 2}}, 0x100000)),
             Catch::Contains("ELF segment at 0x1f80000-0x2080000 does not fit in RAM"));
  // ELF: overlapping segments, no segment, wrong class or machine, bad sizes.
  CHECK_THAT(why(elf_image({{1, 0x100000, 0x100000, 0x100, 0x2000, 5, 1}, {1, 0x101000, 0x101000, 0x100, 0x100, 6, 2}}, 0x100000)),
             Catch::Contains("ELF segments overlap: 0x100000-0x102000 and 0x101000-0x101100"));
  CHECK_THAT(why(elf_image({{4, 0, 0, 0x10, 0x10, 4, 1}}, 0x100000)), Catch::Contains("no PT_LOAD segment"));
  CHECK_THAT(why(elf_image({{1, 0x100000, 0x100000, 0x100, 0x100, 5, 1}}, 0x100000, 2)), Catch::Contains("64-bit ELF") && Catch::Contains("long mode is not implemented"));
  CHECK(is_elf64(elf_image({}, 0, 2)));
  CHECK_FALSE(is_elf64(elf_image({}, 0, 1)));
  CHECK_THAT(why(elf_image({{1, 0x100000, 0x100000, 0x100, 0x100, 5, 1}}, 0x100000, 1, 62)), Catch::Contains("e_machine 62 is not EM_386"));
  CHECK_THAT(why(elf_image({{1, 0x100000, 0x100000, 0x200, 0x100, 5, 1}}, 0x100000)), Catch::Contains("p_filesz 0x200 exceeds p_memsz 0x100"));
  CHECK_THAT(why(elf_image({{1, 0x100000, 0x100000, 0x100000, 0x100000, 5, 1}}, 0x100000)), Catch::Contains("beyond the end of the file"));
  // No kludge and no ELF.
  std::vector<u8> flat(0x1000, 0);
  put_header(flat, 0x10, 3);
  CHECK_THAT(why(flat), Catch::Contains("not an ELF file"));
}
