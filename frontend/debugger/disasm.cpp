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
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) throw std::runtime_error("Capstone: cannot open x86-64");
  h64_ = h;
}

Disassembler::~Disassembler() {
  for (size_t x : {h16_, h32_, h64_}) {
    csh h = x;
    cs_close(&h);
  }
}

std::vector<DisasmLine> Disassembler::run(const std::vector<u8>& code, u64 address, unsigned bits, unsigned count) {
  std::vector<DisasmLine> out;
  const csh h = bits == 64 ? h64_ : bits == 32 ? h32_ : h16_;
  size_t pos = 0;
  while (out.size() < count && pos < code.size()) {
    cs_insn* insn = nullptr;
    const size_t n = cs_disasm(h, code.data() + pos, code.size() - pos, address + pos, 1, &insn);
    DisasmLine l;
    l.address = address + pos;
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
