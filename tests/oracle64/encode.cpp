#include "tests/oracle64/encode.hpp"

namespace gb::oracle64 {

namespace {

bool high(int r) { return r >= kHigh; }
u8 low3(int r) { return static_cast<u8>((high(r) ? r - kHigh + 4 : r) & 7); }
u8 bit3(int r) { return high(r) || r < 0 ? 0 : static_cast<u8>((r >> 3) & 1); }

u8 rex_of(const Parts& p) {
  u8 rex = p.w ? 0x48 : 0x40;
  if (p.modrm) {
    rex |= static_cast<u8>(bit3(p.reg) << 2);
    if (!p.rm_mem) rex |= bit3(p.rm);
    else if (p.mem.kind == Mem::Kind::Base) rex |= static_cast<u8>(bit3(p.mem.index) << 1 | bit3(p.mem.base));
  }
  if (p.opreg >= 0) rex |= bit3(p.opreg);
  return rex;
}

bool spl_dil(int r) { return r >= 4 && r <= 7; }

// A byte register 4-7 is SPL-DIL, which needs a REX (40h if nothing else).
bool needs_rex(const Parts& p) {
  if (rex_of(p) != 0x40 || p.rex) return true;
  if ((p.bytes & kByteOpreg) && spl_dil(p.opreg)) return true;
  if (!p.modrm) return false;
  return ((p.bytes & kByteReg) && spl_dil(p.reg)) || ((p.bytes & kByteRm) && !p.rm_mem && spl_dil(p.rm));
}

void le(std::vector<u8>& c, u64 v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) c.push_back(static_cast<u8>(v >> (8 * i)));
}

}  // namespace

bool encodable(const Parts& p) {
  const bool hi = (p.modrm && (high(p.reg) || (!p.rm_mem && high(p.rm)))) || high(p.opreg);
  return !(hi && needs_rex(p));
}

std::vector<u8> encode(const Parts& p, u64 at) {
  std::vector<u8> c;
  if (p.seg) c.push_back(p.seg);
  if (p.lock) c.push_back(0xF0);
  if (p.o16) c.push_back(0x66);
  if (p.a32) c.push_back(0x67);
  if (p.mand) c.push_back(p.mand);
  if (needs_rex(p)) c.push_back(rex_of(p));
  for (std::size_t i = 0; i < p.op.size(); ++i) {
    u8 b = p.op[i];
    if (i + 1 == p.op.size() && p.opreg >= 0) b = static_cast<u8>(b | low3(p.opreg));
    c.push_back(b);
  }
  std::size_t rip_at = 0;  // where a RIP-relative displacement goes
  if (p.modrm) {
    const u8 reg = static_cast<u8>(low3(p.reg) << 3);
    if (!p.rm_mem) {
      c.push_back(static_cast<u8>(0xC0 | reg | low3(p.rm)));
    } else if (p.mem.kind != Mem::Kind::Base) {
      c.push_back(static_cast<u8>(0x05 | reg));
      rip_at = c.size();
      le(c, static_cast<u32>(p.mem.disp), 4);
    } else {
      const Mem& m = p.mem;
      if (m.base < 0) {  // no base: mod 00, SIB base 101, disp32
        c.push_back(static_cast<u8>(0x04 | reg));
        c.push_back(static_cast<u8>(m.scale << 6 | (m.index < 0 ? 4 : low3(m.index)) << 3 | 5));
        le(c, static_cast<u32>(m.disp), 4);
      } else {
        const u8 b = low3(m.base);
        const bool d8 = !m.disp32 && m.disp >= -128 && m.disp <= 127;
        // mod 00 has no displacement, except base 101 (RBP/R13), which means RIP or needs one.
        const u8 mod = (m.disp == 0 && !m.disp32 && b != 5) ? 0x00 : d8 ? 0x40 : 0x80;
        if (m.index >= 0 || b == 4) {
          c.push_back(static_cast<u8>(mod | reg | 4));
          c.push_back(static_cast<u8>(m.scale << 6 | (m.index < 0 ? 4 : low3(m.index)) << 3 | b));
        } else {
          c.push_back(static_cast<u8>(mod | reg | b));
        }
        if (mod == 0x40) c.push_back(static_cast<u8>(m.disp));
        if (mod == 0x80) le(c, static_cast<u32>(m.disp), 4);
      }
    }
  }
  c.insert(c.end(), p.imm.begin(), p.imm.end());
  if (rip_at && p.mem.kind == Mem::Kind::Rip) {
    // SDM Vol. 2A 2.2.1.6: relative to the next instruction's address.
    const u64 next = at + c.size();
    const u32 d = static_cast<u32>(p.mem.target - next);
    for (unsigned i = 0; i < 4; ++i) c[rip_at + i] = static_cast<u8>(d >> (8 * i));
  }
  return c;
}

}  // namespace gb::oracle64
