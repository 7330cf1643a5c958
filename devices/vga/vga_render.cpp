// VGA scan-out: geometry, text and graphics rendering, the text dump. The
// CRTC addressing, attribute controller and DAC paths follow "VGA" (see
// vga.hpp): CRT Controller (CR09, CR13, CR14, CR17 address mapping),
// Attribute Controller (palette, mode control, color plane enable, color
// select) and Video DAC.
#include "devices/vga/vga.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gb {

namespace {

// Unprogrammed CRTC: report a plain VGA-sized (blank) frame.
constexpr u32 kFallbackWidth = 640;
constexpr u32 kFallbackHeight = 480;
constexpr u32 kMinSide = 16;

// A 6-bit DAC value on the 8-bit scale: v * 255 / 63, by bit replication.
u32 scale6(u8 v) {
  v &= 0x3F;
  return static_cast<u32>((v << 2) | (v >> 4));
}

char text_char(u8 c) {
  if (c >= 0x20 && c <= 0x7E) return static_cast<char>(c);
  if (c == 0x00 || c == 0xFF) return ' ';
  return '.';
}

}  // namespace

bool Vga::text_mode() const { return !vbe_enabled() && !(gc_[6] & 0x01); }

bool Vga::screen_off() const {
  // SR01 bit 5 (Screen Off) or AC index bit 5 (Palette Address Source) 0,
  // in which case the palette is being loaded and the display is blanked.
  return (seq_[1] & 0x20) || !(ac_index_ & 0x20);
}

u32 Vga::vdisp_lines() const {
  const u8 ov = crtc_[7];
  return (crtc_[0x12] | (ov & 0x02) << 7 | (ov & 0x40) << 3) + 1u;
}

u32 Vga::ma_divisor() const {
  // CR14 bit 5 (Count By 4) or CR17 bit 3 (Count By 2): the memory address
  // counter advances every 4th / 2nd character clock.
  if (crtc_[0x14] & 0x20) return 4;
  if (crtc_[0x17] & 0x08) return 2;
  return 1;
}

u32 Vga::crtc_address(u32 ma, u32 scan) const {
  // CR14 bit 6 (Double-Word Mode): MA rotated left 2, MA13-MA12 into bits
  // 1-0. CR17 bit 6 clear (Word Mode): MA rotated left 1, MA13 or MA15
  // (CR17 bit 5, Address Wrap) into bit 0. Otherwise byte mode.
  u32 a = ma;
  if (crtc_[0x14] & 0x40)
    a = (ma << 2) | ((ma >> 12) & 3);
  else if (!(crtc_[0x17] & 0x40))
    a = (ma << 1) | ((ma >> ((crtc_[0x17] & 0x20) ? 15 : 13)) & 1);
  // CR17 bit 0 clear: row scan bit 0 replaces address bit 13 (CGA
  // interleave); bit 1 clear: row scan bit 1 replaces bit 14 (Hercules).
  if (!(crtc_[0x17] & 0x01)) a = (a & ~0x2000u) | ((scan & 1) << 13);
  if (!(crtc_[0x17] & 0x02)) a = (a & ~0x4000u) | (((scan >> 1) & 1) << 14);
  return a & (kPlaneBytes - 1);
}

u8 Vga::attribute_index(u8 pixel) const {
  // Color Plane Enable masks the 4-bit value; the palette register gives
  // P5-P0; AC10 bit 7 takes P5-P4 from Color Select bits 1-0; Color Select
  // bits 3-2 give P7-P6.
  const u8 v = static_cast<u8>(pixel & ac_[0x12] & 0x0F);
  u8 p = static_cast<u8>(ac_[v] & 0x3F);
  if (ac_[0x10] & 0x80) p = static_cast<u8>((p & 0x0F) | (ac_[0x14] & 0x03) << 4);
  return static_cast<u8>(p | (ac_[0x14] & 0x0C) << 4);
}

u32 Vga::dac_rgb(u8 index) const {
  const unsigned i = 3u * (index & dac_mask_);
  if (dac_8bit()) return u32{dac_[i]} << 16 | u32{dac_[i + 1]} << 8 | dac_[i + 2];
  return scale6(dac_[i]) << 16 | scale6(dac_[i + 1]) << 8 | scale6(dac_[i + 2]);
}

std::array<u32, 16> Vga::palette16() const {
  std::array<u32, 16> pal{};
  for (unsigned i = 0; i < 16; ++i) pal[i] = dac_rgb(attribute_index(static_cast<u8>(i)));
  return pal;
}

std::array<u32, 256> Vga::palette256() const {
  std::array<u32, 256> pal{};
  for (unsigned i = 0; i < 256; ++i) pal[i] = dac_rgb(static_cast<u8>(i));
  return pal;
}

u32 Vga::font_offset(bool map_a) const {
  // Character Map Select (SR03): map A = bits 5,3,2 (used when attribute
  // bit 3 is 1), map B = bits 4,1,0. Maps 0-3 start at 0, 16, 32, 48 KiB of
  // plane 2; the high bit adds 8 KiB (maps 4-7).
  const u8 sr3 = seq_[3];
  const u32 low = map_a ? (sr3 >> 2) & 3 : sr3 & 3;
  const u32 high = map_a ? (sr3 >> 5) & 1 : (sr3 >> 4) & 1;
  return low * 0x4000 + high * 0x2000;
}

Vga::Geometry Vga::geometry() const {
  if (vbe_enabled()) return vbe_geometry();
  Geometry g;
  const u32 columns = crtc_[1] + 1u;
  u32 lines = vdisp_lines();
  if (crtc_[9] & 0x80) lines /= 2;  // CR09 bit 7: double scan
  const u32 repeat = (crtc_[9] & 0x1F) + 1u;
  if (text_mode()) {
    g.text = true;
    g.columns = columns;
    g.rows = lines / repeat;
    g.width = columns * ((seq_[1] & 0x01) ? 8 : 9);
    g.height = g.rows * repeat;
  } else {
    g.width = columns * ((gc_[5] & 0x40) ? 4 : 8);
    g.height = row_scan_substitution() ? lines : lines / repeat;
  }
  if (g.width < kMinSide || g.height < kMinSide) {
    g.width = kFallbackWidth;
    g.height = kFallbackHeight;
    g.columns = g.rows = 0;
  }
  return g;
}

void Vga::render(Frame& out) const {
  const Geometry g = geometry();
  out.width = g.width;
  out.height = g.height;
  out.pixels.assign(static_cast<std::size_t>(g.width) * g.height, 0);
  if (screen_off()) return;
  if (vbe_enabled())
    render_vbe(out, g);
  else if (g.text)
    render_text(out, g);
  else
    render_graphics(out, g);
}

void Vga::render_text(Frame& out, const Geometry& g) const {
  if (g.columns == 0) return;
  const u32 cw = (seq_[1] & 0x01) ? 8 : 9;
  const u32 ch = (crtc_[9] & 0x1F) + 1u;
  const auto pal = palette16();
  const u32 start = start_address();
  const u32 pitch = 2u * crtc_[0x13];
  const u32 div = ma_divisor();
  const u32 cursor = static_cast<u32>(crtc_[0x0E] << 8 | crtc_[0x0F]);
  const u32 cs = crtc_[0x0A] & 0x1F;
  const u32 ce = crtc_[0x0B] & 0x1F;
  // Blink rates ("VGA", Attribute Mode Control / Cursor Start): the cursor
  // blinks every 16 frames, blinking characters every 32.
  const i64 frame = sched_.now() / frame_period();
  const bool cursor_on = !(crtc_[0x0A] & 0x20) && cs <= ce && ((frame >> 3) & 1) == 0;
  const bool blink_visible = ((frame >> 4) & 1) == 0;
  const bool blink = ac_[0x10] & 0x08;
  const bool line_graphics = ac_[0x10] & 0x04;
  const u32 underline_scan = crtc_[0x14] & 0x1F;
  const u32 font_a = font_offset(true);
  const u32 font_b = font_offset(false);

  for (u32 row = 0; row < g.rows; ++row) {
    for (u32 col = 0; col < g.columns; ++col) {
      const u32 ma = (start + row * pitch + col / div) & 0xFFFF;
      const u32 a = crtc_address(ma, 0);
      const u8 code = vram_[4 * a];      // plane 0: character
      const u8 attr = vram_[4 * a + 1];  // plane 1: attribute
      const u32 fg = pal[attr & 0x0F];
      // AC10 bit 3: attribute bit 7 blinks the character; otherwise it is
      // the background intensity.
      const u32 bg = pal[blink ? (attr >> 4) & 7 : attr >> 4];
      const bool hidden = blink && (attr & 0x80) && !blink_visible;
      const bool underline = (attr & 0x77) == 0x01;
      const bool cursor_cell = cursor_on && ma == cursor;
      const u32 glyph = ((attr & 0x08) ? font_a : font_b) + u32{code} * 32;
      for (u32 s = 0; s < ch; ++s) {
        // 9 dot columns: bits 8-1 the glyph row, bit 0 the 9th column,
        // which repeats the 8th for C0h-DFh when AC10 bit 2 is set.
        u32 bits = s < 32 ? u32{vram_[4 * (glyph + s) + 2]} << 1 : 0;
        if (line_graphics && code >= 0xC0 && code <= 0xDF) bits |= (bits >> 1) & 1;
        if (hidden) bits = 0;
        if (underline && s == underline_scan) bits = 0x1FF;
        if (cursor_cell && s >= cs && s <= ce) bits = 0x1FF;
        u32* px = &out.pixels[static_cast<std::size_t>(row * ch + s) * g.width + col * cw];
        for (u32 x = 0; x < cw; ++x) px[x] = ((bits >> (8 - x)) & 1) ? fg : bg;
      }
    }
  }
}

void Vga::render_graphics(Frame& out, const Geometry& g) const {
  // GR05 bit 6: 256-colour shift (4 pixels of 8 bits per character clock,
  // one per plane); bit 5: CGA interleave (2 bits per pixel, planes 0/2 for
  // the first 4 pixels, 1/3 for the next 4); otherwise one bit from each
  // plane per pixel, 8 per character clock.
  const bool c256 = gc_[5] & 0x40;
  const bool interleave = gc_[5] & 0x20;
  const u32 ppc = c256 ? 4 : 8;
  const u32 columns = std::min<u32>(crtc_[1] + 1u, g.width / ppc);
  const u32 repeat = (crtc_[9] & 0x1F) + 1u;
  const bool substitute = row_scan_substitution();
  const u32 start = start_address();
  const u32 pitch = 2u * crtc_[0x13];
  const u32 div = ma_divisor();
  const auto pal16 = palette16();
  const auto pal256 = palette256();

  for (u32 y = 0; y < g.height; ++y) {
    const u32 line = substitute ? y : y * repeat;
    const u32 row = line / repeat;
    const u32 scan = line % repeat;
    const u32 ma_row = start + row * pitch;
    u32* px = &out.pixels[static_cast<std::size_t>(y) * g.width];
    for (u32 c = 0; c < columns; ++c) {
      const u32 a = crtc_address((ma_row + c / div) & 0xFFFF, scan);
      const u8 b0 = vram_[4 * a], b1 = vram_[4 * a + 1], b2 = vram_[4 * a + 2],
               b3 = vram_[4 * a + 3];
      u32* p = px + c * ppc;
      if (c256) {
        p[0] = pal256[b0];
        p[1] = pal256[b1];
        p[2] = pal256[b2];
        p[3] = pal256[b3];
      } else if (interleave) {
        for (u32 i = 0; i < 8; ++i) {
          const unsigned sh = 6 - 2 * (i & 3);
          const u8 lo = i < 4 ? b0 : b1;
          const u8 hi = i < 4 ? b2 : b3;
          p[i] = pal16[((lo >> sh) & 3) | ((hi >> sh) & 3) << 2];
        }
      } else {
        for (u32 i = 0; i < 8; ++i) {
          const unsigned bit = 7 - i;
          const unsigned v = ((b0 >> bit) & 1) | ((b1 >> bit) & 1) << 1 | ((b2 >> bit) & 1) << 2 |
                             ((b3 >> bit) & 1) << 3;
          p[i] = pal16[v];
        }
      }
    }
  }
}

std::string Vga::text_screen() const {
  if (!text_mode()) return "";
  const Geometry g = geometry();
  const u32 start = start_address();
  const u32 pitch = 2u * crtc_[0x13];
  const u32 div = ma_divisor();
  std::string out;
  for (u32 row = 0; row < g.rows; ++row) {
    std::string line;
    line.reserve(g.columns);
    for (u32 col = 0; col < g.columns; ++col) {
      const u32 a = crtc_address((start + row * pitch + col / div) & 0xFFFF, 0);
      line += text_char(vram_[4 * a]);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += '\n';
  }
  return out;
}

Vga::TextCells Vga::text_cells() const {
  TextCells t;
  if (!text_mode()) return t;
  const Geometry g = geometry();
  const u32 start = start_address();
  const u32 pitch = 2u * crtc_[0x13];
  const u32 div = ma_divisor();
  const u32 cursor = static_cast<u32>(crtc_[0x0E] << 8 | crtc_[0x0F]);
  const bool cursor_on = !(crtc_[0x0A] & 0x20) && (crtc_[0x0A] & 0x1F) <= (crtc_[0x0B] & 0x1F);
  t.columns = g.columns;
  t.rows = g.rows;
  t.blink_enabled = ac_[0x10] & 0x08;
  t.cells.resize(static_cast<std::size_t>(g.columns) * g.rows);
  for (u32 row = 0; row < g.rows; ++row) {
    for (u32 col = 0; col < g.columns; ++col) {
      const u32 ma = (start + row * pitch + col / div) & 0xFFFF;
      const u32 a = crtc_address(ma, 0);
      t.cells[static_cast<std::size_t>(row) * g.columns + col] = static_cast<u16>(vram_[4 * a] | vram_[4 * a + 1] << 8);
      if (cursor_on && ma == cursor && col % div == 0) {
        t.cursor_visible = true;
        t.cursor_row = row;
        t.cursor_col = col;
      }
    }
  }
  return t;
}

std::string Vga::mode_name() const {
  if (vbe_enabled())
    return fmt::format("VBE {}bpp {}", vbe_bpp(),
                       (dispi_[kDispiEnable] & kDispiLfbEnabled) ? "LFB" : "banked");
  if (text_mode()) return "text";
  if (gc_[5] & 0x40) return "graphics 256-colour";
  if (gc_[5] & 0x20) return "graphics CGA 4-colour";
  return "graphics planar 16-colour";
}

}  // namespace gb
