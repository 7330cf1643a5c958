// Recorded sequences with the host's results, for hosts that cannot run
// them natively (the s390x and aarch64 cross runs). The file is
// little-endian binary: "GBSIMDV1", u32 count, then per sequence: u8
// instruction count; per instruction u8 length, the bytes, u8 name length,
// the name; the native outcome (u8 completed, u8 vector + 1, u32 fault
// offset); the input State (state.hpp serialisation) and the result State
// XOR the input (mostly zeros, so gzip packs it well).
#pragma once
#include <string>
#include <vector>

#include "tests/simd_oracle/gen.hpp"
#include "tests/simd_oracle/guest.hpp"
#include "tests/simd_oracle/state.hpp"

namespace gb::simd_oracle {

struct Record {
  Sequence seq;
  State in;
  Outcome native;
  State out;
};

/// Writes `records` to `path`; false on an I/O error.
bool write_vectors(const std::string& path, const std::vector<Record>& records);
/// Reads `path` into `records`; false (and `error` set) when it cannot be read or is malformed.
bool read_vectors(const std::string& path, std::vector<Record>& records, std::string& error);

}  // namespace gb::simd_oracle
