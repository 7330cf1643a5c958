// Builds without Capstone (cross builds): instructions show as their bytes.
#include "frontend/debugger/disasm.hpp"

namespace gb {

Disassembler::Disassembler() = default;
Disassembler::~Disassembler() = default;

std::vector<DisasmLine> Disassembler::run(const std::vector<u8>& code, u64 address, unsigned, unsigned count) {
  std::vector<DisasmLine> out;
  for (size_t i = 0; i < code.size() && out.size() < count; ++i) {
    out.push_back(DisasmLine{address + i, {code[i]}, "(no Capstone in this build)"});
  }
  return out;
}

}  // namespace gb
