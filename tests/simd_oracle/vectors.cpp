#include "tests/simd_oracle/vectors.hpp"

#include <fstream>
#include <iterator>

namespace gb::simd_oracle {

namespace {
constexpr char kMagic[8] = {'G', 'B', 'S', 'I', 'M', 'D', 'V', '1'};
}

bool write_vectors(const std::string& path, const std::vector<Record>& records) {
  std::vector<u8> o(kMagic, kMagic + 8);
  auto u32le = [&](u32 v) { for (int i = 0; i < 4; ++i) o.push_back(static_cast<u8>(v >> (8 * i))); };
  u32le(static_cast<u32>(records.size()));
  std::array<u8, kStateBytes> a{}, b{};
  for (const Record& r : records) {
    o.push_back(static_cast<u8>(r.seq.insns.size()));
    for (const Insn& in : r.seq.insns) {
      o.push_back(static_cast<u8>(in.bytes.size()));
      o.insert(o.end(), in.bytes.begin(), in.bytes.end());
      o.push_back(static_cast<u8>(in.name.size()));
      o.insert(o.end(), in.name.begin(), in.name.end());
    }
    o.push_back(r.native.completed ? 1 : 0);
    o.push_back(static_cast<u8>(r.native.vector + 1));
    u32le(r.native.fault_offset);
    serialize(r.in, a.data());
    serialize(r.out, b.data());
    o.insert(o.end(), a.begin(), a.end());
    for (std::size_t i = 0; i < kStateBytes; ++i) o.push_back(static_cast<u8>(a[i] ^ b[i]));
  }
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(o.data()), static_cast<std::streamsize>(o.size()));
  return static_cast<bool>(f);
}

bool read_vectors(const std::string& path, std::vector<Record>& records, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot open " + path;
    return false;
  }
  const std::vector<u8> d((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::size_t p = 0;
  auto need = [&](std::size_t n) { return p + n <= d.size(); };
  if (!need(12) || !std::equal(kMagic, kMagic + 8, d.begin())) {
    error = path + ": not a GBSIMDV1 vector file";
    return false;
  }
  const u32 count = load_le<u32>(&d[8]);
  p = 12;
  records.clear();
  for (u32 k = 0; k < count; ++k) {
    Record r;
    if (!need(1)) break;
    const unsigned n = d[p++];
    bool ok = true;
    for (unsigned i = 0; i < n && ok; ++i) {
      Insn in;
      ok = need(1) && need(1u + d[p]);
      if (!ok) break;
      const unsigned len = d[p++];
      in.bytes.assign(d.begin() + static_cast<std::ptrdiff_t>(p), d.begin() + static_cast<std::ptrdiff_t>(p + len));
      p += len;
      ok = need(1) && need(1u + d[p]);
      if (!ok) break;
      const unsigned nl = d[p++];
      in.name.assign(d.begin() + static_cast<std::ptrdiff_t>(p), d.begin() + static_cast<std::ptrdiff_t>(p + nl));
      p += nl;
      r.seq.insns.push_back(std::move(in));
    }
    if (!ok || !need(6 + 2 * kStateBytes)) {
      error = path + ": truncated";
      return false;
    }
    r.native.completed = d[p] != 0;
    r.native.vector = static_cast<int>(d[p + 1]) - 1;
    r.native.fault_offset = load_le<u32>(&d[p + 2]);
    p += 6;
    r.in = deserialize(&d[p]);
    std::array<u8, kStateBytes> x{};
    for (std::size_t i = 0; i < kStateBytes; ++i) x[i] = static_cast<u8>(d[p + i] ^ d[p + kStateBytes + i]);
    r.out = deserialize(x.data());
    p += 2 * kStateBytes;
    records.push_back(std::move(r));
  }
  if (records.size() != count) {
    error = path + ": truncated";
    return false;
  }
  return true;
}

}  // namespace gb::simd_oracle
