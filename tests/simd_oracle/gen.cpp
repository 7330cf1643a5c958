#include "tests/simd_oracle/gen.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace gb::simd_oracle {

std::vector<u8> Sequence::code() const {
  std::vector<u8> c;
  for (const auto& i : insns) c.insert(c.end(), i.bytes.begin(), i.bytes.end());
  return c;
}

std::vector<std::string> Sequence::mnemonics() const {
  std::vector<std::string> m;
  for (const auto& i : insns) {
    if (!i.name.empty() && std::find(m.begin(), m.end(), i.name) == m.end()) m.push_back(i.name);
  }
  return m;
}

std::string Sequence::text() const {
  std::string s;
  for (const auto& i : insns) {
    if (!s.empty()) s += " | ";
    s += i.name.empty() ? "mov" : i.name;
    s += " [";
    for (std::size_t k = 0; k < i.bytes.size(); ++k) s += fmt::format("{}{:02X}", k ? " " : "", i.bytes[k]);
    s += "]";
  }
  return s;
}

Generator::Generator(u64 seed, std::vector<const Form*> unlisted, std::vector<const Form*> listed, bool unmasked)
    : rng_(seed), unlisted_(std::move(unlisted)), listed_(std::move(listed)), unmasked_(unmasked) {}

// ---- instructions

void Generator::emit(Sequence& seq, const Form& f) {
  auto prelude = [&](std::initializer_list<u8> b, u32 imm) {
    Insn in;
    in.bytes = b;
    for (unsigned i = 0; i < 4; ++i) in.bytes.push_back(static_cast<u8>(imm >> (8 * i)));
    seq.insns.push_back(std::move(in));
  };
  using S = Shape;
  if ((f.flags & fx::kLenRegs) && r(4) != 0) {  // MOV EAX/EDX, small lengths (|len| saturates at 16 / 8)
    prelude({0xB8}, static_cast<u32>(static_cast<i32>(r(41)) - 20));
    prelude({0xBA}, static_cast<u32>(static_cast<i32>(r(41)) - 20));
  }
  if (f.shape == S::MaskQ || f.shape == S::MaskDQ) prelude({0xBF}, kBuf + r(kMemBytes - 15));  // MOV EDI
  u8 ldmx_disp = 0;
  if (f.shape == S::Ldmxcsr) {  // MOV dword [esi+d], a valid MXCSR
    ldmx_disp = static_cast<u8>(r(0x7D));
    prelude({0xC7, 0x46, ldmx_disp}, mxcsr());
  }

  Insn in;
  in.name = f.name;
  auto b = [&](u32 x) { in.bytes.push_back(static_cast<u8>(x)); };
  if ((f.flags & fx::kOpsize16) && r(3) == 0) b(0x66);
  if (f.prefix) b(f.prefix);
  if (f.op >= 0x100) b(0x0F);
  if ((f.op & 0x300) == 0x200) b(0x38);
  if ((f.op & 0x300) == 0x300) b(0x3A);
  b(f.op & 0xFF);

  auto xmmr = [&] { return r(8); };
  auto gpr = [&] { return static_cast<u32>(kR32[r(6)]); };
  u32 reg = 0, rm = 0;
  bool mem = false;
  const bool can_mem = f.mem > 0 && r(3) == 0;
  switch (f.shape) {
    case S::VW: case S::WV: case S::PQ: case S::QP: reg = xmmr(); rm = xmmr(); mem = can_mem; break;
    case S::VM: case S::MV: case S::MP: reg = xmmr(); mem = true; break;
    case S::VU: case S::PN: case S::VN: case S::PU: case S::MaskQ: case S::MaskDQ: reg = xmmr(); rm = xmmr(); break;
    case S::NI: case S::UI: reg = static_cast<u32>(f.ext); rm = xmmr(); break;
    case S::PE: case S::EP: case S::VE: case S::EV: reg = xmmr(); rm = gpr(); mem = can_mem; break;
    case S::GU: case S::GN: reg = gpr(); rm = xmmr(); break;
    case S::GW: reg = gpr(); rm = xmmr(); mem = can_mem; break;
    case S::VQ: case S::PW: reg = xmmr(); rm = xmmr(); mem = can_mem; break;
    case S::GE: reg = gpr(); rm = f.mem == 1 ? r(8) : gpr(); mem = can_mem; break;
    case S::ME: reg = gpr(); mem = true; break;
    case S::Mem: case S::Ldmxcsr: reg = static_cast<u32>(f.ext); mem = true; break;
    case S::Fixed: break;
  }
  if (f.shape == S::Fixed) {
    if (f.ext >= 0) b(0xC0 | (static_cast<u32>(f.ext) << 3));
  } else if (f.shape == S::Ldmxcsr) {
    b(0x40 | (reg << 3) | 6);
    b(ldmx_disp);
  } else if (mem) {
    b(0x40 | (reg << 3) | 6);
    b(f.aligned ? 16 * r(8) : r(0x80));
  } else {
    b(0xC0 | (reg << 3) | rm);
  }
  switch (f.imm) {
    case Imm::None: break;
    case Imm::Any: b(static_cast<u32>(bits())); break;
    case Imm::Cmp: b(r(8) == 0 ? static_cast<u32>(bits()) : r(8)); break;
    case Imm::Shift: b(r(3) == 0 ? static_cast<u32>(bits()) : r(r(2) ? 17 : 70)); break;
    case Imm::Round: b(r(16)); break;
  }
  seq.insns.push_back(std::move(in));
}

void Generator::next(Sequence& seq, State& in) {
  seq.insns.clear();
  hints_.clear();
  const u32 count = 4 + r(9);
  // At most one listed form per sequence, in half of them (when both kinds exist).
  const bool with_listed = !listed_.empty() && (unlisted_.empty() || r(2) == 0);
  const u32 listed_at = with_listed ? r(count) : count;
  for (u32 k = 0; k < count; ++k) {
    const auto& pool = (k == listed_at || unlisted_.empty()) ? listed_ : unlisted_;
    const Form* f = pool[r(static_cast<u32>(pool.size()))];
    // The approximations only last: their bits are checked against a bound.
    for (int tries = 0; (f->flags & fx::kApprox) && k + 1 != count && tries < 20; ++tries) {
      f = pool[r(static_cast<u32>(pool.size()))];
    }
    if ((f->flags & fx::kApprox) && k + 1 != count) continue;
    hints_.push_back(f->val);
    emit(seq, *f);
  }
  if (hints_.empty()) hints_.push_back(Val::Int);

  auto flavor = [&] {
    if (r(5) < 3) return hints_[r(static_cast<u32>(hints_.size()))];
    return static_cast<Val>(r(4));
  };
  in = State{};
  for (auto& x : in.xmm) {
    if (r(4) == 0) {  // two flavors, one per half
      fill(x.data(), 8, flavor());
      fill(x.data() + 8, 8, flavor());
    } else {
      fill(x.data(), 16, flavor());
    }
  }
  for (unsigned i = 0; i < 8; ++i) {
    u8 b[8];
    fill(b, 8, flavor());
    in.mm[i] = load_le<u64>(b);
    static constexpr u16 kSe[6] = {0x3FFF, 0xBFFF, 0x401E, 0x0000, 0x7FFF, 0x403E};
    in.mse[i] = r(2) ? 0xFFFF : static_cast<u16>(kSe[r(6)] + (r(2) ? 0 : r(5)));
  }
  in.fcw = static_cast<u16>(0x037F | (r(4) << 10));
  in.fsw = static_cast<u16>((r(4) == 0 ? r(8) : 0) << 11 | (bits() & 0x4700));
  in.ftw = r(3) == 0 ? static_cast<u8>(bits()) : r(2) ? 0xFF : 0x00;
  in.mxcsr = mxcsr();
  for (u8 g : kR32) {
    switch (r(6)) {
      case 0: in.gpr[g] = static_cast<u32>(intv(4)); break;
      case 1: in.gpr[g] = f32v(); break;
      case 2: in.gpr[g] = static_cast<u32>(static_cast<i32>(r(41)) - 20); break;
      default: in.gpr[g] = static_cast<u32>(bits()); break;
    }
  }
  in.gpr[4] = 0;
  in.gpr[6] = kBuf;
  in.eflags = static_cast<u32>(bits()) & kArith;
  for (unsigned i = 0; i < kMemBytes; i += 16) fill(in.mem.data() + i, 16, flavor());
}

}  // namespace gb::simd_oracle
