// The decoded-instruction cache: decode once, execute many times.
//
// Entries are keyed by the instruction's linear address and the decoder's
// mode (the code segment's default size), and hold the instruction's bytes
// next to its decoded form. A hit needs the bytes now in memory to equal the
// stored ones, so the cache is correct without tracking writes to code:
// self-modifying code, a reloaded page, a new CR3 or a DMA transfer that
// changes the bytes simply misses (the decoder depends on nothing but the
// bytes, the mode and the CPU model, which is fixed per Cpu). Only
// instructions that lie within one 4 KiB page are cached; comparing 16
// bytes read through the code page's host pointer costs a fraction of a
// decode.
#pragma once
#include <cstring>
#include <vector>

#include "cpu/decode/insn.hpp"
#include "mmu/endian.hpp"

namespace gb {

class DecodeCache {
 public:
  static constexpr unsigned kEntries = 4096;
  /// Bytes compared per lookup: the longest instruction (15) fits.
  static constexpr unsigned kWindow = 16;

  DecodeCache() : e_(kEntries) {}

  /// The cached decode of the instruction at linear `lin` whose next
  /// kWindow bytes are at `code` (host memory), in decoder mode `mode`; or
  /// nullptr on a miss.
  DecodedInsn* find(u64 lin, u8 mode, const u8* code) {
    Entry& e = e_[index(lin)];
    if (e.lin != lin || e.mode != mode) return nullptr;
    const u64 b0 = load_le<u64>(code), b1 = load_le<u64>(code + 8);
    if (((b0 ^ e.b0) & e.m0) | ((b1 ^ e.b1) & e.m1)) return nullptr;
    return &e.insn;
  }
  /// Stores `d`, decoded from the kWindow bytes at `code` (of which the
  /// first d.len are the instruction's).
  void store(u64 lin, u8 mode, const u8* code, const DecodedInsn& d) {
    Entry& e = e_[index(lin)];
    e.lin = lin;
    e.mode = mode;
    e.m0 = d.len >= 8 ? ~u64{0} : (u64{1} << (8 * d.len)) - 1;
    e.m1 = d.len <= 8 ? 0 : d.len >= 16 ? ~u64{0} : (u64{1} << (8 * (d.len - 8))) - 1;
    e.b0 = load_le<u64>(code) & e.m0;
    e.b1 = load_le<u64>(code + 8) & e.m1;
    e.insn = d;
  }

 private:
  struct Entry {
    u64 lin = ~u64{0};
    u8 mode = 0xFF;
    u64 b0 = 0, b1 = 0;  ///< the instruction's bytes, little-endian, masked
    u64 m0 = 0, m1 = 0;  ///< which bytes belong to it
    DecodedInsn insn;
  };
  static unsigned index(u64 lin) { return (lin ^ (lin >> 13)) & (kEntries - 1); }
  std::vector<Entry> e_;
};

}  // namespace gb
