// National Semiconductor / TI 16550A UART with 16-byte FIFOs, as wired on a
// PC serial port (COM1 at 3F8h/IRQ4, COM2 at 2F8h/IRQ3).
//
// Reference: National Semiconductor PC16550D "Universal Asynchronous
// Receiver/Transmitter with FIFOs" datasheet (June 1995; reissued by TI as
// literature number SNLS378): "Registers" (Table II, register summary),
// "Line Control Register", "Programmable Baud Generator", "Line Status
// Register", "FIFO Control Register", "Interrupt Identification Register"
// (Table IV, priorities and reset control), "Interrupt Enable Register",
// "Modem Control Register" (loopback), "Modem Status Register", "FIFO
// Interrupt Mode Operation" (trigger levels, character timeout) and Table III
// (reset configuration). PC wiring of OUT2: IBM PC AT Technical Reference,
// "Serial/Parallel Adapter" (OUT2 enables the interrupt driver to the bus).
//
// Two behaviours (DeviceTiming): by default the UART behaves as QEMU's and
// Bochs's, which guests such as xv6 are written against: a byte written to
// THR leaves at once (none is lost, LSR.THRE and TEMT read 1 again at once,
// and a THRE interrupt follows), and INTR reaches the PIC whatever MCR.OUT2
// says (QEMU's serial_update_irq ignores OUT2). Under Datasheet the
// transmitter shifts each character out at the programmed baud rate, a
// write to a full FIFO is lost (FIFOs off: it replaces the byte in THR),
// and INTR is gated by OUT2 as on the PC board.
//
// Not modelled: parity/framing errors and break (the host side delivers whole
// bytes), LSR bit 7, DMA mode signalling (FCR bit 3 is stored only), the
// datasheet's delayed "transmitter FIFO empty" indication, and the one-bit
// THR-to-TSR transfer delay (an idle transmitter takes a written byte at once).
#pragma once
#include <array>
#include <string>

#include "devices/device_timing.hpp"
#include "devices/irq.hpp"
#include "devices/scheduler.hpp"
#include "devices/sink.hpp"
#include "mmu/io_map.hpp"

namespace gb {

class Uart16550 final : public IoHandler, public Timer::Client {
 public:
  /// The baud generator input: 1.8432 MHz / 16 = 115200 baud at divisor 1.
  static constexpr i64 kBaseBaud = 115'200;
  static constexpr unsigned kFifoSize = 16;

  /// `out` receives transmitted bytes (may be null: they are dropped). The
  /// device decodes the low three port bits, so any 8-aligned base works.
  Uart16550(Scheduler& sched, IrqLine irq, ByteSink* out);

  u32 io_read(u16 port, Width w) override;
  void io_write(u16 port, u32 value, Width w) override;
  void on_timer(Timer& t) override;

  /// Host side: a character arrives on SIN. Pushed into the RX FIFO (or the
  /// RBR when FIFOs are off); if there is no room it is lost and LSR.OE set
  /// (in non-FIFO mode the RBR is overwritten, as on the 16450). Ignored in
  /// loopback mode, where SIN is disconnected.
  void receive(u8 byte);
  /// Whether the receiver has no room for another character.
  bool rx_full() const;

  /// The modem inputs seen outside loopback mode (CTS, DSR, RI, DCD).
  /// Power-on default: CTS, DSR and DCD asserted, RI not.
  void set_modem_inputs(bool cts, bool dsr, bool ri, bool dcd);

  /// Host side, when the run ends: the characters still in the transmitter
  /// (the shift register, then the transmit FIFO) go out at once, as if
  /// their frames completed now, so none the guest wrote is lost however
  /// the run ends. The UART's state moves on as those frames completing
  /// would (LSR.TEMT set, THRE raised); a later run continues from there.
  void drain();

  /// Master reset (datasheet Table III); also restores divisor 12 (9600 baud)
  /// and clears SCR, as at power-on.
  void reset();
  std::string dump() const;

  /// One character frame at the current LCR and divisor:
  /// (1 start + data + parity + stop bits) * divisor / 115200 s, rounded up.
  Picos char_time() const;
  bool irq_level() const { return irq_level_; }
  /// DeviceTiming::Qemu (the default) or Datasheet; see the file comment.
  /// Set before the guest runs (a switch does not move bytes in flight).
  void set_timing(DeviceTiming t);
  DeviceTiming timing() const { return timing_; }

 private:
  struct Fifo {
    std::array<u8, kFifoSize> buf{};
    unsigned head = 0;
    unsigned count = 0;
    bool empty() const { return count == 0; }
    void clear() { head = count = 0; }
    void push(u8 v) {
      buf[(head + count) % kFifoSize] = v;
      ++count;
    }
    u8 pop() {
      const u8 v = buf[head];
      head = (head + 1) % kFifoSize;
      --count;
      return v;
    }
    u8& back() { return buf[(head + count - 1) % kFifoSize]; }
  };

  bool fifo_enabled() const { return fcr_ & 0x01; }
  bool loopback() const { return mcr_ & 0x10; }
  unsigned capacity() const { return fifo_enabled() ? kFifoSize : 1; }
  unsigned rx_trigger() const;
  u8 data_mask() const { return static_cast<u8>(0xFFu >> (3 - (lcr_ & 3))); }
  u8 lsr() const;
  u8 modem_inputs() const;  ///< MSR bits 7-4 as the pins are now
  u8 iir_source() const;    ///< IIR bits 3-0
  void update_msr();
  void update_irq();
  void write_thr(u8 v);
  void start_tx();
  void transmit(u8 v);  ///< a character leaves SOUT (or loops back)
  void rx_push(u8 v);
  void rearm_timeout();
  void write_fcr(u8 v);

  IrqLine irq_;
  ByteSink* out_;
  Timer tx_timer_;
  Timer timeout_timer_;

  Fifo rx_;
  Fifo tx_;
  bool tsr_busy_ = false;  ///< a character is being shifted out
  u8 tsr_ = 0;
  u8 rbr_last_ = 0;  ///< what RBR reads when the receiver is empty

  u8 ier_ = 0;
  u8 fcr_ = 0;  ///< bits 0, 3, 7-6 as written (the reset bits self-clear)
  u8 lcr_ = 0;
  u8 mcr_ = 0;
  u8 lsr_err_ = 0;  ///< LSR bits 4-1 (only OE is ever set)
  u8 msr_ = 0;
  u8 scr_ = 0;
  u16 divisor_ = 12;
  u8 ext_inputs_ = 0xB0;  ///< modem input pins outside loopback, MSR layout

  bool thre_pending_ = false;     ///< THRE interrupt armed (IIR source 2)
  bool timeout_pending_ = false;  ///< character timeout indication
  bool irq_level_ = false;
  DeviceTiming timing_ = DeviceTiming::Qemu;
};

}  // namespace gb
