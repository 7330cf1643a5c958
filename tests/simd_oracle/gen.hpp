// The SIMD oracle's random sequences and inputs: instruction bytes from the
// form table, register and memory contents from values.hpp, a random MXCSR.
#pragma once
#include <random>
#include <string>
#include <vector>

#include "tests/simd_oracle/forms.hpp"
#include "tests/simd_oracle/state.hpp"
#include "tests/simd_oracle/values.hpp"

namespace gb::simd_oracle {

struct Insn {
  std::vector<u8> bytes;
  std::string name;  ///< the form's mnemonic; empty for the integer MOVs that set operands up
};

struct Sequence {
  std::vector<Insn> insns;
  std::vector<u8> code() const;
  /// The distinct mnemonics, for the expected-failures bookkeeping.
  std::vector<std::string> mnemonics() const;
  /// "MNEMONIC[bytes] | ..." on one line.
  std::string text() const;
};

class Generator {
 public:
  /// `unlisted`: forms expected to pass; `listed`: forms on the expected-
  /// failures list (a sequence holds at most one of them, so a failure
  /// names it). `unmasked`: MXCSR may unmask exceptions.
  Generator(u64 seed, std::vector<const Form*> unlisted, std::vector<const Form*> listed, bool unmasked);

  /// Replaces the pools (same meaning as in the constructor); a form may
  /// appear more than once to weigh it.
  void set_pools(std::vector<const Form*> unlisted, std::vector<const Form*> listed) {
    unlisted_ = std::move(unlisted);
    listed_ = std::move(listed);
  }
  /// A sequence of 4-12 instructions and its input state.
  void next(Sequence& seq, State& in);
  /// A random MXCSR: any rounding, DAZ, FTZ and flags; masks all set
  /// unless in unmasked mode.
  u32 mxcsr() { return v_.mxcsr(unmasked_); }

 private:
  u64 bits() { return rng_(); }
  u32 r(u32 n) { return static_cast<u32>(rng_() % n); }
  void emit(Sequence& seq, const Form& f);
  void fill(u8* p, unsigned n, Val flavor) { v_.fill(p, n, flavor); }
  u32 f32v() { return v_.f32v(); }
  u64 intv(unsigned bytes) { return v_.intv(bytes); }

  std::mt19937_64 rng_;
  Values v_{rng_};
  std::vector<const Form*> unlisted_, listed_;
  bool unmasked_;
  std::vector<Val> hints_;
};

}  // namespace gb::simd_oracle
