// glassbox-oracle64: the 64-bit differential oracle (issue 21). Random
// sequences of 5-20 64-bit user-mode instructions (integer groups in every
// operand size and REX form, RIP-relative and 32-bit-address-size memory
// operands, the SSE..SSE4.2 forms with XMM8-15 and their REX.W forms) run
// natively on the x86-64 host and compare: the 16 GPRs, RFLAGS' defined
// bits and DF, MXCSR, XMM0-15 and the data window.
//
//   glassbox-oracle64 [--xfail FILE] [--only M1,M2] [SEQUENCES] [SEED]
//   glassbox-oracle64 --native-only [--only M1,M2] [SEQUENCES] [SEED]
//   glassbox-oracle64 --names
//   --print: each sequence on a line before it runs.
//
// --native-only: the host alone, each sequence twice: it must not fault
// and must give the same state both times (checks the generator: every
// sequence is well-defined and stays in the data window).
// --xfail: the expected failures (tests/simd_oracle/xfail.hpp).
// Exit 0 all passed, 1 a mismatch, 77 (skip) where the native side cannot run.
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/oracle64/gen.hpp"
#include "tests/oracle64/native.hpp"
#include "tests/oracle64/state.hpp"
#include "tests/simd_oracle/cli.hpp"
#include "tests/simd_oracle/xfail.hpp"

using namespace gb;
using namespace gb::oracle64;

namespace {

using Options = simd_oracle::CommandLine;

std::set<std::string> known_names() {
  std::set<std::string> s;
  for (const Entry& e : all_entries()) s.insert(e.name);
  return s;
}

/// The entries named in --only (all when empty), integer groups weighed
/// so that about half the instructions are integer ones.
std::vector<const Entry*> selected(const std::string& only_list) {
  const std::set<std::string> only = simd_oracle::split_commas(only_list);
  std::vector<const Entry*> v;
  for (const Entry& e : all_entries()) {
    if (!only.empty() && !only.count(e.name)) continue;
    v.insert(v.end(), e.form ? 1 : 10, &e);
  }
  return v;
}

std::string outcome_text(const Sequence& seq, const Outcome& o) {
  if (o.completed) return "completed";
  u32 at = 0;
  for (std::size_t i = 0; i < seq.insns.size(); ++i) {
    if (o.fault_offset >= at && o.fault_offset < at + seq.insns[i].bytes.size()) {
      return fmt::format("exception {} at insn {} ({})", o.vector, i, seq.insns[i].name.empty() ? "setup" : seq.insns[i].name);
    }
    at += static_cast<u32>(seq.insns[i].bytes.size());
  }
  return o.vector < 0 ? "did not reach the end" : fmt::format("exception {} outside the sequence (offset {:#x})", o.vector, o.fault_offset);
}

/// Empty when `a` and `b` agree under `mask` (the flags), else what differs.
std::string compare(const Sequence& seq, const State& in, const Outcome& ao, const State& a, const Outcome& bo,
                    const State& b, u64 mask) {
  if (!(ao == bo)) return fmt::format("    outcome: native {}, glassbox {}\n", outcome_text(seq, ao), outcome_text(seq, bo));
  State x = a, y = b;
  x.rflags &= mask;
  y.rflags &= mask;
  return x == y ? std::string() : describe_diff(in, a, b, mask);
}

int native_only(const Options& opt, const std::vector<const Entry*>& pool) {
  Native native;
  if (!native.ok()) {
    std::puts("SKIP: cannot map the pages at 0x200000, 0x300000 and 0x310000");
    return 77;
  }
  Generator gen(opt.seed, pool, {});
  Program prog;
  State in, a, b;
  u64 bad = 0, insns = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (u64 n = 0; n < opt.count; ++n) {
    gen.next(prog, in);
    insns += prog.seq.insns.size();
    if (opt.has("--print")) fmt::print("{}\n", prog.seq.text());
    const std::vector<u8> code = prog.seq.code();
    const Outcome oa = native.run(code, in, a);
    const Outcome ob = native.run(code, in, b);
    std::string why;
    if (!oa.completed && !(prog.may_fault && oa.vector == 0)) why = fmt::format("    native: {}\n", outcome_text(prog.seq, oa));
    else why = compare(prog.seq, in, oa, a, ob, b, prog.final_mask());
    if (why.empty()) continue;
    if (++bad <= 8) fmt::print("NATIVE #{} (sequence {}): {}\n  input:\n{}{}", bad, n, prog.seq.text(), describe(in), why);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("oracle64 --native-only: {} sequences ({} instructions, seed {}) in {:.2f} s, {} bad\n", opt.count, insns,
             opt.seed, secs, bad);
  return bad ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  opt.count = 200'000;
  opt.seed = 20261207;
  if (!simd_oracle::parse_command_line(argc, argv, {"--xfail", "--only"}, {"--native-only", "--names", "--print"}, opt)) {
    std::puts("usage: glassbox-oracle64 [--xfail FILE] [--only M1,M2] [--native-only] [--print] [SEQUENCES] [SEED]\n"
              "       glassbox-oracle64 --names");
    return 2;
  }
  if (opt.has("--names")) {
    for (const auto& n : known_names()) fmt::print("{}\n", n);
    return 0;
  }
  std::set<std::string> listed;
  if (!opt.value("--xfail").empty() && !simd_oracle::load_list(opt.value("--xfail"), known_names(), listed)) return 1;
  if (!native_available()) {
    std::puts("SKIP: not an x86-64 host");
    return 77;
  }
  const std::vector<const Entry*> pool = selected(opt.value("--only"));
  if (pool.empty()) {
    std::puts("no such instruction");
    return 2;
  }
  return native_only(opt, pool);
}
