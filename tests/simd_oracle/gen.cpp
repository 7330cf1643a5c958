#include "tests/simd_oracle/gen.hpp"

#include <algorithm>
#include <bit>

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

u32 Generator::mxcsr() {
  u32 m = 0x1F80 | (r(4) << 13);
  if (r(2)) m |= 0x40;    // DAZ
  if (r(2)) m |= 0x8000;  // FTZ
  if (r(4) == 0) m |= static_cast<u32>(bits()) & 0x3F;  // sticky flags already set
  if (unmasked_ && r(4) != 0) m &= ~((static_cast<u32>(bits()) & 0x3F) << 7);
  return m;
}

// ---- values

u32 Generator::f32v() {
  const u32 sign = r(2) ? 0x8000'0000u : 0;
  const u32 frac = static_cast<u32>(bits()) & 0x7F'FFFF;
  switch (r(18)) {
    case 0: return sign;                                                      // ±0
    case 1: {                                                                 // denormal
      const u32 k = r(4);
      return sign | (k == 0 ? 1 : k == 1 ? 0x7F'FFFF : (frac >> r(23)) | 1);
    }
    case 2: return sign | 0x7F80'0000u;                                       // ±inf
    case 3: return r(4) == 0 ? 0xFFC0'0000u : sign | 0x7FC0'0000u | (frac >> r(23));  // QNaN (indefinite)
    case 4: return sign | 0x7F80'0000u | ((frac & 0x3F'FFFF) >> r(22)) | (r(2) ? 1 : 0) | 1;  // SNaN
    case 5: return sign | (r(2) ? 0x0080'0000u : 0x7F7F'FFFFu);             // min/max normal
    case 6: {                                                                 // small integers, halves
      const float f = static_cast<float>(r(12)) + (r(2) ? 0.5f : 0.0f);
      return sign | std::bit_cast<u32>(f);
    }
    case 7: return sign | ((127u + 29 + r(36)) << 23) | (r(2) ? 0 : frac >> r(23));  // near the integer limits
    case 8: return sign | ((1u + r(24)) << 23) | frac;                        // tiny: products underflow
    case 9: return sign | ((0xF0u + r(15)) << 23) | frac;                     // huge: sums overflow
    case 10: return sign | ((125u + r(5)) << 23) | (frac & (0xFFu << r(16)));  // few significant bits
    case 11: {                                                                // 1.0 and its neighbours
      static constexpr u32 k[4] = {0x3F80'0000u, 0x3F80'0001u, 0x3F7F'FFFFu, 0x3FFF'FFFFu};
      return sign | k[r(4)];
    }
    default: return sign | ((0x60u + r(0x40)) << 23) | frac;                  // ordinary
  }
}

u64 Generator::f64v() {
  const u64 sign = r(2) ? u64{1} << 63 : 0;
  const u64 frac = bits() & ((u64{1} << 52) - 1);
  auto e = [](u64 x) { return x << 52; };
  switch (r(18)) {
    case 0: return sign;
    case 1: {
      const u32 k = r(4);
      return sign | (k == 0 ? 1 : k == 1 ? (u64{1} << 52) - 1 : (frac >> r(52)) | 1);
    }
    case 2: return sign | e(0x7FF);
    case 3: return r(4) == 0 ? 0xFFF8'0000'0000'0000u : sign | e(0x7FF) | (u64{1} << 51) | (frac >> r(52));
    case 4: return sign | e(0x7FF) | ((frac & ((u64{1} << 51) - 1)) >> r(51)) | 1;
    case 5: return sign | (r(2) ? e(1) : e(0x7FE) | ((u64{1} << 52) - 1));
    case 6: {
      const double d = static_cast<double>(r(12)) + (r(2) ? 0.5 : 0.0);
      return sign | std::bit_cast<u64>(d);
    }
    case 7: return sign | e(1023u + 29 + r(36)) | (r(2) ? 0 : frac >> r(52));
    case 8: return sign | e(1u + r(53)) | frac;
    case 9: return sign | e(0x7F0u + r(15)) | frac;
    case 10: return sign | e(1021u + r(5)) | (frac & (~u64{0} << (30 + r(22))));
    case 11: {
      static constexpr u64 k[4] = {0x3FF0'0000'0000'0000u, 0x3FF0'0000'0000'0001u, 0x3FEF'FFFF'FFFF'FFFFu,
                                   0x3FFF'FFFF'FFFF'FFFFu};
      return sign | k[r(4)];
    }
    // Doubles whose conversion to single rounds, overflows or underflows.
    case 12: return sign | e(1023u - 150 + r(30)) | frac;
    case 13: return sign | e(1023u + 120 + r(10)) | frac;
    default: return sign | e(0x3C0u + r(0x80)) | frac;
  }
}

u64 Generator::intv(unsigned bytes) {
  const unsigned bits_n = 8 * bytes;
  const u64 all = bits_n == 64 ? ~u64{0} : (u64{1} << bits_n) - 1;
  switch (r(9)) {
    case 0: return 0;
    case 1: return all;
    case 2: return u64{1} << (bits_n - 1);                  // the signed minimum
    case 3: return (u64{1} << (bits_n - 1)) - 1;            // the signed maximum
    case 4: return static_cast<u64>(static_cast<i64>(r(7)) - 3) & all;  // small
    case 5: {                                               // byte patterns
      static constexpr u8 k[6] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x55};
      u64 v = 0;
      for (unsigned i = 0; i < bytes; ++i) v |= u64{k[r(6)]} << (8 * i);
      return v;
    }
    default: return bits() & all;
  }
}

void Generator::fill(u8* p, unsigned n, Val flavor) {
  const unsigned kind = r(10);
  if (kind == 0) {  // raw random bytes
    for (unsigned i = 0; i < n; ++i) p[i] = static_cast<u8>(bits());
    return;
  }
  switch (flavor) {
    case Val::F32:
      for (unsigned i = 0; i + 4 <= n; i += 4) store_le<u32>(p + i, f32v());
      break;
    case Val::F64:
      for (unsigned i = 0; i + 8 <= n; i += 8) store_le<u64>(p + i, f64v());
      break;
    case Val::Str: {
      // Short strings over a small alphabet, with terminating zeros now and then.
      static constexpr u8 k[8] = {'a', 'b', 'c', 'd', 'A', 0x80, 0xFF, 0};
      for (unsigned i = 0; i < n; ++i) p[i] = k[r(r(4) == 0 ? 8 : 4)];
      if (r(2)) p[r(n)] = 0;
      break;
    }
    case Val::Int: {
      const unsigned w = 1u << r(4);
      for (unsigned i = 0; i + w <= n; i += w) {
        const u64 v = intv(w);
        for (unsigned b = 0; b < w; ++b) p[i + b] = static_cast<u8>(v >> (8 * b));
      }
      break;
    }
  }
}

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
