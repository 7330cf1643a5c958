#include "frontend/debugger/disasm.hpp"

#include <capstone/capstone.h>

#include <stdexcept>

namespace gb {

Disassembler::Disassembler() {
  csh h = 0;
  if (cs_open(CS_ARCH_X86, CS_MODE_16, &h) != CS_ERR_OK) throw std::runtime_error("Capstone: cannot open x86-16");
  h16_ = h;
  if (cs_open(CS_ARCH_X86, CS_MODE_32, &h) != CS_ERR_OK) throw std::runtime_error("Capstone: cannot open x86-32");
  h32_ = h;
}

Disassembler::~Disassembler() {
  csh h = h16_;
  cs_close(&h);
  h = h32_;
  cs_close(&h);
}

std::vector<DisasmLine> Disassembler::run(const std::vector<u8>& code, u32 address, bool bits32, unsigned count) {
  std::vector<DisasmLine> out;
  const csh h = bits32 ? h32_ : h16_;
  size_t pos = 0;
  while (out.size() < count && pos < code.size()) {
    cs_insn* insn = nullptr;
    const size_t n = cs_disasm(h, code.data() + pos, code.size() - pos, address + pos, 1, &insn);
    DisasmLine l;
    l.address = static_cast<u32>(address + pos);
    if (n == 0) {
      l.bytes = {code[pos]};
      l.text = "(bad)";
      pos += 1;
    } else {
      l.bytes.assign(insn[0].bytes, insn[0].bytes + insn[0].size);
      l.text = insn[0].mnemonic;
      if (insn[0].op_str[0]) l.text += std::string(" ") + insn[0].op_str;
      pos += insn[0].size;
      cs_free(insn, n);
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace gb
