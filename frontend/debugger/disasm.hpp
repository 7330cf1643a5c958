// Disassembly through Capstone, in the CPU's current code size (16, 32 or
// 64 bits).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

struct DisasmLine {
  u64 address = 0;  ///< the offset (RIP/EIP/IP) Capstone was given for the first byte
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
  /// `address`), as a CPU with `bits`-bit code (16, 32 or 64: 64-bit mode)
  /// decodes them; RIP-relative operands are shown relative to `address`.
  /// An undecodable byte gives a one-byte "(bad)" line and decoding resumes
  /// after it.
  std::vector<DisasmLine> run(const std::vector<u8>& code, u64 address, unsigned bits, unsigned count);

 private:
  size_t h16_ = 0, h32_ = 0, h64_ = 0;  // csh handles
};

}  // namespace gb
