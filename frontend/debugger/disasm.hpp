// Disassembly through Capstone, in the CPU's current code size (16 or 32).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

struct DisasmLine {
  u32 address = 0;  ///< the offset (EIP/IP) Capstone was given for the first byte
  std::vector<u8> bytes;
  std::string text;  ///< "mov ax, 0x10"; "(bad)" when the bytes do not decode
};

class Disassembler {
 public:
  Disassembler();
  ~Disassembler();
  Disassembler(const Disassembler&) = delete;
  Disassembler& operator=(const Disassembler&) = delete;

  /// Up to `count` instructions from `code` (which starts at offset
  /// `address`), as a 16-bit or 32-bit CPU decodes them. An undecodable
  /// byte gives a one-byte "(bad)" line and decoding resumes after it.
  std::vector<DisasmLine> run(const std::vector<u8>& code, u32 address, bool bits32, unsigned count);

 private:
  size_t h16_ = 0, h32_ = 0;  // csh handles
};

}  // namespace gb
