// VGA + Bochs DISPI driven through its ports and the legacy window, the way
// a VGA BIOS and guest code drive it. Register tables are the standard IBM
// VGA mode parameters (IBM PS/2 Hardware Interface Technical Reference,
// "Video Subsystem", BIOS mode tables); expected values follow the register
// descriptions there and Bochs' vbe.h.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <string>

#include "devices/vga/vga.hpp"
#include "mmu/endian.hpp"

using namespace gb;

namespace {

struct ModeTable {
  u8 misc;
  std::array<u8, 4> seq;  // SR01-SR04
  std::array<u8, 25> crtc;
  std::array<u8, 9> gc;
  std::array<u8, 20> ac;  // AR00-AR13 (AR14 = 0)
};

// Mode 3: 80x25 text, 9x16 cells, 720x400, B8000h.
constexpr ModeTable kMode3 = {
    0x67,
    {0x00, 0x03, 0x00, 0x02},
    {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39,
     0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08}};

// Mode 13h: 320x200, 256 colours, chain-4.
constexpr ModeTable kMode13 = {
    0x63,
    {0x01, 0x0F, 0x00, 0x0E},
    {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
     0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00}};

// Mode 12h: 640x480, 16 colours, planar.
constexpr ModeTable kMode12 = {
    0xE3,
    {0x01, 0x0F, 0x00, 0x06},
    {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0F, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39,
     0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x01, 0x00, 0x0F, 0x00}};

// Mode 4: 320x200, 4 colours, CGA interleave at B8000h.
constexpr ModeTable kMode4 = {
    0x63,
    {0x09, 0x03, 0x00, 0x02},
    {0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xA2, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0F, 0x0F, 0xFF},
    {0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11,
     0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x01, 0x00, 0x03, 0x00}};

// Mode 6: 640x200, 2 colours, plane 0 only, CGA interleave at B8000h.
constexpr ModeTable kMode6 = {
    0x63,
    {0x01, 0x01, 0x00, 0x06},
    {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x00, 0x96, 0xB9, 0xC2, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0D, 0x0F, 0xFF},
    {0x00, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17,
     0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x01, 0x00, 0x01, 0x00}};

constexpr u32 kA0000 = 0xA0000;
constexpr u32 kB8000 = 0xB8000;

struct Rig {
  Scheduler sched;
  Vga vga{sched};

  void outb(u16 port, u8 v) { vga.io_write(port, v, Width::Byte); }
  void outw(u16 port, u16 v) { vga.io_write(port, v, Width::Word); }
  u8 inb(u16 port) { return static_cast<u8>(vga.io_read(port, Width::Byte)); }
  u16 inw(u16 port) { return static_cast<u16>(vga.io_read(port, Width::Word)); }

  // Index + data in one 16-bit OUT, as the VGA BIOS does.
  void seq(u8 i, u8 v) { outw(0x3C4, static_cast<u16>(v << 8 | i)); }
  void gc(u8 i, u8 v) { outw(0x3CE, static_cast<u16>(v << 8 | i)); }
  void crtc(u8 i, u8 v) { outw(0x3D4, static_cast<u16>(v << 8 | i)); }
  u8 crtc_read(u8 i) {
    outb(0x3D4, i);
    return inb(0x3D5);
  }
  void attr(u8 i, u8 v) {
    inb(0x3DA);
    outb(0x3C0, i);
    outb(0x3C0, v);
  }
  void enable_video() {
    inb(0x3DA);
    outb(0x3C0, 0x20);
  }
  void dac(u8 i, u8 r, u8 g, u8 b) {
    outb(0x3C8, i);
    outb(0x3C9, r);
    outb(0x3C9, g);
    outb(0x3C9, b);
  }

  void wb(u32 phys, u8 v) { vga.mmio_write(phys - kA0000, v, Width::Byte); }
  void ww(u32 phys, u16 v) { vga.mmio_write(phys - kA0000, v, Width::Word); }
  void wd(u32 phys, u32 v) { vga.mmio_write(phys - kA0000, v, Width::Dword); }
  u8 rb(u32 phys) { return static_cast<u8>(vga.mmio_read(phys - kA0000, Width::Byte)); }

  void dispi(u16 index, u16 v) {
    outw(Vga::kDispiIndexPort, index);
    outw(Vga::kDispiDataPort, v);
  }
  u16 dispi(u16 index) {
    outw(Vga::kDispiIndexPort, index);
    return inw(Vga::kDispiDataPort);
  }

  // A BIOS mode set: Miscellaneous Output first (power-on selects the mono
  // ports), attribute controller, sequencer, GC, CRTC (unprotected), then
  // the palette address source to turn the display on.
  void set_mode(const ModeTable& m) {
    outb(0x3C2, m.misc);
    for (u8 i = 0; i < 20; ++i) attr(i, m.ac[i]);
    attr(0x14, 0x00);
    seq(0x00, 0x01);
    for (u8 i = 0; i < 4; ++i) seq(static_cast<u8>(i + 1), m.seq[i]);
    seq(0x00, 0x03);
    for (u8 i = 0; i < 9; ++i) gc(i, m.gc[i]);
    crtc(0x11, 0x00);
    for (u8 i = 0; i < 25; ++i) crtc(i, m.crtc[i]);
    enable_video();
  }

  // Plane 2 access for loading a font, and back to text addressing.
  void font_access() {
    seq(0x00, 0x01);
    seq(0x02, 0x04);
    seq(0x04, 0x07);
    seq(0x00, 0x03);
    gc(0x04, 0x02);
    gc(0x05, 0x00);
    gc(0x06, 0x04);
  }
  void text_access() {
    seq(0x00, 0x01);
    seq(0x02, 0x03);
    seq(0x04, 0x03);
    seq(0x00, 0x03);
    gc(0x06, 0x0E);
    gc(0x04, 0x00);
    gc(0x05, 0x10);
  }

  Vga::Frame frame() const {
    Vga::Frame f;
    vga.render(f);
    return f;
  }
  void advance(Picos d) { sched.advance_to(sched.now() + d); }
};

u32 px(const Vga::Frame& f, u32 x, u32 y) { return f.pixels.at(static_cast<std::size_t>(y) * f.width + x); }

std::string line_of(const std::string& screen, unsigned n) {
  std::size_t pos = 0;
  for (unsigned i = 0; i < n; ++i) pos = screen.find('\n', pos) + 1;
  return screen.substr(pos, screen.find('\n', pos) - pos);
}

}  // namespace

TEST_CASE("vga: power-on state", "[vga]") {
  Rig r;
  CHECK(r.vga.io_max_width() == Width::Word);
  CHECK(r.vga.vram().size() == Vga::kVramBytes);
  CHECK(r.inb(0x3CC) == 0x00);
  // Miscellaneous Output bit 0 = 0: the CRTC is at 3B4h, 3D4h/3D5h/3DAh float.
  CHECK(r.inb(0x3D4) == 0xFF);
  CHECK(r.inb(0x3DA) == 0xFF);
  CHECK(r.inb(0x3B4) == 0x00);
  // RAM disabled until the BIOS sets Miscellaneous Output bit 1.
  r.wb(0xA0000, 0x12);
  CHECK(r.rb(0xA0000) == 0xFF);
  CHECK(r.vga.vram()[0] == 0);
  CHECK(r.dispi(Vga::kDispiId) == 0xB0C5);
  CHECK(r.dispi(Vga::kDispiEnable) == 0);
  CHECK(!r.vga.vbe_enabled());
  // Unprogrammed and blanked (palette address source clear).
  const auto f = r.frame();
  CHECK(f.width == 640);
  CHECK(f.height == 480);
  CHECK(f.pixels.size() == 640u * 480u);
  CHECK(std::all_of(f.pixels.begin(), f.pixels.end(), [](u32 p) { return p == 0; }));
  CHECK(r.vga.text_screen().empty());
  CHECK(!r.vga.dump().empty());
}

TEST_CASE("vga: 16-bit OUT to the index ports writes index then data", "[vga]") {
  Rig r;
  r.outb(0x3C2, 0x01);
  r.outw(0x3C4, 0x0F02);
  CHECK(r.inb(0x3C4) == 0x02);
  CHECK(r.inb(0x3C5) == 0x0F);
  CHECK(r.inw(0x3C4) == 0x0F02);
  r.outw(0x3CE, 0xA508);
  CHECK(r.inb(0x3CE) == 0x08);
  CHECK(r.inb(0x3CF) == 0xA5);
  r.outw(0x3D4, 0x550E);
  CHECK(r.crtc_read(0x0E) == 0x55);
  // Undefined indices read FFh; index registers keep their width.
  r.outb(0x3C4, 0x0F);
  CHECK(r.inb(0x3C4) == 0x07);
  r.outb(0x3CE, 0x0C);
  CHECK(r.inb(0x3CF) == 0xFF);
  r.outb(0x3D4, 0x30);
  CHECK(r.inb(0x3D5) == 0xFF);
  // Ports the VGA does not decode.
  CHECK(r.inb(0x3CD) == 0xFF);
  CHECK(r.inb(0x3D8) == 0xFF);
}

TEST_CASE("vga: Miscellaneous Output selects the CRTC ports", "[vga]") {
  Rig r;
  r.outb(0x3B4, 0x0E);
  r.outb(0x3B5, 0x12);  // mono CRTC
  CHECK(r.inb(0x3B5) == 0x12);
  r.outb(0x3D5, 0x34);  // ignored: colour ports not selected
  r.outb(0x3C2, 0x67);
  CHECK(r.inb(0x3CC) == 0x67);
  CHECK(r.inb(0x3B4) == 0xFF);
  CHECK(r.inb(0x3B5) == 0xFF);
  CHECK(r.inb(0x3BA) == 0xFF);
  CHECK(r.crtc_read(0x0E) == 0x12);  // one CRTC, two port ranges
  // Feature Control: written at 3DAh (colour), read at 3CAh.
  r.outb(0x3DA, 0x03);
  CHECK(r.inb(0x3CA) == 0x03);
  r.outb(0x3C3, 0x01);
  CHECK(r.inb(0x3C3) == 0x01);
  CHECK(r.inb(0x3C2) == 0x00);  // Input Status 0
}

TEST_CASE("vga: attribute controller flip-flop and palette address source", "[vga]") {
  Rig r;
  r.outb(0x3C2, 0x01);
  r.inb(0x3DA);
  r.outb(0x3C0, 0x10);  // index
  r.outb(0x3C0, 0x41);  // data: AR10
  r.outb(0x3C0, 0x12);  // index again (the flip-flop toggled back)
  CHECK(r.inb(0x3C0) == 0x12);
  r.outb(0x3C0, 0x0F);  // data: AR12
  r.outb(0x3C0, 0x10);  // index; the flip-flop now expects data
  CHECK(r.inb(0x3C1) == 0x41);
  CHECK(r.inb(0x3C1) == 0x41);  // reading data does not toggle
  // Reading Input Status 1 resets the flip-flop: the next write is an index.
  r.inb(0x3DA);
  r.outb(0x3C0, 0x13);
  CHECK(r.inb(0x3C0) == 0x13);
  r.outb(0x3C0, 0x05);  // data: AR13
  r.inb(0x3DA);
  r.outb(0x3C0, 0x10);
  CHECK(r.inb(0x3C1) == 0x41);  // AR10 untouched
  r.inb(0x3DA);
  r.outb(0x3C0, 0x12);
  CHECK(r.inb(0x3C1) == 0x0F);
  // Reading the unselected (mono) 3BAh does not reset the flip-flop.
  CHECK(r.inb(0x3BA) == 0xFF);
  r.outb(0x3C0, 0x07);  // still data: AR12
  r.inb(0x3DA);
  r.outb(0x3C0, 0x12);
  CHECK(r.inb(0x3C1) == 0x07);
  // Palette registers hold 6 bits; bit 5 of the index is the palette
  // address source, read back with the index.
  r.attr(0x03, 0xFF);
  r.inb(0x3DA);
  r.outb(0x3C0, 0x23);
  CHECK(r.inb(0x3C0) == 0x23);
  CHECK(r.inb(0x3C1) == 0x3F);
}

TEST_CASE("vga: CRTC protect bit", "[vga]") {
  Rig r;
  r.outb(0x3C2, 0x01);
  for (u8 i = 0; i <= 8; ++i) r.crtc(i, static_cast<u8>(0x10 + i));
  r.crtc(0x11, 0x80);  // protect CR00-CR07
  r.crtc(0x00, 0xAA);
  r.crtc(0x06, 0xAA);
  CHECK(r.crtc_read(0x00) == 0x10);
  CHECK(r.crtc_read(0x06) == 0x16);
  // CR07: only bit 4 (line compare bit 8) stays writable.
  r.crtc(0x07, 0xEF);
  CHECK(r.crtc_read(0x07) == 0x07);
  r.crtc(0x07, 0x10);
  CHECK(r.crtc_read(0x07) == 0x17);
  r.crtc(0x08, 0x55);  // outside the protected range
  CHECK(r.crtc_read(0x08) == 0x55);
  r.crtc(0x11, 0x00);
  r.crtc(0x00, 0xAA);
  CHECK(r.crtc_read(0x00) == 0xAA);
}

TEST_CASE("vga: DAC auto-increment, read back and state", "[vga]") {
  Rig r;
  r.outb(0x3C8, 0x05);
  for (u8 v : {0x01, 0x02, 0x03, 0x04, 0x05, 0xFF}) r.outb(0x3C9, v);
  CHECK(r.inb(0x3C8) == 0x07);
  CHECK(r.inb(0x3C7) == 0x00);  // write mode
  r.outb(0x3C7, 0x05);
  CHECK(r.inb(0x3C7) == 0x03);  // read mode
  CHECK(r.inb(0x3C9) == 0x01);
  CHECK(r.inb(0x3C9) == 0x02);
  CHECK(r.inb(0x3C9) == 0x03);
  CHECK(r.inb(0x3C9) == 0x04);
  CHECK(r.inb(0x3C9) == 0x05);
  CHECK(r.inb(0x3C9) == 0x3F);  // 6-bit DAC
  // An entry is written only after its third component; 3C8h restarts it.
  r.outb(0x3C8, 0x09);
  r.outb(0x3C9, 0x11);
  r.outb(0x3C9, 0x12);
  r.outb(0x3C8, 0x0A);
  r.outb(0x3C7, 0x09);
  CHECK(r.inb(0x3C9) == 0x00);
  // The index wraps at 255.
  r.dac(0xFF, 1, 2, 3);
  CHECK(r.inb(0x3C8) == 0x00);
  r.outb(0x3C6, 0x0F);
  CHECK(r.inb(0x3C6) == 0x0F);
}

TEST_CASE("vga: mode 3 text through the B8000h window", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  const auto g = r.vga.geometry();
  CHECK(g.text);
  CHECK(r.vga.text_mode());
  CHECK(g.columns == 80);
  CHECK(g.rows == 25);
  CHECK(g.width == 720);
  CHECK(g.height == 400);
  // Clear as a BIOS does (dword stores of two 0720h cells), then text.
  for (u32 a = 0; a < 80 * 25 * 2; a += 4) r.wd(kB8000 + a, 0x07200720);
  const std::string hello = "Hello, VGA";
  for (u32 i = 0; i < hello.size(); ++i) {
    r.wb(kB8000 + 2 * i, static_cast<u8>(hello[i]));
    r.wb(kB8000 + 2 * i + 1, 0x07);
  }
  const std::string row2 = "row two\x01\xB3";
  for (u32 i = 0; i < row2.size(); ++i)
    r.ww(kB8000 + 2 * (2 * 80 + i), static_cast<u16>(0x1F00 | static_cast<u8>(row2[i])));
  r.ww(kB8000 + 2 * (24 * 80 + 79), 0x0700 | 'Z');

  const std::string screen = r.vga.text_screen();
  CHECK(std::count(screen.begin(), screen.end(), '\n') == 25);
  CHECK(line_of(screen, 0) == "Hello, VGA");
  CHECK(line_of(screen, 1).empty());
  CHECK(line_of(screen, 2) == "row two..");
  CHECK(line_of(screen, 24) == std::string(79, ' ') + "Z");
  // Odd/even: characters in plane 0, attributes in plane 1, at even
  // plane addresses; reads come back through the same path.
  CHECK(r.vga.vram()[0] == 'H');
  CHECK(r.vga.vram()[1] == 0x07);
  CHECK(r.vga.vram()[4 * 2] == 'e');
  CHECK(r.vga.vram()[2] == 0);  // plane 2 (the font) untouched
  CHECK(r.rb(kB8000 + 2) == 'e');
  CHECK(r.rb(kB8000 + 3) == 0x07);
  CHECK(r.vga.mmio_read(kB8000 - kA0000, Width::Word) == 0x0748);
  // The A0000h and B0000h ranges are outside the B8000h map.
  CHECK(r.rb(kA0000) == 0xFF);
  CHECK(r.rb(0xB0000) == 0xFF);
  // Page 1 (B9000h): start address 0800h.
  r.ww(kB8000 + 0x1000, 0x0700 | 'P');
  r.crtc(0x0C, 0x08);
  r.crtc(0x0D, 0x00);
  CHECK(line_of(r.vga.text_screen(), 0) == "P");
  // Graphics modes have no text.
  r.gc(0x06, 0x0F);
  CHECK(!r.vga.text_mode());
  CHECK(r.vga.text_screen().empty());
}

TEST_CASE("vga: font load into plane 2 and glyph rendering", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  // 'A': top row solid, then the two edge columns. C4h (a line-graphics
  // code) has only column 7 set in row 5.
  r.font_access();
  for (u32 s = 0; s < 16; ++s) r.wb(kA0000 + 'A' * 32 + s, s == 0 ? 0xFF : 0x81);
  r.wb(kA0000 + 0xC4 * 32 + 5, 0x01);
  CHECK(r.rb(kA0000 + 'A' * 32) == 0xFF);  // read map 2
  CHECK(r.rb(kA0000 + 'A' * 32 + 1) == 0x81);
  r.text_access();
  CHECK(r.vga.vram()[4 * ('A' * 32) + 2] == 0xFF);
  CHECK(r.vga.vram()[4 * ('A' * 32) + 0] == 0x00);
  CHECK(r.vga.vram()[4 * ('A' * 32) + 1] == 0x00);

  // Attribute 1Eh: yellow (palette E -> DAC 3Eh) on blue (palette 1 -> DAC 1).
  r.dac(0x01, 0x00, 0x00, 0x2A);
  r.dac(0x3E, 0x3F, 0x3F, 0x15);
  r.dac(0x07, 0x2A, 0x2A, 0x2A);
  r.ww(kB8000 + 0, 0x1E00 | 'A');
  r.ww(kB8000 + 2, 0x07C4);
  r.crtc(0x0A, 0x20);  // cursor off for now
  const auto f = r.frame();
  REQUIRE(f.width == 720);
  REQUIRE(f.height == 400);
  constexpr u32 kYellow = 0xFFFF55, kBlue = 0x0000AA, kGrey = 0xAAAAAA;
  CHECK(px(f, 0, 0) == kYellow);
  CHECK(px(f, 7, 0) == kYellow);
  CHECK(px(f, 8, 0) == kBlue);  // 9th column of a non-line-graphics code
  CHECK(px(f, 0, 1) == kYellow);
  CHECK(px(f, 1, 1) == kBlue);
  CHECK(px(f, 7, 1) == kYellow);
  CHECK(px(f, 8, 1) == kBlue);
  // C4h with AR10 bit 2 (line graphics): the 9th column repeats the 8th.
  CHECK(px(f, 9 + 6, 5) == 0);
  CHECK(px(f, 9 + 7, 5) == kGrey);
  CHECK(px(f, 9 + 8, 5) == kGrey);
  CHECK(px(f, 9 + 8, 4) == 0);
  r.attr(0x10, 0x08);
  r.enable_video();
  CHECK(px(r.frame(), 9 + 8, 5) == 0);
  // 8-dot characters (SR01 bit 0): 640 pixels wide.
  r.seq(0x01, 0x01);
  CHECK(r.vga.geometry().width == 640);
  const auto f8 = r.frame();
  CHECK(px(f8, 7, 0) == kYellow);
  CHECK(px(f8, 8, 0) == 0);  // the C4h cell starts at x = 8
  CHECK(px(f8, 8 + 7, 5) == kGrey);
}

TEST_CASE("vga: cursor and blink follow virtual time", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  r.dac(0x07, 0x2A, 0x2A, 0x2A);
  r.font_access();
  for (u32 s = 0; s < 16; ++s) r.wb(kA0000 + 'B' * 32 + s, 0xFF);
  r.text_access();
  r.ww(kB8000 + 2 * 2, 0x0720);  // cursor cell: a space
  r.ww(kB8000 + 2 * 3, 0x8700 | 'B');  // blinking solid block
  r.crtc(0x0A, 0x0E);
  r.crtc(0x0B, 0x0F);
  r.crtc(0x0E, 0x00);
  r.crtc(0x0F, 0x02);
  const Picos frame = r.vga.frame_period();
  // Mode 3: 900 dots x 449 lines at 28.322 MHz, about 70.08 Hz.
  CHECK(frame > kPicosPerSecond / 71);
  CHECK(frame < kPicosPerSecond / 70);
  constexpr u32 kGrey = 0xAAAAAA;
  auto f = r.frame();
  CHECK(px(f, 18, 13) == 0);
  CHECK(px(f, 18, 14) == kGrey);
  CHECK(px(f, 26, 15) == kGrey);
  CHECK(px(f, 27, 0) == kGrey);  // blink phase: visible
  r.advance(8 * frame);
  f = r.frame();
  CHECK(px(f, 18, 14) == 0);  // cursor off
  CHECK(px(f, 27, 0) == kGrey);
  r.advance(8 * frame);
  f = r.frame();
  CHECK(px(f, 18, 14) == kGrey);
  CHECK(px(f, 27, 0) == 0);  // blinking character hidden
  // AR10 bit 3 clear: bit 7 is background intensity instead (palette 8 ->
  // DAC 38h).
  r.dac(0x38, 0x15, 0x15, 0x15);
  r.attr(0x10, 0x04);
  r.enable_video();
  f = r.frame();
  CHECK(px(f, 27, 0) == kGrey);
  r.font_access();
  r.wb(kA0000 + 'B' * 32 + 3, 0x00);
  r.text_access();
  CHECK(px(r.frame(), 27, 3) == 0x555555);
  // Cursor start > end: no cursor; bit 5: cursor off.
  r.crtc(0x0A, 0x0F);
  r.crtc(0x0B, 0x0E);
  CHECK(px(r.frame(), 18, 14) == 0);
  r.crtc(0x0A, 0x2E);
  r.crtc(0x0B, 0x0F);
  CHECK(px(r.frame(), 18, 14) == 0);
}

TEST_CASE("vga: screen off blanks the frame", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  r.dac(0x07, 0x2A, 0x2A, 0x2A);
  r.ww(kB8000, 0x7000);  // grey background cell
  CHECK(px(r.frame(), 0, 0) == 0xAAAAAA);
  r.seq(0x01, 0x20);  // Clocking Mode bit 5: screen off
  auto f = r.frame();
  CHECK(f.width == 720);
  CHECK(std::all_of(f.pixels.begin(), f.pixels.end(), [](u32 p) { return p == 0; }));
  r.seq(0x01, 0x00);
  CHECK(px(r.frame(), 0, 0) == 0xAAAAAA);
  r.inb(0x3DA);
  r.outb(0x3C0, 0x00);  // palette address source clear
  f = r.frame();
  CHECK(std::all_of(f.pixels.begin(), f.pixels.end(), [](u32 p) { return p == 0; }));
  CHECK(line_of(r.vga.text_screen(), 0).empty());  // text is still there to read
}

TEST_CASE("vga: mode 13h chain-4 pixels through the DAC", "[vga]") {
  Rig r;
  r.set_mode(kMode13);
  const auto g = r.vga.geometry();
  CHECK(!g.text);
  CHECK(g.width == 320);
  CHECK(g.height == 200);
  CHECK(r.vga.text_screen().empty());
  r.dac(0x42, 0x3F, 0x00, 0x20);
  r.dac(0x99, 0x00, 0x3F, 0x00);
  r.wb(kA0000 + 10 * 320 + 7, 0x42);
  r.wb(kA0000 + 199 * 320 + 319, 0x99);  // beyond 16 KiB: A15-A14 in the plane address
  r.wb(kA0000 + 100 * 320 + 160, 0x42);
  CHECK(r.rb(kA0000 + 10 * 320 + 7) == 0x42);
  // Chain-4: A1-A0 select the plane.
  CHECK(r.vga.vram()[4 * (10 * 320 + 4) + 3] == 0x42);
  auto f = r.frame();
  CHECK(px(f, 7, 10) == 0xFF0082);
  CHECK(px(f, 6, 10) == 0x000000);
  CHECK(px(f, 319, 199) == 0x00FF00);
  CHECK(px(f, 160, 100) == 0xFF0082);
  // PEL mask applies to the DAC index.
  r.dac(0x02, 0x00, 0x00, 0x3F);
  r.outb(0x3C6, 0x0F);
  CHECK(px(r.frame(), 7, 10) == 0x0000FF);
  r.outb(0x3C6, 0xFF);
  // The DISPI 8-bit DAC flag: full 8-bit entries.
  r.dispi(Vga::kDispiEnable, Vga::kDispi8BitDac);
  r.dac(0x42, 0xFF, 0x10, 0x80);
  CHECK(px(r.frame(), 7, 10) == 0xFF1080);
  // CRTC start address moves the picture (doubleword mode: 4 pixels per unit).
  r.dispi(Vga::kDispiEnable, 0);
  r.crtc(0x0C, 0x00);
  r.crtc(0x0D, 80);  // one line down
  CHECK(px(r.frame(), 7, 9) != 0);
}

TEST_CASE("vga: mode 12h planar write modes, map mask, bit mask, set/reset", "[vga]") {
  Rig r;
  r.set_mode(kMode12);
  const auto g = r.vga.geometry();
  CHECK(g.width == 640);
  CHECK(g.height == 480);
  const auto plane = [&](u32 off, unsigned p) { return r.vga.vram()[4 * off + p]; };

  // Write mode 0, all planes, no set/reset: the byte goes to every plane.
  r.wb(kA0000 + 0, 0xF0);
  for (unsigned p = 0; p < 4; ++p) CHECK(plane(0, p) == 0xF0);
  // Map mask: plane 1 only.
  r.seq(0x02, 0x02);
  r.wb(kA0000 + 1, 0xFF);
  CHECK(plane(1, 0) == 0x00);
  CHECK(plane(1, 1) == 0xFF);
  CHECK(plane(1, 2) == 0x00);
  r.seq(0x02, 0x0F);
  // Set/reset 5 on every plane, bit mask 81h: bits 7 and 0 take colour 5,
  // the rest keep the latches (loaded by a read).
  r.gc(0x00, 0x05);
  r.gc(0x01, 0x0F);
  r.gc(0x08, 0x81);
  r.rb(kA0000 + 2);
  r.wb(kA0000 + 2, 0x00);
  CHECK(plane(2, 0) == 0x81);
  CHECK(plane(2, 1) == 0x00);
  CHECK(plane(2, 2) == 0x81);
  CHECK(plane(2, 3) == 0x00);
  // Enable set/reset on plane 0 only: planes 1-3 take the CPU byte.
  r.gc(0x01, 0x01);
  r.gc(0x08, 0xFF);
  r.wb(kA0000 + 3, 0x3C);
  CHECK(plane(3, 0) == 0xFF);
  CHECK(plane(3, 1) == 0x3C);
  CHECK(plane(3, 3) == 0x3C);
  r.gc(0x01, 0x00);
  // Data rotate 1 and the XOR function with the latches.
  r.rb(kA0000 + 3);
  r.gc(0x03, 0x19);
  r.wb(kA0000 + 3, 0x01);  // rotated: 80h
  CHECK(plane(3, 0) == 0x7F);
  CHECK(plane(3, 1) == 0xBC);
  r.gc(0x03, 0x08);  // AND
  r.rb(kA0000 + 0);  // latches F0h
  r.wb(kA0000 + 4, 0x3C);
  CHECK(plane(4, 2) == 0x30);
  r.gc(0x03, 0x00);
  // Write mode 1: the latches (F0h in every plane) are copied.
  r.gc(0x05, 0x01);
  r.rb(kA0000 + 0);
  r.wb(kA0000 + 0x10, 0x00);
  for (unsigned p = 0; p < 4; ++p) CHECK(plane(0x10, p) == 0xF0);
  // Write mode 2: CPU bits 3-0 fill the planes, under the bit mask.
  r.gc(0x05, 0x02);
  r.gc(0x08, 0x0F);
  r.rb(kA0000 + 0x20);
  r.wb(kA0000 + 0x20, 0x0C);
  CHECK(plane(0x20, 0) == 0x00);
  CHECK(plane(0x20, 1) == 0x00);
  CHECK(plane(0x20, 2) == 0x0F);
  CHECK(plane(0x20, 3) == 0x0F);
  // Write mode 3: set/reset colour, bit mask = rotated data AND GR08.
  r.gc(0x05, 0x03);
  r.gc(0x00, 0x09);
  r.gc(0x08, 0xFF);
  r.rb(kA0000 + 0x30);
  r.wb(kA0000 + 0x30, 0x3C);
  CHECK(plane(0x30, 0) == 0x3C);
  CHECK(plane(0x30, 1) == 0x00);
  CHECK(plane(0x30, 3) == 0x3C);
  r.gc(0x05, 0x00);

  // Render through the 16-colour palette: colour 15 -> AR0F = 3Fh,
  // colour 12 -> 3Ch, colour 2 -> 02h.
  r.dac(0x3F, 0x3F, 0x3F, 0x3F);
  r.dac(0x3C, 0x3F, 0x15, 0x15);
  r.dac(0x02, 0x00, 0x2A, 0x00);
  const auto f = r.frame();
  CHECK(px(f, 0, 0) == 0xFFFFFF);
  CHECK(px(f, 3, 0) == 0xFFFFFF);
  CHECK(px(f, 4, 0) == 0x000000);
  CHECK(px(f, 8, 0) == 0x00AA00);
  CHECK(px(f, 0x20 * 8 + 4, 0) == 0xFF5555);
  CHECK(px(f, 0x20 * 8 + 3, 0) == 0x000000);
  // The second scan line starts 80 bytes on.
  r.wb(kA0000 + 80, 0x80);
  CHECK(px(r.frame(), 0, 1) == 0xFFFFFF);
  // Color Plane Enable masks planes out of the pixel value.
  r.attr(0x12, 0x00);
  r.enable_video();
  CHECK(px(r.frame(), 0, 0) == 0x000000);
}

TEST_CASE("vga: read modes 0 and 1 with the latches", "[vga]") {
  Rig r;
  r.set_mode(kMode12);
  const u8 values[4] = {0xAA, 0xCC, 0xF0, 0xFF};
  for (u8 p = 0; p < 4; ++p) {
    r.seq(0x02, static_cast<u8>(1 << p));
    r.wb(kA0000 + 0x100, values[p]);
  }
  r.seq(0x02, 0x0F);
  // Read mode 0: Read Map Select picks the plane.
  for (u8 p = 0; p < 4; ++p) {
    r.gc(0x04, p);
    CHECK(r.rb(kA0000 + 0x100) == values[p]);
  }
  r.gc(0x04, 0x00);
  // Read mode 1: 1 where the pixel equals Color Compare in the planes
  // Color Don't Care selects.
  r.gc(0x05, 0x08);
  r.gc(0x07, 0x0F);
  r.gc(0x02, 0x0F);
  CHECK(r.rb(kA0000 + 0x100) == 0x80);  // AA & CC & F0 & FF
  r.gc(0x02, 0x00);
  CHECK(r.rb(kA0000 + 0x100) == 0x00);
  r.gc(0x07, 0x01);  // only plane 0 compared
  CHECK(r.rb(kA0000 + 0x100) == 0x55);
  r.gc(0x07, 0x00);  // nothing compared: all match
  CHECK(r.rb(kA0000 + 0x100) == 0xFF);
  r.gc(0x05, 0x00);
  // The read loaded all four latches: write mode 1 copies them.
  r.gc(0x05, 0x01);
  r.wb(kA0000 + 0x200, 0x00);
  r.gc(0x05, 0x00);
  for (u8 p = 0; p < 4; ++p) CHECK(r.vga.vram()[4 * 0x200 + p] == values[p]);
}

TEST_CASE("vga: memory map select and RAM enable", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  r.ww(kB8000, 0x0741);
  r.gc(0x06, 0x0A);  // B0000h, 32 KiB, odd/even
  CHECK(r.rb(0xB0000) == 0x41);
  CHECK(r.rb(kB8000) == 0xFF);
  r.gc(0x06, 0x06);  // A0000h, 64 KiB
  CHECK(r.rb(kA0000) == 0x41);
  CHECK(r.rb(kA0000 + 1) == 0x07);
  CHECK(r.rb(0xB0000) == 0xFF);
  r.gc(0x06, 0x02);  // A0000h, 128 KiB
  CHECK(r.rb(kA0000) == 0x41);
  r.gc(0x06, 0x0E);
  CHECK(r.rb(kB8000) == 0x41);
  // Miscellaneous Output bit 1 clear: no CPU access to video memory.
  r.outb(0x3C2, 0x65);
  CHECK(r.rb(kB8000) == 0xFF);
  r.wb(kB8000, 0x42);
  r.outb(0x3C2, 0x67);
  CHECK(r.rb(kB8000) == 0x41);
  // Out of the window entirely.
  CHECK(r.vga.mmio_read(Vga::kWindowBytes, Width::Byte) == 0xFF);
}

TEST_CASE("vga: CGA 320x200x4 interleaved scan lines (mode 4)", "[vga]") {
  Rig r;
  r.set_mode(kMode4);
  const auto g = r.vga.geometry();
  CHECK(g.width == 320);
  CHECK(g.height == 200);
  r.dac(0x17, 0x3F, 0x3F, 0x3F);  // colour 3 -> AR03 = 17h
  r.dac(0x13, 0x00, 0x2A, 0x2A);  // colour 1 -> AR01 = 13h
  r.wb(kB8000 + 0, 0xE4);         // line 0, pixels 0-3: 3 2 1 0
  r.wb(kB8000 + 1, 0xC0);         // line 0, pixel 4: 3 (odd byte: plane 1)
  r.wb(kB8000 + 0x2000, 0x1B);    // line 1: 0 1 2 3
  r.wb(kB8000 + 80, 0x40);        // line 2, pixel 0: 1
  const auto f = r.frame();
  CHECK(px(f, 0, 0) == 0xFFFFFF);
  CHECK(px(f, 2, 0) == 0x00AAAA);
  CHECK(px(f, 3, 0) == 0x000000);
  CHECK(px(f, 4, 0) == 0xFFFFFF);
  CHECK(px(f, 0, 1) == 0x000000);
  CHECK(px(f, 1, 1) == 0x00AAAA);
  CHECK(px(f, 3, 1) == 0xFFFFFF);
  CHECK(px(f, 0, 2) == 0x00AAAA);
}

TEST_CASE("vga: CGA 640x200x2 (mode 6)", "[vga]") {
  Rig r;
  r.set_mode(kMode6);
  const auto g = r.vga.geometry();
  CHECK(g.width == 640);
  CHECK(g.height == 200);
  r.dac(0x17, 0x3F, 0x3F, 0x3F);
  r.wb(kB8000 + 0, 0x81);       // line 0: pixels 0 and 7
  r.wb(kB8000 + 79, 0x01);      // line 0: pixel 639
  r.wb(kB8000 + 0x2000, 0x40);  // line 1: pixel 1
  r.wb(kB8000 + 80, 0x80);      // line 2: pixel 0
  CHECK(r.vga.vram()[4 * 0x2000] == 0x40);  // sequential, plane 0 only
  CHECK(r.vga.vram()[4 * 0x2000 + 1] == 0x00);
  const auto f = r.frame();
  CHECK(px(f, 0, 0) == 0xFFFFFF);
  CHECK(px(f, 1, 0) == 0x000000);
  CHECK(px(f, 7, 0) == 0xFFFFFF);
  CHECK(px(f, 639, 0) == 0xFFFFFF);
  CHECK(px(f, 0, 1) == 0x000000);
  CHECK(px(f, 1, 1) == 0xFFFFFF);
  CHECK(px(f, 0, 2) == 0xFFFFFF);
  CHECK(px(f, 0, 3) == 0x000000);
}

TEST_CASE("vga: vertical retrace and display enable follow virtual time", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  // Mode 3: 449 lines per frame, retrace at lines 412-413 (CR10 = 19Ch,
  // CR11 bits 3-0 = Eh), 400 displayed lines, 720 of 900 dots displayed.
  const Picos frame = r.vga.frame_period();
  const Picos line = frame / 449;
  REQUIRE(line * 449 == frame);
  const auto status = [&](Picos t) {
    r.sched.advance_to(t);
    return r.inb(0x3DA) & 0x09;
  };
  CHECK(status(0) == 0x00);
  CHECK(status(line * 100 + line / 2) == 0x00);
  CHECK(status(line * 100 + line * 9 / 10) == 0x01);  // horizontal blanking
  CHECK(status(line * 405) == 0x01);                  // vertical blanking
  CHECK(status(line * 412 + line / 2) == 0x09);       // vertical retrace
  CHECK(status(line * 413 + line / 2) == 0x09);
  CHECK(status(line * 414 + line / 2) == 0x01);
  CHECK(status(frame + line * 3) == 0x00);
  CHECK(status(frame + line * 412 + 1) == 0x09);
  // Over one second the retrace bit rises once per frame, about 70 times.
  int rises = 0;
  int samples_in_retrace = 0;
  bool prev = true;
  const Picos t0 = r.sched.now();
  for (Picos t = t0; t < t0 + kPicosPerSecond; t += 10'000'000) {
    const bool vr = status(t) & 0x08;
    if (vr && !prev) ++rises;
    if (vr) ++samples_in_retrace;
    prev = vr;
  }
  CHECK(rises >= 69);
  CHECK(rises <= 71);
  // 2 of 449 lines: about 0.45% of 100,000 samples.
  CHECK(samples_in_retrace > 350);
  CHECK(samples_in_retrace < 550);
}

TEST_CASE("vga: Bochs DISPI ID handshake and capabilities", "[vga]") {
  Rig r;
  CHECK(r.dispi(Vga::kDispiId) == 0xB0C5);
  r.dispi(Vga::kDispiId, 0xB0C0);
  CHECK(r.dispi(Vga::kDispiId) == 0xB0C0);
  r.dispi(Vga::kDispiId, 0xB0C4);
  CHECK(r.dispi(Vga::kDispiId) == 0xB0C4);
  r.dispi(Vga::kDispiId, 0xB0C6);  // not a version we have
  CHECK(r.dispi(Vga::kDispiId) == 0xB0C4);
  r.dispi(Vga::kDispiId, 0x1234);
  CHECK(r.dispi(Vga::kDispiId) == 0xB0C4);
  r.dispi(Vga::kDispiId, 0xB0C5);
  CHECK(r.dispi(Vga::kDispiId) == 0xB0C5);
  CHECK(r.dispi(Vga::kDispiVideoMemory64K) == 256);
  r.dispi(Vga::kDispiVideoMemory64K, 1);  // read-only
  CHECK(r.dispi(Vga::kDispiVideoMemory64K) == 256);
  CHECK(r.inw(Vga::kDispiIndexPort) == Vga::kDispiVideoMemory64K);
  // GETCAPS: XRES/YRES/BPP read as the maxima.
  r.dispi(Vga::kDispiXres, 1024);
  r.dispi(Vga::kDispiEnable, Vga::kDispiGetCaps);
  CHECK(r.dispi(Vga::kDispiXres) == 2560);
  CHECK(r.dispi(Vga::kDispiYres) == 1600);
  CHECK(r.dispi(Vga::kDispiBpp) == 32);
  CHECK(!r.vga.vbe_enabled());
  r.dispi(Vga::kDispiEnable, 0);
  CHECK(r.dispi(Vga::kDispiXres) == 1024);
  // Out-of-range or unsupported values are ignored; BPP 0 means 8.
  r.dispi(Vga::kDispiXres, 4096);
  CHECK(r.dispi(Vga::kDispiXres) == 1024);
  r.dispi(Vga::kDispiBpp, 12);
  CHECK(r.dispi(Vga::kDispiBpp) == 0);
  r.dispi(Vga::kDispiBpp, 0);
  CHECK(r.dispi(Vga::kDispiBpp) == 8);
  for (u16 bpp : {4, 8, 15, 16, 24, 32}) {
    r.dispi(Vga::kDispiBpp, bpp);
    CHECK(r.dispi(Vga::kDispiBpp) == bpp);
  }
  // Byte accesses: the low byte of the register.
  r.outb(Vga::kDispiIndexPort, Vga::kDispiId);
  CHECK(r.inb(Vga::kDispiDataPort) == 0xC5);
}

TEST_CASE("vga: DISPI 800x600x32 with the linear framebuffer", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  r.dispi(Vga::kDispiBpp, 32);
  r.dispi(Vga::kDispiXres, 800);
  r.dispi(Vga::kDispiYres, 600);
  r.dispi(Vga::kDispiBank, 0);
  r.dispi(Vga::kDispiEnable, Vga::kDispiEnabled | Vga::kDispiLfbEnabled);
  CHECK(r.vga.vbe_enabled());
  CHECK(r.dispi(Vga::kDispiEnable) == (Vga::kDispiEnabled | Vga::kDispiLfbEnabled));
  CHECK(r.dispi(Vga::kDispiVirtWidth) == 800);
  CHECK(r.dispi(Vga::kDispiVirtHeight) == Vga::kVramBytes / 3200);
  const auto g = r.vga.geometry();
  CHECK(!g.text);
  CHECK(g.width == 800);
  CHECK(g.height == 600);
  CHECK(r.vga.text_screen().empty());
  // Guest writes to the LFB land in vram() directly.
  auto vram = r.vga.vram();
  store_le<u32>(&vram[(20 * 800 + 10) * 4], 0x00123456);
  store_le<u32>(&vram[(599 * 800 + 799) * 4], 0xFF654321);  // top byte unused
  auto f = r.frame();
  REQUIRE(f.width == 800);
  REQUIRE(f.height == 600);
  CHECK(px(f, 10, 20) == 0x123456);
  CHECK(px(f, 799, 599) == 0x654321);
  CHECK(px(f, 0, 0) == 0);
  // Display start: X/Y offset.
  r.dispi(Vga::kDispiYOffset, 20);
  r.dispi(Vga::kDispiXOffset, 10);
  CHECK(px(r.frame(), 0, 0) == 0x123456);
  r.dispi(Vga::kDispiXOffset, 0);
  r.dispi(Vga::kDispiYOffset, 0);
  // Virtual width: the line pitch.
  r.dispi(Vga::kDispiVirtWidth, 1024);
  CHECK(r.dispi(Vga::kDispiVirtHeight) == Vga::kVramBytes / 4096);
  store_le<u32>(&vram[(1 * 1024 + 5) * 4], 0x00ABCDEF);
  CHECK(px(r.frame(), 5, 1) == 0xABCDEF);
  r.dispi(Vga::kDispiVirtWidth, 100);  // at least XRES
  CHECK(r.dispi(Vga::kDispiVirtWidth) == 800);
  // Retrace in VBE modes: 60 Hz.
  CHECK(r.vga.frame_period() > kPicosPerSecond / 61);
  CHECK(r.vga.frame_period() < kPicosPerSecond / 59);
  // Disabling returns to the VGA mode.
  r.dispi(Vga::kDispiEnable, 0);
  CHECK(!r.vga.vbe_enabled());
  CHECK(r.vga.geometry().text);
  CHECK(r.vga.geometry().width == 720);
  // Enabling clears video memory unless NOCLEARMEM.
  vram[100] = 0x5A;
  r.dispi(Vga::kDispiEnable, Vga::kDispiEnabled | Vga::kDispiNoClearMem);
  CHECK(vram[100] == 0x5A);
  r.dispi(Vga::kDispiEnable, 0);
  r.dispi(Vga::kDispiEnable, Vga::kDispiEnabled);
  CHECK(vram[100] == 0x00);
  // Blanked like VGA when the palette address source is clear.
  store_le<u32>(&vram[0], 0x00FFFFFF);
  CHECK(px(r.frame(), 0, 0) == 0xFFFFFF);
  r.inb(0x3DA);
  r.outb(0x3C0, 0x00);
  CHECK(px(r.frame(), 0, 0) == 0);
}

TEST_CASE("vga: DISPI pixel formats", "[vga]") {
  Rig r;
  r.enable_video();
  auto vram = r.vga.vram();
  const auto mode = [&](u16 bpp) {
    r.dispi(Vga::kDispiEnable, 0);
    r.dispi(Vga::kDispiBpp, bpp);
    r.dispi(Vga::kDispiXres, 640);
    r.dispi(Vga::kDispiYres, 480);
    r.dispi(Vga::kDispiEnable, Vga::kDispiEnabled | Vga::kDispiLfbEnabled);
  };
  mode(8);
  r.dac(3, 0x3F, 0x00, 0x00);
  vram[1] = 3;
  CHECK(px(r.frame(), 1, 0) == 0xFF0000);
  r.dispi(Vga::kDispiEnable,
          Vga::kDispiEnabled | Vga::kDispiLfbEnabled | Vga::kDispi8BitDac);
  r.dac(3, 0x80, 0x40, 0x01);
  CHECK(px(r.frame(), 1, 0) == 0x804001);
  mode(15);
  store_le<u16>(&vram[0], 0x7C00);
  store_le<u16>(&vram[2], 0x03E0);
  store_le<u16>(&vram[4], 0x001F);
  store_le<u16>(&vram[6], 0x4210);
  auto f = r.frame();
  CHECK(px(f, 0, 0) == 0xFF0000);
  CHECK(px(f, 1, 0) == 0x00FF00);
  CHECK(px(f, 2, 0) == 0x0000FF);
  CHECK(px(f, 3, 0) == 0x848484);
  mode(16);
  store_le<u16>(&vram[0], 0xF800);
  store_le<u16>(&vram[2], 0x07E0);
  store_le<u16>(&vram[4], 0x001F);
  store_le<u16>(&vram[640 * 2], 0x8410);
  f = r.frame();
  CHECK(px(f, 0, 0) == 0xFF0000);
  CHECK(px(f, 1, 0) == 0x00FF00);
  CHECK(px(f, 2, 0) == 0x0000FF);
  CHECK(px(f, 0, 1) == 0x848284);
  mode(24);
  vram[3] = 0x11;
  vram[4] = 0x22;
  vram[5] = 0x33;
  CHECK(px(r.frame(), 1, 0) == 0x332211);
}

TEST_CASE("vga: DISPI banked window", "[vga]") {
  Rig r;
  r.enable_video();
  r.dispi(Vga::kDispiBpp, 8);
  r.dispi(Vga::kDispiXres, 640);
  r.dispi(Vga::kDispiYres, 480);
  r.dispi(Vga::kDispiEnable, Vga::kDispiEnabled);  // no LFB: banked only
  auto vram = r.vga.vram();
  r.wb(kA0000 + 5, 0x11);
  CHECK(vram[5] == 0x11);
  r.dispi(Vga::kDispiBank, 3);
  CHECK(r.dispi(Vga::kDispiBank) == 3);
  r.wb(kA0000 + 5, 0x22);
  r.vga.mmio_write(0xFFFE, 0xBBAA, Width::Word);
  CHECK(vram[3 * 0x10000 + 5] == 0x22);
  CHECK(vram[3 * 0x10000 + 0xFFFE] == 0xAA);
  CHECK(vram[3 * 0x10000 + 0xFFFF] == 0xBB);
  CHECK(r.rb(kA0000 + 5) == 0x22);
  vram[3 * 0x10000 + 6] = 0x33;  // through the LFB
  CHECK(r.rb(kA0000 + 6) == 0x33);
  // Only A0000h-AFFFFh.
  CHECK(r.rb(0xB0000) == 0xFF);
  r.wb(0xB8000, 0x44);
  CHECK(vram[3 * 0x10000 + 0x8000] == 0);
  // The bank number is masked to the 256 banks of 16 MiB.
  r.dispi(Vga::kDispiBank, 0x1FF);
  CHECK(r.dispi(Vga::kDispiBank) == 0xFF);
  r.wb(kA0000 + 0xFFFF, 0x55);
  CHECK(vram[Vga::kVramBytes - 1] == 0x55);
  // Render: byte 3*64K+5 is pixel (3*65536+5) % 640, / 640.
  r.dac(0x22, 0x00, 0x3F, 0x3F);
  constexpr u32 kPixel = 3 * 0x10000 + 5;
  CHECK(px(r.frame(), kPixel % 640, kPixel / 640) == 0x00FFFF);
}

TEST_CASE("vga: DISPI 4 bpp planar through the bank window", "[vga]") {
  Rig r;
  // The planar VBE modes run on a VGA 16-colour setup (as SeaBIOS does:
  // mode 12h registers, then DISPI).
  r.set_mode(kMode12);
  r.dispi(Vga::kDispiBpp, 4);
  r.dispi(Vga::kDispiXres, 800);
  r.dispi(Vga::kDispiYres, 600);
  r.dispi(Vga::kDispiEnable, Vga::kDispiEnabled);
  CHECK(r.dispi(Vga::kDispiVirtHeight) == (Vga::kVramBytes / 4) / 100);
  r.dac(0x3F, 0x3F, 0x3F, 0x3F);
  r.wb(kA0000 + 100 * 1 + 0, 0x80);  // line 1, pixel 0, colour 15
  r.dispi(Vga::kDispiBank, 1);
  r.wb(kA0000 + 0, 0x01);  // plane address 10000h (line 655: not displayed)
  const auto f = r.frame();
  CHECK(f.width == 800);
  CHECK(f.height == 600);
  CHECK(px(f, 0, 1) == 0xFFFFFF);
  CHECK(px(f, 1, 1) == 0x000000);
  CHECK(r.vga.vram()[4 * 0x10000 + 0] == 0x01);
  CHECK(r.rb(kA0000) == 0x01);
}

TEST_CASE("vga: dump is side-effect free", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  r.inb(0x3DA);
  r.outb(0x3C0, 0x31);  // index; the next write is data
  const std::string d = r.vga.dump();
  CHECK(d.find("text") != std::string::npos);
  CHECK(d.find("80x25") != std::string::npos);
  CHECK(d.find("dispi") != std::string::npos);
  CHECK(d.find("flip-flop data") != std::string::npos);
  CHECK(r.vga.dump() == d);
  r.outb(0x3C0, 0x0E);  // still data: AR11 (overscan)
  r.inb(0x3DA);
  r.outb(0x3C0, 0x31);
  CHECK(r.inb(0x3C1) == 0x0E);
}

TEST_CASE("vga: mmio_peek reads as the CPU would without loading the latches", "[vga]") {
  Rig r;
  r.set_mode(kMode3);
  r.ww(kB8000, 0x0741);  // 'A', grey on black
  CHECK(r.vga.mmio_peek(kB8000 - kA0000, Width::Word) == std::optional<u32>{0x0741});
  r.set_mode(kMode12);
  const u8 values[4] = {0x11, 0x22, 0x44, 0x88};
  for (u8 p = 0; p < 4; ++p) {
    r.seq(0x02, static_cast<u8>(1 << p));
    r.wb(kA0000 + 0x100, values[p]);
  }
  r.seq(0x02, 0x0F);
  r.gc(0x04, 2);  // Read Map Select: plane 2
  CHECK(r.rb(kA0000 + 0x300) == 0x00);  // the latches now hold offset 300h (zeros)
  CHECK(r.vga.mmio_peek(0x100, Width::Byte) == std::optional<u32>{0x44});
  // The peek left the latches alone: write mode 1 still copies zeros.
  r.gc(0x05, 0x01);
  r.wb(kA0000 + 0x200, 0xFF);
  r.gc(0x05, 0x00);
  for (u8 p = 0; p < 4; ++p) CHECK(r.vga.vram()[4 * 0x200 + p] == 0);
  // RAM disabled (Miscellaneous Output bit 1): FFh, as a read.
  r.vga.io_write(0x3C2, r.vga.io_read(0x3CC, Width::Byte) & ~0x02u, Width::Byte);
  CHECK(r.vga.mmio_peek(0x100, Width::Byte) == std::optional<u32>{0xFF});
}
