// 4- and 5-level paging through the CPU: a reserved bit at any level is a
// #PF whose error code has P and RSVD set, with W, U/S and I/D for the
// access, CR2 the linear address, the error code pushed as a qword (SDM
// Vol. 3A 4.5.4 Tables 4-14 to 4-20 "reserved" bits, 4.7 page-fault error
// code, 6.14.2). The walker's own tests (tests/unit/mmu/paging_ia32e_test.cpp)
// cover which bits are reserved; these check the CPU's delivery.
#include "tests/unit/cpu/long_rig.hpp"

namespace gb::test {
namespace {

constexpr u64 P = 1, RW = 2, US = 4, PS = 0x80, kAll = P | RW | US;
constexpr u32 kHandler = 0x4000;

// The low 4 MiB identity-mapped (user, writable) with 4 KiB pages; a test
// window with its own chain below PML5[1] (5-level) or PML4[1] (4-level),
// mapping 4 KiB at frame 30000h.
struct PagedRig : LongRig {
  static constexpr u64 kPml5 = 0x20000, kPml4 = 0x21000, kPdpt = 0x22000, kPd = 0x23000, kPt = 0x24000;
  static constexpr u64 kWPml4 = 0x29000, kWPdpt = 0x26000, kWPd = 0x27000, kWPt = 0x28000, kFrame = 0x30000;
  const bool la57;

  explicit PagedRig(bool five) : LongRig("icelake-server"), la57(five) {
    set_qword(kPml5, kPml4 | kAll);
    set_qword(kPml4, kPdpt | kAll);
    set_qword(kPdpt, kPd | kAll);
    set_qword(kPd, kPt | kAll);
    set_qword(kPd + 8, (kPt + 0x1000) | kAll);
    for (u64 page = 0; page < 1024; ++page) set_qword(static_cast<u32>(kPt + 8 * page), (page << 12) | kAll);
    set_qword(kPml5 + 8, kWPml4 | kAll);
    set_qword((five ? kWPml4 : kPml4) + 8, kWPdpt | kAll);
    set_qword(kWPdpt + 8 * 5, kWPd | kAll);
    set_qword(kWPd + 8 * 7, kWPt | kAll);
    set_qword(kWPt + 8 * 9, kFrame | kAll);
    set_qword(kFrame + 0x120, 0x1122'3344'5566'7788u);
    s.cr3 = five ? kPml5 : kPml4;
    s.cr4 |= five ? u64{1} << 12 : 0;
    s.cr0 |= 0x8001'0000u;  // PG, WP
    s.efer |= msr::kEferNxe;
    cpu.update_paging(Cpu::TlbFlush::All);
    set_qword(kTss64 + 4, 0x9008);  // RSP0
    gate64(kPF, kCode64, kHandler, 0x8E);
    put(kHandler, {0xF4});
  }
  /// The window's linear address (PML5 1 | PML4 1, PDPT 5, PD 7, PT 9).
  u64 window() const {
    return (la57 ? u64{1} << 48 : 0) | u64{1} << 39 | u64{5} << 30 | u64{7} << 21 | u64{9} << 12 | 0x120;
  }
  /// The address of the window's entry at `level` (5 = PML5E ... 1 = PTE).
  u32 entry(unsigned level) const {
    static constexpr u64 kAt[6] = {0, kWPt + 8 * 9, kWPd + 8 * 7, kWPdpt + 8 * 5, 0, kPml5 + 8};
    return static_cast<u32>(level == 4 ? (la57 ? kWPml4 : kPml4) + 8 : kAt[level]);
  }
  /// Drops to CPL 3 in 64-bit code (the segment caches written directly).
  void user() {
    Segment& cs = s.seg[CS];
    cs.selector = kCode64u | 3;
    cs.access = 0xFB;
    Segment& ss = s.seg[SS];
    ss.selector = kData3 | 3;
    ss.access = 0xF3;
    s.cpl = 3;
    cpu.update_mode();
  }
  /// Runs `bytes` with RBX = the window; expects one #PF with `error`,
  /// CR2 = the window, the handler entered with the error code on its stack.
  void expect_pf(std::initializer_list<u8> bytes, u32 error) {
    code(bytes);
    s.gpr[EBX] = window();
    cpu.run(10);
    REQUIRE(log.faults.size() == 1);
    CHECK(log.faults[0].vector == kPF);
    CHECK(log.faults[0].error == error);
    CHECK(s.cr2 == window());
    REQUIRE(s.rip == kHandler + 1);
    CHECK(qword(static_cast<u32>(s.gpr[ESP])) == error);
  }
};

constexpr std::initializer_list<u8> kRead = {0x48, 0x8B, 0x03};   // MOV RAX, [RBX]
constexpr std::initializer_list<u8> kWrite = {0x48, 0x89, 0x03};  // MOV [RBX], RAX
constexpr std::initializer_list<u8> kFetch = {0xFF, 0xE3};        // JMP RBX

TEST_CASE("IA-32e paging: the window maps without faults", "[long][paging]") {
  for (bool five : {false, true}) {
    PagedRig r(five);
    r.code(kRead);
    r.s.gpr[EBX] = r.window();
    r.cpu.step();
    CHECK(r.log.faults.empty());
    CHECK(r.s.gpr[EAX] == 0x1122'3344'5566'7788u);
  }
}

// Runs the three accesses against the window whose entry at `level` is
// `value`: a CPL 0 read, a CPL 3 write, a CPL 0 fetch (EFER.NXE = 1, so
// I/D is reported).
void expect_rsvd(bool five, unsigned level, u64 value) {
  for (unsigned access = 0; access < 3; ++access) {
    INFO((five ? "5-level" : "4-level") << ", level " << level << ", entry " << std::hex << value << ", "
                                        << (access == 0 ? "read" : access == 1 ? "CPL 3 write" : "fetch"));
    PagedRig r(five);
    r.set_qword(r.entry(level), value == 0 ? r.qword(r.entry(level)) : value);
    if (access == 1) r.user();
    switch (access) {
      case 0: r.expect_pf(kRead, pf::P | pf::RSVD); break;
      case 1: r.expect_pf(kWrite, pf::P | pf::W | pf::U | pf::RSVD); break;
      default: r.expect_pf(kFetch, pf::P | pf::RSVD | pf::ID); break;
    }
  }
}

TEST_CASE("IA-32e paging: a reserved bit at each level is #PF(RSVD | P, W, U/S, I/D), CR2 = the address",
          "[long][paging]") {
  for (bool five : {false, true}) {
    const PagedRig r(five);
    for (unsigned level = five ? 5 : 4; level >= 1; --level) {
      // Bit 51: above MAXPHYADDR (46) in every entry.
      expect_rsvd(five, level, r.qword(r.entry(level)) | u64{1} << 51);
    }
    // PS is reserved in a PML4E and a PML5E (Tables 4-14, 4-15).
    expect_rsvd(five, 4, r.qword(r.entry(4)) | PS);
    if (five) expect_rsvd(five, 5, r.qword(r.entry(5)) | PS);
    // A 1 GiB page's bits 29:13 and a 2 MiB page's bits 20:13 are reserved
    // (Tables 4-16, 4-18).
    expect_rsvd(five, 3, PS | kAll | u64{1} << 13);
    expect_rsvd(five, 3, PS | kAll | u64{1} << 29);
    expect_rsvd(five, 2, PS | kAll | u64{1} << 13);
    expect_rsvd(five, 2, PS | kAll | u64{1} << 20);
  }
}

}  // namespace
}  // namespace gb::test
