// 16550A UART; see uart16550.hpp for the datasheet sections followed.
#include "devices/uart16550.hpp"

#include <cstdio>

namespace gb {

namespace {

// Register offsets (datasheet Table II).
constexpr unsigned kRbrThr = 0;  // DLAB=1: DLL
constexpr unsigned kIer = 1;     // DLAB=1: DLM
constexpr unsigned kIirFcr = 2;
constexpr unsigned kLcr = 3;
constexpr unsigned kMcr = 4;
constexpr unsigned kLsr = 5;
constexpr unsigned kMsr = 6;
constexpr unsigned kScr = 7;

// LSR bits.
constexpr u8 kLsrDr = 0x01;
constexpr u8 kLsrOe = 0x02;
constexpr u8 kLsrThre = 0x20;
constexpr u8 kLsrTemt = 0x40;

// IER bits.
constexpr u8 kIerErbfi = 0x01;
constexpr u8 kIerEtbei = 0x02;
constexpr u8 kIerElsi = 0x04;
constexpr u8 kIerEdssi = 0x08;

// MCR bits.
constexpr u8 kMcrOut2 = 0x08;

// IIR interrupt identification codes (bits 3-0; Table IV).
constexpr u8 kIirNone = 0x01;
constexpr u8 kIirLineStatus = 0x06;
constexpr u8 kIirRxData = 0x04;
constexpr u8 kIirTimeout = 0x0C;
constexpr u8 kIirThre = 0x02;
constexpr u8 kIirModem = 0x00;

}  // namespace

Uart16550::Uart16550(Scheduler& sched, IrqLine irq, ByteSink* out)
    : irq_(irq),
      out_(out),
      tx_timer_(sched, *this, "uart-tx"),
      timeout_timer_(sched, *this, "uart-rx-timeout") {
  reset();
}

void Uart16550::reset() {
  tx_timer_.cancel();
  timeout_timer_.cancel();
  rx_.clear();
  tx_.clear();
  tsr_busy_ = false;
  tsr_ = 0;
  rbr_last_ = 0;
  ier_ = 0;
  fcr_ = 0;
  lcr_ = 0;
  mcr_ = 0;
  lsr_err_ = 0;
  scr_ = 0;
  divisor_ = 12;
  msr_ = modem_inputs();  // no deltas after reset
  thre_pending_ = false;
  timeout_pending_ = false;
  update_irq();
}

Picos Uart16550::char_time() const {
  const unsigned data = 5 + (lcr_ & 3);
  // In half bits, so that 1.5 stop bits (5-bit words, LCR bit 2) are exact.
  unsigned half = 2 * (1 + data + ((lcr_ & 0x08) ? 1 : 0));
  if (lcr_ & 0x04)
    half += data == 5 ? 3 : 4;
  else
    half += 2;
  // Divisor 0 is not a valid setting; treat it as 65536, the counter's wrap.
  const i64 div = divisor_ ? divisor_ : 65536;
  const i64 num = static_cast<i64>(half) * div * kPicosPerSecond;
  const i64 den = 2 * kBaseBaud;
  return (num + den - 1) / den;
}

unsigned Uart16550::rx_trigger() const {
  static constexpr unsigned kLevels[4] = {1, 4, 8, 14};
  return kLevels[(fcr_ >> 6) & 3];
}

bool Uart16550::rx_full() const { return rx_.count >= capacity(); }

u8 Uart16550::lsr() const {
  u8 v = lsr_err_;
  if (!rx_.empty()) v |= kLsrDr;
  if (tx_.empty()) {
    v |= kLsrThre;
    if (!tsr_busy_) v |= kLsrTemt;
  }
  return v;
}

u8 Uart16550::modem_inputs() const {
  if (!loopback()) return ext_inputs_;
  // Loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.
  u8 v = 0;
  if (mcr_ & 0x02) v |= 0x10;
  if (mcr_ & 0x01) v |= 0x20;
  if (mcr_ & 0x04) v |= 0x40;
  if (mcr_ & 0x08) v |= 0x80;
  return v;
}

void Uart16550::update_msr() {
  const u8 now = modem_inputs();
  const u8 old = msr_ & 0xF0;
  const u8 changed = now ^ old;
  u8 delta = msr_ & 0x0F;
  if (changed & 0x10) delta |= 0x01;                   // DCTS
  if (changed & 0x20) delta |= 0x02;                   // DDSR
  if ((old & 0x40) && !(now & 0x40)) delta |= 0x04;    // TERI: RI trailing edge
  if (changed & 0x80) delta |= 0x08;                   // DDCD
  msr_ = static_cast<u8>(now | delta);
}

void Uart16550::set_modem_inputs(bool cts, bool dsr, bool ri, bool dcd) {
  ext_inputs_ = static_cast<u8>((cts ? 0x10 : 0) | (dsr ? 0x20 : 0) | (ri ? 0x40 : 0) |
                                (dcd ? 0x80 : 0));
  update_msr();
  update_irq();
}

u8 Uart16550::iir_source() const {
  if ((ier_ & kIerElsi) && (lsr_err_ & 0x1E)) return kIirLineStatus;
  if (ier_ & kIerErbfi) {
    const bool avail = fifo_enabled() ? rx_.count >= rx_trigger() : !rx_.empty();
    if (avail) return kIirRxData;
    if (timeout_pending_) return kIirTimeout;
  }
  if ((ier_ & kIerEtbei) && thre_pending_) return kIirThre;
  if ((ier_ & kIerEdssi) && (msr_ & 0x0F)) return kIirModem;
  return kIirNone;
}

void Uart16550::set_timing(DeviceTiming t) {
  timing_ = t;
  update_irq();
}

void Uart16550::update_irq() {
  // On a PC the INTR pin reaches the bus only through a driver enabled by
  // the /OUT2 pin, which loopback mode forces inactive. QEMU wires INTR
  // straight to the PIC, and guests (xv6) leave OUT2 clear.
  const bool gate = timing_ == DeviceTiming::Qemu || ((mcr_ & kMcrOut2) && !loopback());
  const bool level = iir_source() != kIirNone && gate;
  if (level != irq_level_) {
    irq_level_ = level;
    irq_.set(level);
  }
}

void Uart16550::start_tx() {
  if (tsr_busy_ || tx_.empty()) return;
  tsr_ = tx_.pop();
  tsr_busy_ = true;
  if (tx_.empty()) thre_pending_ = true;  // THR/FIFO just became empty
  tx_timer_.arm_in(char_time());
}

void Uart16550::write_thr(u8 v) {
  v = static_cast<u8>(v & data_mask());
  if (timing_ == DeviceTiming::Qemu) {
    // QEMU's serial_xmit: the byte goes out within the write; THR is empty
    // again, so the THRE interrupt (if enabled) is pending at once.
    transmit(v);
    thre_pending_ = true;
    return;
  }
  thre_pending_ = false;
  if (tx_.count < capacity()) {
    tx_.push(v);
  } else if (!fifo_enabled()) {
    tx_.back() = v;  // THR is a single latch: the waiting byte is replaced
  }
  start_tx();
}

void Uart16550::transmit(u8 v) {
  if (loopback()) {
    rx_push(v);
  } else if (out_) {
    out_->put(v);
    if (tx_.empty()) out_->flush();
  }
}

void Uart16550::rx_push(u8 v) {
  v = static_cast<u8>(v & data_mask());
  if (rx_.count >= capacity()) {
    lsr_err_ |= kLsrOe;
    // 16450 mode: the new character overwrites RBR. FIFO mode: the
    // character in the shift register is lost.
    if (!fifo_enabled()) rx_.back() = v;
  } else {
    rx_.push(v);
  }
  if (!timeout_pending_) rearm_timeout();
}

void Uart16550::rearm_timeout() {
  if (fifo_enabled() && !rx_.empty() && !timeout_pending_)
    timeout_timer_.arm_in(4 * char_time());
  else
    timeout_timer_.cancel();
}

void Uart16550::receive(u8 byte) {
  if (loopback()) return;  // SIN is disconnected in loopback mode
  rx_push(byte);
  update_irq();
}

void Uart16550::on_timer(Timer& t) {
  if (&t == &timeout_timer_) {
    if (fifo_enabled() && !rx_.empty()) timeout_pending_ = true;
  } else {
    tsr_busy_ = false;
    transmit(tsr_);
    start_tx();
  }
  update_irq();
}

void Uart16550::drain() {
  // Each pass completes the frame in the shift register (on_timer then
  // moves the next character in); at most the FIFO's worth plus one.
  for (unsigned n = 0; tsr_busy_ && n <= kFifoSize; ++n) {
    tx_timer_.cancel();
    on_timer(tx_timer_);
  }
}

void Uart16550::write_fcr(u8 v) {
  const bool was = fifo_enabled();
  const bool en = v & 0x01;
  if (en != was) {
    // Changing FCR0 clears both FIFOs; the first transmitter interrupt
    // after it is immediate.
    rx_.clear();
    tx_.clear();
    timeout_pending_ = false;
    thre_pending_ = true;
  }
  if (!en) {
    fcr_ = 0;  // the other bits are programmed only with FCR0 = 1
  } else {
    fcr_ = static_cast<u8>(v & 0xC9);
    if (v & 0x02) {
      rx_.clear();
      timeout_pending_ = false;
    }
    if ((v & 0x04) && !tx_.empty()) {
      tx_.clear();
      thre_pending_ = true;
    }
  }
  rearm_timeout();
}

u32 Uart16550::io_read(u16 port, Width) {
  const bool dlab = lcr_ & 0x80;
  u8 v = 0xFF;
  switch (port & 7) {
    case kRbrThr:
      if (dlab) {
        v = static_cast<u8>(divisor_ & 0xFF);
        break;
      }
      if (!rx_.empty()) rbr_last_ = rx_.pop();
      v = rbr_last_;
      timeout_pending_ = false;
      rearm_timeout();
      break;
    case kIer:
      v = dlab ? static_cast<u8>(divisor_ >> 8) : ier_;
      break;
    case kIirFcr: {
      const u8 src = iir_source();
      if (src == kIirThre) thre_pending_ = false;
      v = static_cast<u8>(src | (fifo_enabled() ? 0xC0 : 0));
      break;
    }
    case kLcr:
      v = lcr_;
      break;
    case kMcr:
      v = mcr_;
      break;
    case kLsr:
      v = lsr();
      lsr_err_ = 0;
      break;
    case kMsr:
      update_msr();
      v = msr_;
      msr_ &= 0xF0;
      break;
    case kScr:
      v = scr_;
      break;
  }
  update_irq();
  return v;
}

void Uart16550::io_write(u16 port, u32 value, Width) {
  const u8 v = static_cast<u8>(value);
  const bool dlab = lcr_ & 0x80;
  switch (port & 7) {
    case kRbrThr:
      if (dlab)
        divisor_ = static_cast<u16>((divisor_ & 0xFF00) | v);
      else
        write_thr(v);
      break;
    case kIer:
      if (dlab) {
        divisor_ = static_cast<u16>((divisor_ & 0x00FF) | v << 8);
      } else {
        const u8 old = ier_;
        ier_ = static_cast<u8>(v & 0x0F);
        // Enabling ETBEI while THR is empty raises the THRE interrupt.
        if ((ier_ & kIerEtbei) && !(old & kIerEtbei) && tx_.empty()) thre_pending_ = true;
      }
      break;
    case kIirFcr:
      write_fcr(v);
      break;
    case kLcr:
      lcr_ = v;
      break;
    case kMcr:
      mcr_ = static_cast<u8>(v & 0x1F);
      update_msr();
      break;
    case kLsr:
      break;  // factory test only; writes ignored
    case kMsr:
      break;
    case kScr:
      scr_ = v;
      break;
  }
  update_irq();
}

std::string Uart16550::dump() const {
  char line[256];
  std::snprintf(line, sizeof line,
                "16550A UART: IER %02X IIR %02X FCR %02X LCR %02X MCR %02X LSR %02X MSR %02X "
                "SCR %02X DL %04X (%lld baud)\n"
                "  rx %u/%u trigger %u%s  tx %u%s  irq %u%s%s\n",
                ier_, static_cast<unsigned>(iir_source() | (fifo_enabled() ? 0xC0 : 0)), fcr_,
                lcr_, mcr_, lsr(), msr_, scr_, divisor_,
                static_cast<long long>(divisor_ ? kBaseBaud / divisor_ : 0), rx_.count, capacity(),
                rx_trigger(), timeout_pending_ ? " timeout" : "", tx_.count,
                tsr_busy_ ? " shifting" : "", irq_level_ ? 1u : 0u,
                thre_pending_ ? " thre-pending" : "", loopback() ? " loopback" : "");
  return line;
}

}  // namespace gb
