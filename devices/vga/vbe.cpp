// Bochs VBE "DISPI" interface: registers, the banked window, VBE rendering.
//
// Reference: Bochs vbe.h and its DISPI documentation. Index 0 ID (the
// interface version, B0C0h-B0C5h; a write of a supported version is read
// back), 1 XRES, 2 YRES, 3 BPP, 4 ENABLE (bit 0 enabled, bit 1 GETCAPS,
// bit 5 8-bit DAC, bit 6 LFB enabled, bit 7 no clear on enable), 5 BANK
// (64 KiB window at A0000h), 6 VIRT_WIDTH, 7 VIRT_HEIGHT, 8 X_OFFSET,
// 9 Y_OFFSET, 0Ah VIDEO_MEMORY_64K.
//
// Choices where Bochs and QEMU differ or are silent: out-of-range XRES/YRES
// and unsupported BPP writes are ignored (BPP 0 means 8); BANK is masked to
// the number of 64 KiB banks; VIRT_HEIGHT is read-only, the number of lines
// of VIRT_WIDTH that fit in video memory (at most FFFFh); enabling (a 0 -> 1
// transition of bit 0) sets VIRT_WIDTH = XRES, the offsets to 0 and clears
// all of video memory unless NOCLEARMEM is set.
#include "devices/vga/vga.hpp"

#include <algorithm>

#include "mmu/endian.hpp"

namespace gb {

namespace {

constexpr u16 kIdFirst = 0xB0C0;  // VBE_DISPI_ID0
constexpr u16 kIdLast = 0xB0C5;   // VBE_DISPI_ID5
constexpr unsigned kBankShift = 16;
constexpr u16 kEnableMask = Vga::kDispiEnabled | Vga::kDispiGetCaps | Vga::kDispi8BitDac |
                            Vga::kDispiLfbEnabled | Vga::kDispiNoClearMem;

bool valid_bpp(u16 v) { return v == 4 || v == 8 || v == 15 || v == 16 || v == 24 || v == 32; }

// 5 or 6 bits of colour on the 8-bit scale, by bit replication.
u32 expand5(u32 v) { return (v << 3) | (v >> 2); }
u32 expand6(u32 v) { return (v << 2) | (v >> 4); }

}  // namespace

bool Vga::vbe_enabled() const { return dispi_[kDispiEnable] & kDispiEnabled; }

bool Vga::dac_8bit() const { return dispi_[kDispiEnable] & kDispi8BitDac; }

u32 Vga::vbe_bpp() const { return dispi_[kDispiBpp] ? dispi_[kDispiBpp] : 8; }

u32 Vga::vbe_line_bytes() const {
  const u32 w = dispi_[kDispiVirtWidth];
  switch (vbe_bpp()) {
    case 4: return w / 8;  // per plane
    case 15:
    case 16: return w * 2;
    case 24: return w * 3;
    case 32: return w * 4;
    default: return w;
  }
}

u16 Vga::dispi_read(u16 index) const {
  // GETCAPS: XRES, YRES and BPP read as the maxima while it is set.
  const bool caps = dispi_[kDispiEnable] & kDispiGetCaps;
  switch (index) {
    case kDispiXres: return caps ? kVbeMaxXres : dispi_[kDispiXres];
    case kDispiYres: return caps ? kVbeMaxYres : dispi_[kDispiYres];
    case kDispiBpp: return caps ? kVbeMaxBpp : dispi_[kDispiBpp];
    case kDispiVideoMemory64K: return static_cast<u16>(kVramBytes >> kBankShift);
    default: return index < kDispiRegs ? dispi_[index] : 0;
  }
}

void Vga::dispi_write(u16 index, u16 v) {
  switch (index) {
    case kDispiId:
      if (v >= kIdFirst && v <= kIdLast) dispi_[kDispiId] = v;
      return;
    case kDispiXres:
      if (v <= kVbeMaxXres) dispi_[kDispiXres] = v;
      break;
    case kDispiYres:
      if (v <= kVbeMaxYres) dispi_[kDispiYres] = v;
      break;
    case kDispiBpp:
      if (v == 0) v = 8;
      if (valid_bpp(v)) dispi_[kDispiBpp] = v;
      break;
    case kDispiEnable: {
      const u16 old = dispi_[kDispiEnable];
      v &= kEnableMask;
      if ((v & kDispiEnabled) && !(old & kDispiEnabled)) {
        dispi_[kDispiVirtWidth] = dispi_[kDispiXres];
        dispi_[kDispiXOffset] = dispi_[kDispiYOffset] = 0;
        if (!(v & kDispiNoClearMem)) std::fill(vram_.data(), vram_.data() + vram_.size(), u8{0});
      }
      dispi_[kDispiEnable] = v;
      break;
    }
    case kDispiBank:
      dispi_[kDispiBank] = static_cast<u16>(v & ((kVramBytes >> kBankShift) - 1));
      return;
    case kDispiVirtWidth:
      dispi_[kDispiVirtWidth] = v;
      break;
    case kDispiXOffset:
    case kDispiYOffset:
      dispi_[index] = v;
      return;
    default:
      return;  // VIRT_HEIGHT, VIDEO_MEMORY_64K: read-only
  }
  dispi_fixup();
}

void Vga::dispi_fixup() {
  // The virtual width is at least the visible width; the virtual height is
  // what fits in video memory (4 bpp: in one plane's share of it).
  if (dispi_[kDispiVirtWidth] < dispi_[kDispiXres]) dispi_[kDispiVirtWidth] = dispi_[kDispiXres];
  const u32 line = vbe_line_bytes();
  const u32 capacity = vbe_bpp() == 4 ? kVramBytes / 4 : kVramBytes;
  dispi_[kDispiVirtHeight] = static_cast<u16>(line ? std::min<u32>(capacity / line, 0xFFFF) : 0);
}

std::optional<Vga::WindowSpot> Vga::vbe_window_spot(u32 off) const {
  if (off >= (1u << kBankShift)) return std::nullopt;  // only A0000h-AFFFFh
  const u32 a = (u32{dispi_[kDispiBank]} << kBankShift) + off;
  if (vbe_bpp() == 4) return planar_spot(a, kVramBytes / 4);
  return WindowSpot{a, 0, false};
}

void Vga::vbe_window_write(u32 off, u8 v) {
  if (off >= (1u << kBankShift)) return;
  const u32 a = (u32{dispi_[kDispiBank]} << kBankShift) + off;
  if (vbe_bpp() == 4) {
    planar_write(a, v, kVramBytes / 4);
    return;
  }
  vram_[a] = v;
}

Vga::Geometry Vga::vbe_geometry() const {
  Geometry g;
  g.width = dispi_[kDispiXres];
  g.height = dispi_[kDispiYres];
  if (g.width < 16 || g.height < 16) {
    g.width = 640;
    g.height = 480;
  }
  return g;
}

void Vga::render_vbe(Frame& out, const Geometry& g) const {
  if (g.width != dispi_[kDispiXres] || g.height != dispi_[kDispiYres]) return;  // unprogrammed
  const u32 bpp = vbe_bpp();
  const u64 line = vbe_line_bytes();
  const u64 xo = dispi_[kDispiXOffset];
  const u64 yo = dispi_[kDispiYOffset];

  if (bpp == 4) {
    // Planar: one bit per plane per pixel, VIRT_WIDTH / 8 bytes per line in
    // each plane, through the attribute palette and the DAC like VGA 16-colour.
    const auto pal = palette16();
    constexpr u64 kPlane = kVramBytes / 4;
    for (u32 y = 0; y < g.height; ++y) {
      u32* px = &out.pixels[static_cast<std::size_t>(y) * g.width];
      for (u32 x = 0; x < g.width; ++x) {
        const u64 pixel = xo + x;
        const u64 off = (yo + y) * line + pixel / 8;
        if (off >= kPlane) continue;
        const unsigned bit = 7 - static_cast<unsigned>(pixel & 7);
        unsigned v = 0;
        for (unsigned p = 0; p < 4; ++p) v |= ((vram_[4 * off + p] >> bit) & 1u) << p;
        px[x] = pal[v];
      }
    }
    return;
  }

  const u32 bytespp = (bpp + 7) / 8;
  const auto pal = palette256();
  for (u32 y = 0; y < g.height; ++y) {
    u32* px = &out.pixels[static_cast<std::size_t>(y) * g.width];
    const u64 row = (yo + y) * line + xo * bytespp;
    for (u32 x = 0; x < g.width; ++x) {
      const u64 a = row + u64{x} * bytespp;
      if (a + bytespp > kVramBytes) continue;
      const u8* p = vram_.data() + a;
      switch (bpp) {
        case 8:
          px[x] = pal[p[0]];
          break;
        case 15: {  // x:1 R:5 G:5 B:5
          const u32 v = load_le<u16>(p);
          px[x] = expand5((v >> 10) & 31) << 16 | expand5((v >> 5) & 31) << 8 | expand5(v & 31);
          break;
        }
        case 16: {  // R:5 G:6 B:5
          const u32 v = load_le<u16>(p);
          px[x] = expand5((v >> 11) & 31) << 16 | expand6((v >> 5) & 63) << 8 | expand5(v & 31);
          break;
        }
        case 24:  // B, G, R bytes
          px[x] = u32{p[2]} << 16 | u32{p[1]} << 8 | p[0];
          break;
        default:  // 32: B, G, R, unused
          px[x] = load_le<u32>(p) & 0x00FF'FFFF;
          break;
      }
    }
  }
}

}  // namespace gb
