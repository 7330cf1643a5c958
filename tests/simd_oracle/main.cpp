// glassbox-simd-oracle: differential test of the MMX/SSE..SSE4.2 instructions
// (issue 20). Random sequences of 4-12 instructions whose encodings mean
// the same in 32-bit and 64-bit mode run natively (a hand-assembled 64-bit
// helper between FXRSTOR and FXSAVE) and in Glassbox's CPU (model nehalem,
// flat 32-bit protected mode), from the same random registers, memory and
// MXCSR. Compared: XMM0-7, MM0-7 (the x87 registers, with FCW/FSW/FTW),
// MXCSR, the GPRs, the arithmetic flags and the data buffer; see check.hpp
// for RCPPS & co.
//
//   glassbox-simd-oracle [--xfail FILE] [--only M1,M2] [--unmasked] [SEQUENCES] [SEED]
//   glassbox-simd-oracle [--only M1,M2] --record FILE N SEED   (native: write vectors)
//   glassbox-simd-oracle [--xfail FILE] --replay FILE   (Glassbox only, any host)
//   glassbox-simd-oracle --names      (every mnemonic the oracle knows)
//
// --xfail: the expected failures, one mnemonic per line (# comments): a
// sequence holding one of them may fail; a listed mnemonic that passes in
// every sequence holding it fails the run ("now passes: remove X").
// --unmasked: MXCSR unmasks some exceptions; a native #XM (SIGFPE) must be
// #XM in Glassbox at the same instruction with the same state.
// Exit 0 all passed, 1 a mismatch, 77 (skip) where the native side cannot run.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/simd_oracle/check.hpp"
#include "tests/simd_oracle/cli.hpp"
#include "tests/simd_oracle/forms.hpp"
#include "tests/simd_oracle/gen.hpp"
#include "tests/simd_oracle/guest.hpp"
#include "tests/simd_oracle/native.hpp"
#include "tests/simd_oracle/vectors.hpp"
#include "tests/simd_oracle/xfail.hpp"

using namespace gb;
using namespace gb::simd_oracle;

namespace {

struct Options {
  std::string xfail, only, record, replay;
  bool unmasked = false, names = false;
  u64 count = 200'000;
  u64 seed = 20261206;
};

bool parse(int argc, char** argv, Options& o) {
  CommandLine cl;
  cl.count = o.count;
  cl.seed = o.seed;
  if (!parse_command_line(argc, argv, {"--xfail", "--only", "--record", "--replay"}, {"--unmasked", "--names"}, cl)) return false;
  o.xfail = cl.value("--xfail");
  o.only = cl.value("--only");
  o.record = cl.value("--record");
  o.replay = cl.value("--replay");
  o.unmasked = cl.has("--unmasked");
  o.names = cl.has("--names");
  o.count = cl.count;
  o.seed = cl.seed;
  return true;
}

std::set<std::string> known_names() {
  std::set<std::string> s;
  for (const simd_oracle::Form& f : all_forms()) s.insert(f.name);
  return s;
}

/// The forms named in --only (all when empty).
std::vector<const simd_oracle::Form*> selected_forms(const std::string& only_list) {
  const std::set<std::string> only = split_commas(only_list);
  std::vector<const simd_oracle::Form*> v;
  for (const simd_oracle::Form& f : all_forms()) {
    if (only.empty() || only.count(f.name)) v.push_back(&f);
  }
  return v;
}

Sequence prefix(const Sequence& s, std::size_t n) {
  Sequence p;
  p.insns.assign(s.insns.begin(), s.insns.begin() + static_cast<std::ptrdiff_t>(n));
  return p;
}

/// Glassbox's run of `seq`, and its state before the last instruction
/// when the sequence ends with an approximation.
struct GuestRun {
  Outcome o;
  State out, pre;
  bool has_pre = false;
};

GuestRun run_guest(Guest& g, const Sequence& seq, const State& in) {
  GuestRun r;
  r.o = g.run(seq.code(), in, r.out);
  if (ends_with_approx(seq)) {
    g.run(prefix(seq, seq.insns.size() - 1).code(), in, r.pre);
    r.has_pre = true;
  }
  return r;
}

void print_mismatch(u64 n, u64 k, const Sequence& seq, const State& in, const std::string& why) {
  fmt::print("MISMATCH #{} (sequence {}): {}\n  input:\n{}  differences:\n{}", k, n, seq.text(), describe(in), why);
}

int live(const Options& opt, const std::set<std::string>& listed) {
  if (!native_available()) {
    std::puts("SKIP: not an x86-64 host");
    return 77;
  }
  Native native;
  if (!native.ok()) {
    std::puts("SKIP: cannot map the data buffer at 0x00200000 or a code page");
    return 77;
  }
  Guest guest;
  std::vector<const simd_oracle::Form*> pass, fail;
  for (const simd_oracle::Form* f : selected_forms(opt.only)) {
    if (!simd_oracle::fx::live_on_host(f->flags)) continue;  // (see fx::kIntelNan)
    (listed.count(f->name) ? fail : pass).push_back(f);
  }
  if (pass.empty() && fail.empty()) {
    std::puts("no such instruction");
    return 2;
  }
  Generator gen(opt.seed, pass, fail, opt.unmasked);
  Tally tally(listed);
  Sequence seq;
  State in, nout;
  u64 insns = 0, native_faults = 0, xm = 0, shown = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (u64 n = 0; n < opt.count; ++n) {
    gen.next(seq, in);
    insns += seq.insns.size();
    const Outcome no = native.run(seq.code(), in, nout);
    if (!no.completed && !(opt.unmasked && no.vector == 19)) {
      // The generator must not make the host fault (alignment, MXCSR
      // values, masks): a bug in the oracle, not in Glassbox.
      if (++native_faults <= 5) fmt::print("NATIVE FAULT (oracle bug) vector {} at {}: {}\n", no.vector, insn_at(seq, no.fault_offset), seq.text());
      continue;
    }
    if (!no.completed) ++xm;
    const GuestRun gr = run_guest(guest, seq, in);
    const std::string why = compare(seq, in, no, nout, gr.o, gr.out, gr.has_pre ? &gr.pre : nullptr);
    if (!tally.add(seq, why)) continue;
    // Name the culprit: the shortest failing prefix's last instruction.
    for (std::size_t k = 1; k <= seq.insns.size(); ++k) {
      if (k < seq.insns.size() && seq.insns[k - 1].name.empty()) continue;
      const Sequence p = prefix(seq, k);
      State pn;
      const Outcome po = native.run(p.code(), in, pn);
      const GuestRun pg = run_guest(guest, p, in);
      if (!compare(p, in, po, pn, pg.o, pg.out, pg.has_pre ? &pg.pre : nullptr).empty()) {
        tally.culprit(p.insns.back().name);
        break;
      }
    }
    if (++shown <= 8) print_mismatch(n, shown, seq, in, why);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("simd-oracle: {} sequences ({} instructions, seed {}, {} forms{}) in {:.2f} s\n", opt.count, insns, opt.seed,
             pass.size() + fail.size(), opt.unmasked ? fmt::format(", unmasked: {} ended in #XM", xm) : "", secs);
  if (native_faults) fmt::print("{} sequences faulted natively (oracle bug)\n", native_faults);
  const u64 failures = tally.report(true) + native_faults;
  return failures ? 1 : 0;
}

int record(const Options& opt, u64 count, u64 seed) {
  if (!native_available()) {
    std::puts("--record needs an x86-64 host");
    return 2;
  }
  Native native;
  if (!native.ok()) return 2;
  const std::vector<const simd_oracle::Form*> forms = selected_forms(opt.only);
  if (forms.empty()) {
    std::puts("no such instruction");
    return 2;
  }
  // Each sequence mixes one to three forms (weighted 5:1) with the moves
  // that are on main since the framework, so a form's sequences replay
  // cleanly as soon as it is implemented, whatever else is still listed.
  static const std::set<std::string> kMoves{"MOVUPS", "MOVAPS", "MOVDQU", "MOVDQA", "MOVD", "MOVQ",
                                            "MOVD/mm", "MOVQ/mm", "MOVSS", "MOVSD"};
  std::vector<const simd_oracle::Form*> moves;
  for (const simd_oracle::Form& f : all_forms()) {
    if (kMoves.count(f.name)) moves.push_back(&f);
  }
  Generator gen(seed, forms, {}, false);
  std::mt19937_64 pick(seed ^ 0x5EC0'0D5Eu);
  std::vector<Record> recs;
  while (recs.size() < count) {
    Record r;
    std::vector<const simd_oracle::Form*> pool = moves;
    for (u64 k = 1 + pick() % 3; k > 0; --k) pool.insert(pool.end(), 5, forms[pick() % forms.size()]);
    gen.set_pools(pool, {});
    gen.next(r.seq, r.in);
    r.native = native.run(r.seq.code(), r.in, r.out);
    if (r.native.completed) recs.push_back(std::move(r));
  }
  if (!write_vectors(opt.record, recs)) {
    fmt::print("cannot write {}\n", opt.record);
    return 1;
  }
  fmt::print("wrote {} sequences (seed {}) to {}\n", recs.size(), seed, opt.record);
  return 0;
}

int replay(const Options& opt, const std::set<std::string>& listed) {
  std::vector<Record> recs;
  std::string err;
  if (!read_vectors(opt.replay, recs, err)) {
    fmt::print("{}\n", err);
    return 1;
  }
  Guest guest;
  Tally tally(listed);
  u64 shown = 0;
  for (std::size_t n = 0; n < recs.size(); ++n) {
    const Record& r = recs[n];
    const GuestRun gr = run_guest(guest, r.seq, r.in);
    const std::string why = compare(r.seq, r.in, r.native, r.out, gr.o, gr.out, gr.has_pre ? &gr.pre : nullptr);
    if (tally.add(r.seq, why) && ++shown <= 8) print_mismatch(n, shown, r.seq, r.in, why);
  }
  fmt::print("simd-oracle replay: {} recorded sequences from {}\n", recs.size(), opt.replay);
  return tally.report(false) ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse(argc, argv, opt)) {
    std::puts("usage: glassbox-simd-oracle [--xfail FILE] [--only M1,M2] [--unmasked] [SEQUENCES] [SEED]\n"
              "       glassbox-simd-oracle --record FILE N SEED\n"
              "       glassbox-simd-oracle [--xfail FILE] --replay FILE\n"
              "       glassbox-simd-oracle --names");
    return 2;
  }
  if (opt.names) {
    for (const auto& n : known_names()) fmt::print("{}\n", n);
    return 0;
  }
  std::set<std::string> listed;
  if (!opt.xfail.empty() && !load_list(opt.xfail, known_names(), listed)) return 1;
  if (!opt.record.empty()) return record(opt, opt.count, opt.seed);
  if (!opt.replay.empty()) return replay(opt, listed);
  return live(opt, listed);
}
