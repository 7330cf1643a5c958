// Intel 8259A PIC and the PC/AT master/slave pair. Section names refer to the
// Intel 8259A datasheet (231468-003) unless noted.
#include "devices/pic8259.hpp"

#include <fmt/format.h>

namespace gb {

// ---------------------------------------------------------------- Pic8259

void Pic8259::reset() {
  // The datasheet leaves the power-on state undefined; keep everything masked
  // until the BIOS initializes the chip. ELCR resets to edge (PIIX3 datasheet, ELCR).
  init_ = Init::Ready;
  irr_ = isr_ = 0;
  imr_ = 0xFF;
  elcr_ = 0;
  icw2_ = icw3_ = 0;
  lowest_ = 7;
  ltim_ = single_ = need_icw4_ = false;
  aeoi_ = rotate_aeoi_ = sfnm_ = false;
  read_isr_ = poll_ = smm_ = false;
  irr_ = static_cast<u8>(pins_ & level_mask());  // pins keep their levels
}

int Pic8259::highest(u8 bits) const {
  for (unsigned r = 0; r < 8; ++r) {
    const unsigned line = (lowest_ + 1 + r) & 7;
    if (bits >> line & 1) return static_cast<int>(line);
  }
  return -1;
}

int Pic8259::resolve() const {
  // "Priority Resolver": the highest unmasked request is granted if it
  // outranks the highest level in service.
  const int req = highest(static_cast<u8>(irr_ & ~imr_));
  if (req < 0) return -1;
  // Special Mask Mode: a masked level in service no longer inhibits lower
  // levels ("enables interrupts from all other levels ... that are not masked").
  const u8 in = smm_ ? static_cast<u8>(isr_ & ~imr_) : isr_;
  const int cur = highest(in);
  if (cur < 0) return req;
  const auto r = static_cast<unsigned>(req), c = static_cast<unsigned>(cur);
  if (rank(r) < rank(c)) return req;
  // Special Fully Nested Mode: a slave in service is not locked out, so a
  // further (higher, within the slave) request on its IR line is recognized.
  if (sfnm_ && r == c && is_cascade(r)) return req;
  return -1;
}

int Pic8259::acknowledge() {
  const int line = resolve();
  if (line < 0) return -1;  // request gone before INTA: spurious IR7
  const u8 bit = static_cast<u8>(1u << line);
  // First INTA: the ISR bit is set and the IRR bit reset. A level-sensitive
  // IRR keeps following its pin.
  isr_ |= bit;
  irr_ = static_cast<u8>((irr_ & ~bit) | (pins_ & level_mask() & bit));
  // AEOI: the ISR bit is reset at the trailing edge of the last INTA.
  if (aeoi_) {
    isr_ &= static_cast<u8>(~bit);
    if (rotate_aeoi_) lowest_ = static_cast<u8>(line);
  }
  return line;
}

void Pic8259::set_irq(unsigned line, bool level) {
  if (line > 7) return;
  const u8 bit = static_cast<u8>(1u << line);
  const bool was = pins_ & bit;
  pins_ = level ? static_cast<u8>(pins_ | bit) : static_cast<u8>(pins_ & ~bit);
  if (level_mask() & bit) {
    // Level triggered (LTIM/ELCR): IRR follows the input.
    irr_ = level ? static_cast<u8>(irr_ | bit) : static_cast<u8>(irr_ & ~bit);
  } else if (level && !was) {
    // Edge triggered: a low-to-high transition latches the request. The latch
    // survives the falling edge so pulsed lines (IrqLine::pulse) are not lost.
    irr_ |= bit;
  }
}

void Pic8259::set_elcr(u8 value) {
  elcr_ = value;
  const u8 lm = level_mask();
  irr_ = static_cast<u8>((irr_ & ~lm) | (pins_ & lm));
}

void Pic8259::icw1(u8 value) {
  // "Initialization Command Words": after ICW1 the edge sense circuit is
  // reset, IMR cleared, IR7 gets lowest priority, special mask mode cleared,
  // status read set to IRR; IC4=0 zeroes all ICW4 functions. ISR and IRR are
  // cleared as well (as a freshly initialized chip has nothing in service).
  ltim_ = value & 0x08;
  single_ = value & 0x02;
  need_icw4_ = value & 0x01;
  imr_ = 0;
  isr_ = 0;
  lowest_ = 7;
  smm_ = read_isr_ = poll_ = false;
  aeoi_ = rotate_aeoi_ = sfnm_ = false;
  if (single_) icw3_ = 0;
  // Edge inputs need a fresh low-to-high transition; level inputs follow pins.
  irr_ = static_cast<u8>(pins_ & level_mask());
  init_ = Init::Icw2;
}

void Pic8259::ocw2(u8 value) {
  // OCW2: R, SL, EOI in D7-D5, level L2-L0 in D2-D0.
  const u8 level = value & 7;
  switch (value >> 5) {
    case 0b001:  // non-specific EOI: reset the highest-priority ISR bit
    case 0b101: {  // rotate on non-specific EOI: that level becomes lowest
      const int top = highest(isr_);
      if (top < 0) break;
      isr_ &= static_cast<u8>(~(1u << top));
      if (value & 0x80) lowest_ = static_cast<u8>(top);
      break;
    }
    case 0b011:  // specific EOI
      isr_ &= static_cast<u8>(~(1u << level));
      break;
    case 0b111:  // rotate on specific EOI
      isr_ &= static_cast<u8>(~(1u << level));
      lowest_ = level;
      break;
    case 0b100:  // rotate in AEOI mode (set)
      rotate_aeoi_ = true;
      break;
    case 0b000:  // rotate in AEOI mode (clear)
      rotate_aeoi_ = false;
      break;
    case 0b110:  // set priority command: L becomes the lowest level
      lowest_ = level;
      break;
    default:  // 0b010: no operation
      break;
  }
}

void Pic8259::ocw3(u8 value) {
  // OCW3: D6 ESMM, D5 SMM, D2 P (poll), D1 RR, D0 RIS.
  if (value & 0x40) smm_ = value & 0x20;
  if (value & 0x02) read_isr_ = value & 0x01;
  poll_ = value & 0x04;
}

u8 Pic8259::poll() {
  // "Poll Command": the next RD pulse acts as an interrupt acknowledge and
  // returns I (D7: a request is pending) and W2-W0 (its level).
  poll_ = false;
  const int line = acknowledge();
  return line < 0 ? 0x00 : static_cast<u8>(0x80 | line);
}

void Pic8259::write(bool a0, u8 value) {
  if (!a0) {
    if (value & 0x10) icw1(value);
    else if (value & 0x08) ocw3(value);
    else ocw2(value);
    return;
  }
  switch (init_) {
    case Init::Icw2:
      icw2_ = value;  // 8086 mode: T7-T3 of the vector
      init_ = !single_ ? Init::Icw3 : need_icw4_ ? Init::Icw4 : Init::Ready;
      break;
    case Init::Icw3:
      icw3_ = value;  // master: slave-present bits; slave: its ID (D2-D0)
      init_ = need_icw4_ ? Init::Icw4 : Init::Ready;
      break;
    case Init::Icw4:
      // D0 uPM (8086 assumed), D1 AEOI, D2-D3 buffered mode (ignored), D4 SFNM.
      aeoi_ = value & 0x02;
      sfnm_ = value & 0x10;
      init_ = Init::Ready;
      break;
    case Init::Ready:
      imr_ = value;  // OCW1
      break;
  }
}

u8 Pic8259::read(bool a0) {
  if (poll_) return poll();
  if (a0) return imr_;
  return read_isr_ ? isr_ : irr_;
}

// ---------------------------------------------------------------- DualPic

DualPic::DualPic(IrqSink& intr, unsigned intr_line) : intr_(intr), intr_line_(intr_line) {
  reset();
}

void DualPic::reset() {
  master_.reset();
  slave_.reset();
  update();
}

void DualPic::update() {
  master_.set_irq(kCascade, slave_.int_output());
  const bool level = master_.int_output();
  if (level != intr_level_) {
    intr_level_ = level;
    intr_.set_irq(intr_line_, level);
  }
}

u32 DualPic::io_read(u16 port, Width) {
  u32 value = 0xFF;
  if ((port & 0xFFFE) == 0x4D0) {
    value = (port & 1 ? slave_ : master_).elcr();
  } else {
    value = chip(port).read(port & 1);
  }
  update();  // a poll read acknowledges
  return value;
}

void DualPic::io_write(u16 port, u32 value, Width) {
  const u8 v = static_cast<u8>(value);
  if ((port & 0xFFFE) == 0x4D0) {
    const unsigned i = port & 1;
    (i ? slave_ : master_).set_elcr(static_cast<u8>(v & kElcrMask[i]));
  } else {
    chip(port).write(port & 1, v);
  }
  update();
}

void DualPic::set_irq(unsigned line, bool level) {
  if (line == kCascade || line > 15) return;
  if (line < 8) master_.set_irq(line, level);
  else slave_.set_irq(line - 8, level);
  update();
}

u8 DualPic::acknowledge() {
  const int m = master_.acknowledge();
  u8 vec = 0;
  if (m < 0) {
    vec = master_.vector(7);  // spurious master interrupt: ISR not set
  } else if (master_.is_cascade(static_cast<unsigned>(m))) {
    // "Cascading": the slave supplies the vector. If its request vanished it
    // answers with its IR7 (spurious), while master IR2 is already in service.
    const int s = slave_.acknowledge();
    vec = slave_.vector(s < 0 ? 7u : static_cast<unsigned>(s));
    // Master IR2 is edge-triggered and its request was just consumed: if the
    // slave's INT is still high (e.g. AEOI with more requests pending),
    // present it as a new edge so the request is not lost.
    master_.set_irq(kCascade, false);
  } else {
    vec = master_.vector(static_cast<unsigned>(m));
  }
  update();
  return vec;
}

std::string DualPic::dump() const {
  std::string out;
  const Pic8259* chips[2] = {&master_, &slave_};
  const char* names[2] = {"master", "slave "};
  for (unsigned i = 0; i < 2; ++i) {
    const Pic8259& c = *chips[i];
    out += fmt::format("{}: IRR={:02X} ISR={:02X} IMR={:02X} base={:02X} ELCR={:02X}\n", names[i],
                       c.irr(), c.isr(), c.imr(), c.base(), c.elcr());
  }
  out += fmt::format("INTR={}\n", intr_level_ ? 1 : 0);
  return out;
}

}  // namespace gb
