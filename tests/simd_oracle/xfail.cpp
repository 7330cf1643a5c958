#include "tests/simd_oracle/xfail.hpp"

#include <fstream>
#include <vector>

#include <fmt/format.h>

namespace gb::simd_oracle {

bool load_list(const std::string& path, const std::set<std::string>& known, std::set<std::string>& list) {
  std::ifstream f(path);
  if (!f) {
    fmt::print("cannot read {}\n", path);
    return false;
  }
  std::string line;
  bool ok = true;
  while (std::getline(f, line)) {
    if (const auto h = line.find('#'); h != std::string::npos) line.erase(h);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.erase(line.begin());
    if (line.empty()) continue;
    if (!known.count(line)) {
      fmt::print("{}: unknown mnemonic '{}'\n", path, line);
      ok = false;
    }
    list.insert(line);
  }
  return ok;
}

bool Tally::add(const Sequence& seq, const std::string& why) {
  bool has_listed = false;
  for (const auto& m : seq.mnemonics()) {
    if (!listed_.count(m)) continue;
    has_listed = true;
    auto& c = listed_seen_[m];
    ++c.first;
    if (!why.empty()) ++c.second;
  }
  if (why.empty()) { ++passed_; return false; }
  if (has_listed) { ++expected_; return false; }
  ++failed_;
  return true;
}

u64 Tally::report(bool show_unexercised) {
  std::vector<std::string> now;
  for (const auto& [m, c] : listed_seen_) {
    if (c.first > 0 && c.second == 0) now.push_back(m);
  }
  for (const auto& [m, k] : culprits_) fmt::print("  FAILING {:16} {} sequence(s) (the first instruction after which the states differ)\n", m, k);
  for (const auto& m : now) fmt::print("now passes: remove {} from the list\n", m);
  if (!now.empty()) {
    fmt::print("the listed mnemonics that now pass ({}), one per line:\n", now.size());
    for (const auto& m : now) fmt::print("{}\n", m);
  }
  u64 unexercised = 0;
  for (const auto& m : listed_) unexercised += listed_seen_.count(m) ? 0 : 1;
  if (show_unexercised && unexercised) fmt::print("({} listed mnemonics did not occur in this run)\n", unexercised);
  fmt::print("{} sequences with an expected failure among them\n", expected_);
  fmt::print("{} passed, {} failed\n", passed_ + expected_, failed_ + now.size());
  return failed_ + now.size();
}

}  // namespace gb::simd_oracle
