// SSE4.2 packed string comparison: PCMPESTRI (66 0F 3A 61), PCMPESTRM (60),
// PCMPISTRI (63), PCMPISTRM (62), following SDM Vol. 2B 4.1 "Imm8 Control
// Byte Operation for PCMPESTRI / PCMPESTRM / PCMPISTRI / PCMPISTRM".
//
// imm8[1:0] is the element format (unsigned bytes, unsigned words, signed
// bytes, signed words), [3:2] the aggregation (Equal Any, Ranges, Equal
// Each, Equal Ordered), [5:4] the polarity, [6] the output selection. The
// first operand (xmm1) is the set, the ranges or the substring; the second
// (xmm2/m128; no alignment rule: exception type 4 exempts these four,
// SDM Vol. 2A 2.4) is the string searched. Elements past an operand's length are invalid.
#include "cpu/simd/rows.hpp"
#include "cpu/simd/simd.hpp"
#include "cpu/simd/tables.hpp"

namespace gb::simd {

namespace {

/// Elements per operand: 8 words or 16 bytes.
unsigned element_count(u8 imm) { return (imm & 1) ? 8 : 16; }

/// Element i of `v` in the format imm8[1:0], as a signed value.
i32 element(const Vec128& v, unsigned i, u8 imm) {
  switch (imm & 3) {
    case 0: return v.get<u8>(i);
    case 1: return v.get<u16>(i);
    case 2: return v.get<i8>(i);
    default: return v.get<i16>(i);
  }
}

/// PCMPISTRx: the index of the first zero element, or the element count.
unsigned implicit_length(const Vec128& v, u8 imm) {
  const unsigned n = element_count(imm);
  for (unsigned i = 0; i < n; ++i) {
    if (element(v, i, imm) == 0) return i;
  }
  return n;
}

/// PCMPESTRx: the absolute value of the length register (see length_reg),
/// saturated to the element count (SDM 4.1.1).
unsigned explicit_length(i64 v, u8 imm) {
  // |v| as unsigned: -INT64_MIN does not fit an i64.
  const u64 a = v < 0 ? u64{0} - static_cast<u64>(v) : static_cast<u64>(v);
  const unsigned n = element_count(imm);
  return a > n ? n : static_cast<unsigned>(a);
}

/// The explicit length register: EAX/EDX as signed doublewords, RAX/RDX
/// with REX.W in 64-bit mode (SDM Vol. 2B PCMPESTRI/PCMPESTRM).
i64 length_reg(const Cpu& c, const DecodedInsn& d, unsigned r) {
  return d.o64 ? static_cast<i64>(c.reg<u64>(r)) : static_cast<i64>(static_cast<i32>(c.reg<u32>(r)));
}

/// IntRes1 (SDM 4.1.4): bit j for element j of `b` (Equal Any, Ranges,
/// Equal Ordered) or the element pair j (Equal Each). The comparisons with
/// an invalid element are forced as in SDM Table 4-7: false for Equal Any
/// and Ranges; for Equal Each true when both are invalid, else false; for
/// Equal Ordered true when the element of `a` is invalid, else false when
/// that of `b` is.
u32 intres1(const Vec128& a, unsigned la, const Vec128& b, unsigned lb, u8 imm) {
  const unsigned n = element_count(imm);
  u32 r = 0;
  switch ((imm >> 2) & 3) {
    case 0:  // Equal Any: b[j] is one of the valid a[i]
      for (unsigned j = 0; j < lb; ++j) {
        for (unsigned i = 0; i < la; ++i) {
          if (element(a, i, imm) == element(b, j, imm)) {
            r |= 1u << j;
            break;
          }
        }
      }
      break;
    case 1:  // Ranges: a[i] <= b[j] <= a[i+1] for some even i, both valid
      for (unsigned j = 0; j < lb; ++j) {
        const i32 x = element(b, j, imm);
        for (unsigned i = 0; i + 1 < la; i += 2) {
          if (element(a, i, imm) <= x && x <= element(a, i + 1, imm)) {
            r |= 1u << j;
            break;
          }
        }
      }
      break;
    case 2:  // Equal Each: a[i] == b[i]
      for (unsigned i = 0; i < n; ++i) {
        const bool va = i < la, vb = i < lb;
        if (va && vb ? element(a, i, imm) == element(b, i, imm) : !va && !vb) r |= 1u << i;
      }
      break;
    default:  // Equal Ordered: the valid part of a occurs in b at j
      for (unsigned j = 0; j < n; ++j) {
        bool match = true;
        for (unsigned i = 0; i < la && j + i < n && match; ++i) {
          match = j + i < lb && element(a, i, imm) == element(b, j + i, imm);
        }
        if (match) r |= 1u << j;
      }
      break;
  }
  return r;
}

/// The comparison's result and flags: IntRes2 after the polarity imm8[5:4]
/// (negative inverts every bit, masked negative only those of valid `b`
/// elements), CF = IntRes2 != 0, ZF = `b` has an invalid element, SF = `a`
/// has one, OF = IntRes2[0], AF = PF = 0 (SDM 4.1.6, 4.1.7).
u32 compare(Cpu& c, const Vec128& a, unsigned la, const Vec128& b, unsigned lb, u8 imm) {
  const unsigned n = element_count(imm);
  u32 r = intres1(a, la, b, lb, imm);
  switch ((imm >> 4) & 3) {
    case 1: r ^= (1u << n) - 1; break;
    case 3: r ^= (1u << lb) - 1; break;
    default: break;
  }
  c.state().flags.set_all((r ? fl::CF : 0) | (lb < n ? fl::ZF : 0) | (la < n ? fl::SF : 0) | ((r & 1) ? fl::OF : 0));
  return r;
}

/// `kExplicit`: PCMPESTRx (lengths in EAX for xmm1, EDX for xmm2/m128;
/// RAX and RDX with REX.W); the index written to ECX clears bits 63-32;
/// else PCMPISTRx (null-terminated). `kIndex`: PCMPxSTRI writes ECX with
/// the index of the least (imm8[6] = 0) or most significant set bit of
/// IntRes2, or the element count when none is set; PCMPxSTRM writes XMM0
/// with IntRes2 as a bit mask (imm8[6] = 0, zero-extended) or expanded to
/// all-ones elements (SDM 4.1.8).
template <bool kExplicit, bool kIndex>
void pcmpstr(Cpu& c, const DecodedInsn& d) {
  sse_begin(c);
  const Vec128 b = read_w(c, d, 16, false);
  const Vec128 a = xmm(c, d.xreg());
  const u8 imm = static_cast<u8>(d.imm);
  const unsigned n = element_count(imm);
  const unsigned la = kExplicit ? explicit_length(length_reg(c, d, EAX), imm) : implicit_length(a, imm);
  const unsigned lb = kExplicit ? explicit_length(length_reg(c, d, EDX), imm) : implicit_length(b, imm);
  const u32 r = compare(c, a, la, b, lb, imm);
  if constexpr (kIndex) {
    unsigned index = n;
    for (unsigned i = 0; i < n; ++i) {
      if ((r >> i) & 1) {
        index = i;
        if (!(imm & 0x40)) break;
      }
    }
    c.set_reg<u32>(ECX, index);
  } else {
    Vec128 m;
    if (imm & 0x40) {
      for (unsigned i = 0; i < n; ++i) {
        if ((r >> i) & 1) {
          if (n == 8) m.set<u16>(i, 0xFFFF);
          else m.set<u8>(i, 0xFF);
        }
      }
    } else {
      m.set<u16>(0, static_cast<u16>(r));
    }
    xmm(c, 0) = m;
  }
}

using namespace opc;
const OpcodeRow kRows[] = {
    SIMD_ROW(P66 | kMap3A | 0x60, -1, "PCMPESTRM", Vx, Wx, Ib, (pcmpstr<true, false>), 0),
    SIMD_ROW(P66 | kMap3A | 0x61, -1, "PCMPESTRI", Vx, Wx, Ib, (pcmpstr<true, true>), 0),
    SIMD_ROW(P66 | kMap3A | 0x62, -1, "PCMPISTRM", Vx, Wx, Ib, (pcmpstr<false, false>), 0),
    SIMD_ROW(P66 | kMap3A | 0x63, -1, "PCMPISTRI", Vx, Wx, Ib, (pcmpstr<false, true>), 0),
};

}  // namespace

std::span<const OpcodeRow> sse42_string_rows() { return kRows; }

}  // namespace gb::simd
