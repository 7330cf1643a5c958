// RDMSR/WRMSR per model (SDM Vol. 4 Table 2-2, the architectural MSRs, with
// the "introduced as architectural" conditions read as CpuModel fields).
#include "cpu/msr.hpp"

#include "cpu/canonical.hpp"
#include "cpu/cpu.hpp"
#include "cpu/mtrr.hpp"

namespace gb {

namespace {

[[noreturn]] void gp() { throw GuestFault::make(kGP, 0); }

void require(bool has) {
  if (!has) gp();
}

constexpr u32 kCr0Pg = 0x8000'0000u;

// IA32_PAT (SDM Vol. 3A 11.12.2): eight memory types, one per byte; 2, 3
// and 8-FFh are reserved (#GP(0) on WRMSR). Glassbox has no caches: the
// types are kept, not acted on.
bool pat_valid(u64 v) {
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned t = (v >> (8 * i)) & 0xFF;
    if (t == 2 || t == 3 || t > 7) return false;
  }
  return true;
}

// IA32_MISC_ENABLE (SDM Vol. 4 Table 2-2): bit 0 fast strings and, with
// MONITOR, bit 18 ENABLE MONITOR FSM are writable; bits 11 (branch trace
// storage unavailable) and 12 (PEBS unavailable) read 1; the rest read 0:
// no thermal control, performance monitoring, Enhanced SpeedStep, CPUID
// limit or XD disable (bits 3, 7, 16, 22, 34), which Glassbox lacks.
u64 misc_enable_writable(const CpuModel& m) { return m.has(Isa::Monitor) ? 0x4'0001 : 0x1; }
u64 misc_enable(const CpuState& s, const CpuModel& m) {
  return (s.msr_misc_enable & misc_enable_writable(m)) | (1u << 11) | (1u << 12);
}

// IA32_EFER exists with NX or long mode (SDM Vol. 4: "If
// CPUID.80000001H:EDX.[20] || CPUID.80000001H:EDX.[29]"); each bit with
// its feature.
bool has_efer(const CpuModel& m) { return m.nx || m.long_mode; }
u64 efer_writable(const CpuModel& m) {
  return (m.nx ? msr::kEferNxe : 0) | (m.long_mode ? msr::kEferLme : 0) | (m.syscall ? msr::kEferSce : 0);
}

void write_efer(Cpu& c, u64 v) {
  const CpuModel& m = c.model();
  CpuState& s = c.state();
  require(has_efer(m));
  const u64 writable = efer_writable(m);
  // LMA is a status bit: on a long-mode part the value written is ignored
  // and the current one kept (as Bochs and KVM do; some AMD parts #GP when
  // it is set, which is why Linux's real-mode trampoline clears it). Every
  // other bit outside `writable` is reserved: #GP(0).
  const u64 lma = m.long_mode ? msr::kEferLma : 0;
  if (v & ~(writable | lma)) gp();
  // #GP(0) on changing LME while paging is on (SDM Vol. 3A 10.8.5: IA-32e
  // mode is entered and left only with CR0.PG = 0).
  if (((s.efer ^ v) & msr::kEferLme) && (s.cr0 & kCr0Pg)) gp();
  const u64 next = (v & writable) | (s.efer & msr::kEferLma);
  const bool nxe_changed = ((s.efer ^ next) & msr::kEferNxe) != 0;
  s.efer = next;
  if (nxe_changed) c.update_paging(Cpu::TlbFlush::All);
}

// The MSRs that hold a linear address take only canonical values on an
// Intel 64 part (SDM Vol. 2B WRMSR: IA32_FS_BASE, IA32_GS_BASE,
// IA32_KERNEL_GS_BASE, IA32_LSTAR, IA32_SYSENTER_EIP/ESP; IA32_CSTAR is
// not in that list). The width is the processor's (57 bits with LA57),
// whatever CR4.LA57 is (Intel document 335252, 5-Level Paging).
u64 canonical_or_gp(const CpuModel& m, u64 v) {
  if (!canonical(v, m.linear_addr_bits)) gp();
  return v;
}

// IA32_APIC_BASE (SDM Vol. 3A 10.4.4): bits MAXPHYADDR-1..12 the base
// (at least 35..12, as on the P6 parts), 11 the global enable, 8 BSP
// (read-only: this is the BSP); the others are reserved: #GP(0). With the
// 3-wire APIC bus (Pentium Pro, II, III) a globally disabled APIC stays so
// until reset; later models enable it again, the machine having put it in
// its power-up state (10.4.3). The machine's physical address space is 32
// bits, so the base keeps bits 31..12.
void write_apic_base(Cpu& c, u64 v) {
  const CpuModel& m = c.model();
  const unsigned phys = m.maxphyaddr() > 36 ? m.maxphyaddr() : 36;
  const u64 valid = (((u64{1} << phys) - 1) & ~u64{0xFFF}) | 0x900;
  require(m.at_least(CpuFamily::p6));
  if (v & ~valid) gp();
  const u64 enable = v & (m.apic_reenable ? 0x800 : c.state().msr_apic_base) & 0x800;
  c.write_apic_base((v & 0xFFFF'F000u) | enable | (c.bsp() ? 0x100 : 0));  // BSP is read-only
}

}  // namespace

u64 read_msr(Cpu& c, u32 index) {
  const CpuModel& m = c.model();
  const CpuState& s = c.state();
  const bool p6 = m.at_least(CpuFamily::p6);
  switch (index) {
    case msr::kTsc: return s.tsc + c.tsc_base();
    case msr::kApicBase: require(p6); return s.msr_apic_base;
    case msr::kSysenterCs: require(p6); return s.msr_sysenter_cs;
    case msr::kSysenterEsp: require(p6); return s.msr_sysenter_esp;
    case msr::kSysenterEip: require(p6); return s.msr_sysenter_eip;
    case msr::kEfer: require(has_efer(m)); return s.efer;
    case msr::kMiscEnable: require(m.has_misc_enable()); return misc_enable(s, m);
    // The P6 family's microcode update signature (SDM Vol. 3A 9.11.7.1):
    // EDX the revision after CPUID; no update is ever loaded: 0.
    case msr::kBiosSignId: require(p6); return 0;
    // Bits 52-50 the platform (socket) ID, which microcode updates are
    // matched against (SDM Vol. 3A 9.11.4): platform 0.
    case msr::kPlatformId: require(p6); return 0;
    case msr::kPat: require(m.pat); return s.msr_pat;
    // Intel 64 (SDM Vol. 4: "If CPUID.80000001H:EDX.[29] = 1").
    case msr::kStar: require(m.long_mode); return s.msr.star;
    case msr::kLstar: require(m.long_mode); return s.msr.lstar;
    case msr::kCstar: require(m.long_mode); return s.msr.cstar;
    case msr::kFmask: require(m.long_mode); return s.msr.fmask;
    case msr::kFsBase: require(m.long_mode); return s.seg[FS].base;
    case msr::kGsBase: require(m.long_mode); return s.seg[GS].base;
    case msr::kKernelGsBase: require(m.long_mode); return s.msr.kernel_gs_base;
    case msr::kTscAux: require(m.rdtscp); return s.msr.tsc_aux;
    default:
      if (is_mtrr_msr(index)) return read_mtrr(m, s.msr.mtrr, index);
      gp();  // not an MSR of this model
  }
}

void write_msr(Cpu& c, u32 index, u64 v) {
  const CpuModel& m = c.model();
  CpuState& s = c.state();
  const bool p6 = m.at_least(CpuFamily::p6);
  switch (index) {
    case msr::kTsc: s.tsc = v - c.tsc_base(); return;
    case msr::kApicBase: write_apic_base(c, v); return;
    case msr::kSysenterCs: require(p6); s.msr_sysenter_cs = v & 0xFFFF; return;
    // 64 bits and canonical on an Intel 64 part; 32 bits before.
    case msr::kSysenterEsp:
      require(p6);
      s.msr_sysenter_esp = m.long_mode ? canonical_or_gp(m, v) : v & 0xFFFF'FFFFu;
      return;
    case msr::kSysenterEip:
      require(p6);
      s.msr_sysenter_eip = m.long_mode ? canonical_or_gp(m, v) : v & 0xFFFF'FFFFu;
      return;
    case msr::kEfer: write_efer(c, v); return;
    // Software writes 0 before CPUID to read the signature; nothing to keep.
    case msr::kBiosSignId: require(p6); return;
    case msr::kPat:
      if (!m.pat || !pat_valid(v)) gp();
      s.msr_pat = v;
      return;
    case msr::kMiscEnable: {
      // The read-only and unimplemented bits must keep their values.
      const u64 rw = misc_enable_writable(m);
      if (!m.has_misc_enable() || (v & ~rw) != (misc_enable(s, m) & ~rw)) gp();
      s.msr_misc_enable = v & rw;
      return;
    }
    case msr::kStar: require(m.long_mode); s.msr.star = v; return;
    case msr::kLstar: require(m.long_mode); s.msr.lstar = canonical_or_gp(m, v); return;
    case msr::kCstar: require(m.long_mode); s.msr.cstar = v; return;
    case msr::kFmask:  // bits 63:32 reserved (SDM Vol. 4 Table 2-2)
      require(m.long_mode && (v >> 32) == 0);
      s.msr.fmask = v;
      return;
    case msr::kFsBase:
      require(m.long_mode);
      s.seg[FS].base = canonical_or_gp(m, v);
      c.refresh_one(FS);
      return;
    case msr::kGsBase:
      require(m.long_mode);
      s.seg[GS].base = canonical_or_gp(m, v);
      c.refresh_one(GS);
      return;
    case msr::kKernelGsBase: require(m.long_mode); s.msr.kernel_gs_base = canonical_or_gp(m, v); return;
    case msr::kTscAux:  // bits 63:32 reserved
      require(m.rdtscp && (v >> 32) == 0);
      s.msr.tsc_aux = v;
      return;
    default:
      if (is_mtrr_msr(index)) return write_mtrr(m, s.msr.mtrr, index, v);
      gp();
  }
}

}  // namespace gb
