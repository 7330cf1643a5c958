// The 64-bit oracle's random sequences: integer instruction groups in every
// operand size and REX form (SDM Vol. 2), and the SIMD forms of the SIMD
// oracle (tests/simd_oracle/forms.cpp) with XMM8-15 and R8-R15 through
// REX.R/X/B plus their REX.W forms (MOVQ r64, PEXTRQ, CVTSI2SD r64 ...);
// memory operands in the data window through a base register, base +
// index, RIP-relative and absolute addressing, in 64- and 32-bit address
// size.
#pragma once
#include <random>
#include <span>
#include <string>
#include <vector>

#include "tests/oracle64/encode.hpp"
#include "tests/oracle64/state.hpp"
#include "tests/simd_oracle/forms.hpp"
#include "tests/simd_oracle/gen.hpp"
#include "tests/simd_oracle/values.hpp"

namespace gb::oracle64 {

using simd_oracle::Insn;
using simd_oracle::Sequence;

/// One thing the generator can draw: an integer instruction group or a
/// SIMD form. Its name is the mnemonic the expected-failures list uses.
struct Entry {
  std::string name;
  int group = -1;                          ///< integer group (gen.cpp), or -1
  const simd_oracle::Form* form = nullptr; ///< the SIMD form, or nullptr
  bool rex_w = false;                      ///< the form's REX.W variant
};

/// Every entry: the integer groups, then the SIMD forms that have no MMX
/// or x87 operand (those stay with the 32-bit SIMD oracle), without
/// RCPxS/RSQRTxS, whose bits differ between processors (the SIMD oracle
/// checks them against the SDM's bound), then the 64-bit-only forms.
std::span<const Entry> all_entries();

/// A generated sequence: its instructions, and after each one the
/// RFLAGS bits that are architecturally defined at that point.
struct Program {
  Sequence seq;
  std::vector<u64> flag_mask;  ///< per instruction: the defined arithmetic flags, and DF
  std::vector<bool> cut_ok;    ///< per instruction: a prefix may end after it (not after a branch over the next one)
  bool may_fault = false;      ///< holds a DIV by zero (#DE)
  /// The first `n` instructions.
  Program prefix(std::size_t n) const;
  u64 final_mask() const { return flag_mask.empty() ? kArith | kDF : flag_mask.back(); }
};

class Generator {
 public:
  /// `unlisted`: entries expected to pass (repeat one to weigh it);
  /// `listed`: those on the expected-failures list (a sequence holds at
  /// most one of them, in half of the sequences). `unmasked`: MXCSR may
  /// unmask SIMD floating-point exceptions (#XM).
  Generator(u64 seed, std::vector<const Entry*> unlisted, std::vector<const Entry*> listed, bool unmasked = false);
  /// A sequence of 5-20 instructions and its input state.
  void next(Program& prog, State& in);

 private:
  u64 bits() { return rng_(); }
  u32 r(u32 n) { return static_cast<u32>(rng_() % n); }
  bool one_in(u32 n) { return r(n) == 0; }

  // Registers.
  u8 gp();                         ///< a free GPR (not RSP, the base or the index)
  u8 gp8(bool allow_high = true);  ///< a free byte register (kHigh + n = AH..BH)
  unsigned size();                 ///< 8, 16, 32 or 64
  unsigned size_wide();            ///< 16, 32 or 64
  void opsize(Parts& p, unsigned sz);
  void reg_operand(Parts& p, unsigned sz);  ///< ModR/M.reg = a free register of `sz`
  void rm_reg(Parts& p, unsigned sz);       ///< r/m = a free register of `sz`
  /// r/m = a memory operand of `bytes` in the data window (16-byte aligned when `aligned`).
  void rm_memory(Parts& p, unsigned bytes, bool aligned);
  void rm_any(Parts& p, unsigned sz, u32 mem_one_in = 3);
  void rm_raw_address(Parts& p);  ///< any address at all (LEA, NOP: no access)
  void imm(Parts& p, u64 v, unsigned bytes);

  // Emission.
  void emit(const Parts& p, const std::string& name);
  bool try_emit(Parts p, const std::string& name);
  void prelude(const Parts& p) { emit(p, ""); }
  void mov_imm32(u8 reg, u32 v);  ///< MOV r32, imm32 (zero-extends)
  void need(u64 f);
  /// An instruction for a branch to skip (MOV, ADD, NOT or INC on a free register).
  void filler();
  /// Overwrites the last `bytes` bytes of instruction `insn` (an immediate or displacement) with `value`.
  void patch(std::size_t insn, u64 value, unsigned bytes);
  void flags(u64 affected, u64 undef) { defined_ = (defined_ | affected) & ~undef; }

  void integer(const Entry& e);
  void simd(const Entry& e);

  std::mt19937_64 rng_;
  simd_oracle::Values v_{rng_};
  std::vector<const Entry*> unlisted_, listed_;
  // Per sequence.
  Program* prog_ = nullptr;
  u64 at_ = 0;         ///< the next instruction's address
  u64 defined_ = 0;    ///< the defined arithmetic flags now
  int depth_ = 0;      ///< bytes pushed (net) since the start
  u8 base_ = 3, index_ = 5;  ///< the base register (= kBase) and the index register (small)
  u64 index_val_ = 0;
  bool unmasked_ = false;
};

}  // namespace gb::oracle64
