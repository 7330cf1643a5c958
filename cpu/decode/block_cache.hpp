// The block cache: runs of decoded instructions, executed without a lookup
// per instruction.
//
// A block is the code that runs from one linear address within one 4 KiB
// page: it ends before an instruction that would leave the page, cross the
// CS limit or wrap a 16-bit IP, after an unconditional transfer, or at
// kMaxInsns. Conditional branches do not end it: a taken branch ends the
// run of the block (Cpu::jump). A direct JMP or CALL to the same page does
// not end it either: the block goes on at the target (a superblock). A
// block is tied to the EIP it was decoded at, as its records hold their
// next EIPs (DecodedInsn::next_ip). A block is valid while
// (a) its linear page still translates, with execute rights, to the frame it
// was decoded from, (b) that frame's CodePages generation is unchanged (no
// write has touched the decoded bytes), and (c) the code segment's default
// size is the one it was decoded with. The CPU model is fixed per Cpu.
#pragma once
#include <memory>
#include <vector>

#include "cpu/decode/insn.hpp"
#include "mmu/code_pages.hpp"

namespace gb {

struct Block {
  /// The block's key: the linear address of its first instruction, bits
  /// 56-0, with the CodeSize it was decoded for (CS.D, or 64-bit mode) in
  /// bits 63-60 (key_of()). A canonical address's bits 63-57 copy bit 56
  /// (SDM Vol. 1 3.3.7.1, 5-level paging's 57 bits being the widest), so
  /// dropping them loses nothing.
  u64 key = ~u64{0};
  PhysAddr frame = 0;  ///< physical frame (page base) decoded from
  const CodePages::Frame* rec = nullptr;
  const DecodedInsn* insns = nullptr;
  /// The blocks that ran next last time, when execution fell off the end
  /// (succ[0]) or a taken branch ended it (succ[1]): links, valid while
  /// link_epoch is the CPU's (Cpu::links_changed: no translation, code
  /// byte or CPL has changed since), that save the TLB probe and the
  /// lookup.
  Block* succ[2] = {nullptr, nullptr};
  u32 link_epoch = 0;
  /// EIP of the first instruction at decode, outside 64-bit mode (where
  /// the linear address is the RIP): the block runs only at this EIP.
  u32 eip0 = 0;
  u32 gen = 0;       ///< the frame's CodePages generation at decode
  u8 count = 0;      ///< records
  /// Instructions: count, plus one per fused pair (cpu/ops/fused.hpp).
  u8 weight = 0;
  /// The highest EIP reached (the end of the furthest instruction), less
  /// the first instruction's: the CS limit check for the whole block.
  u16 span = 0;

  static constexpr u64 key_of(u64 lin, u8 mode) { return (lin & kLinBits) | (u64{mode} << 60); }
  static constexpr u64 kLinBits = (u64{1} << 57) - 1;
  /// Added to the key of a slot that remembers a failed build (no record
  /// to run: build_block): a link compares the key alone, so it can never
  /// name such a slot, whatever happened to the slot since the link was
  /// made. (Bits 59-57 are clear in every key: a 64-bit kernel's
  /// addresses have all of bits 63-57 set, which key_of() drops.)
  static constexpr u64 kFailed = u64{1} << 59;
};

class BlockCache {
 public:
  static constexpr unsigned kSlots = 1u << 14;
  static constexpr unsigned kMaxInsns = 64;
  static constexpr unsigned kArena = 1u << 17;  ///< decoded instructions held before a flush

  /// Two ways per set: with one, two hot blocks whose addresses share a
  /// slot evicted each other on every pass (a 64-bit Linux boot spent 80 %
  /// of its time rebuilding two such blocks, at 2.4 times the boot time).
  static constexpr unsigned kWays = 2;
  static constexpr unsigned kSets = kSlots / kWays;

  BlockCache() : slots_(new Block[kSlots]), victim_(new u8[kSets]()), arena_(new DecodedInsn[kArena]) {}

  /// The slot for the block with `key` (Block::key_of) at linear `lin`:
  /// the way of lin's set whose key is `key` (with or without
  /// Block::kFailed), else the way to build it in, the set's ways taken in
  /// turn. The caller still checks the slot's frame, generation and EIP.
  Block& find(u64 lin, u64 key) {
    const unsigned set = static_cast<unsigned>((lin ^ (lin >> 14)) & (kSets - 1));
    Block* w = &slots_[set * kWays];
    if ((w[0].key & ~Block::kFailed) == key) return w[0];
    if ((w[1].key & ~Block::kFailed) == key) return w[1];
    const unsigned v = victim_[set];
    victim_[set] = static_cast<u8>(v ^ 1);
    return w[v];
  }

  /// Whether the arena has no room for another block: flush() first.
  bool full() const { return used_ + kMaxInsns > kArena; }
  /// (Record 0 is no block's: every block's first record has one before
  /// it, which the block loop points at while no record is entered.)
  /// Room for up to kMaxInsns instructions of a new block (not full()).
  DecodedInsn* reserve() { return arena_.get() + used_; }
  /// Keeps the first `n` instructions written at reserve().
  void commit(unsigned n) { used_ += n; }

  /// Forgets every block link (the link epoch wrapped).
  void forget_links() {
    for (unsigned i = 0; i < kSlots; ++i) slots_[i].link_epoch = 0;
  }
  /// Forgets every block.
  void flush() {
    for (unsigned i = 0; i < kSlots; ++i) slots_[i].key = ~u64{0};
    used_ = 1;
  }

 private:
  std::unique_ptr<Block[]> slots_;
  std::unique_ptr<u8[]> victim_;  ///< per set: the way the next miss builds in
  std::unique_ptr<DecodedInsn[]> arena_;
  unsigned used_ = 1;
};

}  // namespace gb
