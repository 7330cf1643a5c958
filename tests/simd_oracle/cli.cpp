#include "tests/simd_oracle/cli.hpp"

#include <cstdlib>
#include <vector>

namespace gb::simd_oracle {

bool parse_command_line(int argc, char** argv, const std::set<std::string>& with_value,
                        const std::set<std::string>& flags, CommandLine& cl) {
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (with_value.count(a)) {
      if (i + 1 >= argc) return false;
      cl.values[a] = argv[++i];
    } else if (flags.count(a)) {
      cl.flags.insert(a);
    } else if (!a.empty() && a[0] == '-') {
      return false;
    } else {
      pos.push_back(a);
    }
  }
  if (pos.size() > 0) cl.count = std::strtoull(pos[0].c_str(), nullptr, 10);
  if (pos.size() > 1) cl.seed = std::strtoull(pos[1].c_str(), nullptr, 10);
  return pos.size() <= 2;
}

std::set<std::string> split_commas(const std::string& list) {
  std::set<std::string> s;
  for (std::size_t p = 0; !list.empty() && p != std::string::npos;) {
    const auto q = list.find(',', p);
    s.insert(list.substr(p, q == std::string::npos ? q : q - p));
    p = q == std::string::npos ? q : q + 1;
  }
  return s;
}

}  // namespace gb::simd_oracle
