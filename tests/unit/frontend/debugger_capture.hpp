// What a debugger command prints, for the debugger's unit tests.
#pragma once
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <unistd.h>

#include "frontend/debugger/debugger.hpp"

namespace gb::test {

/// Runs command `cmd` on `d`, whose output file is the temporary file `f`,
/// and returns what it printed (`f` is emptied first).
inline std::string capture(Debugger& d, std::FILE* f, const std::string& cmd) {
  std::rewind(f);
  REQUIRE(ftruncate(fileno(f), 0) == 0);
  d.execute(cmd);
  std::fflush(f);
  std::rewind(f);
  std::string out;
  for (int c; (c = std::fgetc(f)) != EOF;) out += static_cast<char>(c);
  return out;
}

}  // namespace gb::test
