// VGA registers, the legacy memory window and raster timing; see vga.hpp for
// the manual sections followed. Rendering is in vga_render.cpp, the Bochs
// DISPI interface in vbe.cpp.
#include "devices/vga/vga.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gb {

namespace {

// Sequencer Memory Mode (SR04) bits.
constexpr u8 kSr4OddEvenOff = 0x04;  // 1 = sequential addressing
constexpr u8 kSr4Chain4 = 0x08;

// GC Graphics Mode (GR05) bits.
constexpr u8 kGr5ReadMode1 = 0x08;
constexpr u8 kGr5OddEven = 0x10;

// Pixel clocks selected by Miscellaneous Output bits 3-2 ("VGA", General
// Registers: 00 = 25.175 MHz for 640/320 horizontal PELs, 01 = 28.322 MHz
// for 720/360).
constexpr i64 kClock25 = 25'175'000;
constexpr i64 kClock28 = 28'322'000;

// The VBE modes' raster: 60 Hz, blanking as in the VGA's 480-line timing.
constexpr i64 kVbeHz = 60;

u8 rotate_right(u8 v, unsigned n) {
  n &= 7;
  return static_cast<u8>((v >> n) | (v << ((8 - n) & 7)));
}

// GR03 bits 4-3: the ALU between the data and the latch.
u8 alu(u8 data, u8 latch, unsigned func) {
  switch (func & 3) {
    case 1: return static_cast<u8>(data & latch);
    case 2: return static_cast<u8>(data | latch);
    case 3: return static_cast<u8>(data ^ latch);
    default: return data;
  }
}

}  // namespace

Vga::Vga(Scheduler& sched) : sched_(sched), vram_(kVramBytes) {
  // Video memory starts zeroed (and untouched, so it costs no host memory
  // until the guest draws): only the registers need their reset values.
  reset_registers();
}

void Vga::reset() {
  std::fill(vram_.data(), vram_.data() + vram_.size(), u8{0});
  reset_registers();
}

void Vga::reset_registers() {
  misc_ = feature_ = subsys_ = 0;
  seq_index_ = gc_index_ = crtc_index_ = ac_index_ = 0;
  seq_.fill(0);
  gc_.fill(0);
  crtc_.fill(0);
  ac_.fill(0);
  latch_.fill(0);
  ac_data_next_ = false;
  dac_.fill(0);
  dac_pending_.fill(0);
  dac_mask_ = 0xFF;
  dac_read_index_ = dac_write_index_ = dac_component_ = 0;
  dac_reading_ = false;
  dispi_index_ = 0;
  dispi_.fill(0);
  dispi_[kDispiId] = 0xB0C5;  // VBE_DISPI_ID5
}

// ---------------------------------------------------------------------------
// Port I/O

u32 Vga::io_read(u16 port, Width w) {
  if (port == kDispiIndexPort) return dispi_index_ & width_mask(w);
  if (port == kDispiDataPort) return dispi_read(dispi_index_) & width_mask(w);
  u32 v = 0;
  for (unsigned i = 0; i < bytes(w); ++i) v |= u32{read_port(static_cast<u16>(port + i))} << (8 * i);
  return v;
}

void Vga::io_write(u16 port, u32 value, Width w) {
  if (port == kDispiIndexPort) {
    dispi_index_ = static_cast<u16>(value & width_mask(w));
    return;
  }
  if (port == kDispiDataPort) {
    dispi_write(dispi_index_, static_cast<u16>(value & width_mask(w)));
    return;
  }
  // An 8-bit device on the ISA bus: a 16-bit OUT is the low byte to `port`
  // and the high byte to port + 1 (index then data for 3C4h/3CEh/3D4h).
  for (unsigned i = 0; i < bytes(w); ++i)
    write_port(static_cast<u16>(port + i), static_cast<u8>(value >> (8 * i)));
}

u8 Vga::read_port(u16 port) {
  switch (port) {
    case 0x3C0:
      return ac_index_;
    case 0x3C1: {
      const unsigned i = ac_index_ & 0x1F;
      return i < kAcRegs ? ac_[i] : 0x00;
    }
    case 0x3C2:
      return 0x00;  // Input Status 0: no switch sense, no CRT interrupt
    case 0x3C3:
      return subsys_;
    case 0x3C4:
      return seq_index_;
    case 0x3C5:
      return seq_index_ < kSeqRegs ? seq_[seq_index_] : 0xFF;
    case 0x3C6:
      return dac_mask_;
    case 0x3C7:
      // DAC State: 00 after a write to 3C8h (write mode), 11b after 3C7h.
      return dac_reading_ ? 0x03 : 0x00;
    case 0x3C8:
      return dac_write_index_;
    case 0x3C9: {
      const u8 v = dac_[3u * dac_read_index_ + dac_component_];
      if (++dac_component_ == 3) {
        dac_component_ = 0;
        ++dac_read_index_;
      }
      return v;
    }
    case 0x3CA:
      return feature_;
    case 0x3CC:
      return misc_;
    case 0x3CE:
      return gc_index_;
    case 0x3CF:
      return gc_index_ < kGcRegs ? gc_[gc_index_] : 0xFF;
    default:
      break;
  }
  // CRTC and Input Status 1 at 3B4h/3B5h/3BAh (mono) or 3D4h/3D5h/3DAh
  // (colour), by Miscellaneous Output bit 0 ("VGA", I/O Address Select).
  const u16 base = colour_io() ? 0x3D0 : 0x3B0;
  if (port < base || port > base + 0x0F) return 0xFF;
  switch (port - base) {
    case 0x4:
      return crtc_index_;
    case 0x5:
      return crtc_index_ < kCrtcRegs ? crtc_[crtc_index_] : 0xFF;
    case 0xA:
      // Reading Input Status 1 also resets the attribute controller's
      // index/data flip-flop to "index" ("VGA", Attribute Address Register).
      ac_data_next_ = false;
      return input_status1();
    default:
      return 0xFF;
  }
}

void Vga::write_port(u16 port, u8 v) {
  switch (port) {
    case 0x3C0:
      if (!ac_data_next_) {
        ac_index_ = static_cast<u8>(v & 0x3F);
      } else {
        const unsigned i = ac_index_ & 0x1F;
        if (i < 0x10)
          ac_[i] = static_cast<u8>(v & 0x3F);  // palette entries are 6 bits
        else if (i < kAcRegs)
          ac_[i] = v;
      }
      ac_data_next_ = !ac_data_next_;
      return;
    case 0x3C2:
      misc_ = v;
      return;
    case 0x3C3:
      subsys_ = static_cast<u8>(v & 0x01);
      return;
    case 0x3C4:
      seq_index_ = static_cast<u8>(v & 0x07);
      return;
    case 0x3C5:
      if (seq_index_ < kSeqRegs) seq_[seq_index_] = v;
      return;
    case 0x3C6:
      dac_mask_ = v;
      return;
    case 0x3C7:
      dac_read_index_ = v;
      dac_component_ = 0;
      dac_reading_ = true;
      return;
    case 0x3C8:
      dac_write_index_ = v;
      dac_component_ = 0;
      dac_reading_ = false;
      return;
    case 0x3C9:
      // The three components are collected and the entry written after
      // blue, then the write address increments ("VGA", Video DAC). 6-bit
      // values unless the DISPI 8-bit DAC flag is set.
      dac_pending_[dac_component_] = dac_8bit() ? v : static_cast<u8>(v & 0x3F);
      if (++dac_component_ == 3) {
        dac_component_ = 0;
        std::copy(dac_pending_.begin(), dac_pending_.end(), dac_.begin() + 3 * dac_write_index_);
        ++dac_write_index_;
      }
      return;
    case 0x3CE:
      gc_index_ = static_cast<u8>(v & 0x0F);
      return;
    case 0x3CF:
      if (gc_index_ < kGcRegs) gc_[gc_index_] = v;
      return;
    default:
      break;
  }
  const u16 base = colour_io() ? 0x3D0 : 0x3B0;
  if (port < base || port > base + 0x0F) return;
  switch (port - base) {
    case 0x4:
      crtc_index_ = v;
      return;
    case 0x5:
      write_crtc(v);
      return;
    case 0xA:
      feature_ = static_cast<u8>(v & 0x0B);
      return;
    default:
      return;
  }
}

void Vga::write_crtc(u8 v) {
  const unsigned i = crtc_index_;
  if (i >= kCrtcRegs) return;
  // CR11 bit 7 (Protect Registers 0-7): CR00-CR07 ignore writes, except the
  // line compare bit 8 in CR07 bit 4 ("VGA", Vertical Retrace End Register).
  if ((crtc_[0x11] & 0x80) && i <= 7) {
    if (i == 7) crtc_[7] = static_cast<u8>((crtc_[7] & ~0x10) | (v & 0x10));
    return;
  }
  crtc_[i] = v;
}

// ---------------------------------------------------------------------------
// Raster timing

Vga::Timing Vga::timing() const {
  Timing t;
  if (vbe_enabled()) {
    const u32 yres = std::max<u32>(dispi_[kDispiYres], 1);
    t.vdisp = yres;
    t.total = yres * 525 / 480 + 1;
    t.vrs = yres + (t.total - yres) / 4;
    t.vrlen = 2;
    t.line = kPicosPerSecond / kVbeHz / t.total;
    t.hdisp = t.line * 4 / 5;
    return t;
  }
  // Horizontal: CR00 = total character clocks - 5, CR01 = displayed - 1;
  // a character clock is 8 or 9 dots (SR01 bit 0), doubled by the dot clock
  // /2 (SR01 bit 3). Vertical (CR06/CR10/CR12 with the CR07 overflow bits):
  // total - 2, retrace start, displayed - 1; the retrace ends when the line
  // counter's low 4 bits equal CR11 bits 3-0 ("VGA", CRT Controller).
  const i64 clock = ((misc_ >> 2) & 3) == 1 ? kClock28 : kClock25;
  i64 dots = (seq_[1] & 0x01) ? 8 : 9;
  if (seq_[1] & 0x08) dots *= 2;
  const i64 htotal = crtc_[0] + 5;
  const i64 hdisp = crtc_[1] + 1;
  const u8 ov = crtc_[7];
  const u32 vtotal = (crtc_[6] | (ov & 0x01) << 8 | (ov & 0x20) << 4) + 2u;
  const u32 vrs = crtc_[0x10] | (ov & 0x04) << 6 | (ov & 0x80) << 2;
  const u32 vdisp = vdisp_lines();
  if (htotal > hdisp && vtotal > vdisp && vrs < vtotal && vdisp >= 100) {
    // CR17 bit 2: the vertical counter advances every second scan line.
    const i64 scale = (crtc_[0x17] & 0x04) ? 2 : 1;
    t.line = scale * htotal * dots * kPicosPerSecond / clock;
    t.hdisp = hdisp * dots * kPicosPerSecond / clock;
    t.total = vtotal;
    t.vdisp = vdisp;
    t.vrs = vrs;
    t.vrlen = ((crtc_[0x11] & 0x0F) - (vrs & 0x0F)) & 0x0F;
    if (t.vrlen == 0) t.vrlen = 16;
    return t;
  }
  // Unprogrammed: the 70 Hz 720x400 raster of mode 3 (900 dots x 449 lines
  // at 28.322 MHz, retrace at lines 412-413).
  t.line = 900 * kPicosPerSecond / kClock28;
  t.hdisp = 720 * kPicosPerSecond / kClock28;
  t.total = 449;
  t.vdisp = 400;
  t.vrs = 412;
  t.vrlen = 2;
  return t;
}

Picos Vga::frame_period() const {
  const Timing t = timing();
  return t.line * t.total;
}

u8 Vga::input_status1() const {
  // Bit 3: vertical retrace in progress. Bit 0: display enable inactive
  // (horizontal or vertical blanking, "Display Enable NOT").
  const Timing t = timing();
  const Picos frame = t.line * t.total;
  const Picos pos = sched_.now() % frame;
  const u32 line = static_cast<u32>(pos / t.line);
  const Picos x = pos % t.line;
  const bool retrace = (line + t.total - t.vrs) % t.total < t.vrlen;
  const bool display = line < t.vdisp && x < t.hdisp;
  return static_cast<u8>((display ? 0x00 : 0x01) | (retrace ? 0x08 : 0x00));
}

// ---------------------------------------------------------------------------
// The legacy window and the planar logic

u32 Vga::mmio_read(u64 offset, Width w) {
  u32 v = 0;
  for (unsigned i = 0; i < bytes(w); ++i) {
    const u64 off = offset + i;
    const u8 b = off < kWindowBytes ? window_read(static_cast<u32>(off)) : 0xFF;
    v |= u32{b} << (8 * i);
  }
  return v;
}

void Vga::mmio_write(u64 offset, u32 value, Width w) {
  for (unsigned i = 0; i < bytes(w); ++i) {
    const u64 off = offset + i;
    if (off < kWindowBytes) window_write(static_cast<u32>(off), static_cast<u8>(value >> (8 * i)));
  }
}

namespace {

// GR06 bits 3-2 (Memory Map Select): the window's base and size relative
// to A0000h. Returns false when `off` is outside it.
bool map_window(u8 gr6, u32 off, u32& a) {
  switch ((gr6 >> 2) & 3) {
    case 0:  // A0000h, 128 KiB
      a = off;
      return true;
    case 1:  // A0000h, 64 KiB
      a = off;
      return off < 0x10000;
    case 2:  // B0000h, 32 KiB
      a = off - 0x10000;
      return off >= 0x10000 && off < 0x18000;
    default:  // B8000h, 32 KiB
      a = off - 0x18000;
      return off >= 0x18000;
  }
}

}  // namespace

std::optional<Vga::WindowSpot> Vga::window_spot(u32 off) const {
  if (vbe_enabled()) return vbe_window_spot(off);
  if (!(misc_ & 0x02)) return std::nullopt;  // Miscellaneous Output: RAM disabled
  u32 a = 0;
  if (!map_window(gc_[6], off, a)) return std::nullopt;
  return planar_spot(a, kPlaneBytes);
}

u8 Vga::window_read(u32 off) {
  const auto spot = window_spot(off);
  if (!spot) return 0xFF;
  if (!spot->planar) return vram_[spot->off];
  // Every CPU read loads the four latches.
  for (unsigned p = 0; p < 4; ++p) latch_[p] = vram_[4 * spot->off + p];
  return planar_value(*spot);
}

u8 Vga::window_peek(u32 off) const {
  const auto spot = window_spot(off);
  if (!spot) return 0xFF;
  return spot->planar ? planar_value(*spot) : vram_[spot->off];
}

std::optional<u32> Vga::mmio_peek(u64 offset, Width w) const {
  u32 v = 0;
  for (unsigned i = 0; i < bytes(w); ++i) {
    const u64 off = offset + i;
    v |= u32{off < kWindowBytes ? window_peek(static_cast<u32>(off)) : u8{0xFF}} << (8 * i);
  }
  return v;
}

void Vga::window_write(u32 off, u8 v) {
  if (vbe_enabled()) {
    vbe_window_write(off, v);
    return;
  }
  if (!(misc_ & 0x02)) return;
  u32 a = 0;
  if (!map_window(gc_[6], off, a)) return;
  planar_write(a, v, kPlaneBytes);
}

Vga::WindowSpot Vga::planar_spot(u32 a, u32 plane_size) const {
  // Plane and plane address ("VGA", Memory Mode / Graphics Mode / Read Map
  // Select): chain-4 takes the plane from A1-A0; odd/even (GR05 bit 4) from
  // A0 and Read Map Select bit 1; otherwise Read Map Select bits 1-0.
  unsigned plane = gc_[4] & 3;
  u32 off = a;
  if (seq_[4] & kSr4Chain4) {
    plane = a & 3;
    off = (a & ~3u) | ((a >> 14) & 3);
  } else if (gc_[5] & kGr5OddEven) {
    plane = (gc_[4] & 2) | (a & 1);
    off = (a & ~1u & 0xFFFF) | ((a >> 16) & 1);
  }
  return WindowSpot{off & (plane_size - 1), plane, true};
}

u8 Vga::planar_value(const WindowSpot& s) const {
  // What a read returns from the four bytes at the plane address (the
  // latches a read loads hold exactly these).
  const u8* planes = &vram_[4 * s.off];
  if (gc_[5] & kGr5ReadMode1) {
    // Read mode 1: 1 where every plane selected by Color Don't Care (GR07)
    // matches the corresponding Color Compare (GR02) bit.
    u8 match = 0xFF;
    for (unsigned p = 0; p < 4; ++p) {
      if (!((gc_[7] >> p) & 1)) continue;
      const u8 want = ((gc_[2] >> p) & 1) ? 0xFF : 0x00;
      match = static_cast<u8>(match & ~(planes[p] ^ want));
    }
    return match;
  }
  return planes[s.plane];
}

void Vga::planar_write(u32 a, u8 v, u32 plane_size) {
  // Planes written: Map Mask (SR02) ANDed with the chain-4 / odd/even plane
  // selection (SR04 bits 3 and 2).
  unsigned enable = seq_[2] & 0x0F;
  u32 off = a;
  if (seq_[4] & kSr4Chain4) {
    enable &= 1u << (a & 3);
    off = (a & ~3u) | ((a >> 14) & 3);
  } else if (!(seq_[4] & kSr4OddEvenOff)) {
    enable &= (a & 1) ? 0x0Au : 0x05u;
    off = (a & ~1u & 0xFFFF) | ((a >> 16) & 1);
  }
  off &= plane_size - 1;
  if (!enable) return;

  // Write modes ("VGA", Graphics Mode Register and Programming
  // Considerations). Mode 0: rotated data, or the Set/Reset bit where
  // Enable Set/Reset is on. Mode 1: the latches. Mode 2: data bit p fills
  // plane p. Mode 3: Set/Reset fills each plane, under a bit mask of
  // (rotated data AND Bit Mask). Modes 0, 2 and 3 then apply the ALU
  // function (GR03 bits 4-3) with the latches and the bit mask (GR08).
  const unsigned mode = gc_[5] & 3;
  const u8 rotated = rotate_right(v, gc_[3] & 7);
  const unsigned func = (gc_[3] >> 3) & 3;
  u8 mask = gc_[8];
  if (mode == 3) mask = static_cast<u8>(mask & rotated);
  for (unsigned p = 0; p < 4; ++p) {
    if (!((enable >> p) & 1)) continue;
    const u8 set_reset = ((gc_[0] >> p) & 1) ? 0xFF : 0x00;
    u8 d = 0;
    switch (mode) {
      case 0: d = ((gc_[1] >> p) & 1) ? set_reset : rotated; break;
      case 1: d = latch_[p]; break;
      case 2: d = ((v >> p) & 1) ? 0xFF : 0x00; break;
      default: d = set_reset; break;
    }
    if (mode != 1) {
      d = alu(d, latch_[p], func);
      d = static_cast<u8>((d & mask) | (latch_[p] & ~mask));
    }
    vram_[4 * off + p] = d;
  }
}

// ---------------------------------------------------------------------------
// Debugger dump

std::string Vga::dump() const {
  auto hex = [](const auto& regs) {
    std::string s;
    for (const u8 r : regs) s += fmt::format(" {:02X}", r);
    return s;
  };
  const Geometry g = geometry();
  std::string out = fmt::format("VGA: {} {}x{}{}, CRTC at {:X}h, screen {}\n", mode_name(), g.width,
                                g.height,
                                g.text ? fmt::format(" ({}x{} cells)", g.columns, g.rows) : "",
                                colour_io() ? 0x3D4 : 0x3B4, screen_off() ? "off" : "on");
  out += fmt::format("  misc {:02X} (ram {}) feature {:02X} subsys {:02X} status1 {:02X} frame {} ps\n",
                     misc_, (misc_ & 2) ? "on" : "off", feature_, subsys_, input_status1(),
                     frame_period());
  out += fmt::format("  seq  [{:02X}]{}\n", seq_index_, hex(seq_));
  out += fmt::format("  gc   [{:02X}]{}  latches{}\n", gc_index_, hex(gc_), hex(latch_));
  out += fmt::format("  crtc [{:02X}]{}\n", crtc_index_, hex(crtc_));
  out += fmt::format("  attr [{:02X}]{}  flip-flop {}\n", ac_index_, hex(ac_),
                     ac_data_next_ ? "data" : "index");
  out += fmt::format("  start {:04X} cursor {:04X} scan {}-{}{} offset {}\n", start_address(),
                     crtc_[0x0E] << 8 | crtc_[0x0F], crtc_[0x0A] & 0x1F, crtc_[0x0B] & 0x1F,
                     (crtc_[0x0A] & 0x20) ? " (off)" : "", 2 * crtc_[0x13]);
  out += fmt::format("  dac  mask {:02X} read {:02X} write {:02X} component {} state {} {}-bit\n",
                     dac_mask_, dac_read_index_, dac_write_index_, dac_component_,
                     dac_reading_ ? "read" : "write", dac_8bit() ? 8 : 6);
  out += fmt::format(
      "  dispi [{:X}] id {:04X} xres {} yres {} bpp {} enable {:02X} bank {} virt {}x{} "
      "offset {},{} mem {}x64K\n",
      dispi_index_, dispi_[0], dispi_[1], dispi_[2], dispi_[3], dispi_[4], dispi_[5], dispi_[6],
      dispi_[7], dispi_[8], dispi_[9], kVramBytes >> 16);
  return out;
}

}  // namespace gb
