#include "frontend/debugger/debugger.hpp"

#include "frontend/debugger/numbers.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/simd_view.hpp"
#include "frontend/debugger/page_map.hpp"
#include "frontend/debugger/walk_text.hpp"

namespace gb {

namespace {

constexpr const char* kGprNames[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
constexpr const char* kGpr64Names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                         "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
constexpr const char* kSegNames[6] = {"es", "cs", "ss", "ds", "fs", "gs"};

std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A number: 0x-prefixed or h-suffixed hex, otherwise decimal (as gdb).
std::optional<u64> parse_number(std::string s, bool hex_default = false) {
  int base = hex_default ? 16 : 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s = s.substr(2);
    base = 16;
  } else if (s.size() > 1 && (s.back() == 'h' || s.back() == 'H')) {
    s.pop_back();
    base = 16;
  }
  return parse_u64(s, base);
}

std::string bit_names(u64 v, std::initializer_list<std::pair<unsigned, const char*>> bits) {
  std::string out;
  for (const auto& [bit, name] : bits) {
    if ((v >> bit) & 1) out += std::string(out.empty() ? "" : " ") + name;
  }
  return out.empty() ? "-" : out;
}

/// A segment or system descriptor (SDM Vol. 3A 3.4.5, 3.5, 6.11), decoded.
std::string describe_descriptor(u64 d) {
  const u32 lo = static_cast<u32>(d), hi = static_cast<u32>(d >> 32);
  const u8 access = static_cast<u8>(hi >> 8);
  const bool present = access & 0x80;
  const unsigned dpl = (access >> 5) & 3;
  const bool s = access & 0x10;
  const unsigned type = access & 0x0F;
  if (!s) {
    static constexpr const char* kSys[16] = {"reserved",       "16-bit TSS (available)", "LDT",
                                             "16-bit TSS (busy)", "16-bit call gate",    "task gate",
                                             "16-bit interrupt gate", "16-bit trap gate", "reserved",
                                             "32-bit TSS (available)", "reserved",       "32-bit TSS (busy)",
                                             "32-bit call gate", "reserved",             "32-bit interrupt gate",
                                             "32-bit trap gate"};
    if (type == 4 || type == 5 || type == 6 || type == 7 || type == 12 || type == 14 || type == 15) {
      const u16 sel = static_cast<u16>(lo >> 16);
      const u32 off = (lo & 0xFFFF) | (type >= 12 ? (hi & 0xFFFF0000u) : 0);
      if (type == 5) return fmt::format("{}, TSS selector {:04x}, DPL {}{}", kSys[type], sel, dpl, present ? "" : ", not present");
      return fmt::format("{} -> {:04x}:{:08x}, DPL {}{}", kSys[type], sel, off, dpl, present ? "" : ", not present");
    }
    const u32 base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
    u32 limit = (lo & 0xFFFF) | (hi & 0x000F0000u);
    if (hi & 0x00800000u) limit = (limit << 12) | 0xFFF;
    return fmt::format("{}, base {:08x}, limit {:08x}, DPL {}{}", kSys[type], base, limit, dpl, present ? "" : ", not present");
  }
  const u32 base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
  u32 limit = (lo & 0xFFFF) | (hi & 0x000F0000u);
  const bool g = hi & 0x00800000u, db = hi & 0x00400000u;
  if (g) limit = (limit << 12) | 0xFFF;
  std::string kind;
  if (type & 8) {
    // L (bit 53) without D: 64-bit code in IA-32e mode (SDM Vol. 3A 5.2.1).
    const bool l = hi & 0x00200000u;
    kind = fmt::format("code {}-bit, {}{}{}", l && !db ? 64 : db ? 32 : 16, (type & 2) ? "execute/read" : "execute-only",
                       (type & 4) ? ", conforming" : "", (type & 1) ? ", accessed" : "");
  } else {
    kind = fmt::format("data, {}{}{}{}", (type & 2) ? "read/write" : "read-only", (type & 4) ? ", expand-down" : "",
                       db ? ", big" : "", (type & 1) ? ", accessed" : "");
  }
  return fmt::format("{}, base {:08x}, limit {:08x}, DPL {}{}", kind, base, limit, dpl, present ? "" : ", not present");
}

/// The system descriptor types of IA-32e mode (SDM Vol. 3A 3.5, Table 3-2):
/// the LDT, the 64-bit TSS and the 64-bit gates; every other type is
/// reserved there (no 16-bit gates, no task gates).
bool ia32e_system16(unsigned type) { return type == 2 || type == 9 || type == 11 || type == 12; }

/// A 16-byte IA-32e system descriptor or gate, `lo` the first quadword and
/// `hi` the second: the LDT and 64-bit TSS descriptors with base 63:0 (SDM
/// Vol. 3A 8.2.3, Figure 8-4), 64-bit call gates (5.8.3.1, Figure 5-9;
/// the second quadword's type field must be 0) and 64-bit interrupt and
/// trap gates with offset 63:0 and the IST index (6.14.1, Figure 6-8).
std::string describe_descriptor64(u64 lo, u64 hi) {
  const u8 access = static_cast<u8>(lo >> 40);
  const bool present = access & 0x80;
  const unsigned dpl = (access >> 5) & 3;
  const unsigned type = access & 0x0F;
  const std::string np = present ? "" : ", not present";
  const u16 sel = static_cast<u16>(lo >> 16);
  const u64 off = (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000u) | (hi << 32);
  switch (type) {
    case 2:
    case 9:
    case 11: {
      const u64 base = ((lo >> 16) & 0xFFFFFF) | ((lo >> 32) & 0xFF000000u) | (hi << 32);
      u32 limit = static_cast<u32>((lo & 0xFFFF) | ((lo >> 32) & 0x000F0000u));
      if (lo & (u64{1} << 55)) limit = (limit << 12) | 0xFFF;
      const char* what = type == 2 ? "LDT" : type == 9 ? "64-bit TSS (available)" : "64-bit TSS (busy)";
      return fmt::format("{}, base {:016x}, limit {:08x}, DPL {}{}", what, base, limit, dpl, np);
    }
    case 12: {
      const unsigned upper_type = (hi >> 40) & 0x1F;
      return fmt::format("64-bit call gate -> {:04x}:{:016x}, DPL {}{}{}", sel, off, dpl, np,
                         upper_type ? fmt::format(", upper type {:x} (not 0: #GP)", upper_type) : "");
    }
    case 14:
    case 15: {
      const unsigned ist = (lo >> 32) & 7;
      return fmt::format("64-bit {} gate -> {:04x}:{:016x}, {}, DPL {}{}", type == 14 ? "interrupt" : "trap", sel, off,
                         ist ? fmt::format("IST{}", ist) : "IST 0 (no stack switch by IST)", dpl, np);
    }
    default: return fmt::format("reserved type {:x} in IA-32e mode, DPL {}{}", type, dpl, np);
  }
}

/// Up to 8 little-endian bytes, or nullopt if one is missing.
std::optional<u64> le_value(const std::vector<std::optional<u8>>& b, size_t from, size_t n) {
  u64 v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!b[from + i]) return std::nullopt;
    v |= u64{*b[from + i]} << (8 * i);
  }
  return v;
}

}  // namespace

// SDM Vol. 1 3.4.3: set flags upper case.
std::string flag_names(u32 f) {
  static constexpr struct {
    u32 bit;
    const char* name;
  } kFlags[] = {{1u << 21, "ID"}, {1u << 20, "VIP"}, {1u << 19, "VIF"}, {1u << 18, "AC"}, {1u << 17, "VM"},
                {1u << 16, "RF"}, {1u << 14, "NT"},  {1u << 11, "OF"},  {1u << 10, "DF"}, {1u << 9, "IF"},
                {1u << 8, "TF"},  {1u << 7, "SF"},   {1u << 6, "ZF"},   {1u << 4, "AF"},  {1u << 2, "PF"},
                {1u << 0, "CF"}};
  std::string out;
  for (const auto& fl : kFlags) {
    if (f & fl.bit) out += std::string(out.empty() ? "" : " ") + fl.name;
  }
  out += fmt::format("{}IOPL={}", out.empty() ? "" : " ", (f >> 12) & 3);
  return out;
}

Debugger::Debugger(Machine& m, std::FILE* out, Options opts)
    : m_(m), target_(m), out_(out), opts_(opts), per_cpu_(m.cpu_count()) {
  for (unsigned i = 0; i < m_.cpu_count(); ++i) m_.processor(i).cpu.set_observer(this);
}

void Debugger::set_attached(bool on) {
  for (unsigned i = 0; i < m_.cpu_count(); ++i) m_.processor(i).cpu.set_observer(on ? this : nullptr);
  attached_ = on;
  update_watching();
  for (PerCpu& c : per_cpu_) c.have_prev = false;  // the mode-change comparison restarts
  have_a20_ = false;
}

void Debugger::update_watching() {
  for (unsigned i = 0; i < m_.cpu_count(); ++i) m_.processor(i).cpu.set_watching(attached_ && !watches_.empty());
}

Debugger::~Debugger() {
  for (unsigned i = 0; i < m_.cpu_count(); ++i) {
    m_.processor(i).cpu.set_watching(false);
    m_.processor(i).cpu.set_observer(nullptr);
  }
  if (trace_) std::fclose(trace_);
}

Cpu& Debugger::cpu() { return m_.processor(cur_).cpu; }
const Cpu& Debugger::cpu() const { return m_.processor(cur_).cpu; }

void Debugger::view(unsigned i) {
  cur_ = i;
  target_.set_cpu(i);
}

void Debugger::select_cpu(unsigned i) {
  if (i >= m_.cpu_count()) {
    throw std::invalid_argument(fmt::format("no CPU {} (this machine has {}: 0-{})", i, m_.cpu_count(), m_.cpu_count() - 1));
  }
  view(i);
  m_.set_current_cpu(i);  // its local APIC answers the reads of the APIC page
}

unsigned Debugger::index_of(const Cpu& c) const {
  // The machine's current processor is the one running (Machine::current_cpu).
  if (const unsigned i = m_.current_cpu(); i < m_.cpu_count() && &m_.processor(i).cpu == &c) return i;
  if (&m_.processor(last_index_).cpu == &c) return last_index_;
  for (unsigned i = 0; i < m_.cpu_count(); ++i) {
    if (&m_.processor(i).cpu == &c) return last_index_ = i;
  }
  return 0;
}

const char* Debugger::run_state(const CpuState& s) {
  if (s.wait_sipi) return "wait-for-SIPI";
  return s.halted ? "halted" : "running";
}

bool Debugger::wide() const { return cpu().model().long_mode; }

unsigned Debugger::code_bits() const {
  const CpuState& s = cpu().state();
  if (s.mode64()) return 64;
  return s.protected_mode() && s.seg[CS].big ? 32 : 16;
}

u64 Debugger::pc_linear() const {
  const CpuState& s = cpu().state();
  // 64-bit mode ignores CS's base (SDM Vol. 3A 3.4.4).
  return s.mode64() ? s.rip : static_cast<u32>(s.seg[CS].base + s.rip);
}

std::string Debugger::take_stop_message() {
  std::string s;
  s.swap(stop_message_);
  return s;
}

void Debugger::note_shutdown() {
  // The processor that shut down is the machine's current one.
  if (m_.cpu_count() > 1) {
    select_cpu(m_.current_cpu());
    stopped_cpu_ = cur_;
    stop_message_ = fmt::format("CPU {}: ", cur_);
  } else {
    stop_message_.clear();
  }
  stop_message_ += "triple fault: the CPU shut down (SDM Vol. 3A 6.15, #DF); registers show the state at the fault";
}

std::optional<u64> Debugger::register_value(const std::string& name_in) const {
  std::string name = lower(name_in);
  if (!name.empty() && name[0] == '$') name = name.substr(1);
  const CpuState& s = cpu().state();
  for (unsigned i = 0; i < 8; ++i) {
    if (name == kGprNames[i]) return s.gpr[i] & 0xFFFF'FFFFu;
    if (name == std::string(kGprNames[i]).substr(1)) return s.gpr[i] & 0xFFFF;  // ax, cx, ... sp, bp, si, di
  }
  // RAX..R15 and R8D..R15D, R8W..R15W, R8B..R15B on a model with Intel 64.
  for (unsigned i = 0; wide() && i < 16; ++i) {
    const std::string r = kGpr64Names[i];
    if (name == r) return s.gpr[i];
    if (i >= 8 && name == r + "d") return s.gpr[i] & 0xFFFF'FFFFu;
    if (i >= 8 && name == r + "w") return s.gpr[i] & 0xFFFF;
    if (i >= 8 && name == r + "b") return s.gpr[i] & 0xFF;
  }
  if (wide() && name == "rip") return s.rip;
  if (wide() && name == "rflags") return s.eflags();
  static constexpr const char* k8[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
  for (unsigned i = 0; i < 8; ++i) {
    if (name == k8[i]) return i < 4 ? s.gpr[i] & 0xFF : (s.gpr[i - 4] >> 8) & 0xFF;
  }
  for (unsigned i = 0; i < 6; ++i) {
    if (name == kSegNames[i]) return s.seg[i].selector;
  }
  if (name == "eip") return s.rip & 0xFFFF'FFFFu;
  if (name == "ip") return s.rip & 0xFFFF;
  if (name == "eflags" || name == "flags") return s.eflags();
  if (name == "cr0") return s.cr0;
  if (name == "cr2") return s.cr2;
  if (name == "cr3") return s.cr3;
  if (name == "cr4") return s.cr4;
  return std::nullopt;
}

u64 Debugger::value_of(const std::string& s) const {
  if (auto r = register_value(s)) return *r;
  if (auto n = parse_number(s)) {
    if (!wide() && *n > 0xFFFF'FFFFu) throw std::invalid_argument(fmt::format("{} does not fit in 32 bits", s));
    return *n;
  }
  throw std::invalid_argument(fmt::format("'{}' is not a number or register", s));
}

DebugAddress Debugger::parse_address(const std::string& s) const {
  DebugAddress a;
  const std::string l = lower(s);
  if (l.starts_with("p:")) {
    a.kind = DebugAddress::Kind::Physical;
    a.offset = value_of(s.substr(2));
    return a;
  }
  const size_t colon = s.find(':');
  if (colon == std::string::npos) {
    a.offset = value_of(s);
    return a;
  }
  // SEG:OFF: both hex unless written as registers (0000:7c00, cs:eip).
  a.kind = DebugAddress::Kind::SegOff;
  const std::string seg = s.substr(0, colon), off = s.substr(colon + 1);
  if (auto r = register_value(seg)) {
    a.selector = static_cast<u16>(*r);
    std::string name = lower(seg);
    if (name.starts_with('$')) name = name.substr(1);
    for (unsigned i = 0; i < 6; ++i) {
      if (name == kSegNames[i]) a.seg_reg = static_cast<int>(i);
    }
  } else if (auto n = parse_number(seg, true); n && *n <= 0xFFFF) {
    a.selector = static_cast<u16>(*n);
  } else {
    throw std::invalid_argument(fmt::format("'{}' is not a segment (a register or 0-FFFF hex)", seg));
  }
  if (auto r = register_value(off)) {
    a.offset = *r;
  } else if (auto n = parse_number(off, true); n && (wide() || *n <= 0xFFFF'FFFFu)) {
    a.offset = *n;
  } else {
    throw std::invalid_argument(fmt::format("'{}' is not an offset (a register or hex)", off));
  }
  return a;
}

std::optional<u64> Debugger::linear_of(const DebugAddress& a) const {
  const CpuState& s = cpu().state();
  switch (a.kind) {
    case DebugAddress::Kind::Linear: return a.offset;
    case DebugAddress::Kind::Physical: return std::nullopt;
    case DebugAddress::Kind::SegOff: break;
  }
  // 64-bit mode: only FS and GS have a base (SDM Vol. 3A 3.4.4); the
  // offset is the whole linear address otherwise.
  const bool m64 = s.mode64();
  for (unsigned i = 0; i < 6; ++i) {
    // The register's own cache when it holds this selector.
    if (s.seg[i].selector == a.selector && (a.seg_reg < 0 || static_cast<int>(i) == a.seg_reg)) {
      if (m64) return (i == FS || i == GS ? s.seg[i].base : 0) + a.offset;
      return static_cast<u32>(s.seg[i].base + a.offset);
    }
  }
  if (m64) return a.offset;
  if (!s.protected_mode()) return static_cast<u32>(a.selector * 16u + a.offset);
  // A selector not in any register: its descriptor in the GDT or LDT.
  const bool ldt = a.selector & 4;
  const u64 table = ldt ? s.ldtr.base : s.gdtr.base;
  const u32 limit = ldt ? s.ldtr.limit : s.gdtr.limit;
  const u32 index = a.selector & ~7u;
  if (index + 7 > limit) throw std::invalid_argument(fmt::format("selector {:04x} is beyond the {} limit", a.selector, ldt ? "LDT" : "GDT"));
  const auto b = target_.read_linear(table + index, 8);
  u64 d = 0;
  for (unsigned i = 0; i < 8; ++i) {
    if (!b[i]) throw std::invalid_argument(fmt::format("descriptor {:04x} is not readable", a.selector));
    d |= u64{*b[i]} << (8 * i);
  }
  const u32 base = static_cast<u32>((d >> 16) & 0xFFFFFF) | static_cast<u32>((d >> 56) << 24);
  return static_cast<u32>(base + a.offset);
}

// --- run control -----------------------------------------------------------

bool Debugger::before_insn(const Cpu& cpu) {
  // The checks see the processor running (its registers and paging); the
  // commands' view returns to the current processor unless it stops.
  const unsigned idx = index_of(cpu);
  const unsigned viewed = cur_;
  view(idx);
  std::string why = check_stop(cpu, idx);
  if (why.empty()) {
    view(viewed);
    return true;
  }
  if (why != "step") stepping_ = false;  // a stop ends a step in progress
  select_cpu(idx);
  stopped_cpu_ = idx;
  // "step" stays bare (the prompt does not print it): the stepped CPU is the current one.
  stop_message_ = m_.cpu_count() > 1 && why != "step" ? fmt::format("CPU {}: {}", idx, why) : why;
  return false;
}

std::string Debugger::check_stop(const Cpu& cpu, unsigned idx) {
  PerCpu& c = per_cpu_[idx];
  const CpuState& s = cpu.state();
  const u64 lin = pc_linear();
  std::string why;
  // Boot milestones: compare with the state before the previous instruction.
  const auto changed = [&](bool was, bool now, const char* what, const PerCpu& by, const std::string& of) {
    if (was != now && why.empty()) {
      why = fmt::format("{} {} -> {} by the instruction at {:04x}:{:08x}{}", what, was ? 1 : 0, now ? 1 : 0, by.prev_cs, by.prev_eip, of);
    }
  };
  if (c.have_prev) {
    if (break_pe_) changed(c.prev_cr0 & 1, s.cr0 & 1, "CR0.PE", c, "");
    if (break_pg_) changed((c.prev_cr0 >> 31) & 1, (s.cr0 >> 31) & 1, "CR0.PG", c, "");
    if (break_pae_) changed((c.prev_cr4 >> 5) & 1, (s.cr4 >> 5) & 1, "CR4.PAE", c, "");
  }
  // A20 is the machine's line, not a processor's: the instruction that
  // changed it is the last one run, on whichever processor.
  if (break_a20_ && have_a20_) {
    changed(a20_, m_.bus().a20(), "A20", per_cpu_[a20_cpu_], a20_cpu_ != idx ? fmt::format(" of CPU {}", a20_cpu_) : "");
  }
  if (c.have_prev && break_lma_) changed(c.prev_lma, s.lma(), "EFER.LMA", c, "");
  if (trace_) {
    const std::string line = trace_line(cpu, c);
    if (!line.empty()) std::fputs(line.c_str(), trace_);
  }
  c.have_prev = true;
  c.prev_cr0 = s.cr0;
  c.prev_cr4 = s.cr4;
  have_a20_ = true;
  a20_ = m_.bus().a20();
  a20_cpu_ = idx;
  c.prev_lma = s.lma();
  c.prev_cs = s.seg[CS].selector;
  c.prev_eip = s.rip;
  c.insn_index = cpu.instruction_boundaries();

  if (c.watch_hit) {
    if (why.empty()) {
      why = watch_message(*c.watch_hit, c);
      const Watchpoint* w = nullptr;
      for (const Watchpoint& x : watches_.all()) {
        if (x.id == c.watch_hit->id) w = &x;
      }
      // gdb wants an address inside the watched range.
      const u64 at = w && !w->physical ? std::max(c.watch_hit->lin, w->addr) : c.watch_hit->lin;
      stop_watch_.emplace(c.watch_hit->access, at);
    }
    c.watch_hit.reset();
  }
  if (why.empty() && !c.pending_fault.empty()) why = std::exchange(c.pending_fault, "");
  if (why.empty() && break_requested_.exchange(false, std::memory_order_relaxed)) {
    why = std::exchange(at_start_, false) ? "before the first instruction (the reset vector)" : "interrupted";
  }
  if (why.empty() && stepping_ && idx == step_cpu_) {
    if (steps_left_ == 0) {
      stepping_ = false;
      why = "step";
    } else {
      --steps_left_;
    }
  }
  const bool skip = skip_once_ && idx == stopped_cpu_;
  if (idx == stopped_cpu_) skip_once_ = false;
  if (why.empty() && !skip) {
    std::optional<PhysAddr> phys;
    for (auto it = breaks_.begin(); it != breaks_.end(); ++it) {
      if (it->cpu >= 0 && static_cast<unsigned>(it->cpu) != idx) continue;
      bool hit = false;
      switch (it->at.kind) {
        case DebugAddress::Kind::SegOff: hit = s.seg[CS].selector == it->at.selector && s.rip == it->at.offset; break;
        case DebugAddress::Kind::Linear: hit = lin == it->at.offset; break;
        case DebugAddress::Kind::Physical:
          if (!phys) {
            const Translation t = target_.translate(lin);
            phys = t.ok ? t.phys : ~PhysAddr{0};
          }
          hit = *phys == it->at.offset;
          break;
      }
      if (hit) {
        why = it->temporary ? "reached" : fmt::format("breakpoint {}", it->id);
        if (it->temporary) breaks_.erase(it);
        break;
      }
    }
    if (why.empty() && (opts_.magic_break || !io_breaks_.empty())) {
      const auto b = target_.read_linear(lin, 16);
      unsigned i = 0;
      while (i < 15 && b[i] && (*b[i] == 0x66 || *b[i] == 0x67 || *b[i] == 0xF0 || *b[i] == 0xF2 || *b[i] == 0xF3 ||
                                *b[i] == 0x26 || *b[i] == 0x2E || *b[i] == 0x36 || *b[i] == 0x3E || *b[i] == 0x64 || *b[i] == 0x65)) {
        ++i;
      }
      if (opts_.magic_break && i == 0 && b[0] == 0x87 && b[1] == 0xDB) why = "magic breakpoint (xchg bx, bx)";
      if (why.empty() && b[i] && !io_breaks_.empty()) {
        const u8 op = *b[i];
        std::optional<u16> port;
        if ((op & 0xFC) == 0xE4 && b[i + 1]) port = *b[i + 1];                    // in/out imm8
        if ((op & 0xFC) == 0xEC || (op & 0xFC) == 0x6C) port = s.gpr[EDX] & 0xFFFF;  // in/out dx, ins/outs
        if (port && std::find(io_breaks_.begin(), io_breaks_.end(), *port) != io_breaks_.end()) {
          why = fmt::format("I/O port {:#x}", *port);
        }
      }
    }
  }
  return why;
}

void Debugger::on_fault(const Cpu& cpu, const GuestFault& f) {
  if (!exception_breaks_[f.vector]) return;
  const CpuState& s = cpu.state();
  per_cpu_[index_of(cpu)].pending_fault = fmt::format("exception {}{} at {:04x}:{:08x}", f.vector,
                               f.has_error ? fmt::format(" (error code {:#x})", f.error) : "", s.seg[CS].selector, s.rip);
}

bool Debugger::on_access(const Cpu& cpu, u64 lin, unsigned size, bool write) {
  const unsigned idx = index_of(cpu);
  PerCpu& c = per_cpu_[idx];
  if (c.watch_hit) return true;  // the first hit of an instruction is the one reported
  target_.set_cpu(idx);  // physical watchpoints translate through the accessing processor
  const Watchpoint* w = watches_.match(target_, lin, size, write);
  target_.set_cpu(cur_);
  if (!w) return false;
  WatchHit h;
  h.id = w->id;
  h.access = w->access;
  h.write = write;
  h.lin = lin;
  h.size = size;
  if (write) {
    // Through the accessing processor's paging.
    const unsigned viewed = target_.cpu_index();
    target_.set_cpu(idx);
    h.before = target_.read_linear(lin, size);
    target_.set_cpu(viewed);
  }
  // Accesses after the instruction completed (the instruction count moved
  // on; a REP's iterations, counted as it runs, do not move it) belong to
  // entering an interrupt or exception handler.
  c.hit_in_insn = cpu.instruction_boundaries() == c.insn_index;
  c.hit_cs = c.prev_cs;
  c.hit_eip = c.prev_eip;
  c.watch_hit = std::move(h);
  return true;
}

std::string Debugger::watch_message(const WatchHit& h, const PerCpu& c) const {
  const auto value = [&](const std::vector<std::optional<u8>>& b) {
    const bool whole = std::all_of(b.begin(), b.end(), [](const auto& x) { return x.has_value(); });
    if (whole && (b.size() == 1 || b.size() == 2 || b.size() == 4 || b.size() == 8)) {
      u64 v = 0;
      for (size_t i = 0; i < b.size(); ++i) v |= u64{*b[i]} << (8 * i);
      return fmt::format("{:0{}x}", v, 2 * b.size());
    }
    std::string out;
    for (const auto& x : b) {
      if (!out.empty()) out += ' ';
      out += x ? fmt::format("{:02x}", *x) : "??";
    }
    return out;
  };
  const std::string by = c.hit_in_insn ? fmt::format("by the instruction at {:04x}:{:08x}", c.hit_cs, c.hit_eip)
                                       : fmt::format("entering a handler after the instruction at {:04x}:{:08x}", c.hit_cs, c.hit_eip);
  const std::string now = value(target_.read_linear(h.lin, h.size));
  const std::string what = h.write ? fmt::format("{} -> {}", value(h.before), now) : fmt::format("value {}", now);
  return fmt::format("watchpoint {}: {} of {} byte{} at linear {:08x} {}: {}", h.id, h.write ? "write" : "read", h.size,
                     h.size == 1 ? "" : "s", h.lin, by, what);
}

unsigned Debugger::add_linear_watch(Watchpoint::Access access, u64 lin, u32 len) {
  const unsigned id = watches_.add(access, false, lin, len, next_id_, wide() ? 64 : 32).id;
  ++next_id_;
  update_watching();
  return id;
}

bool Debugger::remove_linear_watch(Watchpoint::Access access, u64 lin, u32 len) {
  const bool ok = watches_.remove_linear(access, lin, len);
  update_watching();
  return ok;
}

unsigned Debugger::add_linear_break(u64 lin) {
  Breakpoint bp;
  bp.at.kind = DebugAddress::Kind::Linear;
  bp.at.offset = lin;
  bp.id = next_id_++;
  breaks_.push_back(bp);
  return bp.id;
}

bool Debugger::remove_linear_break(u64 lin) {
  const auto it = std::find_if(breaks_.begin(), breaks_.end(), [&](const Breakpoint& b) {
    return !b.temporary && b.at.kind == DebugAddress::Kind::Linear && b.at.offset == lin;
  });
  if (it == breaks_.end()) return false;
  breaks_.erase(it);
  return true;
}

void Debugger::resume() {
  skip_once_ = true;
  stop_watch_.reset();
  for (PerCpu& c : per_cpu_) c.have_prev = false;
  have_a20_ = false;
}

bool Debugger::step_over() {
  const CpuState& s = cpu().state();
  const auto b = target_.read_linear(pc_linear(), 16);
  std::vector<u8> code;
  for (const auto& x : b) {
    if (!x) break;
    code.push_back(*x);
  }
  const unsigned bits = code_bits();
  const auto lines = dis_.run(code, s.rip, bits, 1);
  if (lines.empty()) return false;
  const std::string& t = lines[0].text;
  const bool over = t.starts_with("call") || t.starts_with("int") || t.starts_with("rep") || t.starts_with("loop");
  if (!over) return false;
  Breakpoint bp;
  bp.at.kind = DebugAddress::Kind::SegOff;
  bp.at.selector = s.seg[CS].selector;
  bp.at.offset = s.rip + lines[0].bytes.size();
  if (bits == 32) bp.at.offset &= 0xFFFF'FFFFu;
  if (bits == 16) bp.at.offset &= 0xFFFF;
  bp.temporary = true;
  bp.cpu = static_cast<int>(cur_);  // only the processor stepped over
  breaks_.push_back(bp);
  return true;
}

std::string Debugger::trace_line(const Cpu& cpu, PerCpu& c) {
  const CpuState& s = cpu.state();
  std::string line;
  if (!c.prev_text.empty()) {
    line = c.prev_text;
    std::string changes;
    const bool ia32e = s.lma();
    for (unsigned i = 0; i < (ia32e ? 16u : 8u); ++i) {
      if (s.gpr[i] == c.prev_gpr[i]) continue;
      changes += ia32e ? fmt::format(" {}={:016x}", kGpr64Names[i], s.gpr[i])
                       : fmt::format(" {}={:08x}", kGprNames[i], static_cast<u32>(s.gpr[i]));
    }
    if (s.eflags() != c.prev_eflags) changes += fmt::format(" eflags={:08x} [{}]", s.eflags(), flag_names(s.eflags()));
    line += (changes.empty() ? "" : "  ;") + changes + "\n";
  }
  std::vector<u8> code;
  for (const auto& x : target_.read_linear(pc_linear(), 15)) {
    if (!x) break;
    code.push_back(*x);
  }
  const auto d = dis_.run(code, s.rip, code_bits(), 1);
  std::string bytes;
  if (!d.empty()) {
    for (u8 b : d[0].bytes) bytes += fmt::format("{:02x}", b);
  }
  // Several processors interleave in the file: each line names its CPU.
  c.prev_text = m_.cpu_count() > 1 ? fmt::format("cpu{} ", index_of(cpu)) : "";
  c.prev_text += fmt::format("{:04x}:{:0{}x}  {:<20} {}", s.seg[CS].selector, s.rip, s.mode64() ? 16 : 8, bytes,
                           d.empty() ? "(unreadable)" : d[0].text);
  for (unsigned i = 0; i < 16; ++i) c.prev_gpr[i] = s.gpr[i];
  c.prev_eflags = s.eflags();
  return line;
}

// --- commands ----------------------------------------------------------------

Debugger::Next Debugger::execute(const std::string& line) {
  Next next = Next::Prompt;
  const std::string out = run_line(line, next);
  std::fputs(out.c_str(), out_);
  std::fflush(out_);
  return next;
}

std::string Debugger::output_of(const std::string& line) {
  Next next = Next::Prompt;
  return run_line(line, next);
}

std::string Debugger::run_line(const std::string& line, Next& next) {
  const std::vector<std::string> args = split_words(line);
  if (args.empty()) return "";
  try {
    return run_command(args, next);
  } catch (const std::exception& e) {
    next = Next::Prompt;
    return fmt::format("error: {}\n", e.what());
  }
}

std::optional<unsigned> Debugger::break_at(u64 lin) const {
  const CpuState& s = cpu().state();
  for (const Breakpoint& b : breaks_) {
    if (b.temporary) continue;
    switch (b.at.kind) {
      case DebugAddress::Kind::Linear:
        if (b.at.offset == lin) return b.id;
        break;
      case DebugAddress::Kind::SegOff:
        // As before_insn matches it: CS's selector and the offset.
        if (b.at.selector == s.seg[CS].selector && linear_of(b.at) == lin) return b.id;
        break;
      case DebugAddress::Kind::Physical: {
        const Translation t = target_.translate(lin);
        if (t.ok && t.phys == b.at.offset) return b.id;
        break;
      }
    }
  }
  return std::nullopt;
}

bool Debugger::delete_break(unsigned id) {
  const auto it = std::find_if(breaks_.begin(), breaks_.end(), [&](const Breakpoint& b) { return b.id == id && !b.temporary; });
  if (it == breaks_.end()) return false;
  breaks_.erase(it);
  return true;
}

std::string Debugger::where() const {
  return disasm_at(pc_linear(), cpu().state().rip, 1);
}

std::string Debugger::info_cpus() const {
  std::string out = fmt::format("  CPU  APIC ID  state          mode                             CS:RIP\n");
  for (unsigned i = 0; i < m_.cpu_count(); ++i) {
    const Processor& p = m_.processor(i);
    const CpuState& s = p.cpu.state();
    const char* mode = s.lma() ? (s.mode64() ? "IA-32e, 64-bit mode" : "IA-32e, compatibility mode")
                       : !s.pe() ? "real mode"
                       : s.v86() ? "virtual-8086 mode"
                       : s.seg[CS].big ? "protected mode, 32-bit code" : "protected mode, 16-bit code";
    // The local APIC's ID register (software may change it; Processor
    // starts it at the index), as `info apic` shows it.
    out += fmt::format("{} {:>3}  {:>7}  {:<13}  {:<31}  {:04x}:{:0{}x}\n", i == cur_ ? '*' : ' ', i, p.lapic.id(), run_state(s),
                       mode, s.seg[CS].selector, s.rip, s.mode64() ? 16 : 8);
  }
  return out;
}

std::string Debugger::cpu_command(const std::vector<std::string>& args) {
  if (args.size() == 1) return fmt::format("current CPU: {} of {} (0-{})\n", cur_, m_.cpu_count(), m_.cpu_count() - 1);
  if (args.size() != 2) throw std::invalid_argument("cpu [N]");
  const auto n = parse_number(args[1]);
  if (!n || *n >= m_.cpu_count()) {
    throw std::invalid_argument(fmt::format("cpu {}: this machine has {} CPU{} (0-{})", args[1], m_.cpu_count(),
                                            m_.cpu_count() == 1 ? "" : "s", m_.cpu_count() - 1));
  }
  select_cpu(static_cast<unsigned>(*n));
  return fmt::format("CPU {} ({}):\n{}", cur_, run_state(cpu().state()), where());
}

std::string Debugger::run_command(const std::vector<std::string>& args, Next& next) {
  const std::string cmd = lower(args[0]);
  const auto count_arg = [&](size_t i, u64 dflt) -> u64 {
    if (args.size() <= i) return dflt;
    const auto n = parse_number(args[i]);
    if (!n || *n == 0) throw std::invalid_argument(fmt::format("'{}' is not a positive count", args[i]));
    return *n;
  };
  if (cmd == "help" || cmd == "h" || cmd == "?") return help();
  if (cmd == "step" || cmd == "s" || cmd == "stepi" || cmd == "si") {
    steps_left_ = count_arg(1, 1);
    stepping_ = true;
    step_cpu_ = cur_;
    resume();
    next = Next::Resume;
    return "";
  }
  if (cmd == "next" || cmd == "n") {
    if (!step_over()) {
      steps_left_ = 1;
      stepping_ = true;
      step_cpu_ = cur_;
    }
    resume();
    next = Next::Resume;
    return "";
  }
  if (cmd == "continue" || cmd == "c" || cmd == "cont") {
    resume();
    next = Next::Resume;
    return "";
  }
  if (cmd == "until") {
    if (args.size() != 2) throw std::invalid_argument("until ADDR");
    Breakpoint bp;
    bp.at = parse_address(args[1]);
    bp.temporary = true;
    breaks_.push_back(bp);
    resume();
    next = Next::Resume;
    return "";
  }
  if (cmd == "quit" || cmd == "q" || cmd == "exit") {
    next = Next::Quit;
    return "";
  }
  if (cmd == "break" || cmd == "b") return add_break(args);
  if (cmd == "watch" || cmd == "w") return add_watch(args);
  if (cmd == "delete" || cmd == "d") {
    if (args.size() == 1) {
      breaks_.erase(std::remove_if(breaks_.begin(), breaks_.end(), [](const Breakpoint& b) { return !b.temporary; }), breaks_.end());
      exception_breaks_.reset();
      io_breaks_.clear();
      break_pe_ = break_pg_ = break_pae_ = break_a20_ = break_lma_ = false;
      watches_.clear();
      update_watching();
      return "deleted every breakpoint and watchpoint\n";
    }
    const u64 id = count_arg(1, 0);
    if (id <= 0xFFFF'FFFFu && watches_.remove(static_cast<unsigned>(id))) {
      update_watching();
      return fmt::format("deleted watchpoint {}\n", id);
    }
    const auto it = std::find_if(breaks_.begin(), breaks_.end(), [&](const Breakpoint& b) { return b.id == id && !b.temporary; });
    if (it == breaks_.end()) throw std::invalid_argument(fmt::format("no breakpoint or watchpoint {}", id));
    breaks_.erase(it);
    return fmt::format("deleted breakpoint {}\n", id);
  }
  if (cmd == "regs" || cmd == "r" || cmd == "registers") return regs();
  if (cmd == "sregs") return sregs();
  if (cmd == "cregs") return cregs();
  if (cmd == "xmm") return xmm_listing(cpu().state(), cpu().model());
  if (cmd == "mmx") return mmx_listing(cpu().state(), cpu().model());
  if (cmd.starts_with("x")) {
    if (cmd != "x" && !cmd.starts_with("x/")) throw std::invalid_argument(fmt::format("unknown command '{}' (help lists them)", args[0]));
    return examine(cmd.size() > 2 ? cmd.substr(2) : "", args);
  }
  if (cmd == "disasm" || cmd == "u" || cmd == "disassemble") return disasm(args);
  if (cmd == "translate" || cmd == "t") {
    if (args.size() != 2) throw std::invalid_argument("translate ADDR");
    return translate(args[1]);
  }
  if (cmd == "info" || cmd == "i") return info(args);
  if (cmd == "set") return set(args);
  if (cmd == "where" || cmd == "pc") return where();
  if (cmd == "cpu") return cpu_command(args);
  if (cmd == "trace") {
    if (args.size() >= 2 && lower(args[1]) == "off") {
      if (trace_) std::fclose(trace_);
      trace_ = nullptr;
      for (PerCpu& c : per_cpu_) c.prev_text.clear();
      return "trace off\n";
    }
    if (args.size() != 3 || lower(args[1]) != "on") throw std::invalid_argument("trace on FILE | trace off");
    std::FILE* f = std::fopen(args[2].c_str(), "w");
    if (!f) throw std::invalid_argument(fmt::format("cannot write '{}': {}", args[2], std::strerror(errno)));
    if (trace_) std::fclose(trace_);
    trace_ = f;
    for (PerCpu& c : per_cpu_) c.prev_text.clear();
    return fmt::format("tracing every instruction to {}\n", args[2]);
  }
  throw std::invalid_argument(fmt::format("unknown command '{}' (help lists them)", args[0]));
}

std::string Debugger::add_break(const std::vector<std::string>& args) {
  if (args.size() == 1) throw std::invalid_argument("break ADDR | break on exception V | break on io PORT | break on mode pe|pg|pae|a20|lma");
  if (lower(args[1]) == "on") {
    if (args.size() != 4) throw std::invalid_argument("break on exception V | io PORT | mode pe|pg|pae|a20|lma");
    const std::string what = lower(args[2]);
    if (what == "exception") {
      const u64 v = value_of(args[3]);
      if (v > 255) throw std::invalid_argument("an exception vector is 0-255");
      exception_breaks_[v] = true;
      return fmt::format("will stop at the handler of exception {}\n", v);
    }
    if (what == "io") {
      const u64 p = value_of(args[3]);
      if (p > 0xFFFF) throw std::invalid_argument("an I/O port is 0-FFFFh");
      io_breaks_.push_back(static_cast<u16>(p));
      return fmt::format("will stop before IN/OUT/INS/OUTS on port {:#x}\n", p);
    }
    if (what == "mode") {
      const std::string m = lower(args[3]);
      if (m == "pe") break_pe_ = true;
      else if (m == "pg") break_pg_ = true;
      else if (m == "pae") break_pae_ = true;
      else if (m == "a20") break_a20_ = true;
      else if (m == "lma") break_lma_ = true;
      else throw std::invalid_argument("break on mode pe|pg|pae|a20|lma");
      static const std::pair<const char*, const char*> kNames[] = {
          {"pe", "CR0.PE"}, {"pg", "CR0.PG"}, {"pae", "CR4.PAE"}, {"a20", "A20"}, {"lma", "EFER.LMA"}};
      const char* name = "";
      for (const auto& [k, v] : kNames) {
        if (m == k) name = v;
      }
      return fmt::format("will stop after the instruction that changes {}\n", name);
    }
    throw std::invalid_argument(fmt::format("break on {}: expected exception, io or mode", args[2]));
  }
  if (args.size() != 2) throw std::invalid_argument("break ADDR");
  Breakpoint bp;
  bp.at = parse_address(args[1]);
  bp.id = next_id_++;
  breaks_.push_back(bp);
  std::string where;
  switch (bp.at.kind) {
    case DebugAddress::Kind::SegOff: where = fmt::format("{:04x}:{:08x}", bp.at.selector, bp.at.offset); break;
    case DebugAddress::Kind::Linear: where = fmt::format("linear {:08x}", bp.at.offset); break;
    case DebugAddress::Kind::Physical: where = fmt::format("physical {:08x}", bp.at.offset); break;
  }
  return fmt::format("breakpoint {} at {}\n", bp.id, where);
}

std::string Debugger::add_watch(const std::vector<std::string>& args) {
  constexpr const char* kUsage = "watch [r|w|rw] ADDR [LEN]";
  size_t i = 1;
  Watchpoint::Access access = Watchpoint::kWrite;
  if (args.size() > 1) {
    const std::string k = lower(args[1]);
    if (k == "r") access = Watchpoint::kRead;
    else if (k == "w") access = Watchpoint::kWrite;
    else if (k == "rw" || k == "a") access = Watchpoint::kReadWrite;
    if (k == "r" || k == "w" || k == "rw" || k == "a") ++i;
  }
  if (args.size() != i + 1 && args.size() != i + 2) throw std::invalid_argument(kUsage);
  const DebugAddress a = parse_address(args[i]);
  const bool physical = a.kind == DebugAddress::Kind::Physical;
  const u64 addr = physical ? a.offset : *linear_of(a);
  const u64 len = args.size() == i + 2 ? value_of(args[i + 1]) : 1;
  if (len > 0xFFFF'FFFFu) throw std::invalid_argument("a watchpoint covers at most 4 GiB");
  const Watchpoint& w = watches_.add(access, physical, addr, static_cast<u32>(len), next_id_, wide() ? 64 : 32);
  ++next_id_;
  update_watching();
  return fmt::format("watchpoint {}: {}\n", w.id, WatchList::describe(w));
}

std::string Debugger::help() const {
  return R"(Run control
  step|s [N]            execute N instructions (default 1), into interrupt handlers
  next|n                step over CALL, INT, REP string instructions and LOOP
  continue|c            run until a breakpoint, Ctrl-C or the end
  until ADDR            run to ADDR (a temporary breakpoint)
  quit|q                end the run (disk images are flushed)
  With several CPUs (-smp) a breakpoint on any CPU stops them all and makes
  it the current CPU; step and next count the current CPU's instructions,
  while the others run their share of each round of the interleaving, as
  in continue (deterministic; a breakpoint they reach stops the step).
Breakpoints
  break|b ADDR          stop before the instruction at ADDR
  break on exception V  stop at the first instruction of exception V's handler
  break on io PORT      stop before IN/OUT/INS/OUTS on PORT
  break on mode pe|pg|pae|a20|lma   stop after the instruction that changes it (lma: IA-32e mode on or off)
  watch|w [r|w|rw] ADDR [LEN]   stop after an instruction reads/writes (default w) LEN bytes (default 1) at ADDR
  delete|d [N]          delete breakpoint or watchpoint N, or every one
  info break            list breakpoints and watchpoints
State (of the current CPU)
  cpu [N]               make CPU N current (0 = the BSP), or show which is
  info cpus             every CPU: APIC ID, state (running, halted, wait-for-SIPI), mode, CS:RIP; * = current
  regs|r                general registers, EIP, EFLAGS by flag name (RAX-R15, RIP, RFLAGS in IA-32e mode)
  sregs                 segment registers with their descriptor caches, GDTR, IDTR, LDTR, TR
  cregs                 CR0-CR4, EFER and DR0-DR7, decoded
  xmm                   XMM0-7 in hex and as floats/doubles, MXCSR decoded
  mmx                   MM0-7 with their x87 tags, TOP and the tag word
  x[/Nf] ADDR           N units of memory; f = b (bytes), w (words), d (dwords), g (qwords)
  disasm|u [ADDR] [N]   N instructions (default 8) at ADDR (default CS:EIP), 16/32/64-bit as the CPU
  translate ADDR        the page walk of linear ADDR, step by step, with the fault it would raise
  info gdt|idt|ldt|tss  descriptor tables, decoded (the IVT in real mode; 16-byte entries in IA-32e mode)
  info tab              the page tables as linear -> physical ranges
  info pic|pit|uart|vga|ide|fdc|dma|rtc|kbc|pm|apic|ioapic|hpet   device state (read without side effects)
  set REG = VALUE       a general register (r8-r15, r8d.. on Intel 64 models), EIP/RIP or EFLAGS
  set mem[/b|w|d] ADDR = VALUE   write guest memory
  trace on FILE | off   one line per executed instruction: CS:EIP, bytes, disassembly, changed registers
Addresses: SEG:OFF (hex, or registers: cs:eip), p:ADDR (physical), ADDR (linear); 64-bit on Intel 64 models.
Numbers: 0x1f or 1fh are hex, 31 is decimal; register names (eax, sp) stand for their values.
)";
}

std::string Debugger::regs() const {
  const CpuState& s = cpu().state();
  if (s.lma()) {
    // IA-32e mode (64-bit or compatibility): RAX..R15, RIP and RFLAGS.
    std::string out;
    static constexpr unsigned kOrder[16] = {EAX, EBX, ECX, EDX, ESI, EDI, EBP, ESP, 8, 9, 10, 11, 12, 13, 14, 15};
    for (unsigned i = 0; i < 16; ++i) {
      out += fmt::format("{:<3}={:016x}{}", kGpr64Names[kOrder[i]], s.gpr[kOrder[i]], i % 4 == 3 ? "\n" : " ");
    }
    out += fmt::format("rip={:016x} rflags={:016x} [{}]\n", s.rip, u64{s.eflags()}, flag_names(s.eflags()));
    const char* mode = s.mode64() ? "64-bit mode" : s.seg[CS].big ? "compatibility mode, 32-bit code" : "compatibility mode, 16-bit code";
    out += fmt::format("cs:rip={:04x}:{:016x} (linear {:016x}), {}, CPL {}{}\n", s.seg[CS].selector, s.rip, pc_linear(), mode,
                       s.cpl, s.halted ? ", halted" : "");
    return out;
  }
  std::string out = fmt::format("eax={:08x} ebx={:08x} ecx={:08x} edx={:08x}\n", s.gpr[EAX], s.gpr[EBX], s.gpr[ECX], s.gpr[EDX]);
  out += fmt::format("esi={:08x} edi={:08x} ebp={:08x} esp={:08x}\n", s.gpr[ESI], s.gpr[EDI], s.gpr[EBP], s.gpr[ESP]);
  out += fmt::format("eip={:08x} eflags={:08x} [{}]\n", s.rip, s.eflags(), flag_names(s.eflags()));
  const char* mode = !s.pe() ? "real mode" : s.v86() ? "virtual-8086 mode" : code_bits() == 32 ? "protected mode, 32-bit code" : "protected mode, 16-bit code";
  out += fmt::format("cs:eip={:04x}:{:08x} (linear {:08x}), {}, CPL {}{}\n", s.seg[CS].selector, s.rip, pc_linear(),
                     mode, s.cpl, s.halted ? ", halted" : "");
  return out;
}

std::string Debugger::sregs() const {
  const CpuState& s = cpu().state();
  std::string out;
  auto seg = [&](const char* name, const Segment& g) {
    out += fmt::format("{:<4} {:04x}  base={:08x} limit={:08x} access={:02x} flags={:x}  {}\n", name, g.selector, g.base, g.limit,
                       g.access, g.flags,
                       describe_descriptor(static_cast<u64>(g.access) << 40 | static_cast<u64>(g.flags & 0xE) << 52 |
                                           (static_cast<u64>(g.base & 0xFFFFFF) << 16) | (static_cast<u64>(g.base >> 24) << 56) |
                                           ((g.flags & 8) ? ((g.limit >> 12) & 0xFFFF) | (static_cast<u64>((g.limit >> 28) & 0xF) << 48)
                                                          : (g.limit & 0xFFFF) | (static_cast<u64>((g.limit >> 16) & 0xF) << 48))));
  };
  static constexpr const char* kNames[6] = {"es", "cs", "ss", "ds", "fs", "gs"};
  for (unsigned i = 0; i < 6; ++i) seg(kNames[i], s.seg[i]);
  seg("ldtr", s.ldtr);
  seg("tr", s.tr);
  out += fmt::format("gdtr base={:08x} limit={:04x}\nidtr base={:08x} limit={:04x}\n", s.gdtr.base, s.gdtr.limit, s.idtr.base, s.idtr.limit);
  return out;
}

std::string Debugger::cregs() const {
  const CpuState& s = cpu().state();
  std::string out;
  out += fmt::format("cr0={:08x} [{}]\n", s.cr0,
                     bit_names(s.cr0, {{0, "PE"}, {1, "MP"}, {2, "EM"}, {3, "TS"}, {4, "ET"}, {5, "NE"}, {16, "WP"},
                                       {18, "AM"}, {29, "NW"}, {30, "CD"}, {31, "PG"}}));
  out += fmt::format("cr2={:08x} (the last page-fault linear address)\n", s.cr2);
  if (s.lma()) {
    // 4/5-level paging: the PML4 (PML5 with CR4.LA57) base, and the PCID
    // in bits 11:0 with CR4.PCIDE (SDM Vol. 3A 4.5).
    const bool pcide = s.cr4 & (1u << 17);
    out += fmt::format("cr3={:016x} [{} base {:016x}{}]\n", s.cr3, (s.cr4 & (1u << 12)) ? "PML5" : "PML4", s.cr3 & ~u64{0xFFF},
                       pcide ? fmt::format(" PCID {:03x}", s.cr3 & 0xFFF)
                             : fmt::format("{}{}", (s.cr3 & 8) ? " PWT" : "", (s.cr3 & 16) ? " PCD" : ""));
  } else {
    out += fmt::format("cr3={:08x} [page directory base {:08x}{}{}]\n", s.cr3, s.cr3 & ((s.cr4 & 0x20) ? 0xFFFFFFE0u : 0xFFFFF000u),
                       (s.cr3 & 8) ? " PWT" : "", (s.cr3 & 16) ? " PCD" : "");
  }
  out += fmt::format("cr4={:08x} [{}]\n", s.cr4,
                     bit_names(s.cr4, {{0, "VME"}, {1, "PVI"}, {2, "TSD"}, {3, "DE"}, {4, "PSE"}, {5, "PAE"}, {6, "MCE"},
                                       {7, "PGE"}, {8, "PCE"}, {9, "OSFXSR"}, {10, "OSXMMEXCPT"}, {11, "UMIP"},
                                       {12, "LA57"}, {16, "FSGSBASE"}, {17, "PCIDE"}, {18, "OSXSAVE"}, {20, "SMEP"},
                                       {21, "SMAP"}}));
  if (wide()) out += fmt::format("cr8={:x} (the task-priority class, TPR[7:4])\n", cpu().cr8());
  out += fmt::format("efer={:016x} [{}]\n", s.efer, bit_names(s.efer, {{0, "SCE"}, {8, "LME"}, {10, "LMA"}, {11, "NXE"}}));
  out += fmt::format("dr0={:08x} dr1={:08x} dr2={:08x} dr3={:08x}\n", s.dr[0], s.dr[1], s.dr[2], s.dr[3]);
  out += fmt::format("dr6={:08x} [{}]\n", s.dr[6], bit_names(s.dr[6], {{0, "B0"}, {1, "B1"}, {2, "B2"}, {3, "B3"}, {13, "BD"}, {14, "BS"}, {15, "BT"}}));
  std::string dr7;
  for (unsigned i = 0; i < 4; ++i) {
    if ((s.dr[7] >> (2 * i)) & 3) {
      static constexpr const char* kRw[4] = {"exec", "write", "io", "rw"};
      dr7 += fmt::format(" DR{}:{}{}/{}B", i, (s.dr[7] >> (2 * i)) & 1 ? "L" : "", (s.dr[7] >> (2 * i + 1)) & 1 ? "G" : "",
                         kRw[(s.dr[7] >> (16 + 4 * i)) & 3], 1u << ((s.dr[7] >> (18 + 4 * i)) & 3) == 4 ? 8 : (((s.dr[7] >> (18 + 4 * i)) & 3) + 1));
    }
  }
  out += fmt::format("dr7={:08x} [{}]\n", s.dr[7], dr7.empty() ? "-" : dr7.substr(1));
  return out;
}

std::string Debugger::examine(const std::string& f, const std::vector<std::string>& args) const {
  if (args.size() != 2) throw std::invalid_argument("x[/Nf] ADDR");
  unsigned n = 1, unit = 1;
  std::string digits, letters;
  for (char c : f) (std::isdigit(static_cast<unsigned char>(c)) ? digits : letters) += c;
  if (!digits.empty()) n = static_cast<unsigned>(std::min<u64>(*parse_number(digits), 4096));
  for (char c : letters) {
    if (c == 'b') unit = 1;
    else if (c == 'w' || c == 'h') unit = 2;
    else if (c == 'd') unit = 4;
    else if (c == 'g') unit = 8;  // gdb's giant word
    else if (c != 'x') throw std::invalid_argument(fmt::format("x/{}: the unit is b, w, d or g", f));
  }
  if (n == 0) n = 1;
  const DebugAddress a = parse_address(args[1]);
  const bool phys = a.kind == DebugAddress::Kind::Physical;
  const u64 start = phys ? a.offset : *linear_of(a);
  const auto bytes = phys ? target_.read_phys(start, n * unit) : target_.read_linear(start, n * unit);
  std::string out;
  const unsigned per_line = 16 / unit;
  for (unsigned i = 0; i < n; ++i) {
    if (i % per_line == 0) out += fmt::format("{}{}{:08x}:", i ? "\n" : "", phys ? "p:" : "", start + i * unit);
    u64 v = 0;
    bool ok = true;
    for (unsigned k = 0; k < unit; ++k) {
      const auto& b = bytes[i * unit + k];
      ok = ok && b.has_value();
      if (b) v |= u64{*b} << (8 * k);
    }
    out += ok ? fmt::format(" {:0{}x}", v, 2 * unit) : fmt::format(" {:?<{}}", "", 2 * unit);
  }
  out += "\n";
  if (std::any_of(bytes.begin(), bytes.end(), [](const auto& b) { return !b; })) {
    out += "(?? = not present, not RAM/ROM, or device memory read only with side effects)\n";
  }
  return out;
}

std::string Debugger::disasm_at(u64 lin, u64 offset, unsigned n) const {
  const unsigned bits = code_bits();
  // 64-bit mode: linear addresses and RIP in 16 digits; else 8 (and IP in 4).
  const int lin_digits = bits == 64 ? 16 : 8;
  const auto bytes = target_.read_linear(lin, n * 15);
  std::vector<u8> code;
  for (const auto& b : bytes) {
    if (!b) break;
    code.push_back(*b);
  }
  if (code.empty()) return fmt::format("{:0{}x}: (not readable)\n", lin, lin_digits);
  const CpuState& s = cpu().state();
  const u64 cur = pc_linear();
  std::string out;
  for (const DisasmLine& l : dis_.run(code, offset, bits, n)) {
    std::string hex;
    for (u8 b : l.bytes) hex += fmt::format("{:02x}", b);
    u64 at = lin + (l.address - offset);
    if (bits != 64) at &= 0xFFFF'FFFFu;
    const u64 off = bits == 64 ? l.address : bits == 32 ? l.address & 0xFFFF'FFFFu : l.address & 0xFFFF;
    const bool bp = std::any_of(breaks_.begin(), breaks_.end(), [&](const Breakpoint& b) {
      return !b.temporary && ((b.at.kind == DebugAddress::Kind::Linear && b.at.offset == at) ||
                              (b.at.kind == DebugAddress::Kind::SegOff && b.at.selector == s.seg[CS].selector && b.at.offset == off));
    });
    // 16-bit code: IP wraps at 64 KiB (the linear column shows where the
    // bytes were read).
    out += fmt::format("{}{} {:0{}x} {:04x}:{:0{}x}  {:<16} {}\n", at == cur ? '>' : ' ', bp ? '*' : ' ', at, lin_digits,
                       s.seg[CS].selector, off, bits == 16 ? 4 : lin_digits, hex, l.text);
  }
  return out;
}

std::string Debugger::disasm(const std::vector<std::string>& args) const {
  const CpuState& s = cpu().state();
  unsigned n = 8;
  u64 lin = pc_linear(), off = s.rip;
  if (args.size() >= 2) {
    const DebugAddress a = parse_address(args[1]);
    if (a.kind == DebugAddress::Kind::Physical) throw std::invalid_argument("disasm takes a linear or SEG:OFF address");
    lin = *linear_of(a);
    off = a.kind == DebugAddress::Kind::SegOff ? a.offset : s.mode64() ? lin : static_cast<u32>(lin - s.seg[CS].base);
  }
  if (args.size() >= 3) {
    const auto c = parse_number(args[2]);
    if (!c || *c == 0 || *c > 1000) throw std::invalid_argument("disasm [ADDR] [N]: N is 1-1000");
    n = static_cast<unsigned>(*c);
  }
  if (args.size() > 3) throw std::invalid_argument("disasm [ADDR] [N]");
  return disasm_at(lin, off, n);
}

std::string Debugger::translate(const std::string& addr) const {
  // In 4/5-level paging a plain number is a 64-bit linear address; other
  // modes (and every other form) keep the 32-bit parse and its errors.
  std::optional<u64> wide;
  if (is_ia32e(cpu().paging().mode) && addr.find(':') == std::string::npos && !register_value(addr)) wide = parse_number(addr);
  if (wide) {
    const Translation t = target_.translate(*wide);
    return describe_walk(cpu().paging(), *wide, t.walk, t.phys);
  }
  const DebugAddress a = parse_address(addr);
  if (a.kind == DebugAddress::Kind::Physical) throw std::invalid_argument("translate takes a linear or SEG:OFF address");
  const u64 lin = *linear_of(a);
  if (lin > 0xFFFF'FFFFu && !is_ia32e(cpu().paging().mode)) {
    throw std::invalid_argument(fmt::format("{} does not fit in 32 bits (linear addresses have 64 only in 4/5-level paging)", addr));
  }
  const Translation t = target_.translate(lin);
  if (t.paged) return describe_walk(cpu().paging(), lin, t.walk, t.phys);
  std::string out = fmt::format("linear {:08x}\n", lin);
  out += fmt::format("  paging off (CR0.PG = 0): physical = linear{}\n", m_.bus().a20() ? "" : " with A20 masked");
  out += fmt::format("  physical {:08x}\n", t.phys);
  return out;
}

std::string Debugger::info(const std::vector<std::string>& args) const {
  if (args.size() != 2) throw std::invalid_argument("info break|cpus|gdt|idt|ldt|tss|tab|pic|pit|uart|vga|ide|fdc|dma|rtc|kbc|pm|apic|ioapic|hpet");
  const std::string what = lower(args[1]);
  const CpuState& s = cpu().state();
  if (what == "break" || what == "b" || what == "breakpoints") {
    std::string out;
    for (const Breakpoint& b : breaks_) {
      if (b.temporary) continue;
      switch (b.at.kind) {
        case DebugAddress::Kind::SegOff: out += fmt::format("{:>3}  {:04x}:{:08x}\n", b.id, b.at.selector, b.at.offset); break;
        case DebugAddress::Kind::Linear: out += fmt::format("{:>3}  linear {:08x}\n", b.id, b.at.offset); break;
        case DebugAddress::Kind::Physical: out += fmt::format("{:>3}  physical {:08x}\n", b.id, b.at.offset); break;
      }
    }
    for (unsigned v = 0; v < 256; ++v) {
      if (exception_breaks_[v]) out += fmt::format("     on exception {}\n", v);
    }
    for (u16 p : io_breaks_) out += fmt::format("     on io {:#x}\n", p);
    if (break_pe_) out += "     on mode pe\n";
    if (break_pg_) out += "     on mode pg\n";
    if (break_pae_) out += "     on mode pae\n";
    if (break_a20_) out += "     on mode a20\n";
    if (break_lma_) out += "     on mode lma\n";
    for (const Watchpoint& w : watches_.all()) out += fmt::format("{:>3}  watch {}\n", w.id, WatchList::describe(w));
    return out.empty() ? "no breakpoints\n" : out;
  }
  if (what == "cpus") return info_cpus();
  if (what == "gdt") return info_descriptors(s.gdtr.base, s.gdtr.limit, false, "GDT");
  if (what == "ldt") {
    if ((s.ldtr.selector & ~3u) == 0) return "LDTR is null: no LDT\n";
    return info_descriptors(s.ldtr.base, s.ldtr.limit, false, "LDT");
  }
  if (what == "idt") return s.pe() ? info_descriptors(s.idtr.base, s.idtr.limit, true, "IDT") : info_ivt();
  if (what == "tss") return info_tss();
  if (what == "tab") return info_tab();
  if (auto d = m_.device_dump(what)) return *d + (d->ends_with('\n') ? "" : "\n");
  throw std::invalid_argument(fmt::format("info {}: unknown (help lists them)", args[1]));
}

std::string Debugger::info_descriptors(u64 base, u32 limit, bool gates, const char* what) const {
  // IA-32e mode: IDT gates are 16 bytes (SDM Vol. 3A 6.14.1), and so are
  // the GDT's and LDT's system descriptors (LDT, TSS, call gate: 8.2.3,
  // 5.8.3.1); code and data descriptors stay 8 bytes.
  const bool ia32e = cpu().state().lma();
  const unsigned step = gates && ia32e ? 16 : 8;
  std::string out = fmt::format("{} at linear {:0{}x}, limit {:04x} ({} entries{})\n", what, base, ia32e ? 16 : 8, limit,
                                (limit + 1) / step, ia32e ? ", IA-32e mode" : "");
  for (u32 off = 0; off + 7 <= limit && off < 0x10000; off += step) {
    const auto b = target_.read_linear(base + off, 16);
    const auto d = le_value(b, 0, 8);
    if (!d) {
      out += fmt::format("  {:4}  (not readable)\n", off / step);
      continue;
    }
    if (*d == 0) continue;  // null / empty entries are not listed
    const unsigned type = (*d >> 40) & 0x0F;
    const bool system = !((*d >> 44) & 1);
    if (ia32e && (gates || (system && ia32e_system16(type)))) {
      const auto hi = off + 15 <= limit ? le_value(b, 8, 8) : std::nullopt;
      const std::string text = hi ? describe_descriptor64(*d, *hi) : "(the second quadword is beyond the limit or not readable)";
      const std::string raw = fmt::format("{:016x}{}", *d, hi ? fmt::format(" {:016x}", *hi) : "");
      out += gates ? fmt::format("  vector {:3}  {}  {}\n", off / 16, raw, text) : fmt::format("  {:04x}  {}  {}\n", off, raw, text);
      // The upper half is the next GDT slot. Its bits 44:40 (S and type
      // there) are 0 in a real upper half (SDM Vol. 3A Figures 5-9, 8-4):
      // otherwise the slot is listed as a descriptor of its own too (a
      // legacy table read in IA-32e mode).
      if (!gates && hi && ((*hi >> 40) & 0x1F) == 0) off += 8;
      continue;
    }
    if (ia32e && system) {
      out += fmt::format("  {:04x}  {:016x}  reserved system type {:x} in IA-32e mode\n", off, *d, type);
      continue;
    }
    out += gates ? fmt::format("  vector {:3}  {:016x}  {}\n", off / 8, *d, describe_descriptor(*d))
                 : fmt::format("  {:04x}  {:016x}  {}\n", off, *d, describe_descriptor(*d));
  }
  return out;
}

std::string Debugger::info_ivt() const {
  const CpuState& s = cpu().state();
  std::string out = fmt::format("real-mode interrupt vector table at linear {:08x}, limit {:04x}\n", s.idtr.base, s.idtr.limit);
  for (u32 v = 0; v < 256 && v * 4 + 3 <= s.idtr.limit; ++v) {
    const auto b = target_.read_linear(s.idtr.base + v * 4, 4);
    if (!b[0] || !b[1] || !b[2] || !b[3]) continue;
    const u16 off = static_cast<u16>(*b[0] | *b[1] << 8), seg = static_cast<u16>(*b[2] | *b[3] << 8);
    out += fmt::format("  {:02x}h -> {:04x}:{:04x}{}", v, seg, off, v % 4 == 3 ? "\n" : "   ");
  }
  if (!out.ends_with('\n')) out += '\n';
  return out;
}

std::string Debugger::info_tss64() const {
  // The 64-bit TSS (SDM Vol. 3A 8.7, Figure 8-11): RSP0-2 at 4, 12, 20;
  // IST1-7 at 24h..54h; the I/O map base at 66h.
  const CpuState& s = cpu().state();
  const auto rd = [&](u32 off, unsigned n) -> std::string {
    if (off + n - 1 > s.tr.limit) return "(beyond limit)";
    const auto v = le_value(target_.read_linear(s.tr.base + off, n), 0, n);
    return v ? fmt::format("{:0{}x}", *v, 2 * n) : std::string(2 * n, '?');
  };
  std::string out = fmt::format("TR {:04x}: 64-bit TSS at linear {:016x}, limit {:08x}\n", s.tr.selector, s.tr.base, s.tr.limit);
  out += fmt::format("  rsp0={} rsp1={} rsp2={}\n", rd(4, 8), rd(12, 8), rd(20, 8));
  for (unsigned i = 1; i <= 7; ++i) out += fmt::format("  ist{}={}{}", i, rd(0x24 + 8 * (i - 1), 8), i % 3 == 0 || i == 7 ? "\n" : "");
  out += fmt::format("  iomap base={}\n", rd(0x66, 2));
  return out;
}

std::string Debugger::info_tss() const {
  const CpuState& s = cpu().state();
  if ((s.tr.selector & ~3u) == 0) return "TR is null: no task loaded\n";
  // IA-32e mode has only the 64-bit TSS (types 9 and B, SDM Vol. 3A 8.7).
  if (s.lma()) return info_tss64();
  const bool tss32 = (s.tr.access & 0x0F) == 0x9 || (s.tr.access & 0x0F) == 0xB;
  const auto rd = [&](u32 off, unsigned n) -> std::string {
    const auto b = target_.read_linear(s.tr.base + off, n);
    u32 v = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (!b[i]) return std::string(2 * n, '?');
      v |= u32{*b[i]} << (8 * i);
    }
    return fmt::format("{:0{}x}", v, 2 * n);
  };
  std::string out = fmt::format("TR {:04x}: {}-bit TSS at linear {:08x}, limit {:08x}\n", s.tr.selector, tss32 ? 32 : 16, s.tr.base, s.tr.limit);
  if (!tss32) {
    out += fmt::format("  link={} sp0={} ss0={} sp1={} ss1={} sp2={} ss2={}\n", rd(0, 2), rd(2, 2), rd(4, 2), rd(6, 2), rd(8, 2), rd(10, 2), rd(12, 2));
    out += fmt::format("  ip={} flags={} ax={} cx={} dx={} bx={} sp={} bp={} si={} di={}\n", rd(14, 2), rd(16, 2), rd(18, 2), rd(20, 2),
                       rd(22, 2), rd(24, 2), rd(26, 2), rd(28, 2), rd(30, 2), rd(32, 2));
    out += fmt::format("  es={} cs={} ss={} ds={} ldt={}\n", rd(34, 2), rd(36, 2), rd(38, 2), rd(40, 2), rd(42, 2));
    return out;
  }
  out += fmt::format("  link={} esp0={} ss0={} esp1={} ss1={} esp2={} ss2={}\n", rd(0, 2), rd(4, 4), rd(8, 2), rd(12, 4), rd(16, 2), rd(20, 4), rd(24, 2));
  out += fmt::format("  cr3={} eip={} eflags={}\n", rd(28, 4), rd(32, 4), rd(36, 4));
  out += fmt::format("  eax={} ecx={} edx={} ebx={} esp={} ebp={} esi={} edi={}\n", rd(40, 4), rd(44, 4), rd(48, 4), rd(52, 4), rd(56, 4),
                     rd(60, 4), rd(64, 4), rd(68, 4));
  out += fmt::format("  es={} cs={} ss={} ds={} fs={} gs={} ldt={} T={} iomap base={}\n", rd(72, 2), rd(76, 2), rd(80, 2), rd(84, 2),
                     rd(88, 2), rd(92, 2), rd(96, 2), rd(100, 2), rd(102, 2));
  return out;
}

std::string Debugger::info_tab() const {
  const PagingConfig& pc = cpu().paging();
  if (pc.mode == PagingMode::Off) return "paging is off (CR0.PG = 0): linear = physical\n";
  const bool pae = pc.mode == PagingMode::Pae;
  const bool ia32e = is_ia32e(pc.mode);
  // Merge runs of pages whose linear and physical addresses are contiguous
  // and whose rights agree.
  struct Run {
    u64 lin = 0, phys = 0, size = 0;
    bool rw = false, user = false, nx = false;
  };
  std::string out;
  std::optional<Run> run;
  unsigned runs = 0;
  auto emit = [&]() {
    if (!run) return;
    if (++runs <= 512) {
      out += fmt::format("  {:0{}x}-{:0{}x} -> {:09x}-{:09x}  {} {}{}\n", run->lin, ia32e ? 16 : 8, run->lin + run->size - 1,
                         ia32e ? 16 : 8, run->phys, run->phys + run->size - 1, run->rw ? "rw" : "ro",
                         run->user ? "user" : "supervisor", run->nx ? " nx" : "");
    }
    run.reset();
  };
  auto add = [&](u64 lin, u64 phys, u64 size, bool rw, bool user, bool nx = false) {
    if (run && run->lin + run->size == lin && run->phys + run->size == phys && run->rw == rw && run->user == user &&
        run->nx == nx) {
      run->size += size;
      return;
    }
    emit();
    run = Run{lin, phys, size, rw, user, nx};
  };
  const auto entry = [&](PhysAddr a, bool wide) -> std::optional<u64> {
    const auto b = target_.read_phys(a, wide ? 8 : 4);
    u64 v = 0;
    for (unsigned i = 0; i < b.size(); ++i) {
      if (!b[i]) return std::nullopt;
      v |= u64{*b[i]} << (8 * i);
    }
    return v;
  };
  const u64 addr_mask = ((u64{1} << pc.maxphyaddr) - 1) & ~u64{0xFFF};
  bool complete = true;
  if (ia32e) {
    complete = for_each_page_ia32e(pc, m_.bus(), [&](const MappedPage& p) {
      add(p.lin, p.phys, p.size, p.writable, p.user, p.no_exec);
    });
  } else if (!pae) {
    for (u32 i = 0; i < 1024; ++i) {
      const auto pde = entry((pc.cr3 & 0xFFFFF000u) + i * 4, false);
      if (!pde || !(*pde & 1)) {
        emit();
        continue;
      }
      if ((*pde & 0x80) && pc.pse) {
        const u64 phys = (*pde & 0xFFC00000u) | ((*pde >> 13) & 0xFF) << 32;
        add(u64{i} << 22, phys, 1u << 22, *pde & 2, *pde & 4);
        continue;
      }
      for (u32 j = 0; j < 1024; ++j) {
        const auto pte = entry((*pde & 0xFFFFF000u) + j * 4, false);
        if (!pte || !(*pte & 1)) {
          emit();
          continue;
        }
        add((u64{i} << 22) | (u64{j} << 12), *pte & 0xFFFFF000u, 0x1000, (*pde & *pte) & 2, (*pde & *pte) & 4);
      }
    }
  } else {
    for (u32 i = 0; i < 4; ++i) {
      const u64 pdpte = pc.pdpte[i];
      if (!(pdpte & 1)) {
        emit();
        continue;
      }
      for (u32 j = 0; j < 512; ++j) {
        const auto pde = entry((pdpte & addr_mask) + j * 8, true);
        if (!pde || !(*pde & 1)) {
          emit();
          continue;
        }
        const u64 lin = (u64{i} << 30) | (u64{j} << 21);
        if (*pde & 0x80) {
          add(lin, *pde & addr_mask & ~u64{0x1FFFFF}, 1u << 21, *pde & 2, *pde & 4);
          continue;
        }
        for (u32 k = 0; k < 512; ++k) {
          const auto pte = entry((*pde & addr_mask) + k * 8, true);
          if (!pte || !(*pte & 1)) {
            emit();
            continue;
          }
          add(lin | (u64{k} << 12), *pte & addr_mask, 0x1000, (*pde & *pte) & 2, (*pde & *pte) & 4);
        }
      }
    }
  }
  emit();
  std::string head =
      fmt::format("{} paging, CR3 = {:08x}: {} mapped range{}\n", paging_mode_name(pc.mode), pc.cr3, runs, runs == 1 ? "" : "s");
  if (runs > 512) out += fmt::format("  ... {} more ranges\n", runs - 512);
  if (!complete) out += fmt::format("  ... stopped after {} entries (looping or oversized tables)\n", kMaxPageMapEntries);
  return head + out;
}

std::string Debugger::set(const std::vector<std::string>& args) {
  // set REG = VALUE | set mem[/b|w|d] ADDR = VALUE
  if (args.size() < 2) throw std::invalid_argument("set REG = VALUE | set mem[/b|w|d] ADDR = VALUE");
  const std::string what = lower(args[1]);
  if (what.starts_with("mem")) {
    if (args.size() != 5 || args[3] != "=") throw std::invalid_argument("set mem[/b|w|d] ADDR = VALUE");
    unsigned unit = 1;
    if (what == "mem/w") unit = 2;
    else if (what == "mem/d") unit = 4;
    else if (what != "mem" && what != "mem/b") throw std::invalid_argument("set mem[/b|w|d]");
    const DebugAddress a = parse_address(args[2]);
    const u64 v = value_of(args[4]);
    for (unsigned i = 0; i < unit; ++i) {
      const u8 b = static_cast<u8>(v >> (8 * i));
      const bool ok = a.kind == DebugAddress::Kind::Physical ? target_.write_phys(a.offset + i, b) : target_.write_linear(*linear_of(a) + i, b);
      if (!ok) throw std::invalid_argument(fmt::format("{}: not writable RAM", args[2]));
    }
    return "";
  }
  if (args.size() != 4 || args[2] != "=") throw std::invalid_argument("set REG = VALUE");
  const u64 v = value_of(args[3]);
  CpuState& s = cpu().state();
  const auto fits = [&](unsigned bits) {
    if (bits < 64 && v >> bits) throw std::invalid_argument(fmt::format("{} does not fit in {} bits", args[3], bits));
  };
  // A 32-bit register write keeps bits 63:32 here (the debugger edits one
  // register; only instructions zero-extend, SDM Vol. 1 3.4.1.1).
  const auto merge = [&](u64& r, unsigned bits) {
    fits(bits);
    const u64 mask = bits == 64 ? ~u64{0} : (u64{1} << bits) - 1;
    r = (r & ~mask) | v;
    return std::string();
  };
  for (unsigned i = 0; i < 8; ++i) {
    if (what == kGprNames[i]) return merge(s.gpr[i], 32);
    if (what == std::string(kGprNames[i]).substr(1)) return merge(s.gpr[i], 16);
  }
  for (unsigned i = 0; wide() && i < 16; ++i) {
    const std::string r = kGpr64Names[i];
    if (what == r) return merge(s.gpr[i], 64);
    if (i >= 8 && what == r + "d") return merge(s.gpr[i], 32);
    if (i >= 8 && what == r + "w") return merge(s.gpr[i], 16);
  }
  if (what == "eip" || what == "ip" || (wide() && what == "rip")) {
    merge(s.rip, what == "ip" ? 16 : what == "eip" ? 32 : 64);
    cpu().write_eflags(s.eflags(), 0);  // ends the current block
    return "";
  }
  if (what == "eflags" || what == "flags" || (wide() && what == "rflags")) {
    fits(32);  // RFLAGS 63:22 are reserved (SDM Vol. 1 3.4.3.4)
    cpu().write_eflags(static_cast<u32>(v), 0xFFFF'FFFFu);
    return "";
  }
  throw std::invalid_argument(fmt::format("set: '{}' is not a general register, {} or {}", args[1], wide() ? "RIP" : "EIP",
                                          wide() ? "RFLAGS" : "EFLAGS"));
}

}  // namespace gb
