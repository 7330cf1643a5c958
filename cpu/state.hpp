// The architectural CPU state as plain data (SDM Vol. 1 ch. 3, Vol. 3A ch. 2).
#pragma once
#include <algorithm>
#include <array>

#include "cpu/flags.hpp"
#include "cpu/fpu/fpu_state.hpp"
#include "cpu/msr.hpp"
#include "mmu/types.hpp"

namespace gb {

/// General-purpose register numbers in ModR/M order; R8-R15 need REX
/// (SDM Vol. 1 3.4.1.1).
enum Gpr : u8 { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, R8, R9, R10, R11, R12, R13, R14, R15 };
/// Segment register numbers in the order of the Sreg field of ModR/M.
enum SegReg : u8 { ES, CS, SS, DS, FS, GS, kNoSeg = 0xFF };

/// A segment register: the visible selector and its descriptor cache
/// (SDM Vol. 3A 3.4.3), plus what the access check derives from the cache.
// (Laid out in 64 bytes: a memory operand's segment is one shift away.)
struct Segment {
  u16 selector = 0;
  u8 access = 0x93;    ///< descriptor byte 5: P, DPL, S, type
  u8 flags = 0;        ///< descriptor byte 6 high nibble: G, D/B, L, AVL
  bool big = false;    ///< D/B: 32-bit default operand/stack size
  // Derived by refresh() (with lo, hi, rend, wend, lbase below).
  bool readable = true;
  bool writable = true;
  u32 limit = 0xFFFF;  ///< byte granular (already expanded when G=1)
  /// The cached base: 32 bits from a descriptor, 64 bits for FS and GS
  /// through IA32_FS_BASE / IA32_GS_BASE (SDM Vol. 3A 3.4.4).
  u64 base = 0;

  // Derived by refresh(): valid offsets are lo..hi; type checks apply in
  // protected mode only (real and virtual-8086 mode check limits alone).
  u64 lo = 0, hi = 0xFFFF;
  /// The access check in one compare: an access of `size` bytes at `off`
  /// passes iff (off - lo) + size - 1 < rend (wend for writes); 0 when
  /// the segment cannot be read (written) at all. In 64-bit mode every
  /// offset passes (no limits; the canonical check is paging's business,
  /// since a non-canonical page is never in the TLB). Outside it, an
  /// access that passes also ends below 4 GiB once the base is added, so
  /// the fast paths need no 4 GiB wrap; a segment whose offsets wrap the
  /// linear space takes the checked path there.
  u64 rend = 0x10000, wend = 0x10000;
  /// The base linear addresses are formed with: `base`, except in 64-bit
  /// mode, where ES, CS, SS and DS count as based at 0 (SDM Vol. 3A 3.4.4).
  u64 lbase = 0;

  unsigned dpl() const { return (access >> 5) & 3; }
  bool present() const { return (access & 0x80) != 0; }
  bool is_code() const { return (access & 0x18) == 0x18; }

  /// L: a 64-bit code segment (SDM Vol. 3A 5.2.1).
  bool long_code() const { return (flags & 2) != 0; }

  /// Recomputes the derived checks. `type_checks`: protected mode;
  /// `mode64`: the CPU is in 64-bit mode, where only FS and GS (`fs_gs`)
  /// keep a base and nothing has a limit or a type check.
  void refresh(bool type_checks, bool mode64 = false, bool fs_gs = false) {
    if (mode64) {
      readable = writable = true;
      lo = 0;
      hi = ~u64{0};
      rend = wend = ~u64{0};
      lbase = fs_gs ? base : 0;
      return;
    }
    lbase = base;
    const bool seg = (access & 0x10) != 0;
    const bool code = seg && (access & 8);
    const bool down = seg && !code && (access & 4);
    if (down) {
      lo = limit + 1;
      hi = big ? 0xFFFF'FFFFu : 0xFFFFu;
    } else {
      lo = 0;
      hi = limit;
    }
    if (!type_checks) {
      readable = writable = true;
    } else {
      const bool usable = present() && seg;
      readable = usable && (!code || (access & 2));
      writable = usable && !code && (access & 2);
    }
    const u64 span = hi - lo + 1;
    const u64 room = (u64{1} << 32) - std::min<u64>(base + lo, u64{1} << 32);
    rend = readable ? std::min(span, room) : 0;
    wend = writable ? std::min(span, room) : 0;
  }
};

static_assert(sizeof(Segment) == 64);

/// Debug-register and CR4 bits (SDM Vol. 3A 2.5, 17.2.3, 17.2.4).
constexpr u32 kDr6Bd = 1u << 13;  ///< DR6.BD: a MOV DRn met DR7.GD
constexpr u32 kDr6Bs = 1u << 14;  ///< DR6.BS: single step
constexpr u32 kDr6Bt = 1u << 15;  ///< DR6.BT: task switch into a TSS with T set
constexpr u32 kDr7Gd = 1u << 13;  ///< DR7.GD: general detect enable
constexpr u32 kCr4De = 1u << 3;   ///< CR4.DE: debug extensions

/// GDTR/IDTR: linear base and limit in bytes.
struct TableRegister {
  u64 base = 0;
  u16 limit = 0xFFFF;
};

/// The always-zero register after the sixteen GPRs: an addressing form's
/// absent base or index reads it, so the effective address needs no test.
constexpr u8 kZeroReg = 16;

struct CpuState {
  /// RAX..R15 in ModR/M order, then gpr[kZeroReg], which stays 0. Outside
  /// 64-bit mode only the low 32 bits are visible; a 32-bit write clears
  /// the upper half in every mode (SDM Vol. 1 3.4.1.1 leaves it undefined
  /// outside 64-bit mode; Intel parts clear it).
  std::array<u64, 17> gpr{};
  /// RIP; EIP/IP are its low 32/16 bits.
  u64 rip = 0;
  /// EFLAGS without the six arithmetic bits, which live in `flags`.
  u32 eflags_rest = 0x2;
  LazyFlags flags;
  std::array<Segment, 6> seg{};
  TableRegister gdtr, idtr;
  Segment ldtr, tr;
  u64 cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0;
  /// CR8 where no local APIC is attached (Cpu::set_apic_base_listener);
  /// with one, CR8 is its TPR[7:4].
  u64 cr8 = 0;
  std::array<u64, 8> dr{};
  u64 tsc = 0;
  /// Current privilege level (SDM Vol. 3A 5.5): 0 in real mode, 3 in V86.
  u8 cpl = 0;
  u64 efer = 0;  ///< IA32_EFER (C000_0080h): SCE, LME, LMA, NXE as the model has them
  u64 msr_sysenter_cs = 0, msr_sysenter_esp = 0, msr_sysenter_eip = 0, msr_apic_base = 0xFEE0'0900u;
  /// IA32_MISC_ENABLE's writable bits: 0 fast strings, 18 ENABLE MONITOR
  /// FSM (set at power-up; read as 0 on models without MONITOR).
  u64 msr_misc_enable = 0x4'0001;
  /// IA32_PAT at power-up: WB WT UC- UC, twice (SDM Vol. 3A Table 11-12).
  u64 msr_pat = 0x0007'0406'0007'0406;
  /// The x87 FPU (models with has_fpu; unused otherwise).
  FpuState fpu;

  bool halted = false;
  /// An application processor after RESET or INIT: it executes nothing and
  /// takes no interrupt until a STARTUP IPI (SDM Vol. 3A 8.4.2, 10.6.1).
  bool wait_sipi = false;
  /// MONITOR armed an address range; MWAIT waits only when it is armed and
  /// disarms it (SDM Vol. 2B MWAIT: without an armed monitor, execution
  /// continues at the next instruction).
  bool monitor_armed = false;
  /// Halted in MWAIT (not HLT): a store to the monitored line also ends
  /// the wait (Cpu::code_written).
  bool in_mwait = false;
  /// Set by MOV SS / POP SS / STI: interrupts (and the TF trap after MOV SS)
  /// are held off until the next instruction completes (SDM Vol. 3A 6.8.3).
  bool interrupt_shadow = false;
  /// The Intel 64 MSRs and the MTRRs (cpu/msr.hpp).
  MsrState msr;

  u32 eflags() const { return eflags_rest | flags.all(); }
  bool pe() const { return (cr0 & 1) != 0; }
  bool v86() const { return (eflags_rest & fl::VM) != 0; }
  /// Protected mode proper (PE set, not virtual-8086).
  bool protected_mode() const { return pe() && !v86(); }
  /// IA-32e mode: EFER.LMA (SDM Vol. 3A 2.2.1).
  bool lma() const { return (efer & msr::kEferLma) != 0; }
  /// 64-bit mode: IA-32e mode with CS.L = 1.
  bool mode64() const { return lma() && seg[CS].long_code(); }
  unsigned iopl() const { return (eflags_rest >> 12) & 3; }
};

}  // namespace gb
