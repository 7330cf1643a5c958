// The x87 instruction machinery shared by cpu/ops/x87*.cpp: the register
// stack, stack faults, the commit of exception flags to the status word,
// and memory operands (SDM Vol. 1 ch. 8).
#pragma once
#include <array>

#include "cpu/cpu.hpp"
#include "cpu/fpu/float80.hpp"

namespace gb::x87 {

using fpu::Float80;
using fpu::Unpacked;
namespace exc = fpu::exc;

/// One executing x87 instruction: the FPU state, the rounding and masks of
/// the FCW, and the exceptions and C1 it raises, merged into FSW by finish().
class Exec {
 public:
  Exec(Cpu& c, const DecodedInsn& insn) : cpu(c), d(insn), f(c.state().fpu), env(fpu::Env::from_fcw(f.fcw)) {}

  Cpu& cpu;
  const DecodedInsn& d;
  FpuState& f;
  fpu::Env env;
  /// C1 after the instruction: the round-up bit unless a stack fault or the
  /// instruction itself sets it (finish() writes it).
  bool c1_override = false;
  bool c1_value = false;
  bool c1_keep = false;  ///< the instruction leaves C1 as it was

  unsigned rm() const { return d.rm(); }
  Float80& st(unsigned i) { return f.st(i); }
  bool empty(unsigned i) const { return f.empty(i); }
  Unpacked op(unsigned i) const { return fpu::unpack(f.st(i)); }

  void set_c1(bool v) {
    c1_override = true;
    c1_value = v;
  }
  /// Sets C3, C2, C0 (the comparison and class codes).
  void set_c320(bool c3, bool c2, bool c0) {
    f.fsw = static_cast<u16>((f.fsw & ~(fsw::kC3 | fsw::kC2 | fsw::kC0)) | (c3 ? fsw::kC3 : 0) |
                             (c2 ? fsw::kC2 : 0) | (c0 ? fsw::kC0 : 0));
  }

  /// Stack overflow (a push onto a full register) or underflow (an empty
  /// source): IE with SF, C1 = 1 for overflow, 0 for underflow (SDM Vol. 1
  /// 8.5.1.1). Returns true when IE is masked, so the masked response (the
  /// real indefinite) proceeds; false when nothing may change.
  bool stack_fault(bool overflow) {
    env.raise(exc::IE);
    f.fsw |= fsw::kSF;
    set_c1(overflow);
    return env.masked(exc::IE);
  }

  /// Stores a result in ST(i), which is then not empty.
  void put(unsigned i, const Float80& v) {
    f.st(i) = v;
    f.set_full(i, true);
  }
  /// Pushes with the overflow check: a full ST(7) is a stack fault whose
  /// masked response pushes the real indefinite. False: nothing pushed.
  bool push(const Float80& v) {
    if (!f.empty(7)) {
      if (!stack_fault(true)) return false;
      f.set_top(f.top() - 1);
      put(0, fpu::kIndefinite);
      return true;
    }
    f.set_top(f.top() - 1);
    put(0, v);
    return true;
  }
  void pop() {
    f.set_full(0, false);
    f.set_top(f.top() + 1);
  }

  /// Whether an exception raised so far is unmasked IE/DE/ZE: the
  /// destination and TOP must stay (SDM Vol. 1 8.5).
  bool aborted() const { return env.aborted(); }

  /// Merges the raised flags into FSW: the sticky exception flags, C1, and
  /// ES/B for unmasked ones. On the P6 family FERR# goes up at the end of
  /// the faulting instruction when CR0.NE = 0 (SDM Vol. 3A 22.18.6.7 / 19.x
  /// "Assertion of the FERR# pin").
  void finish();

  // ---- Memory operands (the ModR/M operand at d.seg:ea).
  u64 ea() const { return cpu.ea(d); }
  /// The bytes of an operand follow its (address-size wrapped) offset
  /// without wrapping: beyond a 64 KiB limit the access faults. Outside
  /// 64-bit mode offsets are 32 bits (they wrap at 4 GiB).
  u64 at(u32 delta) const {
    const u64 o = ea() + delta;
    return cpu.mode64() ? o : static_cast<u32>(o);
  }
  u16 read16(u32 delta = 0) { return cpu.read<u16>(d.seg, at(delta)); }
  u32 read32(u32 delta = 0) { return cpu.read<u32>(d.seg, at(delta)); }
  u64 read64(u32 delta = 0) { return read32(delta) | (u64{read32(delta + 4)} << 32); }
  Float80 read80(u32 delta = 0) {
    const u64 sig = read64(delta);
    return Float80{sig, read16(delta + 8)};
  }
  /// Checks a whole multi-byte store against the segment before anything is
  /// written. The stores below then write their highest part first, so a
  /// page fault on the second of two pages leaves memory as it was (one on
  /// the first may leave the high part written; the restarted instruction
  /// writes it again).
  void check_store(u32 delta, u32 size) {
    cpu.check_write(d.seg, at(delta), size);
  }
  void write16(u32 delta, u16 v) { cpu.write<u16>(d.seg, at(delta), v); }
  void write32(u32 delta, u32 v) { cpu.write<u32>(d.seg, at(delta), v); }
  void write64(u32 delta, u64 v) {
    check_store(delta, 8);
    write32(delta + 4, static_cast<u32>(v >> 32));
    write32(delta, static_cast<u32>(v));
  }
  void write80(u32 delta, const Float80& v) {
    check_store(delta, 10);
    write16(delta + 8, v.se);
    write32(delta + 4, static_cast<u32>(v.sig >> 32));
    write32(delta, static_cast<u32>(v.sig));
  }
  /// A block of bytes (environment images): the last byte first, then the rest.
  template <std::size_t N>
  void write_bytes(u32 delta, const std::array<u8, N>& b, u32 n = N) {
    check_store(delta, n);
    cpu.write<u8>(d.seg, at(delta + n - 1), b[n - 1]);
    for (u32 i = 0; i + 1 < n; ++i) cpu.write<u8>(d.seg, at(delta + i), b[i]);
  }
  template <std::size_t N>
  void read_bytes(u32 delta, std::array<u8, N>& b, u32 n = N) {
    cpu.check_read(d.seg, at(delta), n);
    for (u32 i = 0; i < n; ++i) b[i] = cpu.read<u8>(d.seg, at(delta + i));
  }
};

/// Real mode or virtual-8086 mode: the environment layouts with 20-bit
/// linear pointers (SDM Vol. 1 Figures 8-10, 8-12).
inline bool real_layout(const Cpu& c) { return !c.state().pe() || c.state().v86(); }

}  // namespace gb::x87
