// Intel 8042 keyboard controller with a PS/2 keyboard and mouse (see the
// header for the IBM PC/AT and PS/2 technical references used).
#include "devices/i8042.hpp"

#include <algorithm>
#include <cstdio>

namespace gb {

namespace {

/// Scan-code set 2 -> set 1 translation done by the controller when command
/// byte bit 6 is set (IBM PS/2 Hardware Interface Technical Reference,
/// "Keyboard and Auxiliary Device": scan code set 1 and 2 tables; the same
/// table is used by the 8042 translator). Codes 85h-FFh pass through.
constexpr std::array<u8, 256> make_xlate() {
  constexpr u8 low[0x85] = {
      0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29,
      0x59, 0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A, 0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11,
      0x03, 0x5B, 0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C, 0x68, 0x39, 0x2F, 0x21, 0x14,
      0x13, 0x06, 0x5D, 0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E, 0x6A, 0x72, 0x32, 0x24,
      0x16, 0x08, 0x09, 0x5F, 0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60, 0x6C, 0x34, 0x35,
      0x26, 0x27, 0x19, 0x0C, 0x61, 0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E, 0x3A, 0x36,
      0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76, 0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B, 0x7C,
      0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F, 0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45,
      0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54, 0x80, 0x81, 0x82, 0x41, 0x54};
  std::array<u8, 256> t{};
  for (unsigned i = 0; i < 256; ++i) t[i] = i < 0x85 ? low[i] : static_cast<u8>(i);
  return t;
}

constexpr std::array<u8, 256> kXlate = make_xlate();

constexpr std::size_t kKbdQueueMax = 16;    // the keyboard's own FIFO
constexpr std::size_t kMouseQueueMax = 48;  // 16 packets

/// 2:1 scaling of a stream-mode report (PS/2 reference, "Scaling").
int scale21(int n) {
  const int a = n < 0 ? -n : n;
  int r = 2 * a;
  switch (a) {
    case 0: r = 0; break;
    case 1: r = 1; break;
    case 2: r = 1; break;
    case 3: r = 3; break;
    case 4: r = 6; break;
    case 5: r = 9; break;
    default: break;
  }
  return n < 0 ? -r : r;
}

}  // namespace

I8042::I8042(Bus& bus, IrqLine irq1, IrqLine irq12) : bus_(bus), irq1_(irq1), irq12_(irq12) {
  reset();
}

void I8042::reset() {
  ram_.fill(0);
  ram_[0] = kCmdKbdInt | kCmdAuxInt | kCmdXlate;
  out_port_ = 0xCF;  // reset inactive, A20 on, clock/data lines high
  if (!bus_.a20()) bus_.set_a20(true);
  sys_ = false;
  a2_ = false;
  pending_cmd_ = 0;
  obf_ = obf_aux_ = false;
  obuf_ = 0;
  xlate_break_ = false;
  reset_ = false;
  ctrl_out_.clear();
  kbd_ = Keyboard{};
  mouse_ = Mouse{};
  update_irqs();
}

u8 I8042::status() const {
  u8 s = kStatusUnlock;
  if (obf_) s |= kStatusObf;
  if (obf_ && obf_aux_) s |= kStatusAuxObf;
  if (sys_) s |= kStatusSys;
  if (a2_) s |= kStatusA2;
  return s;
}

u32 I8042::io_read(u16 port, Width) {
  if (port == 0x64) return status();
  const u8 v = obuf_;  // an empty buffer reads the stale byte, as on the 8042
  if (obf_) {
    obf_ = obf_aux_ = false;
    update_irqs();  // falling edge; the next byte (if any) raises it again
    pump();
  }
  return v;
}

void I8042::io_write(u16 port, u32 value, Width) {
  const u8 v = static_cast<u8>(value);
  if (port == 0x64) {
    a2_ = true;
    command(v);
  } else {
    a2_ = false;
    data(v);
  }
  pump();
}

void I8042::reply(u8 value, bool aux) { ctrl_out_.push_back(Reply{value, aux}); }

void I8042::request_reset() {
  reset_ = true;
  bus_.request_stop();
}

void I8042::set_command_byte(u8 value) {
  ram_[0] = value;
  sys_ = (value & kCmdSys) != 0;
}

u8 I8042::output_port() const {
  u8 v = out_port_ & static_cast<u8>(~(kOutKbdObf | kOutAuxObf));
  if (obf_ && !obf_aux_) v |= kOutKbdObf;
  if (obf_ && obf_aux_) v |= kOutAuxObf;
  return v;
}

void I8042::write_output_port(u8 value) {
  // Bit 0 drives the CPU's reset line (active low). The reset is taken as a
  // pulse: the CPU restarts and the port reads back 1 in bit 0 afterwards.
  out_port_ = value | kOutReset;
  const bool a20 = (value & kOutA20) != 0;
  if (bus_.a20() != a20) bus_.set_a20(a20);
  if (!(value & kOutReset)) request_reset();
}

void I8042::command(u8 cmd) {
  pending_cmd_ = 0;  // a new command cancels one waiting for its data
  if (cmd >= 0x20 && cmd <= 0x3F) {
    reply(ram_[cmd & 0x1F]);  // 20h: the command byte
    return;
  }
  if (cmd >= 0x60 && cmd <= 0x7F) {
    pending_cmd_ = cmd;  // 60h: write the command byte
    return;
  }
  if (cmd >= 0xF0) {
    // Pulse output port bits 0-3 low where the command's bit is 0.
    if (!(cmd & 0x01)) request_reset();
    return;
  }
  switch (cmd) {
    case 0xA7: ram_[0] |= kCmdAuxDis; break;
    case 0xA8: ram_[0] &= static_cast<u8>(~kCmdAuxDis); break;
    case 0xA9: reply(0x00); break;  // mouse interface test: no error
    case 0xAA:                      // self-test: passed, system flag set
      sys_ = true;
      reply(0x55);
      break;
    case 0xAB: reply(0x00); break;  // keyboard interface test: no error
    case 0xAD: ram_[0] |= kCmdKbdDis; break;
    case 0xAE: ram_[0] &= static_cast<u8>(~kCmdKbdDis); break;
    case 0xC0:
      // Input port: bit 7 keyboard not inhibited, bit 6 color display,
      // bit 5 no manufacturing jumper, bit 4 second 256K enabled.
      reply(0xA0);
      break;
    case 0xD0: reply(output_port()); break;
    case 0xD1:
    case 0xD2:
    case 0xD3:
    case 0xD4: pending_cmd_ = cmd; break;
    case 0xDD: write_output_port(out_port_ & static_cast<u8>(~kOutA20)); break;
    case 0xDF: write_output_port(out_port_ | kOutA20); break;
    default: break;  // undefined command codes: the 8042 firmware ignores them
  }
}

void I8042::data(u8 value) {
  const u8 p = pending_cmd_;
  pending_cmd_ = 0;
  if (p == 0) {
    kbd_receive(value);
    return;
  }
  if (p == 0x60) {
    set_command_byte(value);
  } else if (p > 0x60 && p <= 0x7F) {
    ram_[p & 0x1F] = value;
  } else if (p == 0xD1) {
    write_output_port(value);
  } else if (p == 0xD2) {
    reply(value, false);  // as if from the keyboard (not translated)
  } else if (p == 0xD3) {
    reply(value, true);  // as if from the mouse
  } else if (p == 0xD4) {
    mouse_receive(value);
  }
}

// --- keyboard ------------------------------------------------------------

void I8042::kbd_send(u8 value) {
  kbd_.last = value;
  kbd_.out.push_back(value);
}

void I8042::kbd_receive(u8 v) {
  // A command byte (EDh and up) in place of an option byte starts over.
  if (kbd_.pending && v < 0xED) {
    const u8 p = kbd_.pending;
    kbd_.pending = 0;
    if (p == 0xED) {
      kbd_.leds = v & 0x07;  // bit 0 scroll, bit 1 num, bit 2 caps lock
      kbd_send(0xFA);
    } else if (p == 0xF3) {
      kbd_.typematic = v & 0x7F;
      kbd_send(0xFA);
    } else if (p == 0xF0) {
      if (v == 0) {
        kbd_send(0xFA);
        kbd_send(kbd_.set);
      } else if (v <= 3) {
        kbd_.set = v;
        kbd_send(0xFA);
      } else {
        kbd_send(0xFE);
      }
    }
    return;
  }
  kbd_.pending = 0;
  switch (v) {
    case 0xED:
    case 0xF0:
    case 0xF3:
      kbd_.pending = v;
      kbd_send(0xFA);
      break;
    case 0xEE: kbd_send(0xEE); break;  // echo
    case 0xF2:                         // identify: MF2 keyboard
      kbd_send(0xFA);
      kbd_send(0xAB);
      kbd_send(0x83);
      break;
    case 0xF4:
      kbd_.scanning = true;
      kbd_send(0xFA);
      break;
    case 0xF5:  // default and disable
    case 0xF6:  // set default
      kbd_.out.clear();
      kbd_.scanning = v == 0xF6;
      kbd_.typematic = 0x2B;
      kbd_send(0xFA);
      break;
    case 0xF7:
    case 0xF8:
    case 0xF9:
    case 0xFA:
    case 0xFB:
    case 0xFC:
    case 0xFD: kbd_send(0xFA); break;  // set-3 key types: accepted, ignored
    case 0xFE: kbd_.out.push_back(kbd_.last); break;  // resend
    case 0xFF: {                                     // reset, then BAT passed
      kbd_ = Keyboard{};
      kbd_send(0xFA);
      kbd_send(0xAA);
      break;
    }
    default: kbd_send(0xFE); break;
  }
}

void I8042::press(std::span<const u8> set2_bytes) {
  if (!kbd_.scanning) return;
  if (kbd_.out.size() + set2_bytes.size() > kKbdQueueMax) return;  // overrun
  bool brk = false;
  for (const u8 b : set2_bytes) {
    if (kbd_.set != 1) {
      // Set 2 as given (set 3 is not modelled: set 2 codes are sent).
      kbd_.out.push_back(b);
    } else if (b == 0xF0) {
      brk = true;  // the keyboard itself sends set 1
    } else {
      kbd_.out.push_back(static_cast<u8>(kXlate[b] | (brk ? 0x80 : 0)));
      brk = false;
    }
  }
  pump();
}

// --- mouse ---------------------------------------------------------------

void I8042::mouse_send(u8 value) {
  mouse_.last = value;
  mouse_.out.push_back(value);
}

void I8042::mouse_packet(int dx, int dy) {
  u8 b0 = static_cast<u8>(0x08 | (mouse_.buttons & 0x07));
  if (dx > 255 || dx < -256) {
    dx = std::clamp(dx, -256, 255);
    b0 |= 0x40;  // X overflow
  }
  if (dy > 255 || dy < -256) {
    dy = std::clamp(dy, -256, 255);
    b0 |= 0x80;  // Y overflow
  }
  if (dx < 0) b0 |= 0x10;
  if (dy < 0) b0 |= 0x20;
  mouse_.out.push_back(b0);
  mouse_.out.push_back(static_cast<u8>(dx & 0xFF));
  mouse_.out.push_back(static_cast<u8>(dy & 0xFF));
}

void I8042::mouse_receive(u8 v) {
  if (mouse_.wrap && v != 0xEC && v != 0xFF) {
    mouse_send(v);  // wrap mode echoes everything but "reset wrap" and reset
    return;
  }
  // A command byte (E6h and up) in place of an option byte starts over.
  if (mouse_.pending && v < 0xE6) {
    if (mouse_.pending == 0xF3) mouse_.rate = v;
    if (mouse_.pending == 0xE8) mouse_.resolution = v & 0x03;
    mouse_.pending = 0;
    mouse_send(0xFA);
    return;
  }
  mouse_.pending = 0;
  switch (v) {
    case 0xE6: mouse_.scaling21 = false; mouse_send(0xFA); break;
    case 0xE7: mouse_.scaling21 = true; mouse_send(0xFA); break;
    case 0xE8:
    case 0xF3:
      mouse_.pending = v;
      mouse_send(0xFA);
      break;
    case 0xE9: {  // status request
      const u8 b = mouse_.buttons;
      u8 s = 0;
      if (mouse_.remote) s |= 0x40;
      if (mouse_.reporting) s |= 0x20;
      if (mouse_.scaling21) s |= 0x10;
      if (b & 1) s |= 0x04;  // left
      if (b & 4) s |= 0x02;  // middle
      if (b & 2) s |= 0x01;  // right
      mouse_send(0xFA);
      mouse_send(s);
      mouse_send(mouse_.resolution);
      mouse_send(mouse_.rate);
      break;
    }
    case 0xEA: mouse_.remote = false; mouse_send(0xFA); break;
    case 0xEB:  // read data
      mouse_send(0xFA);
      mouse_packet(mouse_.acc_dx, mouse_.acc_dy);
      mouse_.acc_dx = mouse_.acc_dy = 0;
      break;
    case 0xEC: mouse_.wrap = false; mouse_send(0xFA); break;
    case 0xEE: mouse_.wrap = true; mouse_send(0xFA); break;
    case 0xF0: mouse_.remote = true; mouse_send(0xFA); break;
    case 0xF2:  // identify: standard PS/2 mouse
      mouse_send(0xFA);
      mouse_send(0x00);
      break;
    case 0xF4: mouse_.reporting = true; mouse_send(0xFA); break;
    case 0xF5: mouse_.reporting = false; mouse_send(0xFA); break;
    case 0xF6: {  // set default
      const u8 buttons = mouse_.buttons;
      mouse_ = Mouse{};
      mouse_.buttons = buttons;
      mouse_send(0xFA);
      break;
    }
    case 0xFE: mouse_.out.push_back(mouse_.last); break;  // resend
    case 0xFF: {                                         // reset: BAT, ID 00
      const u8 buttons = mouse_.buttons;
      mouse_ = Mouse{};
      mouse_.buttons = buttons;
      mouse_send(0xFA);
      mouse_send(0xAA);
      mouse_send(0x00);
      break;
    }
    default: mouse_send(0xFE); break;
  }
}

void I8042::mouse_move(int dx, int dy, u8 buttons) {
  mouse_.buttons = buttons & 0x07;
  if (mouse_.remote) {
    mouse_.acc_dx += dx;
    mouse_.acc_dy += dy;
    return;
  }
  if (!mouse_.reporting || mouse_.wrap) return;
  if (mouse_.out.size() + 3 > kMouseQueueMax) return;  // overrun: dropped
  if (mouse_.scaling21) {
    dx = scale21(dx);
    dy = scale21(dy);
  }
  mouse_packet(dx, dy);
  pump();
}

// --- output buffer -------------------------------------------------------

void I8042::pump() {
  if (!obf_ && !ctrl_out_.empty()) {
    obuf_ = ctrl_out_.front().value;
    obf_aux_ = ctrl_out_.front().aux;
    obf_ = true;
    ctrl_out_.pop_front();
  }
  if (!obf_ && !(ram_[0] & kCmdKbdDis)) {
    while (!kbd_.out.empty()) {
      u8 b = kbd_.out.front();
      kbd_.out.pop_front();
      if (ram_[0] & kCmdXlate) {
        if (b == 0xF0) {
          xlate_break_ = true;  // folded into the next code as bit 7
          continue;
        }
        b = static_cast<u8>(kXlate[b] | (xlate_break_ ? 0x80 : 0));
        xlate_break_ = false;
      }
      obuf_ = b;
      obf_aux_ = false;
      obf_ = true;
      break;
    }
  }
  if (!obf_ && !(ram_[0] & kCmdAuxDis) && !mouse_.out.empty()) {
    obuf_ = mouse_.out.front();
    mouse_.out.pop_front();
    obf_aux_ = true;
    obf_ = true;
  }
  update_irqs();
}

void I8042::update_irqs() {
  const bool l1 = obf_ && !obf_aux_ && (ram_[0] & kCmdKbdInt);
  const bool l12 = obf_ && obf_aux_ && (ram_[0] & kCmdAuxInt);
  if (l1 != irq1_level_) {
    irq1_level_ = l1;
    irq1_.set(l1);
  }
  if (l12 != irq12_level_) {
    irq12_level_ = l12;
    irq12_.set(l12);
  }
}

std::string I8042::dump() const {
  char line[200];
  std::string s;
  std::snprintf(line, sizeof line,
                "8042: status %02X cmd %02X outport %02X obuf %02X%s%s pending %02X "
                "irq1 %u irq12 %u ctrlq %zu\n",
                status(), ram_[0], output_port(), obuf_, obf_ ? " full" : "",
                obf_aux_ ? " aux" : "", pending_cmd_, irq1_level_ ? 1u : 0u,
                irq12_level_ ? 1u : 0u, ctrl_out_.size());
  s += line;
  std::snprintf(line, sizeof line,
                "  keyboard: %s set %u leds %X typematic %02X pending %02X queue %zu\n",
                kbd_.scanning ? "scanning" : "disabled", kbd_.set, kbd_.leds, kbd_.typematic,
                kbd_.pending, kbd_.out.size());
  s += line;
  std::snprintf(line, sizeof line,
                "  mouse: %s %s%s scaling %s res %u rate %u buttons %X queue %zu\n",
                mouse_.reporting ? "enabled" : "disabled", mouse_.remote ? "remote" : "stream",
                mouse_.wrap ? " wrap" : "", mouse_.scaling21 ? "2:1" : "1:1", mouse_.resolution,
                mouse_.rate, mouse_.buttons, mouse_.out.size());
  s += line;
  return s;
}

}  // namespace gb
