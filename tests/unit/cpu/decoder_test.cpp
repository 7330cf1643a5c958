// gb::decode / gb::DecodeTables: lengths and decoded fields.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "cpu/decode/decoder.hpp"
#include "cpu/state.hpp"  // Gpr / SegReg names

using namespace gb;

namespace {

const DecodeTables& tables(std::string_view model) {
  static const DecodeTables t8086(*find_cpu_model("8086")), t286(*find_cpu_model("286")),
      t386(*find_cpu_model("386"));
  return model == "8086" ? t8086 : model == "286" ? t286 : t386;
}

// Decodes `bytes`; reading past them throws, so a wrong length shows up.
DecodedInsn dec(std::string_view model, std::initializer_list<u8> bytes, bool default32 = false) {
  const std::vector<u8> b(bytes);
  DecodedInsn d;
  decode(tables(model), [&](unsigned i) -> u8 { return b.at(i); }, default32, d);
  return d;
}

std::string_view mnemonic(const DecodedInsn& d) { return d.row ? d.row->mnemonic : "(invalid)"; }

}  // namespace

TEST_CASE("16-bit ModR/M forms", "[cpu][decoder]") {
  SECTION("8B 46 FE: mov ax,[bp-2]") {
    const auto d = dec("386", {0x8B, 0x46, 0xFE});
    CHECK(d.len == 3);
    CHECK(d.opcode == 0x8B);
    CHECK(mnemonic(d) == "MOV");
    CHECK(d.has_modrm);
    CHECK(d.mem());
    CHECK(d.reg() == EAX);
    CHECK(d.base == EBP);
    CHECK(d.index == kNone);
    CHECK(d.seg == SS);
    CHECK(d.disp == 0xFFFF'FFFEu);
    CHECK_FALSE(d.o32);
    CHECK_FALSE(d.a32);
  }
  SECTION("8B 00: [bx+si]") {
    const auto d = dec("386", {0x8B, 0x00});
    CHECK(d.len == 2);
    CHECK(d.base == EBX);
    CHECK(d.index == ESI);
    CHECK(d.seg == DS);
    CHECK(d.disp == 0);
  }
  SECTION("8B 42 80: [bp+si-128]") {
    const auto d = dec("386", {0x8B, 0x42, 0x80});
    CHECK(d.base == EBP);
    CHECK(d.index == ESI);
    CHECK(d.seg == SS);
    CHECK(d.disp == 0xFFFF'FF80u);
  }
  SECTION("8B 0E 34 12: [1234]") {
    const auto d = dec("386", {0x8B, 0x0E, 0x34, 0x12});
    CHECK(d.len == 4);
    CHECK(d.reg() == ECX);
    CHECK(d.base == kNone);
    CHECK(d.index == kNone);
    CHECK(d.seg == DS);
    CHECK(d.disp == 0x1234);
  }
  SECTION("8B 87 34 12: [bx+1234]") {
    const auto d = dec("386", {0x8B, 0x87, 0x34, 0x12});
    CHECK(d.len == 4);
    CHECK(d.base == EBX);
    CHECK(d.index == kNone);
    CHECK(d.disp == 0x1234);
  }
  SECTION("8B C3: register form") {
    const auto d = dec("386", {0x8B, 0xC3});
    CHECK(d.len == 2);
    CHECK_FALSE(d.mem());
    CHECK(d.rm() == EBX);
  }
}

TEST_CASE("32-bit ModR/M and SIB forms", "[cpu][decoder]") {
  SECTION("67 8B 04 8D 10 00 00 00: [ecx*4+10]") {
    const auto d = dec("386", {0x67, 0x8B, 0x04, 0x8D, 0x10, 0x00, 0x00, 0x00});
    CHECK(d.len == 8);
    CHECK(d.a32);
    CHECK_FALSE(d.o32);
    CHECK(d.base == kNone);
    CHECK(d.index == ECX);
    CHECK(d.scale == 2);
    CHECK(d.disp == 0x10);
    CHECK(d.seg == DS);
  }
  SECTION("67 8B 44 24 08: [esp+8]") {
    const auto d = dec("386", {0x67, 0x8B, 0x44, 0x24, 0x08});
    CHECK(d.len == 5);
    CHECK(d.base == ESP);
    CHECK(d.index == kNone);
    CHECK(d.seg == SS);
    CHECK(d.disp == 8);
  }
  SECTION("67 8B 45 00: [ebp+0]") {
    const auto d = dec("386", {0x67, 0x8B, 0x45, 0x00});
    CHECK(d.len == 4);
    CHECK(d.base == EBP);
    CHECK(d.seg == SS);
  }
  SECTION("67 8B 05 disp32: [disp32]") {
    const auto d = dec("386", {0x67, 0x8B, 0x05, 0x78, 0x56, 0x34, 0x12});
    CHECK(d.len == 7);
    CHECK(d.base == kNone);
    CHECK(d.index == kNone);
    CHECK(d.disp == 0x1234'5678u);
    CHECK(d.seg == DS);
  }
  SECTION("32-bit code segment: no 67 needed, 66 selects 16 bits") {
    const auto d = dec("386", {0x8B, 0x84, 0x9E, 0x00, 0x01, 0x00, 0x00}, true);
    CHECK(d.len == 7);
    CHECK(d.a32);
    CHECK(d.o32);
    CHECK(d.base == ESI);
    CHECK(d.index == EBX);
    CHECK(d.scale == 2);
    CHECK(d.disp == 0x100);
    const auto w = dec("386", {0x66, 0xB8, 0x34, 0x12}, true);
    CHECK(w.len == 4);
    CHECK_FALSE(w.o32);
    CHECK(w.imm == 0x1234);
  }
}

TEST_CASE("Prefixes", "[cpu][decoder]") {
  SECTION("26: ES override") {
    const auto d = dec("386", {0x26, 0x8B, 0x46, 0xFE});
    CHECK(d.len == 4);
    CHECK(d.seg_override == ES);
    CHECK(d.seg == ES);
  }
  SECTION("2E on a moffs operand") {
    const auto d = dec("386", {0x2E, 0xA1, 0x34, 0x12});
    CHECK(d.len == 4);
    CHECK(d.seg == CS);
    CHECK(d.disp == 0x1234);
  }
  SECTION("66: 32-bit immediate") {
    const auto d = dec("386", {0x66, 0xB8, 0x78, 0x56, 0x34, 0x12});
    CHECK(d.len == 6);
    CHECK(d.o32);
    CHECK(d.imm == 0x1234'5678u);
    CHECK(d.exec == d.row->h32.plain);
  }
  SECTION("F3 / F2: REP forms") {
    const auto d = dec("386", {0xF3, 0xA4});
    CHECK(d.len == 2);
    CHECK(d.rep == 0xF3);
    CHECK(mnemonic(d) == "MOVS");
    CHECK(dec("386", {0xF2, 0xAE}).rep == 0xF2);
  }
  SECTION("LOCK needs a lockable memory destination on the 386") {
    CHECK(dec("386", {0xF0, 0x01, 0x07}).exec != &op_invalid);
    const auto r = dec("386", {0xF0, 0x01, 0xC0});
    CHECK(r.row != nullptr);
    CHECK(r.exec == &op_invalid);
    CHECK(dec("386", {0xF0, 0x8B, 0x07}).exec == &op_invalid);
  }
  SECTION("15 prefixes are too long on the 386; 10 bytes on the 286") {
    const auto d = dec("386", {0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26});
    CHECK(d.too_long);
    CHECK(d.len == 15);
    CHECK_FALSE(dec("386", {0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x90}).too_long);
    CHECK(dec("286", {0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x90}).too_long);
    CHECK_FALSE(dec("286", {0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x90}).too_long);
  }
}

TEST_CASE("Immediates", "[cpu][decoder]") {
  const auto a = dec("386", {0x83, 0xC0, 0xFF});  // add ax,-1
  CHECK(a.len == 3);
  CHECK(mnemonic(a) == "ADD");
  CHECK(a.imm == 0xFFFF'FFFFu);
  CHECK(dec("386", {0x83, 0xC0, 0x7F}).imm == 0x7F);
  CHECK(dec("386", {0x6A, 0x80}).imm == 0xFFFF'FF80u);
  CHECK(dec("386", {0x80, 0xC0, 0x80}).imm == 0x80);  // Ib: not extended
  CHECK(dec("386", {0xEB, 0xFE}).imm == 0xFFFF'FFFEu);  // Jb
  const auto m = dec("386", {0xC7, 0x46, 0x02, 0x34, 0x12});  // mov word [bp+2],1234
  CHECK(m.len == 5);
  CHECK(m.disp == 2);
  CHECK(m.imm == 0x1234);
  const auto e = dec("386", {0xC8, 0x10, 0x00, 0x01});  // enter 16,1
  CHECK(e.len == 4);
  CHECK(e.imm == 0x10);
  CHECK(e.imm2 == 1);
  const auto j = dec("386", {0xEA, 0x5B, 0xE0, 0x00, 0xF0});  // jmp far f000:e05b
  CHECK(j.len == 5);
  CHECK(j.imm == 0xE05B);
  CHECK(j.imm2 == 0xF000);
}

TEST_CASE("Two-byte opcodes and groups", "[cpu][decoder]") {
  const auto z = dec("386", {0x0F, 0xB6, 0xC0});  // movzx ax,al
  CHECK(z.len == 3);
  CHECK(z.opcode == 0x1B6);
  CHECK(mnemonic(z) == "MOVZX");
  CHECK(z.has_modrm);
  CHECK(z.mod() == 3);
  const auto t = dec("386", {0xF6, 0xC0, 0x12});  // test al,12
  CHECK(t.len == 3);
  CHECK(mnemonic(t) == "TEST");
  CHECK(t.imm == 0x12);
  const auto tm = dec("386", {0xF6, 0x06, 0x34, 0x12, 0x56});  // test byte [1234],56
  CHECK(tm.len == 5);
  CHECK(tm.disp == 0x1234);
  CHECK(tm.imm == 0x56);
  const auto n = dec("386", {0xF6, 0xD0});  // not al
  CHECK(n.len == 2);
  CHECK(mnemonic(n) == "NOT");
  CHECK(n.row->ext == 2);
  const auto jc = dec("386", {0x0F, 0x84, 0x00, 0x01});  // jz near
  CHECK(jc.len == 4);
  CHECK(jc.imm == 0x100);
}

TEST_CASE("Invalid encodings get no row", "[cpu][decoder]") {
  for (const auto& d : {dec("386", {0xFF, 0xFF}), dec("386", {0x0F, 0x0A}), dec("286", {0x66}),
                        dec("286", {0x0F, 0xB6})}) {
    CHECK(d.row == nullptr);
    CHECK(d.exec == &op_invalid);
  }
  CHECK(dec("386", {0xFF, 0xFF}).len == 2);
  CHECK(dec("386", {0x0F, 0x0A}).len == 2);
  const auto lea = dec("386", {0x8D, 0xC0});  // LEA with a register operand
  CHECK(lea.row != nullptr);
  CHECK(lea.exec == &op_invalid);
  CHECK(mnemonic(dec("386", {0x0F, 0x0B})) == "UD2");
}

TEST_CASE("8086 aliases and POP CS", "[cpu][decoder]") {
  const auto& t = tables("8086");
  for (u16 i = 0; i < 16; ++i) {
    CHECK(t.row(0x60 + i, 0) == t.row(0x70 + i, 0));
  }
  const auto d = dec("8086", {0x60, 0x05});
  CHECK(d.len == 2);
  CHECK(d.row == t.row(0x70, 0));
  CHECK(d.imm == 5);
  const auto p = dec("8086", {0x0F});
  CHECK(p.len == 1);
  CHECK(p.opcode == 0x0F);
  CHECK(mnemonic(p) == "POP");
  CHECK(p.row->operands[0] == Operand::CS);
  CHECK(dec("8086", {0x66, 0x00}).row == t.row(0x76, 0));  // 66 is no prefix
  CHECK(dec("8086", {0xFF, 0xF8}).row == t.row(0xFF, 6));   // FF /7 = PUSH
  // On the 386, 60 is PUSHA and 0F escapes.
  CHECK(mnemonic(dec("386", {0x60})) == "PUSHA");
  CHECK(dec("386", {0x0F, 0xA0}).opcode == 0x1A0);
}

#include "cpu/simd/tables.hpp"

TEST_CASE("opcode rows: a row with form handlers has all nine, and every handler its entered form", "[decode]") {
  std::vector<std::span<const OpcodeRow>> tables{opcode_table()};
  for (const SimdRowGroup& g : simd_row_groups()) tables.push_back(g.rows);
  for (std::span<const OpcodeRow> rows : tables) {
    for (const OpcodeRow& r : rows) {
      INFO("row " << r.mnemonic << " " << std::hex << r.opcode << " /" << int{r.ext});
      const HandlerRef* forms[] = {&r.r16, &r.r32, &r.r64, &r.m16, &r.m32, &r.m64, &r.b16, &r.b32, &r.b64};
      for (const HandlerRef* h : forms) CHECK(bool(*h) == bool(r.r16));
      for (const HandlerRef* h : {&r.h16, &r.h32, &r.h64, &r.r16, &r.r32, &r.r64, &r.m16, &r.m32, &r.m64, &r.b16, &r.b32, &r.b64}) {
        CHECK((h->plain == nullptr) == (h->entered == nullptr));
      }
    }
  }
}
