// glassbox-oracle64: the 64-bit differential oracle (issue 21). Random
// sequences of 5-20 64-bit user-mode instructions (integer groups in every
// operand size and REX form, near branches, RIP-relative and 32-bit-address-
// size memory operands, the SSE..SSE4.2 forms with XMM8-15 and their REX.W
// forms) run natively on the x86-64 host and in Glassbox (guest.hpp); the
// 16 GPRs, RFLAGS' defined bits and DF, MXCSR, XMM0-15 and the data window
// must match. See README.md.
//
//   glassbox-oracle64 [--xfail FILE] [--only M1,M2] [--skip K] [--unmasked] [SEQUENCES] [SEED]
//   glassbox-oracle64 --native-only [--only M1,M2] [SEQUENCES] [SEED]
//   glassbox-oracle64 --names
//   --print: each sequence on a line before it runs.
//   --unmasked: MXCSR unmasks some exceptions: a native #XM (SIGFPE) must
//   be #XM in Glassbox at the same instruction with the same state.
//   --code "HEX BYTES|HEX BYTES": these instructions from random inputs,
//   instead of generated sequences (a fault must be the same fault at the
//   same instruction in Glassbox); --flags HEX: the RFLAGS bits compared
//   then (default CD5: the arithmetic flags and DF).
//   --no-paging: Glassbox in 64-bit mode with CR0.PG clear (guest.hpp).
//   --skip K: generate and drop the first K sequences (a failure prints the
//   command that runs just its sequence again).
//
// --native-only: the host alone, each sequence twice: it must not fault
// and must give the same state both times (checks the generator: every
// sequence is well-defined and stays in the data window).
// --xfail: the expected failures (tests/simd_oracle/xfail.hpp).
// Exit 0 all passed, 1 a mismatch, 77 (skip) where the native side cannot run.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/oracle64/gen.hpp"
#include "tests/oracle64/guest.hpp"
#include "tests/oracle64/native.hpp"
#include "tests/oracle64/state.hpp"
#include "tests/simd_oracle/cli.hpp"
#include "tests/simd_oracle/xfail.hpp"

using namespace gb;
using namespace gb::oracle64;

namespace {

using Options = simd_oracle::CommandLine;

/// The Glassbox CPU model: a 64-bit part with SSE4.2 and POPCNT (the
/// host has both; the forms the oracle draws need nothing newer).
constexpr const char* kModel = "nehalem";

std::vector<std::string> split_on(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::size_t p = 0;
  while (!s.empty() && p <= s.size()) {
    const std::size_t q = std::min(s.find(sep, p), s.size());
    v.push_back(s.substr(p, q - p));
    p = q + 1;
  }
  return v;
}

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
    if (e.form && !simd_oracle::fx::live_on_host(e.form->flags)) continue;  // (see fx::kIntelNan)
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

/// The mnemonic instruction `i` belongs to: its own name, or for a setup
/// instruction the branch it follows (the instruction a branch skips) or
/// else the named one it prepares.
std::string owner(const Program& prog, std::size_t i) {
  const auto& v = prog.seq.insns;
  if (!v[i].name.empty()) return v[i].name;
  if (i > 0 && !v[i - 1].name.empty() && !prog.cut_ok[i - 1]) return v[i - 1].name;
  for (std::size_t k = i + 1; k < v.size(); ++k) {
    if (!v[k].name.empty()) return v[k].name;
  }
  return "setup";
}

/// The flags to compare for outcome `o`: those defined after the last
/// instruction, or for an exception those defined before the faulting
/// instruction (a fault leaves RFLAGS as the previous instruction left it,
/// with its undefined bits: a DIV's before a #DE in a later DIV).
u64 compared_mask(const Program& prog, const Outcome& o) {
  if (o.completed || o.vector < 0) return prog.final_mask();
  u32 at = 0;
  for (std::size_t i = 0; i < prog.seq.insns.size(); ++i) {
    if (o.fault_offset >= at && o.fault_offset < at + prog.seq.insns[i].bytes.size()) {
      return i == 0 ? oracle64::kArith | oracle64::kDF : prog.flag_mask[i - 1];
    }
    at += static_cast<u32>(prog.seq.insns[i].bytes.size());
  }
  return prog.final_mask();
}

/// Runs `prog` natively and in Glassbox; empty when they agree.
struct Both {
  Native& native;
  Guest& guest;
  std::string run(const Program& prog, const State& in, Outcome& no) {
    const std::vector<u8> code = prog.seq.code();
    State n, g;
    no = native.run(code, in, n);
    const Outcome go = guest.run(code, in, g);
    return compare(prog.seq, in, no, n, go, g, compared_mask(prog, no));
  }
};

int live(const Options& opt, const std::set<std::string>& listed, const std::vector<const Entry*>& pool) {
  Native native;
  if (!native.ok()) {
    std::puts("SKIP: cannot map the pages at 0x200000, 0x300000 and 0x310000");
    return 77;
  }
  const CpuModel* model = find_cpu_model(kModel);
  if (!model) {
    fmt::print("no CPU model {}\n", kModel);
    return 2;
  }
  Guest guest(*model, !opt.has("--no-paging"));
  Both both{native, guest};
  std::vector<const Entry*> pass, fail;
  for (const Entry* e : pool) (listed.count(e->name) ? fail : pass).push_back(e);
  Generator gen(opt.seed, pass, fail, opt.has("--unmasked"));
  simd_oracle::Tally tally(listed);
  Program prog;
  State in;
  const u64 skip = std::strtoull(opt.value("--skip").c_str(), nullptr, 10);
  for (u64 n = 0; n < skip; ++n) gen.next(prog, in);
  // --code: these instructions instead of the generated ones (the inputs stay random).
  Program code;
  const u64 flags = opt.value("--flags").empty() ? (oracle64::kArith | oracle64::kDF)
                                                 : std::strtoull(opt.value("--flags").c_str(), nullptr, 16);
  for (const std::string& text : split_on(opt.value("--code"), '|')) {
    Insn insn;
    insn.name = "code";
    for (const std::string& b : split_on(text, ' ')) {
      if (!b.empty()) insn.bytes.push_back(static_cast<u8>(std::strtoul(b.c_str(), nullptr, 16)));
    }
    code.seq.insns.push_back(insn);
    code.flag_mask.push_back(flags);
    code.cut_ok.push_back(true);
  }
  u64 insns = 0, native_faults = 0, shown = 0, exceptions = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (u64 n = skip; n < skip + opt.count; ++n) {
    gen.next(prog, in);
    if (!code.seq.insns.empty()) prog = code;
    insns += prog.seq.insns.size();
    if (opt.has("--print")) fmt::print("{}\n", prog.seq.text());
    Outcome no;
    const std::string why = both.run(prog, in, no);
    if (!no.completed && code.seq.insns.empty() && !(prog.may_fault && no.vector == 0) &&
        !(opt.has("--unmasked") && no.vector == 19)) {
      // The generator must not make the host fault, but for #DE and (with
      // --unmasked) #XM: an oracle bug. (--code may fault: the outcomes compare.)
      if (++native_faults <= 5) fmt::print("NATIVE FAULT (oracle bug) in sequence {}: {}: {}\n", n, outcome_text(prog.seq, no), prog.seq.text());
      continue;
    }
    if (!no.completed) ++exceptions;
    if (!tally.add(prog.seq, why)) continue;
    // The culprit: the last instruction of the shortest failing prefix;
    // the differences printed are that prefix's.
    std::size_t culprit = prog.seq.insns.size();
    std::string first = why;
    for (std::size_t k = 1; k <= prog.seq.insns.size(); ++k) {
      if (k < prog.seq.insns.size() && !prog.cut_ok[k - 1]) continue;
      Outcome po;
      const std::string w = both.run(prog.prefix(k), in, po);
      if (!w.empty()) {
        culprit = k;
        first = w;
        break;
      }
    }
    const Insn& ci = prog.seq.insns[culprit - 1];
    tally.culprit(owner(prog, culprit - 1));
    if (++shown <= 8) {
      std::string bytes;
      for (u8 b : ci.bytes) bytes += fmt::format("{}{:02X}", bytes.empty() ? "" : " ", b);
      fmt::print("MISMATCH #{} (sequence {}, seed {}; again: glassbox-oracle64{} --skip {} 1 {}): {}\n  input:\n{}"
                 "  differences after insn {} ({}{} [{}]):\n{}",
                 shown, n, opt.seed, opt.value("--only").empty() ? "" : " --only " + opt.value("--only"), n, opt.seed,
                 prog.seq.text(), describe(in), culprit - 1, ci.name.empty() ? "setup of " : "",
                 owner(prog, culprit - 1), bytes, first);
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("oracle64: {} sequences ({} instructions, seed {}, model {}; {} ended in an exception) in {:.2f} s\n",
             opt.count, insns, opt.seed, kModel, exceptions, secs);
  if (native_faults) fmt::print("{} sequences faulted natively (oracle bug)\n", native_faults);
  const u64 failures = tally.report(true) + native_faults;
  return failures ? 1 : 0;
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
    else why = compare(prog.seq, in, oa, a, ob, b, compared_mask(prog, oa));
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
  if (!simd_oracle::parse_command_line(argc, argv, {"--xfail", "--only", "--skip", "--code", "--flags"}, {"--native-only", "--names", "--print", "--unmasked", "--no-paging"}, opt)) {
    std::puts("usage: glassbox-oracle64 [--xfail FILE] [--only M1,M2] [--skip K] [--unmasked] [--native-only] [--print] [SEQUENCES] [SEED]\n"
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
  if (opt.has("--native-only")) return native_only(opt, pool);
  return live(opt, listed, pool);
}
