// Read-modify-write instructions whose write faults after the read
// succeeded (a read-only segment here; a copy-on-write page in a real
// guest): the fault must leave the flags and registers as they were, so
// the restarted instruction computes the same result (SDM Vol. 3A 6.5).
// Cpu::read_rmw checks the write before anything changes.
#include "pm_rig.hpp"

using namespace gb;
using gb::test::PmRig;

namespace {

// ES is a read-only data segment; #GP goes to a HLT at 2000h; EBX points
// at a doubleword of FFFFFFFFh; EAX = 1; STC sets CF alone.
struct RmwRig : PmRig {
  static constexpr u16 kReadOnly = 0x20;
  RmwRig() {
    desc(kReadOnly, 0, 0xFFFFF, 0x90, 0xC);  // present, data, read-only
    cpu.load_segment(ES, kReadOnly);
    gate(13, kCode0, 0x2000, 0x8E);
    put(0x2000, {0xF4});
    store_le<u32>(&ram[0x3000], 0xFFFF'FFFFu);
    s.gpr[EBX] = 0x3000;
    s.gpr[EAX] = 1;
  }
  void run_code(std::initializer_list<u8> insn) {
    std::vector<u8> code{0xF9};  // stc
    code.insert(code.end(), insn.begin(), insn.end());
    std::copy(code.begin(), code.end(), ram.begin() + kCode);
    bus.host_wrote(kCode, code.size());
    REQUIRE(cpu.run(10) == StopReason::Halted);
    REQUIRE(log.faults.size() == 1);
    CHECK(log.faults[0].vector == 13);
    CHECK(s.flags.all() == fl::CF);  // STC's flags: the faulting instruction changed none
    CHECK(load_le<u32>(&ram[0x3000]) == 0xFFFF'FFFFu);
  }
};

}  // namespace

TEST_CASE("rmw: ADC to a read-only segment faults with the flags unchanged", "[cpu][rmw]") {
  RmwRig r;
  r.run_code({0x26, 0x11, 0x03});  // adc es:[ebx], eax
}

TEST_CASE("rmw: XADD to a read-only segment faults with its register unchanged", "[cpu][rmw]") {
  RmwRig r;
  r.run_code({0x26, 0x0F, 0xC1, 0x03});  // xadd es:[ebx], eax
  CHECK(r.s.gpr[EAX] == 1);
}

TEST_CASE("rmw: INC, NEG, SHL, BTS and CMPXCHG to a read-only segment change no flag", "[cpu][rmw]") {
  for (auto insn : {std::initializer_list<u8>{0x26, 0xFF, 0x03},        // inc dword es:[ebx]
                    std::initializer_list<u8>{0x26, 0xF7, 0x1B},        // neg dword es:[ebx]
                    std::initializer_list<u8>{0x26, 0xC1, 0x23, 0x04},  // shl dword es:[ebx], 4
                    std::initializer_list<u8>{0x26, 0x0F, 0xBA, 0x2B, 0x01},  // bts dword es:[ebx], 1
                    std::initializer_list<u8>{0x26, 0x0F, 0xB1, 0x0B}}) {     // cmpxchg es:[ebx], ecx
    RmwRig r;
    r.run_code(insn);
    CHECK(r.s.gpr[EAX] == 1);
  }
}
