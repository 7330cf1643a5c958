// The block cache (cpu/decode/block_cache.hpp, cpu/block.cpp) and CodePages
// (mmu/code_pages.hpp): blocks run the code that is in memory now, stop where
// a single instruction would, and count instructions exactly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "cpu/cpu.hpp"

using namespace gb;

TEST_CASE("code pages: lines, generations and writes", "[block]") {
  CodePages c;
  CHECK_FALSE(c.has_code(0x5000));
  CHECK(c.add(0x5040, 10));        // first code in the frame
  CHECK_FALSE(c.add(0x5100, 4));   // the frame already had some
  CHECK(c.has_code(0x5FFF));       // per frame
  const u32 g = c.frame(0x5000).gen;
  CHECK_FALSE(c.written(0x5000, 4));   // line 0: data beside the code
  CHECK_FALSE(c.written(0x5080, 64));  // line 2
  CHECK(c.frame(0x5000).gen == g);
  CHECK(c.written(0x503E, 4));         // straddles into line 1
  CHECK(c.frame(0x5000).gen == g + 1);
  CHECK_FALSE(c.has_code(0x5000));     // every block of the frame is stale
  // A write across two frames reaches the second.
  c.add(0x7000, 1);
  CHECK(c.written(0x6FFE, 4));
  // One frame, one lookup: the same lines, the same generations.
  c.add(0x9040, 1);  // line 1
  const u32 g9 = c.frame(0x9000).gen;
  CHECK_FALSE(c.written_in_frame(0x9038, 8));  // line 0 only
  CHECK_FALSE(c.written_in_frame(u64{1} << 32, 4));
  CHECK(c.written_in_frame(0x903E, 4));  // lines 0 and 1
  CHECK(c.frame(0x9000).gen == g9 + 1);
  CHECK_FALSE(c.has_code(0x9000));
  c.add(0x8FC0, 64);
  c.clear();
  CHECK_FALSE(c.has_code(0x8000));
  CHECK_FALSE(c.has_code(u64{1} << 32));
}

namespace {

// Real mode, every segment base 0, code at 0:1000, stack below 8000h.
struct Rig {
  std::vector<u8> ram = std::vector<u8>(1u << 20);
  MemoryMap mem;
  IoMap io;
  Bus bus{mem, io};
  Cpu cpu;
  CpuState& s;
  Rig() : cpu(bus, *find_cpu_model("pentium-pro")), s(cpu.state()) {
    mem.map_ram(0, ram);
    cpu.set_log(nullptr);
    for (unsigned r : {ES, CS, SS, DS}) {
      s.seg[r].selector = 0;
      s.seg[r].base = 0;
    }
    s.gpr[ESP] = 0x8000;
    s.rip = 0x1000;
  }
  void put(u32 at, std::initializer_list<u8> b) { std::copy(b.begin(), b.end(), ram.begin() + at); }
  u8 al() const { return static_cast<u8>(s.gpr[EAX]); }
  /// Segment `seg` limited to `limit` (as protected mode may leave it), and
  /// its #GP(0), vector 13 in real mode, to a HLT at 0:3000.
  void limit_with_gp_halt(unsigned seg, u32 limit) {
    s.seg[seg].limit = limit;
    s.seg[seg].refresh(false);
    store_le<u16>(&ram[13 * 4], 0x3000);
    put(0x3000, {0xF4});
  }
};

}  // namespace

TEST_CASE("blocks: a store into the running block changes the next instruction", "[block]") {
  Rig r;
  r.put(0x1000, {0xC6, 0x06, 0x06, 0x10, 0x09,  // 1000: mov byte [1006h], 9
                 0xB0, 0x07,                    // 1005: mov al, 7  (its imm is at 1006)
                 0xF4});                        // 1007: hlt
  // First run decodes the block (mov al, 7 included) before the store.
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.al() == 9);  // SDM Vol. 3A 11.6: the modified instruction is executed
  // Again from the top, storing 5 this time (a host write changes the
  // store's immediate).
  r.s.halted = false;
  r.s.rip = 0x1000;
  r.ram[0x1004] = 0x05;
  r.bus.host_wrote(0x1004, 1);
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.al() == 5);
}

TEST_CASE("blocks: DMA and host writes to decoded code are seen", "[block]") {
  Rig r;
  r.put(0x1000, {0xB0, 0x07, 0xF4});  // mov al, 7; hlt
  r.cpu.run(10);
  CHECK(r.al() == 7);
  r.bus.write<u8>(0x1001, 0x2A);      // a device, through the bus
  r.s.halted = false;
  r.s.rip = 0x1000;
  r.cpu.run(10);
  CHECK(r.al() == 0x2A);
  r.ram[0x1001] = 0x33;               // a loader, through its host pointer
  r.bus.host_wrote(0x1001, 1);
  r.s.halted = false;
  r.s.rip = 0x1000;
  r.cpu.run(10);
  CHECK(r.al() == 0x33);
}

TEST_CASE("blocks: data beside code in the same page keeps the code and the data", "[block]") {
  Rig r;
  // 1000: inc byte [1800h]; dec cx; jnz 1000h; hlt   (data in the same page)
  r.put(0x1000, {0xFE, 0x06, 0x00, 0x18, 0x49, 0x75, 0xF9, 0xF4});
  r.s.gpr[ECX] = 300;
  CHECK(r.cpu.run(10'000) == StopReason::Halted);
  CHECK(r.ram[0x1800] == (300 & 0xFF));
  CHECK(r.cpu.instructions() == 3 * 300 + 1);
}

TEST_CASE("blocks: the budget is exact and faults stop at the faulting instruction", "[block]") {
  Rig r;
  r.put(0x1000, {0x40, 0x40, 0x40, 0x40, 0x40, 0xF4});  // inc ax x5; hlt
  CHECK(r.cpu.run(3) == StopReason::Budget);
  CHECK(r.s.gpr[EAX] == 3);
  CHECK(r.s.rip == 0x1003);
  CHECK(r.cpu.step() == StopReason::Budget);
  CHECK(r.s.rip == 0x1004);
  // #DE in the middle of a block: EIP of the DIV, registers before it intact.
  store_le<u16>(&r.ram[0], 0x2000);  // IVT 0 -> 0000:2000
  store_le<u16>(&r.ram[2], 0x0000);
  r.put(0x2000, {0xF4});
  r.put(0x1100, {0x43, 0x31, 0xC9, 0xF6, 0xF1, 0x43});  // inc bx; xor cx,cx; div cl; inc bx
  r.s.rip = 0x1100;
  r.s.gpr[EBX] = 0;
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.s.gpr[EBX] == 1);
  CHECK(load_le<u16>(&r.ram[0x8000 - 6]) == 0x1103);  // pushed IP: the DIV
}

TEST_CASE("blocks: a block does not run past the CS limit", "[block]") {
  Rig r;
  // Real mode with a CS limit of 1003h (left by protected mode): the third
  // INC is at 1003 and its fetch is fine, the fourth at 1004 is #GP(0).
  r.limit_with_gp_halt(CS, 0x1003);
  r.put(0x1000, {0x40, 0x40, 0x40, 0x40, 0x40});
  r.s.gpr[EAX] = 0;
  r.cpu.run(100);
  CHECK(r.s.gpr[EAX] == 4);
  CHECK(load_le<u16>(&r.ram[0x8000 - 6]) == 0x1004);
}

TEST_CASE("blocks: the IP wraps after an instruction that ends at FFFFh or FFFFFFFFh", "[block]") {
  // Blocks add instruction lengths without masking: the last instruction
  // before the wrap runs outside a block and its next IP wraps to 0.
  Rig r;
  r.s.seg[CS].base = 0x10000;  // CS = 1000h: IP FFFDh is linear 1FFFDh
  r.s.seg[CS].selector = 0x1000;
  r.put(0x1FFFD, {0x40, 0x40, 0x40});  // inc ax x3 up to FFFFh
  r.put(0x10000, {0x43, 0xF4});        // at IP 0: inc bx; hlt
  r.s.rip = 0xFFFD;
  r.s.gpr[EAX] = r.s.gpr[EBX] = 0;
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.s.gpr[EAX] == 3);
  CHECK(r.s.gpr[EBX] == 1);
  CHECK(r.s.rip == 2);
  // 32-bit code, CS base 10000h and limit 4 GiB: EIP FFFFFFFEh is linear
  // FFFEh (the linear address wraps too); inc eax x2, then EIP 0.
  const u8 gdt[] = {0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0x9A, 0xCF, 0};
  std::copy(std::begin(gdt), std::end(gdt), r.ram.begin() + 0x500);
  r.s.gdtr = TableRegister{0x500, 15};
  r.cpu.write_cr0(r.s.cr0 | 1);
  r.put(0x0FFFE, {0x40, 0x40});
  r.put(0x10000, {0x43, 0xF4});
  r.put(0x1000, {0x66, 0xEA, 0xFE, 0xFF, 0xFF, 0xFF, 0x08, 0x00});  // jmp dword 0008:FFFFFFFE
  r.s.seg[CS].base = 0;
  r.s.seg[CS].selector = 0;
  r.s.rip = 0x1000;
  r.s.halted = false;
  r.s.gpr[EAX] = r.s.gpr[EBX] = 0;
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.s.gpr[EAX] == 2);
  CHECK(r.s.gpr[EBX] == 1);
  CHECK(r.s.rip == 2);
}

TEST_CASE("blocks: a far jump to the next instruction ends the block (new CS.D)", "[block]") {
  Rig r;
  // GDT at 0x500: null, 32-bit code base 0 (sel 8), 16-bit code base 0 (sel 10h).
  const u8 gdt[] = {0, 0, 0, 0, 0, 0, 0, 0,
                    0xFF, 0xFF, 0, 0, 0, 0x9A, 0xCF, 0,
                    0xFF, 0xFF, 0, 0, 0, 0x9A, 0x00, 0};
  std::copy(std::begin(gdt), std::end(gdt), r.ram.begin() + 0x500);
  r.s.gdtr = TableRegister{0x500, 23};
  r.cpu.write_cr0(r.s.cr0 | 1);
  // 1000: jmp 0008:1005 (16-bit encoding), then at 1005 the same bytes mean
  // different things in 16- and 32-bit code: B8 imm32 in 32-bit code.
  r.put(0x1000, {0xEA, 0x05, 0x10, 0x08, 0x00,
                 0xB8, 0x44, 0x33, 0x22, 0x11,   // mov eax, 11223344h (32-bit)
                 0xF4});
  CHECK(r.cpu.run(10) == StopReason::Halted);
  CHECK(r.s.gpr[EAX] == 0x11223344);
}

TEST_CASE("blocks: a remapped code page runs its new frame", "[block]") {
  Rig r;
  // Paging on, linear 400000h -> frame 10000h, later 11000h.
  const u32 pd = 0x20000, pt = 0x21000;
  store_le<u32>(&r.ram[pd + 0], pt | 3);              // 0-4 MiB: identity via PT
  for (u32 i = 0; i < 1024; ++i) store_le<u32>(&r.ram[pt + 4 * i], (i << 12) | 3);
  const u32 pt2 = 0x22000;
  store_le<u32>(&r.ram[pd + 4], pt2 | 3);             // 4-8 MiB
  store_le<u32>(&r.ram[pt2], 0x10000 | 3);
  r.put(0x10000, {0xB0, 0x01, 0xF4});
  r.put(0x11000, {0xB0, 0x02, 0xF4});
  r.s.cr3 = pd;
  r.cpu.write_cr0(r.s.cr0 | 0x8000'0001u);
  r.s.seg[CS].base = 0x400000;
  r.s.rip = 0;
  r.cpu.run(10);
  CHECK(r.al() == 1);
  store_le<u32>(&r.ram[pt2], 0x11000 | 3);
  r.cpu.invlpg(0x400000);
  r.s.halted = false;
  r.s.rip = 0;
  r.cpu.run(10);
  CHECK(r.al() == 2);
}

TEST_CASE("blocks: a followed CALL and JMP run their targets; stores there are seen", "[block]") {
  Rig r;
  // 1000: call 1010h; inc bx; hlt.  1010: mov al, 7; jmp 1020h.  1020: ret
  // One block follows the CALL and the JMP (same page), then ends at RET.
  r.put(0x1000, {0xE8, 0x0D, 0x00, 0x43, 0xF4});
  r.put(0x1010, {0xB0, 0x07, 0xEB, 0x0C});
  r.put(0x1020, {0xC3});
  r.s.gpr[EBX] = 0;
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.al() == 7);
  CHECK(r.s.gpr[EBX] == 1);
  CHECK(r.s.gpr[ESP] == 0x8000);
  CHECK(load_le<u16>(&r.ram[0x7FFE]) == 0x1003);  // the CALL's return IP
  CHECK(r.cpu.instructions() == 6);
  // A store into the followed target's bytes (not the block's first run)
  // reaches the next execution.
  r.s.halted = false;
  r.s.rip = 0x1000;
  r.put(0x0F00, {0xC6, 0x06, 0x11, 0x10, 0x05, 0xE9, 0xF8, 0x00});  // mov byte [1011h], 5; jmp 1000h
  r.s.rip = 0x0F00;
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.al() == 5);
  // The budget counts followed instructions exactly: two instructions from
  // 1000 end after the MOV at the CALL's target.
  r.s.halted = false;
  r.s.rip = 0x1000;
  r.s.gpr[ESP] = 0x8000;
  CHECK(r.cpu.run(2) == StopReason::Budget);
  CHECK(r.s.rip == 0x1012);
}

TEST_CASE("blocks: a followed jump runs right from another CS:IP of the same linear code", "[block]") {
  Rig r;
  // Linear 1000: call +1 (to 1004); hlt; ret. Run as 0000:1000, then as
  // 0100:0000: the pushed return IP follows the EIP, not the decode.
  r.put(0x1000, {0xE8, 0x01, 0x00, 0xF4, 0xC3});
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(load_le<u16>(&r.ram[0x7FFE]) == 0x1003);
  CHECK(r.s.rip == 0x1004);
  r.s.halted = false;
  r.s.seg[CS].selector = 0x100;
  r.s.seg[CS].base = 0x1000;
  r.s.seg[CS].refresh(false);
  r.s.rip = 0;
  r.s.gpr[ESP] = 0x8000;
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(load_le<u16>(&r.ram[0x7FFE]) == 0x0003);
  CHECK(r.s.rip == 0x0004);
}

TEST_CASE("blocks: a fault at a followed jump's target reports the target's IP", "[block]") {
  Rig r;
  store_le<u16>(&r.ram[6 * 4], 0x2000);  // IVT 6 (#UD) -> 0000:2000
  r.put(0x2000, {0xF4});
  // 1000: inc bx; jmp 1040h.  1040: inc bx; ud2
  r.put(0x1000, {0x43, 0xEB, 0x3D});
  r.put(0x1040, {0x43, 0x0F, 0x0B});
  r.s.gpr[EBX] = 0;
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.s.gpr[EBX] == 2);
  CHECK(load_le<u16>(&r.ram[0x8000 - 6]) == 0x1041);  // pushed IP: the UD2
}

TEST_CASE("blocks: a CMP or DEC and the Jcc after it, fused, stay two instructions", "[block]") {
  Rig r;
  // 1000: mov cx, 5; L: inc ax; dec cx; jnz L; cmp ax, 5; je 1020h; hlt
  // 1020: cmp bx, 1; jb 1030h (taken: 0 < 1, CF); hlt.  1030: hlt
  r.put(0x1000, {0xB9, 0x05, 0x00, 0x40, 0x49, 0x75, 0xFC, 0x3D, 0x05, 0x00, 0x74, 0x14, 0xF4});
  r.put(0x1020, {0x83, 0xFB, 0x01, 0x72, 0x0B, 0xF4});
  r.put(0x1030, {0xF4});
  r.s.gpr[EAX] = r.s.gpr[EBX] = 0;
  CHECK(r.cpu.run(1000) == StopReason::Halted);
  CHECK(r.s.gpr[EAX] == 5);
  CHECK(r.s.rip == 0x1031);
  // mov, 5 x (inc, dec, jnz), cmp, je, cmp, jb, hlt
  CHECK(r.cpu.instructions() == 1 + 15 + 2 + 2 + 1);
  // The flags are the CMP's: CF from 0 - 1, SF, not ZF.
  CHECK((r.cpu.eflags() & (fl::CF | fl::ZF | fl::SF)) == (fl::CF | fl::SF));
  // The budget is exact: it may end between the DEC and the JNZ.
  r.s.halted = false;
  r.s.rip = 0x1000;
  const u64 before = r.cpu.instructions();
  CHECK(r.cpu.run(3) == StopReason::Budget);  // mov, inc, dec
  CHECK(r.cpu.instructions() == before + 3);
  CHECK(r.s.rip == 0x1005);  // on the JNZ
  CHECK(r.cpu.run(1000) == StopReason::Halted);
  CHECK(r.s.gpr[EAX] == 5 + 5);
}

TEST_CASE("blocks: a fused CMP that faults reports the CMP, not the Jcc", "[block]") {
  Rig r;
  // Real mode, DS limit 0FFFh: cmp word [2000h], 1 is #GP(0) (vector 13),
  // the Jcc after it never runs.
  r.limit_with_gp_halt(DS, 0xFFF);
  r.put(0x1000, {0x43, 0x83, 0x3E, 0x00, 0x20, 0x01, 0x74, 0x02, 0x43, 0x43});
  r.s.gpr[EBX] = 0;
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.s.gpr[EBX] == 1);
  CHECK(load_le<u16>(&r.ram[0x8000 - 6]) == 0x1001);  // pushed IP: the CMP
  CHECK(r.cpu.instructions() == 3);  // inc, the faulting cmp, hlt
}

TEST_CASE("blocks: an instruction across a page end runs from the decode cache and sees writes to both pages", "[block]") {
  Rig r;
  r.s.rip = 0x0FF0;
  r.put(0x0FF0, {0xB9, 0x03, 0x00});  // 0FF0: mov cx, 3
  r.put(0x0FF3, {0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90});  // nops to 0FFE
  r.put(0x0FFE, {0xB8, 0x34, 0x12,    // 0FFE: mov ax, 1234h (its last byte at 1000h)
                 0xE2, 0xFB,          // 1001: loop 0FFEh
                 0xF4});              // 1003: hlt
  CHECK(r.cpu.run(100) == StopReason::Halted);
  CHECK(r.s.gpr[EAX] == 0x1234);
  CHECK(r.s.gpr[ECX] == 0);
  // A byte in the second page changes (a host write, as by DMA), then one
  // in the first: each run executes the bytes now in memory.
  const auto patch_and_rerun = [&](u32 at, u8 byte) {
    r.ram[at] = byte;
    r.bus.host_wrote(at, 1);
    r.s.halted = false;
    r.s.rip = 0x0FF0;
    CHECK(r.cpu.run(100) == StopReason::Halted);
  };
  patch_and_rerun(0x1000, 0x56);
  CHECK(r.s.gpr[EAX] == 0x5634);
  patch_and_rerun(0x0FFF, 0x78);
  CHECK(r.s.gpr[EAX] == 0x5678);
  CHECK(r.cpu.instructions() == 3 * (1 + 11 + 3 * 2 + 1));
}

TEST_CASE("blocks: keys of 64-bit kernel addresses keep the failed-build bit and the mode apart", "[block]") {
  // Bits 63-57 of a canonical kernel address are all set: a key built by
  // ORing the mode and Block::kFailed into the address would hide both
  // (every lookup then missed and rebuilt the block).
  const u64 kernel = 0xFFFF'FFFF'AB77'1AC9u;
  const u64 k = Block::key_of(kernel, 2);
  CHECK((k & Block::kFailed) == 0);
  CHECK((k | Block::kFailed) != k);
  CHECK(Block::key_of(kernel, 2) != Block::key_of(kernel & 0xFFFF'FFFFu, 1));
  CHECK(Block::key_of(0x0000'7FFF'FFFF'F000u, 2) != Block::key_of(0xFFFF'FFFF'FFFF'F000u, 2));
  BlockCache c;
  Block& b = c.find(kernel, k);
  b.key = k;
  CHECK(&c.find(kernel, k) == &b);
  // A second block of the same set goes to the other way, keeping the first.
  const u64 other = kernel + (u64{BlockCache::kSets} << 14) + BlockCache::kSets;
  Block& b2 = c.find(other, Block::key_of(other, 2));
  CHECK(&b2 != &b);
  b2.key = Block::key_of(other, 2);
  CHECK(&c.find(kernel, k) == &b);
  CHECK(&c.find(other, Block::key_of(other, 2)) == &b2);
}

TEST_CASE("blocks: a fault restores ESP for the instruction that moved it, not for an earlier one", "[block]") {
  // Lean handlers (attr::kLean) do not checkpoint ESP; an entered one does
  // (Cpu::enter_record). DS limit 0FFFh: an access at 2000h is #GP(0),
  // vector 13 in real mode, whose handler halts.
  Rig r;
  r.limit_with_gp_halt(DS, 0xFFF);
  SECTION("PUSH, then a faulting MOV: the PUSH stays done") {
    r.put(0x1000, {0x50, 0x8B, 0x06, 0x00, 0x20});  // push ax; mov ax, [2000h]
    CHECK(r.cpu.run(100) == StopReason::Halted);
    CHECK(r.s.gpr[ESP] == 0x8000 - 2 - 6);                   // the push, then FLAGS, CS, IP
    CHECK(load_le<u16>(&r.ram[0x8000 - 2 - 6]) == 0x1001);  // pushed IP: the MOV
  }
  SECTION("a lean MOV, then a POP to memory that faults after moving SP") {
    r.put(0x1000, {0xB0, 0x01, 0x8F, 0x06, 0x00, 0x20});  // mov al, 1; pop word [2000h]
    CHECK(r.cpu.run(100) == StopReason::Halted);
    CHECK(r.s.gpr[ESP] == 0x8000 - 6);                   // the POP's SP undone
    CHECK(load_le<u16>(&r.ram[0x8000 - 6]) == 0x1002);  // pushed IP: the POP
  }
}

TEST_CASE("blocks: RIP after a run that the budget cut in a block of lean instructions", "[block]") {
  Rig r;
  // mov al, 1; jmp +0 (followed); mov bl, 2; inc cx; hlt
  r.put(0x1000, {0xB0, 0x01, 0xEB, 0x00, 0xB3, 0x02, 0x41, 0xF4});
  CHECK(r.cpu.run(1) == StopReason::Budget);
  CHECK(r.s.rip == 0x1002);
  CHECK(r.cpu.run(1) == StopReason::Budget);  // the followed JMP
  CHECK(r.s.rip == 0x1004);
  CHECK(r.cpu.run(2) == StopReason::Budget);
  CHECK(r.s.rip == 0x1007);
  CHECK(r.cpu.run(10) == StopReason::Halted);
  CHECK(r.cpu.instructions() == 5);
}
