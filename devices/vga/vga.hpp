// IBM VGA adapter with the Bochs VBE "DISPI" extension (the device QEMU calls
// "stdvga" and SeaBIOS's vgabios-stdvga.bin drives).
//
// References: IBM Personal System/2 Hardware Interface Technical Reference,
// "Video Subsystem" (cited below as "VGA"): "General Registers"
// (Miscellaneous Output, Input Status 0/1, Feature Control, Video Subsystem
// Enable), "Sequencer Registers" (Reset, Clocking Mode, Map Mask, Character
// Map Select, Memory Mode), "CRT Controller Registers" (CR00-CR18),
// "Graphics Controller Registers" (Set/Reset, Enable Set/Reset, Color
// Compare, Data Rotate, Read Map Select, Graphics Mode, Miscellaneous, Color
// Don't Care, Bit Mask), "Attribute Controller Registers" (palette, Attribute
// Mode Control, Overscan, Color Plane Enable, Horizontal PEL Panning, Color
// Select), "Video Digital-to-Analog Converter" (PEL Mask, DAC State, PEL
// Address read/write, PEL Data), and "Programming Considerations" (write
// modes 0-3, read modes 0-1, odd/even and chain-4 addressing). Bochs VBE:
// the DISPI register interface of Bochs' vbe.h / docs (ports 1CEh/1CFh,
// indices 0-0Ah, ID B0C0h-B0C5h, enable flags).
//
// Video memory. vram() is the 16 MiB of VBE linear memory (offset 0 = the
// LFB's first byte). The four VGA planes are its first 256 KiB, interleaved:
// byte `off` of plane `p` is vram()[4 * off + p] (as the VGA's 32-bit memory
// path presents one byte of each plane per address). CPU accesses through
// the legacy window follow the VGA's address decoding:
// - odd/even (text, CGA modes): A0 picks plane 0/2 (even) or 1/3 (odd) and
//   is replaced in the plane address by 0, or by A16 in the 128 KiB map;
// - chain-4 (mode 13h): A1-A0 pick the plane and are replaced in the plane
//   address by A15-A14, so that the CRTC's doubleword-mode addresses (MA
//   rotated left 2, MA13-MA12 into bits 1-0) fetch the pixels in CPU order;
// - planar: the address is the plane offset in every enabled plane.
// The CRTC's byte/word/doubleword address mapping (CR17 bit 6, CR14 bit 6,
// CR17 bit 5) and CGA/Hercules row-scan substitution (CR17 bits 0-1) are
// applied when scanning memory out, so both sides agree.
//
// Choices: writes to the attribute palette registers are accepted whatever
// the palette address source; in the 256-colour shift mode the pixel byte
// indexes the DAC directly (the attribute palette is bypassed, as QEMU
// does); Input Status 0 reads 00h (no switch sense, no CRT interrupt); the
// Video Subsystem Enable (3C3h) and Feature Control bits are stored only.
//
// Not modelled: the Miscellaneous Output odd/even page bit (bit 5: A0 is
// replaced by 0 in the 64 and 32 KiB maps, as QEMU does), line compare
// (split screen), horizontal PEL panning, preset row scan, cursor skew,
// graphics-mode blinking, monochrome emulation (AC10 bit 1), the sequencer
// reset, light pen and the CRT interrupt.
#pragma once
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "devices/scheduler.hpp"
#include "devices/zeroed_bytes.hpp"
#include "mmu/io_map.hpp"
#include "mmu/mmio.hpp"

namespace gb {

class Vga final : public IoHandler, public MmioHandler {
 public:
  /// VBE linear memory; the VGA planes are its first 256 KiB.
  static constexpr u32 kVramBytes = 16u << 20;
  /// One VGA plane.
  static constexpr u32 kPlaneBytes = 64u << 10;
  /// The legacy window A0000h-BFFFFh (mmio offsets 0 .. kWindowBytes-1).
  static constexpr u32 kWindowBytes = 128u << 10;
  /// Bochs VBE DISPI ports (16-bit index and data).
  static constexpr u16 kDispiIndexPort = 0x1CE;
  static constexpr u16 kDispiDataPort = 0x1CF;
  /// What GETCAPS reports and XRES/YRES/BPP accept: 2560 x 1600 x 32 bpp
  /// (16,384,000 bytes, within kVramBytes).
  static constexpr u16 kVbeMaxXres = 2560;
  static constexpr u16 kVbeMaxYres = 1600;
  static constexpr u16 kVbeMaxBpp = 32;
  /// DISPI register indices (Bochs vbe.h VBE_DISPI_INDEX_*).
  enum DispiIndex : u16 {
    kDispiId = 0x0,
    kDispiXres = 0x1,
    kDispiYres = 0x2,
    kDispiBpp = 0x3,
    kDispiEnable = 0x4,
    kDispiBank = 0x5,
    kDispiVirtWidth = 0x6,
    kDispiVirtHeight = 0x7,
    kDispiXOffset = 0x8,
    kDispiYOffset = 0x9,
    kDispiVideoMemory64K = 0xA,
  };
  /// DISPI ENABLE bits (VBE_DISPI_ENABLED, _GETCAPS, _8BIT_DAC,
  /// _LFB_ENABLED, _NOCLEARMEM).
  static constexpr u16 kDispiEnabled = 0x01;
  static constexpr u16 kDispiGetCaps = 0x02;
  static constexpr u16 kDispi8BitDac = 0x20;
  static constexpr u16 kDispiLfbEnabled = 0x40;
  static constexpr u16 kDispiNoClearMem = 0x80;

  /// `sched` gives the virtual time that vertical retrace, display enable
  /// and the blink phases are derived from; the VGA arms no timers.
  explicit Vga(Scheduler& sched);
  Vga(const Vga&) = delete;
  Vga& operator=(const Vga&) = delete;

  /// Power-on state: every VGA register 0 (so the Miscellaneous Output
  /// selects the mono CRTC ports and disables CPU access to video memory,
  /// and the attribute palette address source is clear, i.e. the screen is
  /// blank) except the DAC PEL mask (FFh); video memory zeroed; DISPI
  /// disabled, all its registers 0 except ID = B0C5h. The VGA BIOS programs
  /// everything else.
  void reset();

  /// Ports 3B0h-3DFh (byte registers; a word access is two byte accesses,
  /// low port first, so `out dx, ax` to 3C4h/3CEh/3D4h writes index then
  /// data) and 1CEh/1CFh (DISPI index/data, 16 bits wide; a byte access
  /// reads the low byte or writes the zero-extended byte). Ports not
  /// decoded, and the CRTC/Input Status 1/Feature Control ports of the
  /// address range that Miscellaneous Output bit 0 does not select, read
  /// FFh and ignore writes.
  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  Width io_max_width() const override { return Width::Word; }

  /// The legacy window: offset 0 is physical A0000h, offsets up to 1FFFFh.
  /// Multi-byte accesses are consecutive byte accesses, lowest address
  /// first. Addresses outside the window the GC Miscellaneous register
  /// selects, or any address while Miscellaneous Output bit 1 (RAM enable)
  /// is clear, read FFh and ignore writes. With DISPI enabled the window is
  /// A0000h-AFFFFh onto the 64 KiB bank VBE_DISPI_INDEX_BANK selects (in
  /// 4 bpp modes through the planar write/read logic, 64 Ki plane addresses
  /// per bank; otherwise byte-for-byte into vram()).
  u32 mmio_read(u64 offset, Width w) override;
  void mmio_write(u64 offset, u32 value, Width w) override;
  /// What mmio_read would return, without loading the latches.
  std::optional<u32> mmio_peek(u64 offset, Width w) const override;

  /// The linear framebuffer, kVramBytes long. The machine maps it as RAM at
  /// the PCI BAR; render() reads VBE graphics from it.
  std::span<u8> vram() { return vram_; }
  std::span<const u8> vram() const { return vram_; }

  /// A rendered frame: pixels are 0x00RRGGBB, row-major, width * height.
  struct Frame {
    u32 width = 0, height = 0;
    std::vector<u32> pixels;
  };

  /// What render() produces. Text modes: columns = CR01 + 1, rows =
  /// displayed scan lines (vertical display end + 1, halved by double scan)
  /// / character height (CR09 bits 4-0 + 1); width = columns * 9 or 8
  /// (Clocking Mode bit 0), height = rows * character height. Graphics: the
  /// mode's pixel grid (8 pixels per character clock, 4 in the 256-colour
  /// shift mode; scan lines repeated by double scan or the maximum scan line
  /// register are not repeated in the frame, unless CGA/Hercules row-scan
  /// substitution makes them differ). VBE: XRES x YRES. The dot clock /2 is
  /// not replicated. An unprogrammed CRTC (fewer than 16 pixels either way)
  /// gives 640 x 480 with columns = rows = 0.
  struct Geometry {
    u32 width = 0, height = 0;  ///< pixels
    bool text = false;          ///< a VGA alphanumeric mode
    u32 columns = 0, rows = 0;  ///< character cells (text modes only)
  };
  Geometry geometry() const;
  /// DISPI is enabled (render() shows VBE graphics from vram()).
  bool vbe_enabled() const;
  /// A VGA alphanumeric mode: DISPI disabled and GC Miscellaneous bit 0
  /// (graphics mode) clear.
  bool text_mode() const;

  /// Renders the current screen into `out` (resized to geometry()).
  /// Text: glyphs from plane 2 (32 bytes per character, maps A/B from the
  /// Character Map Select register by attribute bit 3), 9th column
  /// duplicated for C0h-DFh when AC10 bit 2 is set, blink (AC10 bit 3;
  /// 16 frames on, 16 off) or background intensity, the cursor (CR0A/CR0B
  /// scan lines, CR0E/CR0F location; 8 frames on, 8 off), underline at CR14
  /// for attributes x0001 with background 000. Graphics: planar 16-colour,
  /// CGA 2 bpp (GC Graphics Mode shift register interleave), 256-colour,
  /// through the attribute palette (except 256-colour) and the DAC (6-bit
  /// values scaled to 8 bits unless the DISPI 8-bit DAC flag is set).
  /// VBE: 4 (planar), 8 (DAC), 15, 16, 24 and 32 bpp with VIRT_WIDTH line
  /// pitch and X/Y_OFFSET; bytes beyond vram() are black. All black when the
  /// screen is off: Clocking Mode bit 5 set or the attribute controller's
  /// palette address source (index bit 5) clear. The blink phases come from
  /// the frame number at sched.now().
  void render(Frame& out) const;

  /// The text of the current alphanumeric screen: geometry().rows lines of
  /// geometry().columns characters, each line '\n'-terminated with trailing
  /// spaces trimmed. Character bytes 20h-7Eh appear as-is, 00h and FFh (blank
  /// glyphs in CP437) as ' ', every other byte as '.'. "" in graphics and
  /// VBE modes (and for an unprogrammed CRTC).
  std::string text_screen() const;

  /// The alphanumeric screen as cells, for terminal displays: `cells` holds
  /// rows * columns entries of character byte | attribute byte << 8, row by
  /// row. The cursor is at (cursor_row, cursor_col) when cursor_visible: CR0A
  /// bit 5 clear, start <= end scan line, and CR0E/CR0F inside the screen
  /// (not blinking: a terminal blinks its own cursor). Empty (0 rows) in
  /// graphics and VBE modes.
  struct TextCells {
    u32 columns = 0, rows = 0;
    std::vector<u16> cells;
    u32 cursor_row = 0, cursor_col = 0;
    bool cursor_visible = false;
    bool blink_enabled = false;  ///< AC10 bit 3: attribute bit 7 blinks, else bright background
  };
  TextCells text_cells() const;

  /// One video frame (picoseconds) at the current CRTC timing (or the
  /// 60 Hz VBE timing); see input_status1().
  Picos frame_period() const;

  /// Side-effect-free state dump (mode, every register, DAC and DISPI
  /// state) for the debugger's `info vga`.
  std::string dump() const;

 private:
  /// Every register to its power-on value (video memory untouched).
  void reset_registers();
  static constexpr unsigned kSeqRegs = 5;
  static constexpr unsigned kGcRegs = 9;
  static constexpr unsigned kCrtcRegs = 0x19;
  static constexpr unsigned kAcRegs = 0x15;
  static constexpr unsigned kDispiRegs = 0x0B;

  /// Raster timing in scan lines and picoseconds.
  struct Timing {
    Picos line = 0;    ///< one scan line (ps)
    Picos hdisp = 0;   ///< its displayed part (ps)
    u32 total = 0;     ///< scan lines per frame
    u32 vdisp = 0;     ///< displayed scan lines
    u32 vrs = 0;       ///< first vertical retrace line
    u32 vrlen = 0;     ///< vertical retrace length (lines)
  };
  Timing timing() const;
  u8 input_status1() const;

  // Port I/O (vga.cpp).
  u8 read_port(u16 port);
  void write_port(u16 port, u8 v);
  bool colour_io() const { return misc_ & 0x01; }
  void write_crtc(u8 v);

  // Legacy window and the planar logic (vga.cpp).
  /// Where a CPU read of window offset `off` lands: a plane address and
  /// plane (planar), or a vram() index (VBE packed pixels); nullopt where
  /// the read gives FFh.
  struct WindowSpot {
    u32 off = 0;
    unsigned plane = 0;
    bool planar = true;
  };
  std::optional<WindowSpot> window_spot(u32 off) const;
  u8 window_read(u32 off);
  u8 window_peek(u32 off) const;  ///< window_read without loading the latches
  void window_write(u32 off, u8 v);
  /// CPU address `a` (relative to the selected map, or the VBE 4 bpp bank
  /// base) -> plane address, masked to `plane_size` (a power of two).
  WindowSpot planar_spot(u32 a, u32 plane_size) const;
  /// The byte a planar read at `s` returns (read mode 0 or 1).
  u8 planar_value(const WindowSpot& s) const;
  void planar_write(u32 a, u8 v, u32 plane_size);

  // Scan-out helpers (vga_render.cpp).
  u32 vdisp_lines() const;  ///< CR12 + overflow + 1
  u32 start_address() const { return static_cast<u32>(crtc_[0x0C] << 8 | crtc_[0x0D]); }
  u32 crtc_address(u32 ma, u32 scan) const;  ///< MA -> plane address
  u32 ma_divisor() const;                     ///< count by 2 / count by 4
  bool row_scan_substitution() const { return (crtc_[0x17] & 0x03) != 0x03; }
  u8 attribute_index(u8 pixel) const;  ///< 4-bit pixel -> 8-bit DAC index
  u32 dac_rgb(u8 index) const;         ///< through the PEL mask
  bool dac_8bit() const;
  bool screen_off() const;
  std::array<u32, 16> palette16() const;
  std::array<u32, 256> palette256() const;
  u32 font_offset(bool map_a) const;
  void render_text(Frame& out, const Geometry& g) const;
  void render_graphics(Frame& out, const Geometry& g) const;
  std::string mode_name() const;

  // Bochs DISPI (vbe.cpp).
  u16 dispi_read(u16 index) const;
  void dispi_write(u16 index, u16 v);
  void dispi_fixup();
  u32 vbe_bpp() const;         ///< BPP with 0 read as 8
  u32 vbe_line_bytes() const;  ///< VIRT_WIDTH in bytes (4 bpp: per plane)
  std::optional<WindowSpot> vbe_window_spot(u32 off) const;
  void vbe_window_write(u32 off, u8 v);
  Geometry vbe_geometry() const;
  void render_vbe(Frame& out, const Geometry& g) const;

  Scheduler& sched_;
  ZeroedBytes vram_;

  u8 misc_ = 0;     ///< Miscellaneous Output
  u8 feature_ = 0;  ///< Feature Control
  u8 subsys_ = 0;   ///< Video Subsystem Enable (3C3h)
  u8 seq_index_ = 0;
  std::array<u8, kSeqRegs> seq_{};
  u8 gc_index_ = 0;
  std::array<u8, kGcRegs> gc_{};
  u8 crtc_index_ = 0;
  std::array<u8, kCrtcRegs> crtc_{};
  u8 ac_index_ = 0;            ///< bits 4-0 index, bit 5 palette address source
  bool ac_data_next_ = false;  ///< the 3C0h flip-flop: next write is data
  std::array<u8, kAcRegs> ac_{};
  std::array<u8, 4> latch_{};  ///< one byte per plane

  std::array<u8, 768> dac_{};  ///< 256 x (R, G, B) as written
  std::array<u8, 3> dac_pending_{};
  u8 dac_mask_ = 0xFF;
  u8 dac_read_index_ = 0;
  u8 dac_write_index_ = 0;
  u8 dac_component_ = 0;  ///< 0-2: R, G, B
  bool dac_reading_ = false;  ///< DAC State: last address written was 3C7h

  u16 dispi_index_ = 0;
  std::array<u16, kDispiRegs> dispi_{};
};

}  // namespace gb
