// gb::Cpu executing small real-mode snippets on a bare 1 MiB RAM bus.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;

namespace {

constexpr u16 kHandlerSeg = 0x0800;  // interrupt handlers live at 0800:xxxx

struct Pic : InterruptAcknowledge {
  u8 vector = 0x20;
  u8 acknowledge() override { return vector; }
};

struct Port : IoHandler {
  u32 last_write = 0;
  u32 io_read(u16 port, Width) override { return static_cast<u8>(port ^ 0xA5); }
  void io_write(u16, u32 value, Width) override { last_write = value; }
};

// CS=0100 IP=0, DS=0200, ES=0300, SS=0400 SP=1000; IVT vector v -> 0800:v*16
// with a NOP at each handler.
struct Machine {
  std::vector<u8> ram = std::vector<u8>(1u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Pic pic;
  Cpu cpu;
  CpuState& s;

  explicit Machine(const std::string& model) : cpu(bus, *find_cpu_model(model)), s(cpu.state()) {
    mem.map_ram(0, ram);
    bus.set_interrupt_acknowledge(&pic);
    cpu.set_log(nullptr);
    seg(CS, 0x0100);
    s.rip = 0;
    seg(DS, 0x0200);
    seg(ES, 0x0300);
    seg(SS, 0x0400);
    s.gpr[ESP] = 0x1000;
    for (unsigned v = 0; v < 256; ++v) {
      store_le<u16>(&ram[v * 4], static_cast<u16>(v * 16));
      store_le<u16>(&ram[v * 4 + 2], kHandlerSeg);
      ram[kHandlerSeg * 16u + v * 16] = 0x90;
    }
  }
  void seg(unsigned r, u16 sel) {
    s.seg[r].selector = sel;
    s.seg[r].base = u32{sel} << 4;
  }
  void code(std::initializer_list<u8> bytes) {
    u32 a = s.seg[CS].base + s.rip;
    for (u8 b : bytes) ram.at(a++) = b;
  }
  u16 word(u32 lin) const { return load_le<u16>(&ram.at(lin)); }
  u16 stack(unsigned i) const { return word(s.seg[SS].base + (s.gpr[ESP] & 0xFFFF) + 2 * i); }
  u32 arith() const { return cpu.eflags() & fl::ARITH; }
  u16 ax() const { return static_cast<u16>(s.gpr[EAX]); }
  // True when CS:IP is at (or, after step() ran its NOP, just past) vector v's handler.
  bool in_handler(u8 v) const {
    return s.seg[CS].selector == kHandlerSeg && s.seg[CS].base == kHandlerSeg * 16u && (s.rip & ~1u) == v * 16u;
  }
};

const std::string& model_of(const Cpu& c) {
  static const std::string names[] = {"8086", "286", "386"};
  return names[c.model().is_8086() ? 0 : c.model().family == CpuFamily::i286 ? 1 : 2];
}

}  // namespace

TEST_CASE("Reset state", "[cpu]") {
  std::vector<u8> ram(1u << 20);
  MemoryMap mem;
  mem.map_ram(0, ram);
  IoMap io;
  Bus bus(mem, io);
  SECTION("386: F000:FFF0 with CS base FFFF0000") {
    Cpu c(bus, *find_cpu_model("386"));
    CHECK(c.state().seg[CS].selector == 0xF000);
    CHECK(c.state().seg[CS].base == 0xFFFF'0000u);
    CHECK(c.state().rip == 0xFFF0);
    CHECK(c.eflags() == 0x2);
    CHECK(((c.state().gpr[EDX] >> 8) & 0xF) == 3);  // DH = family 3
    CHECK(c.state().idtr.base == 0);
    CHECK(c.state().idtr.limit == 0x3FF);
    for (unsigned r : {ES, SS, DS, FS, GS}) {
      CHECK(c.state().seg[r].selector == 0);
      CHECK(c.state().seg[r].base == 0);
      CHECK(c.state().seg[r].limit == 0xFFFF);
    }
  }
  SECTION("286: F000:FFF0 with CS base FF0000") {
    Cpu c(bus, *find_cpu_model("286"));
    CHECK(c.state().seg[CS].selector == 0xF000);
    CHECK(c.state().seg[CS].base == 0xFF'0000u);
    CHECK(c.state().rip == 0xFFF0);
    CHECK(c.eflags() == 0x2);
    CHECK(c.state().cr0 == 0xFFF0);  // MSW
  }
  SECTION("8086: FFFF:0000, FLAGS bits 12-15 set") {
    Cpu c(bus, *find_cpu_model("8086"));
    CHECK(c.state().seg[CS].selector == 0xFFFF);
    CHECK(c.state().seg[CS].base == 0xFFFF0u);
    CHECK(c.state().rip == 0);
    CHECK(c.eflags() == 0xF002);
  }
  SECTION("reset() undoes state changes") {
    Cpu c(bus, *find_cpu_model("386"));
    c.state().gpr[EAX] = 1;
    c.state().rip = 0x1234;
    c.state().eflags_rest |= fl::IF;
    c.reset();
    CHECK(c.state().gpr[EAX] == 0);
    CHECK(c.state().rip == 0xFFF0);
    CHECK(c.eflags() == 0x2);
  }
}

TEST_CASE("The first instruction is fetched from the reset vector", "[cpu]") {
  const std::string model = GENERATE("8086", "286", "386");
  Machine m(model);
  std::vector<u8> rom(0x1000, 0xF4);
  const u8 jmp[] = {0xEA, 0x5B, 0xE0, 0x00, 0xF0};  // jmp f000:e05b
  const PhysAddr top = model == "8086" ? 0xF'F000 : model == "286" ? 0xFF'F000 : 0xFFFF'F000u;
  std::copy(std::begin(jmp), std::end(jmp), (model == "8086" ? &m.ram[0xFF000] : rom.data()) + 0xFF0);
  if (model != "8086") m.mem.map_rom(top, rom);
  m.cpu.reset();
  m.cpu.step();
  INFO(model);
  CHECK(m.s.seg[CS].selector == 0xF000);
  CHECK(m.s.seg[CS].base == 0xF'0000u);
  CHECK(m.s.rip == 0xE05B);
}

TEST_CASE("ADD / ADC / INC flags", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0x04, 0x80,               // add al,80
          0x14, 0x00,               // adc al,0
          0xF9,                     // stc
          0x11, 0xD8,               // adc ax,bx
          0x40,                     // inc ax
          0x48});                   // dec ax
  m.s.gpr[EAX] = 0x0080;
  m.cpu.step();
  CHECK(m.ax() == 0);
  CHECK(m.arith() == (fl::CF | fl::ZF | fl::PF | fl::OF));
  m.cpu.step();
  CHECK(m.ax() == 1);
  CHECK(m.arith() == 0);
  m.s.gpr[EAX] = 0xFFFF;
  m.s.gpr[EBX] = 0;
  m.cpu.step();
  m.cpu.step();
  CHECK(m.ax() == 0);
  CHECK(m.arith() == (fl::CF | fl::ZF | fl::AF | fl::PF));
  m.cpu.step();  // INC keeps CF
  CHECK(m.ax() == 1);
  CHECK(m.arith() == fl::CF);
  m.cpu.step();
  CHECK(m.ax() == 0);
  CHECK(m.arith() == (fl::CF | fl::ZF | fl::PF));
  CHECK(m.s.rip == 9);
}

TEST_CASE("386 operand-size prefix in real mode", "[cpu]") {
  Machine m("386");
  m.code({0x66, 0x05, 0x01, 0x00, 0x00, 0x00,   // add eax,1
          0x66, 0xB9, 0x78, 0x56, 0x34, 0x12}); // mov ecx,12345678
  m.s.gpr[EAX] = 0x7FFF'FFFFu;
  m.cpu.step();
  CHECK(m.s.gpr[EAX] == 0x8000'0000u);
  CHECK(m.arith() == (fl::OF | fl::SF | fl::AF | fl::PF));
  m.cpu.step();
  CHECK(m.s.gpr[ECX] == 0x1234'5678u);
  CHECK(m.s.rip == 12);
}

TEST_CASE("PUSH SP: 8086 pushes the new SP, 286 and 386 the old one", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0x54});
  m.cpu.step();
  CHECK(m.s.gpr[ESP] == 0x0FFE);
  CHECK(m.stack(0) == (m.cpu.model().is_8086() ? 0x0FFE : 0x1000));
}

TEST_CASE("Shift counts: masked to 5 bits after the 8086", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0xD2, 0xE0});  // shl al,cl
  m.s.gpr[EAX] = 0x01;
  m.s.gpr[ECX] = 0x21;
  m.cpu.step();
  CHECK((m.s.gpr[EAX] & 0xFF) == (m.cpu.model().is_8086() ? 0x00 : 0x02));
}

TEST_CASE("DIV by zero delivers INT 0 through the IVT", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0xF6, 0xF3});  // div bl
  m.s.gpr[EAX] = 0x1234;
  m.s.gpr[EBX] = 0;
  m.s.eflags_rest |= fl::IF;
  m.cpu.step();
  CHECK(m.in_handler(0));
  CHECK(m.ax() == 0x1234);
  CHECK((m.s.eflags_rest & fl::IF) == 0);
  CHECK(m.s.gpr[ESP] == 0x0FFA);
  // 8086: #DE is a trap past DIV; 286 and later: a fault at DIV.
  CHECK(m.stack(0) == (m.cpu.model().is_8086() ? 2 : 0));
  CHECK(m.stack(1) == 0x0100);
  CHECK((m.stack(2) & fl::IF) != 0);
}

TEST_CASE("DIV quotient overflow and normal DIV", "[cpu]") {
  Machine m("386");
  m.code({0xF6, 0xF3,    // div bl
          0xF6, 0xF3});  // div bl
  m.s.gpr[EAX] = 0x0107;
  m.s.gpr[EBX] = 2;
  m.cpu.step();
  CHECK(m.ax() == 0x0183);  // AL = 83 quotient, AH = 1 remainder
  m.s.gpr[EAX] = 0x0200;
  m.cpu.step();  // 0x200 / 2 = 0x100 does not fit AL
  CHECK(m.in_handler(0));
  CHECK(m.stack(0) == 2);
}

TEST_CASE("REP MOVSB copies CX bytes in one step", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  const u8 msg[] = {'h', 'e', 'l', 'l', 'o'};
  std::copy(std::begin(msg), std::end(msg), &m.ram[0x2000 + 0x10]);
  SECTION("forward") {
    m.code({0xF3, 0xA4});
    m.s.gpr[ESI] = 0x10;
    m.s.gpr[EDI] = 0x20;
    m.s.gpr[ECX] = 5;
    m.cpu.step();
    CHECK(std::equal(std::begin(msg), std::end(msg), &m.ram[0x3000 + 0x20]));
    CHECK(m.ram[0x3000 + 0x25] == 0);
    CHECK(m.s.gpr[ECX] == 0);
    CHECK(m.s.gpr[ESI] == 0x15);
    CHECK(m.s.gpr[EDI] == 0x25);
    CHECK(m.s.rip == 2);
    CHECK(m.cpu.instructions() == 5);  // one per iteration (virtual time)
  }
  SECTION("backward with DF=1") {
    m.code({0xFD, 0xF3, 0xA4});  // std; rep movsb
    m.s.gpr[ESI] = 0x14;
    m.s.gpr[EDI] = 0x24;
    m.s.gpr[ECX] = 5;
    m.cpu.run(6);  // STD and five iterations
    CHECK(std::equal(std::begin(msg), std::end(msg), &m.ram[0x3000 + 0x20]));
    CHECK(m.s.gpr[ESI] == 0x0F);
    CHECK(m.s.gpr[EDI] == 0x1F);
  }
  SECTION("CX = 0 does nothing") {
    m.code({0xF3, 0xA4});
    m.s.gpr[ECX] = 0;
    m.s.gpr[EDI] = 0x20;
    m.cpu.step();
    CHECK(m.ram[0x3000 + 0x20] == 0);
    CHECK(m.s.gpr[EDI] == 0x20);
    CHECK(m.s.rip == 2);
  }
}

TEST_CASE("REP MOVSB stops between iterations for an interrupt and resumes", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0xFB,          // sti
          0xF3, 0xA4});  // rep movsb
  m.s.gpr[ECX] = 5;
  m.cpu.set_intr(true);
  m.cpu.step();  // STI: IF = 1, interrupts held off for one instruction
  CHECK(m.s.rip == 1);
  m.cpu.step();  // one iteration, then the pending interrupt stops the loop
  CHECK(m.s.gpr[ECX] == 4);
  CHECK(m.s.rip == 1);
  m.cpu.step();
  CHECK(m.in_handler(0x20));
  CHECK(m.stack(0) == 1);  // returns to the REP instruction
}

TEST_CASE("Undefined opcodes deliver INT 6 on the 286 and 386", "[cpu]") {
  Machine m(GENERATE("286", "386"));
  INFO(model_of(m.cpu));
  const u16 insn = GENERATE(as<u16>{}, 0x0B0F, 0xFFFF);  // UD2, FF /7
  store_le<u16>(&m.ram[0x1000], insn);
  m.s.gpr[EDI] = 0x1234;
  m.cpu.step();
  CHECK(m.in_handler(6));
  CHECK(m.stack(0) == 0);  // a fault: IP of the undefined opcode
  CHECK(m.stack(1) == 0x0100);
}

TEST_CASE("8086 has no invalid opcodes: FF /7 pushes, 0F pops CS", "[cpu]") {
  Machine m("8086");
  m.code({0xFF, 0xFF,  // push di (FF /7 alias)
          0x0F});      // pop cs
  m.s.gpr[EDI] = 0x4000;
  m.cpu.step();
  CHECK(m.s.gpr[ESP] == 0x0FFE);
  CHECK(m.stack(0) == 0x4000);
  m.cpu.step();
  CHECK(m.s.seg[CS].selector == 0x4000);
  CHECK(m.s.seg[CS].base == 0x4'0000u);
  CHECK(m.s.rip == 3);
  CHECK(m.s.gpr[ESP] == 0x1000);
}

TEST_CASE("MOV SS holds off interrupts and the TF trap for one instruction", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0x8E, 0xD0,  // mov ss,ax
          0x90,        // nop
          0x90});      // nop
  m.s.gpr[EAX] = 0x0400;  // same SS
  SECTION("INTR") {
    m.s.eflags_rest |= fl::IF;
    m.cpu.step();
    CHECK(m.s.interrupt_shadow);
    m.cpu.set_intr(true);
    m.cpu.step();
    CHECK(m.s.seg[CS].selector == 0x0100);
    CHECK(m.s.rip == 3);
    m.cpu.step();
    CHECK(m.in_handler(0x20));
    CHECK(m.stack(0) == 3);
  }
  SECTION("single step") {
    m.s.eflags_rest |= fl::TF;
    m.cpu.step();
    CHECK(m.s.seg[CS].selector == 0x0100);
    CHECK(m.s.rip == 2);
    m.cpu.step();
    CHECK(m.in_handler(1));
    CHECK(m.s.rip == 0x10);
    CHECK(m.stack(0) == 3);
    CHECK((m.stack(2) & fl::TF) != 0);
    CHECK((m.s.eflags_rest & fl::TF) == 0);
  }
  SECTION("no shadow without MOV SS") {
    m.s.eflags_rest |= fl::TF;
    m.s.rip = 2;
    m.cpu.step();
    CHECK(m.in_handler(1));
    CHECK(m.stack(0) == 3);
  }
}

TEST_CASE("LSS opens no interrupt shadow", "[cpu]") {
  // SDM Vol. 3A 6.8.3: only MOV SS and POP SS hold off interrupts and the
  // single-step trap; LSS loads SS:SP at once.
  Machine m("386");
  m.code({0x0F, 0xB2, 0x26, 0x00, 0x01,  // lss sp, [0100h]
          0x90});                        // nop
  store_le<u16>(&m.ram[0x2000 + 0x100], 0x0800);
  store_le<u16>(&m.ram[0x2000 + 0x102], 0x0400);
  SECTION("INTR") {
    m.s.eflags_rest |= fl::IF;
    m.cpu.step();
    CHECK_FALSE(m.s.interrupt_shadow);
    m.cpu.set_intr(true);
    m.cpu.step();
    CHECK(m.in_handler(0x20));
    CHECK(m.stack(0) == 5);
  }
  SECTION("single step") {
    m.s.eflags_rest |= fl::TF;
    m.cpu.step();
    CHECK(m.in_handler(1));
    CHECK(m.stack(0) == 5);
  }
}

TEST_CASE("POPF setting TF traps after the next instruction", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0x9D, 0x90, 0x90});  // popf; nop; nop
  store_le<u16>(&m.ram[0x4000 + 0x1000], fl::TF);
  m.cpu.step();
  CHECK(m.s.seg[CS].selector == 0x0100);
  CHECK(m.s.rip == 1);
  m.cpu.step();
  CHECK(m.in_handler(1));
  CHECK(m.stack(0) == 2);
}

TEST_CASE("TF set: INT n, INT3 and INTO reach their handler with no single-step trap", "[cpu]") {
  // SDM Vol. 3A 17.3.1.4: software interrupts clear TF on the way into
  // their handler and raise no single-step trap for themselves.
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  const auto [bytes, vector] = GENERATE(table<std::vector<u8>, u8>({{{0xCD, 0x21}, 0x21}, {{0xCC}, 3}, {{0xCE}, 4}}));
  INFO("vector " << int{vector});
  std::copy(bytes.begin(), bytes.end(), m.ram.begin() + 0x1000);
  m.s.flags.set_all(fl::OF);
  m.s.eflags_rest |= fl::TF;
  m.cpu.step();
  CHECK(m.in_handler(vector));
  CHECK(m.s.rip == vector * 16u);
  CHECK((m.s.eflags_rest & fl::TF) == 0);
  CHECK((m.stack(2) & fl::TF) != 0);
}

TEST_CASE("step() takes a pending interrupt as its whole step", "[cpu]") {
  // cpu.hpp: step() "executes one instruction, or takes one pending
  // interrupt". Expect CS:IP at the handler's first instruction, not past it.
  Machine m("386");
  m.s.eflags_rest |= fl::IF;
  m.cpu.set_intr(true);
  m.cpu.step();
  CHECK(m.s.seg[CS].selector == kHandlerSeg);
  CHECK(m.s.rip == 0x200);
  CHECK(m.cpu.instructions() == 0);
}

TEST_CASE("INT n and IRET", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0xCD, 0x21});  // int 21h
  m.ram[kHandlerSeg * 16u + 0x210] = 0xCF;  // iret
  m.s.eflags_rest |= fl::IF | fl::DF;
  m.s.flags.set_all(fl::CF | fl::ZF);
  m.cpu.step();
  CHECK(m.in_handler(0x21));
  CHECK(m.stack(0) == 2);
  CHECK(m.stack(1) == 0x0100);
  CHECK((m.s.eflags_rest & fl::IF) == 0);
  m.cpu.step();
  CHECK(m.s.seg[CS].selector == 0x0100);
  CHECK(m.s.rip == 2);
  CHECK(m.s.gpr[ESP] == 0x1000);
  CHECK((m.s.eflags_rest & (fl::IF | fl::DF)) == (fl::IF | fl::DF));
  CHECK(m.arith() == (fl::CF | fl::ZF));
}

TEST_CASE("HLT stops run(); an interrupt resumes", "[cpu]") {
  Machine m("286");
  m.code({0xF4});
  m.s.eflags_rest |= fl::IF;
  CHECK(m.cpu.run(10) == StopReason::Halted);
  CHECK(m.s.halted);
  CHECK(m.s.rip == 1);
  CHECK(m.cpu.run(10) == StopReason::Halted);
  m.pic.vector = 0x08;
  m.cpu.set_intr(true);
  m.cpu.step();
  CHECK_FALSE(m.s.halted);
  CHECK(m.in_handler(0x08));
  CHECK(m.stack(0) == 1);
}

TEST_CASE("POPF: FLAGS bits 12-15 per model", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0x9D, 0x9C});  // popf; pushf
  store_le<u16>(&m.ram[0x4000 + 0x1000], 0xFEFF);  // all but TF
  m.cpu.run(2);
  const u16 want = m.cpu.model().is_8086() ? 0xFED7 : m.cpu.model().family == CpuFamily::i286 ? 0x0ED7 : 0x7ED7;
  CHECK(m.stack(0) == want);
}

TEST_CASE("Segment limits: 8086 wraps at 64 KiB, later models fault", "[cpu]") {
  Machine m(GENERATE("8086", "286", "386"));
  INFO(model_of(m.cpu));
  m.code({0xA1, 0xFF, 0xFF});  // mov ax,[ffff]
  m.ram[0x2000 + 0xFFFF] = 0x34;
  m.ram[0x2000] = 0x12;
  m.cpu.step();
  if (m.cpu.model().is_8086()) {
    CHECK(m.ax() == 0x1234);
    CHECK(m.s.rip == 3);
  } else {
    CHECK(m.in_handler(13));
    CHECK(m.stack(0) == 0);
  }
}

TEST_CASE("Address bus width: the 8086 wraps at 1 MiB", "[cpu]") {
  Machine m(GENERATE("8086", "286"));
  INFO(model_of(m.cpu));
  m.code({0xA0, 0x10, 0x00});  // mov al,[0010]
  m.seg(DS, 0xFFFF);           // linear 100000
  m.ram[0] = 0x5A;
  m.cpu.step();
  CHECK((m.s.gpr[EAX] & 0xFF) == (m.cpu.model().is_8086() ? 0x5A : 0xFF));  // 286: unmapped
}

TEST_CASE("Port I/O goes through the IoMap", "[cpu]") {
  Machine m("386");
  Port p;
  m.io.map(0x60, 0x64, p);
  m.code({0xE4, 0x60,   // in al,60
          0xBA, 0x64, 0x00,  // mov dx,64
          0xEE,         // out dx,al
          0xE5, 0x80}); // in ax,80 (unmapped)
  m.cpu.run(3);
  CHECK((m.s.gpr[EAX] & 0xFF) == (0x60 ^ 0xA5));
  CHECK(p.last_write == (0x60 ^ 0xA5));
  m.cpu.step();
  CHECK(m.ax() == 0xFFFF);
}

TEST_CASE("CALL, RET and LOOP", "[cpu]") {
  Machine m(GENERATE("8086", "386"));
  INFO(model_of(m.cpu));
  m.code({0xE8, 0x03, 0x00,  // call +3 -> 6
          0x90, 0x90, 0x90,
          0x40,              // inc ax
          0xE2, 0xFD,        // loop -3 -> 6
          0xC3});            // ret
  m.s.gpr[ECX] = 3;
  m.cpu.step();
  CHECK(m.s.rip == 6);
  CHECK(m.stack(0) == 3);
  m.cpu.run(7);  // 3 x (inc, loop) + ret
  CHECK(m.ax() == 3);
  CHECK(m.s.gpr[ECX] == 0);
  CHECK(m.s.rip == 3);
  CHECK(m.s.gpr[ESP] == 0x1000);
}
