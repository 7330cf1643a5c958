// REP string instructions in virtual time (cpu/ops/string.hpp, Cpu::
// count_iterations): each iteration counts one instruction, a REP stops
// between iterations where the run's budget ends and resumes to the state of
// an uninterrupted run, and page chunks (MOVS, STOS, LODS, SCAS, CMPS, INS,
// OUTS) leave registers, flags, memory and ports as the element loop does.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "tests/unit/cpu/rep_rig.hpp"

using namespace gb;

namespace {

using rep_rig::Rig;

constexpr u64 kRun = 1'000'000;
constexpr u32 kSrc = 0x10000;  // source buffer (+ Case::src_off)
constexpr u32 kDst = 0x30000;  // destination buffer (+ Case::dst_off)

enum class Kind : u8 { Movs, Stos, Lods, Scas, Cmps, Ins, Outs };

struct Op {
  const char* name;
  std::vector<u8> insn;
  Kind kind;
  unsigned size;  // element bytes
  bool repe;      // F3 (REPE for SCAS/CMPS), else F2
};

const std::vector<Op>& ops() {
  static const std::vector<Op> all = {
      {"rep movsb", {0xF3, 0xA4}, Kind::Movs, 1, true},
      {"rep movsd", {0xF3, 0xA5}, Kind::Movs, 4, true},
      {"rep stosw", {0xF3, 0x66, 0xAB}, Kind::Stos, 2, true},
      {"rep lodsb", {0xF3, 0xAC}, Kind::Lods, 1, true},
      {"rep lodsd", {0xF3, 0xAD}, Kind::Lods, 4, true},
      {"repe scasb", {0xF3, 0xAE}, Kind::Scas, 1, true},
      {"repne scasb", {0xF2, 0xAE}, Kind::Scas, 1, false},
      {"repne scasd", {0xF2, 0xAF}, Kind::Scas, 4, false},
      {"repe cmpsb", {0xF3, 0xA6}, Kind::Cmps, 1, true},
      {"repne cmpsw", {0xF2, 0x66, 0xA7}, Kind::Cmps, 2, false},
      {"repe cmpsd", {0xF3, 0xA7}, Kind::Cmps, 4, true},
      {"rep insb", {0xF3, 0x6C}, Kind::Ins, 1, true},
      {"rep insd", {0xF3, 0x6D}, Kind::Ins, 4, true},
      {"rep outsb", {0xF3, 0x6E}, Kind::Outs, 1, true},
      {"rep outsw", {0xF3, 0x66, 0x6F}, Kind::Outs, 2, true},
  };
  return all;
}

struct Case {
  const Op* op;
  u32 n;          // ECX
  bool down;      // EFLAGS.DF
  i64 stop = -1;  // SCAS/CMPS: the element (in execution order) whose compare ends the REP
  u32 src_off = 0x0A;
  u32 dst_off = 0x1F6;
};

bool compares(const Op& op) { return op.kind == Kind::Scas || op.kind == Kind::Cmps; }

/// Registers, flags, memory, ports and the clock after a run.
struct Snap {
  std::vector<u64> gpr;
  u64 rip = 0;
  u32 eflags = 0;
  u64 insns = 0;
  std::vector<u8> mem;
  u32 reads = 0;
  std::vector<u32> writes;
  bool operator==(const Snap&) const = default;
};

void put(Rig& r, u32 addr, unsigned size, u32 v) {
  for (unsigned b = 0; b < size; ++b) r.ram[addr + b] = static_cast<u8>(v >> (8 * b));
}

/// Sets up case `c`: the buffers, ESI/EDI at the first element in execution
/// order, ECX, EAX, DF, and the REP at 1000h followed by a HLT.
void setup(Rig& r, const Case& c) {
  const Op& op = *c.op;
  const u32 sz = op.size;
  const u32 span = c.n * sz;
  const u32 src = kSrc + c.src_off, dst = kDst + c.dst_off;
  for (u32 i = 0; i < span + 8; ++i) r.ram[src + i] = static_cast<u8>(i * 7 + 1);
  // The element of execution-order index i.
  auto elem = [&](u32 base, u32 i) { return c.down ? base + (c.n - 1 - i) * sz : base + i * sz; };
  r.s.gpr[EAX] = 0x5A5A'5A5A;
  if (op.kind == Kind::Scas) {
    // REPE: every element equal to EAX until `stop`; REPNE: none until it.
    const u8 fill = op.repe ? 0x5A : 0x11;
    for (u32 i = 0; i < span; ++i) r.ram[dst + i] = fill;
    if (c.stop >= 0) put(r, elem(dst, static_cast<u32>(c.stop)), sz, op.repe ? 0x5A5A'5A00 : 0x5A5A'5A5A);
  }
  if (op.kind == Kind::Cmps) {
    // REPE: a copy of the source; REPNE: every byte differs. At `stop` the
    // other way round (the REPE mismatch one above the source: CF = 1).
    for (u32 i = 0; i < span; ++i) r.ram[dst + i] = static_cast<u8>(r.ram[src + i] ^ (op.repe ? 0 : 0xFF));
    if (c.stop >= 0) {
      const u32 i = static_cast<u32>(c.stop);
      for (u32 b = 0; b < sz; ++b) r.ram[elem(dst, i) + b] = r.ram[elem(src, i) + b];
      if (op.repe) r.ram[elem(dst, i)] = static_cast<u8>(r.ram[elem(src, i)] + 1);
    }
  }
  r.s.gpr[ESI] = c.n ? elem(src, 0) : src;
  r.s.gpr[EDI] = c.n ? elem(dst, 0) : dst;
  r.s.gpr[ECX] = c.n;
  r.s.gpr[EDX] = 0xE0;
  if (c.down) r.s.eflags_rest |= fl::DF;
  r.code(op.insn);
}

Snap snap(Rig& r, u64 start) {
  Snap s;
  s.gpr.assign(r.s.gpr.begin(), r.s.gpr.begin() + 8);
  s.rip = r.s.rip;
  s.eflags = r.cpu.eflags();
  s.insns = r.cpu.instructions() - start;
  s.mem.assign(r.ram.begin() + kSrc, r.ram.begin() + kDst + 0x10000);
  s.reads = r.port.reads;
  s.writes = r.port.writes;
  return s;
}

/// Runs case `c` to its HLT in runs of `slice` instructions, element by
/// element (the reference) or with page chunks.
Snap run(const Case& c, bool element, u64 slice) {
  Rig r;
  setup(r, c);
  if (element) r.element_path();
  const u64 start = r.cpu.instructions();
  while (!r.s.halted) r.cpu.run(slice);
  return snap(r, start);
}

std::string describe(const Case& c) {
  return std::string(c.op->name) + " n=" + std::to_string(c.n) + (c.down ? " DF=1" : " DF=0") +
         " stop=" + std::to_string(c.stop);
}

}  // namespace

TEST_CASE("each REP iteration counts one instruction, by page chunks or element by element", "[rep]") {
  const bool element = GENERATE(false, true);
  for (const Op& op : ops()) {
    for (const u32 n : {0u, 1u, 2u, 3u, 0x2345u}) {
      for (const bool down : {false, true}) {
        const Case c{&op, n, down};
        INFO(describe(c) << (element ? " element path" : " chunks"));
        const Snap s = run(c, element, kRun);
        CHECK(s.insns == (n ? n : 1) + 1);  // the iterations (or one), then the HLT
        CHECK(s.gpr[ECX] == 0);
        CHECK(s.rip == 0x1000 + op.insn.size() + 1);
        if (op.kind == Kind::Ins) CHECK(s.reads == n);
        if (op.kind == Kind::Outs) CHECK(s.writes.size() == n);
      }
    }
  }
}

TEST_CASE("page chunks leave the state of the element loop", "[rep]") {
  for (const Op& op : ops()) {
    for (const bool down : {false, true}) {
      for (const u32 n : {2u, 7u, 0x400u, 0x2345u}) {
        const Case c{&op, n, down};
        INFO(describe(c));
        CHECK(run(c, false, kRun) == run(c, true, kRun));
      }
    }
  }
}

TEST_CASE("a REP stopped by the budget resumes to the state of an uninterrupted run", "[rep]") {
  const u64 slice = GENERATE(as<u64>{}, 1, 2, 5, 0x3FF, 0x400, 0x401, 0x1234);
  for (const Op& op : ops()) {
    for (const bool down : {false, true}) {
      Case c{&op, 0x2345, down};
      if (compares(op)) c.stop = 0x1801;
      INFO(describe(c) << " slice=" << slice);
      const Snap whole = run(c, true, kRun);
      CHECK(run(c, false, slice) == whole);
      CHECK(run(c, true, slice) == whole);
      // The first run ends on its budget exactly, between iterations, EIP
      // on the REP.
      Rig r;
      setup(r, c);
      const u64 start = r.cpu.instructions();
      CHECK(r.cpu.run(slice) == StopReason::Budget);
      CHECK(r.cpu.instructions() - start == slice);
      CHECK(r.s.rip == 0x1000);
      CHECK(r.s.gpr[ECX] == 0x2345 - slice);
    }
  }
}

TEST_CASE("REPE/REPNE SCAS and CMPS stop at the element whose compare ends them, with its flags", "[rep]") {
  for (const Op& op : ops()) {
    if (!compares(op)) continue;
    for (const bool down : {false, true}) {
      // Inside the first chunk, on either side of page boundaries (the
      // buffers are not page aligned: the chunks of the two operands end at
      // different elements), and in a later page.
      for (const i64 stop : {0, 1, 5, 0x3FD, 0x3FE, 0x3FF, 0x400, 0x401, 0x7FE, 0x1003, 0x2344}) {
        const Case c{&op, 0x2345, down, stop};
        INFO(describe(c));
        const Snap s = run(c, false, kRun);
        CHECK(s == run(c, true, kRun));
        CHECK(s.gpr[ECX] == static_cast<u64>(0x2345 - (stop + 1)));
        CHECK(s.insns == static_cast<u64>(stop) + 2);
        const i64 step = (down ? -1 : 1) * static_cast<i64>(op.size) * (stop + 1);
        CHECK(s.gpr[EDI] == static_cast<u64>(kDst + c.dst_off + (down ? (c.n - 1) * op.size : 0) + step));
        CHECK(((s.eflags & fl::ZF) != 0) == !op.repe);  // REPE ends on unequal, REPNE on equal
        if (op.repe) CHECK(((s.eflags & fl::CF) != 0) == (op.kind == Kind::Cmps));  // src < dst (CMPS), 5Ah > 00h (SCAS)
      }
    }
  }
}

TEST_CASE("REPE CMPS with a 16-bit address wraps SI and DI as the element loop", "[rep]") {
  // a16 repe cmpsb from SI = FFF0h, DI = 5FF8h: the chunk ends at the wrap.
  for (const bool element : {false, true}) {
    Rig r;
    r.code({0x67, 0xF3, 0xA6});
    for (u32 i = 0; i < 0x20; ++i) r.ram[0xFFF0 + i] = r.ram[0x5FF8 + i] = 0x33;
    for (u32 i = 0; i < 0x10; ++i) r.ram[i] = 0x33;  // SI's bytes after the wrap
    r.ram[0x5FF8 + 0x13] = 0x34;                     // the 20th element differs
    r.s.gpr[ESI] = 0xFFF0;
    r.s.gpr[EDI] = 0x5FF8;
    r.s.gpr[ECX] = 0x40;
    if (element) r.element_path();
    r.cpu.run(kRun);
    CHECK(r.s.gpr[ECX] == 0x40 - 0x14);
    CHECK(r.s.gpr[ESI] == 0x0004);
    CHECK(r.s.gpr[EDI] == 0x5FF8 + 0x14);
    CHECK((r.cpu.eflags() & fl::ZF) == 0);
    CHECK((r.cpu.eflags() & fl::CF) != 0);  // 33h - 34h borrows
  }
}

TEST_CASE("an interrupt raised by REP INS's port read stops it after that element", "[rep]") {
  const bool element = GENERATE(false, true);
  Rig r;
  r.code({0xF3, 0x6C});  // rep insb
  r.s.gpr[EDI] = kDst;
  r.s.gpr[ECX] = 100;
  r.s.gpr[EDX] = 0xE0;
  r.s.eflags_rest |= fl::IF;
  r.port.intr_at = 10;
  if (element) r.element_path();
  const u64 start = r.cpu.instructions();
  r.cpu.run(kRun);
  CHECK(r.s.rip == 0x3001);  // in the handler's HLT
  CHECK(load_le<u32>(&r.ram[0x8000 - 12]) == 0x1000);  // the pushed EIP: the REP, to resume
  CHECK(r.s.gpr[ECX] == 90);
  CHECK(r.s.gpr[EDI] == kDst + 10);
  CHECK(r.port.reads == 10);
  CHECK(r.ram[kDst + 9] == 10);
  CHECK(r.ram[kDst + 10] == 0);
  CHECK(r.cpu.instructions() - start == 10 + 1);  // ten iterations, the HLT
}

TEST_CASE("a device's stop request ends the run after that REP INS element, and it resumes", "[rep]") {
  Rig r;
  r.code({0xF3, 0x6D});  // rep insd
  r.s.gpr[EDI] = kDst;
  r.s.gpr[ECX] = 50;
  r.s.gpr[EDX] = 0xE0;
  r.port.stop_at = 7;
  const u64 start = r.cpu.instructions();
  CHECK(r.cpu.run(kRun) == StopReason::Requested);
  CHECK(r.s.rip == 0x1000);
  CHECK(r.s.gpr[ECX] == 43);
  CHECK(r.cpu.instructions() - start == 7);
  CHECK(r.cpu.run(kRun) == StopReason::Halted);
  CHECK(r.s.gpr[ECX] == 0);
  CHECK(r.cpu.instructions() - start == 50 + 1);
  for (u32 i = 0; i < 50; ++i) CHECK(load_le<u32>(&r.ram[kDst + 4 * i]) == i + 1);
}

TEST_CASE("a host stop request splits a REP into chunks and counts it the same", "[rep]") {
  for (const Op& op : ops()) {
    Case c{&op, 0x2345, false};
    if (compares(op)) c.stop = 0x1801;
    INFO(describe(c));
    const Snap whole = run(c, false, kRun);
    Rig r;
    setup(r, c);
    const std::atomic<bool> stop{true};
    r.cpu.set_host_stop(&stop);
    const u64 start = r.cpu.instructions();
    while (!r.s.halted) r.cpu.run(kRun);
    CHECK(snap(r, start) == whole);
  }
}

TEST_CASE("step() runs a whole REP; run(1) one iteration", "[rep]") {
  Rig r;
  r.code({0xF3, 0xAB});  // rep stosd
  r.s.gpr[EDI] = kDst;
  r.s.gpr[ECX] = 0x1000;
  const u64 start = r.cpu.instructions();
  CHECK(r.cpu.run(1) == StopReason::Budget);
  CHECK(r.s.gpr[ECX] == 0xFFF);
  CHECK(r.s.rip == 0x1000);
  r.cpu.step();
  CHECK(r.s.gpr[ECX] == 0);
  CHECK(r.s.rip == 0x1002);
  CHECK(r.cpu.instructions() - start == 0x1000);
}
