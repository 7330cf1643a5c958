// Intel 8042 keyboard controller of a PC/AT, with a PS/2 keyboard and a PS/2
// mouse attached. References:
//  - IBM Personal Computer AT Technical Reference (1984), "Keyboard
//    Controller" (status register, command byte, controller commands 20h-FFh,
//    input and output port) and "Keyboard" (keyboard commands and replies).
//  - IBM Personal System/2 Hardware Interface Technical Reference (1988),
//    "Keyboard/Auxiliary Device Controller" (AUX OBF, commands A7h-A9h, D2h-D4h)
//    and "Keyboard and Auxiliary Device" (scan-code sets, the set 2 -> set 1
//    translation, mouse commands, the 3-byte mouse data packet).
// The controller answers at once: IBF never reads 1, and a reply is visible in
// the output buffer as soon as the command that produced it was written.
#pragma once
#include <array>
#include <deque>
#include <span>
#include <string>

#include "devices/irq.hpp"
#include "mmu/bus.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class I8042 final : public IoHandler {
 public:
  // Status register (port 64h read).
  static constexpr u8 kStatusObf = 0x01;      ///< output buffer full
  static constexpr u8 kStatusIbf = 0x02;      ///< input buffer full (always 0)
  static constexpr u8 kStatusSys = 0x04;      ///< system flag
  static constexpr u8 kStatusA2 = 0x08;       ///< last write was to 64h (command)
  static constexpr u8 kStatusUnlock = 0x10;   ///< keyboard not inhibited (keylock)
  static constexpr u8 kStatusAuxObf = 0x20;   ///< output byte came from the mouse
  static constexpr u8 kStatusTimeout = 0x40;  ///< general timeout
  static constexpr u8 kStatusParity = 0x80;   ///< parity error
  // Command byte (controller RAM byte 0).
  static constexpr u8 kCmdKbdInt = 0x01;    ///< IRQ1 on keyboard OBF
  static constexpr u8 kCmdAuxInt = 0x02;    ///< IRQ12 on mouse OBF
  static constexpr u8 kCmdSys = 0x04;       ///< system flag
  static constexpr u8 kCmdKbdDis = 0x10;    ///< keyboard interface disabled
  static constexpr u8 kCmdAuxDis = 0x20;    ///< mouse interface disabled
  static constexpr u8 kCmdXlate = 0x40;     ///< translate set 2 to set 1
  // Output port (D0h/D1h).
  static constexpr u8 kOutReset = 0x01;  ///< system reset, active low
  static constexpr u8 kOutA20 = 0x02;    ///< A20 gate
  static constexpr u8 kOutKbdObf = 0x10;
  static constexpr u8 kOutAuxObf = 0x20;

  I8042(Bus& bus, IrqLine irq1, IrqLine irq12);

  /// Power-on state: command byte 43h (interrupts, translation), keyboard
  /// and mouse at their defaults, queues empty, A20 enabled.
  void reset();

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;

  /// Host key input: scan-code set 2 bytes (make, or F0h + code for a break,
  /// with any E0h/E1h prefix). Dropped while the keyboard is not scanning.
  void press(std::span<const u8> set2_bytes);
  /// Host mouse input. dx right positive, dy up positive (the PS/2
  /// convention); buttons bit 0 left, bit 1 right, bit 2 middle. In stream
  /// mode with reporting enabled, queues a 3-byte packet; in remote mode the
  /// motion accumulates until a Read Data (EBh) command.
  void mouse_move(int dx, int dy, u8 buttons);

  /// Whether the guest asked for a system reset (output port bit 0 = 0, or a
  /// pulse command) since the last call.
  bool take_reset() {
    const bool r = reset_;
    reset_ = false;
    return r;
  }

  u8 status() const;
  u8 command_byte() const { return ram_[0]; }
  std::string dump() const;

 private:
  struct Keyboard {
    bool scanning = true;
    u8 set = 2;
    u8 leds = 0;
    u8 typematic = 0x2B;  // 10.9 cps, 500 ms
    u8 pending = 0;       // command waiting for its data byte (EDh, F0h, F3h)
    u8 last = 0;          // last byte sent, for Resend (FEh)
    std::deque<u8> out;
  };
  struct Mouse {
    bool reporting = false;
    bool remote = false;
    bool wrap = false;
    bool scaling21 = false;
    u8 resolution = 2;  // 4 counts/mm
    u8 rate = 100;
    u8 pending = 0;  // F3h or E8h waiting for data
    u8 buttons = 0;
    u8 last = 0;
    int acc_dx = 0, acc_dy = 0;  // remote-mode accumulation
    std::deque<u8> out;
  };
  struct Reply {
    u8 value;
    bool aux;
  };

  void command(u8 cmd);
  void data(u8 value);
  void kbd_receive(u8 value);
  void mouse_receive(u8 value);
  void kbd_send(u8 value);
  void mouse_send(u8 value);
  void mouse_packet(int dx, int dy);
  void reply(u8 value, bool aux = false);
  void write_output_port(u8 value);
  void request_reset();
  void set_command_byte(u8 value);
  u8 output_port() const;
  /// Loads the next byte into an empty output buffer, then drives the IRQs.
  void pump();
  void update_irqs();

  Bus& bus_;
  IrqLine irq1_, irq12_;
  bool irq1_level_ = false, irq12_level_ = false;

  std::array<u8, 32> ram_{};  // controller RAM; byte 0 is the command byte
  u8 out_port_ = 0xCF;
  bool sys_ = false;         // status bit 2
  bool a2_ = false;          // status bit 3
  u8 pending_cmd_ = 0;       // controller command waiting for a data byte
  bool obf_ = false;
  bool obf_aux_ = false;
  u8 obuf_ = 0;
  bool xlate_break_ = false;  // an F0h was swallowed by the translator
  bool reset_ = false;
  std::deque<Reply> ctrl_out_;  // controller replies (and D2h/D3h bytes)
  Keyboard kbd_;
  Mouse mouse_;
};

}  // namespace gb
