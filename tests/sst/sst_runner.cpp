// glassbox-sst: runs SingleStepTests hardware-captured vectors against the
// CPU on a bare bus (see ../shared/conformance/README.md for the format).
//
//   glassbox-sst [--cpu MODEL] [--exclusions FILE] [--verbose N] PATH...
//
// PATH is a .json.gz file or a directory of them. Prints one line per file
// and a closing "N passed, M failed". Exit status: 0 when every vector passes
// or is listed in the exclusions (and every listed one still fails), 1
// otherwise, 77 (skip) when a PATH is missing and CI is not set.
#if GB_HAVE_ZLIB
#include <zlib.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cpu/cpu.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace gb;

namespace {

/// Reads a vector file: gzip-compressed (.json.gz, when built with zlib) or
/// plain (.json, as scripts/cross-test provides them).
std::string read_vectors(const fs::path& p) {
  if (p.string().ends_with(".json")) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot open", p.string()));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
#if !GB_HAVE_ZLIB
  throw std::runtime_error(fmt::format("{}: built without zlib; decompress the vectors first", p.string()));
#else
  gzFile f = gzopen(p.string().c_str(), "rb");
  if (!f) throw std::runtime_error(fmt::format("{}: cannot open", p.string()));
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  if (n < 0) throw std::runtime_error(fmt::format("{}: gzip read error", p.string()));
  return out;
#endif
}

bool is_vector_file(const fs::path& p) {
  const std::string n = p.filename().string();
  return n != "metadata.json" && (n.ends_with(".json.gz") || n.ends_with(".json"));
}

/// Exclusions: "SET FILE [INDEX...]  # reason"; no index = the whole file.
struct Exclusions {
  std::map<std::string, std::set<int>> by_file;  // key "set/FILE"; empty set = all
  bool excluded(const std::string& key, int idx) const {
    auto it = by_file.find(key);
    return it != by_file.end() && (it->second.empty() || it->second.count(idx));
  }
};

Exclusions load_exclusions(const std::string& path) {
  Exclusions ex;
  if (path.empty()) return ex;
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open exclusions file", path));
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto hash = line.find('#');
    const bool has_reason = hash != std::string::npos && line.find_first_not_of(" \t", hash + 1) != std::string::npos;
    std::string body = line.substr(0, hash);
    std::istringstream ss(body);
    std::string set, file;
    if (!(ss >> set >> file)) continue;
    if (!has_reason) throw std::runtime_error(fmt::format("{}:{}: exclusion without a reason", path, lineno));
    auto& s = ex.by_file[set + "/" + file];
    int idx;
    while (ss >> idx) s.insert(idx);
  }
  return ex;
}

/// The IN instruction reads all ones from every port (README step 3).
/// Records the first exception the CPU delivers in a vector.
struct FaultRecorder : CpuObserver {
  int first = -1;
  void on_fault(const Cpu&, const GuestFault& f) override {
    if (first < 0) first = f.vector;
  }
};

struct Harness {
  const CpuModel& model;
  std::vector<u8> ram;
  MemoryMap memory;
  IoMap io;
  Bus bus{memory, io};
  Cpu cpu;
  bool is286;  ///< the vector set's protocol (run to HLT), not the model
  FaultRecorder faults;

  Harness(const CpuModel& m, bool set_is_286)
      : model(m), ram(set_is_286 ? 1u << 24 : 1u << 20), cpu(bus, m), is286(set_is_286) {
    memory.map_ram(0, ram);
    cpu.set_log(nullptr);
    cpu.set_observer(&faults);
  }
};

/// When 80286 vectors run on a later model, the documented differences
/// between the generations (SDM Vol. 3A 22.x, "IA-32 processor
/// compatibility") make some vectors differ by design. Returns the reason,
/// or nullptr when a failure is not explained by one of them.
const char* quirk_reason(const json& t, int first_fault) {
  const auto& b = t["bytes"];
  unsigned i = 0;
  bool lock = false;
  while (i < b.size()) {
    const unsigned x = b[i].get<unsigned>();
    if (x == 0xF0) lock = true;
    if (x != 0xF0 && x != 0x26 && x != 0x2E && x != 0x36 && x != 0x3E && x != 0xF2 && x != 0xF3) break;
    ++i;
  }
  const unsigned op = i < b.size() ? b[i].get<unsigned>() : 0;
  const int vec286 = t.contains("exception") ? t["exception"]["number"].get<int>() : -1;
  if (lock) return "LOCK on a non-lockable instruction is #UD from the 386 (SDM Vol. 2A LOCK)";
  if (op == 0x9D || op == 0xCF) return "POPF/IRET can set IOPL and NT in real mode from the 386 (SDM Vol. 3A 22.17)";
  if (op == 0xD8) return "ESC: the 286 without a coprocessor reads the operand and goes on; the default model has an x87 and executes it";
  if (vec286 == 13 && first_fault == kSS) return "stack-limit faults are #SS from the 386, interrupt 13 on the 286";
  if (vec286 == 13 && ((op >= 0xA4 && op <= 0xA7) || (op >= 0xAA && op <= 0xAF) || (op >= 0x6C && op <= 0x6F))) {
    return "the 286 advances SI/DI/CX of a string access that faults; later models do not";
  }
  if (vec286 == 6 && (op == 0x8C || op == 0x8E)) return "FS and GS exist from the 386: MOV with Sreg 4 or 5 is #UD on the 286";
  if (vec286 == 13 && b.size() > 11) return "the 286 limits instructions to 10 bytes, later models to 15";
  return nullptr;
}

const char* kRegs[] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
const char* kSegs[] = {"es", "cs", "ss", "ds"};

/// Runs one vector; returns an empty string on success or what differed.
std::string run_vector(Harness& h, const json& t, u32 flags_mask) {
  Cpu& cpu = h.cpu;
  cpu.reset();
  h.faults.first = -1;
  CpuState& s = cpu.state();
  const json& ini = t["initial"];
  const json& ir = ini["regs"];
  for (unsigned i = 0; i < 8; ++i) s.gpr[i] = ir[kRegs[i]].get<u32>();
  for (unsigned i = 0; i < 4; ++i) {
    const u16 sel = ir[kSegs[i]].get<u16>();
    s.seg[i].selector = sel;
    s.seg[i].base = u32{sel} << 4;
    s.seg[i].limit = 0xFFFF;
  }
  s.rip = ir["ip"].get<u32>();
  u32 flags = ir["flags"].get<u32>();
  if (h.is286) flags &= 0x0FFF;  // README step 2: real mode cannot hold bits 12-15
  cpu.write_eflags(flags, 0xFFFF);
  const u32 amask = h.model.address_mask;
  for (const auto& kv : ini["ram"]) h.ram[kv[0].get<u32>() & amask] = kv[1].get<u8>();

  // To the HLT: a few instructions, a REP counting each of its up to
  // FFFFh iterations (Cpu::count_iterations).
  const StopReason why = h.is286 ? cpu.run(0x10000 + 64) : cpu.step();

  std::string diff;
  if (h.is286 && why != StopReason::Halted) diff += fmt::format(" no HLT reached (stop {})", static_cast<int>(why));
  const json& fin = t["final"];
  const json& fr = fin["regs"];
  auto expect = [&](const char* name) { return fr.contains(name) ? fr[name].get<u32>() : ir[name].get<u32>(); };
  for (unsigned i = 0; i < 8; ++i) {
    const u32 want = expect(kRegs[i]), got = s.gpr[i] & 0xFFFF;
    if (want != got) diff += fmt::format(" {}={:04x} want {:04x}", kRegs[i], got, want);
  }
  for (unsigned i = 0; i < 4; ++i) {
    const u32 want = expect(kSegs[i]), got = s.seg[i].selector;
    if (want != got) diff += fmt::format(" {}={:04x} want {:04x}", kSegs[i], got, want);
  }
  if (expect("ip") != (s.rip & 0xFFFF)) diff += fmt::format(" ip={:04x} want {:04x}", s.rip & 0xFFFF, expect("ip"));
  u32 want_flags = expect("flags");
  if (h.is286 && !fr.contains("flags")) want_flags &= 0x0FFF;
  const u32 got_flags = cpu.eflags() & 0xFFFF;
  if ((got_flags & flags_mask) != (want_flags & flags_mask)) {
    diff += fmt::format(" flags={:04x} want {:04x} (mask {:04x})", got_flags, want_flags, flags_mask);
  }
  // Where an exception pushed FLAGS, mask that image too (README step 5).
  // The FLAGS image sits at the final SS:SP+4 (computed here rather than
  // taken from exception.flag_address, which is one off when SP is odd).
  u32 flag_addr = ~0u, flag_addr_hi = ~0u;
  if (t.contains("exception") || (!h.is286 && expect("cs") == 0 && expect("ip") == 0x400)) {
    flag_addr = ((expect("ss") << 4) + ((expect("sp") + 4) & 0xFFFF)) & amask;
    flag_addr_hi = ((expect("ss") << 4) + ((expect("sp") + 5) & 0xFFFF)) & amask;
  }
  for (const auto& kv : fin["ram"]) {
    const u32 a = kv[0].get<u32>() & amask;
    u8 want = kv[1].get<u8>(), got = h.ram[a];
    if (a == flag_addr) {
      want &= static_cast<u8>(flags_mask);
      got &= static_cast<u8>(flags_mask);
    } else if (a == flag_addr_hi) {
      want &= static_cast<u8>(flags_mask >> 8);
      got &= static_cast<u8>(flags_mask >> 8);
    }
    if (want != got) diff += fmt::format(" [{:06x}]={:02x} want {:02x}", a, got, want);
  }
  // Leave RAM clean for the next vector.
  for (const auto& kv : ini["ram"]) h.ram[kv[0].get<u32>() & amask] = 0;
  for (const auto& kv : fin["ram"]) h.ram[kv[0].get<u32>() & amask] = 0;
  return diff;
}

u32 mask_for(const json& meta, const std::string& stem) {
  // stem: "F6.6" (group) or "00".
  const auto dot = stem.find('.');
  const std::string op = stem.substr(0, dot);
  if (!meta.contains("opcodes") || !meta["opcodes"].contains(op)) return 0xFFFF;
  const json* e = &meta["opcodes"][op];
  if (dot != std::string::npos && e->contains("reg")) {
    const std::string ext = stem.substr(dot + 1);
    if ((*e)["reg"].contains(ext)) e = &(*e)["reg"][ext];
  }
  return e->contains("flags-mask") ? (*e)["flags-mask"].get<u32>() : 0xFFFF;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs SingleStepTests CPU vectors against Glassbox"};
  std::string cpu_name, excl_path;
  std::vector<std::string> paths;
  int verbose = 3;
  app.add_option("--cpu", cpu_name, "CPU model (default: from the set: sst-8086 -> 8086, sst-80286 -> 286)");
  app.add_option("--exclusions", excl_path, "file of excluded vectors, with a reason each");
  app.add_option("--verbose", verbose, "failures to print per file")->default_val(3);
  bool explain = false;
  app.add_flag("--explain-286-quirks", explain,
               "with 80286 vectors on a later --cpu: count failures that a documented 286 difference explains "
               "as skipped (listed by reason); any other failure still fails");
  app.add_option("paths", paths, "vector files or directories")->required();
  CLI11_PARSE(app, argc, argv);

  const bool ci = std::getenv("CI") != nullptr;
  Exclusions ex;
  try {
    ex = load_exclusions(excl_path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "glassbox-sst: {}\n", e.what());
    return 1;
  }

  long passed = 0, failed = 0, excluded = 0;
  std::map<std::string, long> quirks;
  for (const std::string& p : paths) {
    if (!fs::exists(p)) {
      fmt::print("glassbox-sst: {} not found (the conformance vectors live in ../shared/conformance)\n", p);
      if (ci) {
        fmt::print("glassbox-sst: CI is set, so a missing vector set is a failure\n");
        return 1;
      }
      fmt::print("SKIP: vectors absent\n");
      return 77;
    }
    std::vector<fs::path> files;
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p)) {
        if (is_vector_file(e.path())) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(p);
    }
    for (const fs::path& file : files) {
      const std::string dir = file.parent_path().string();
      const std::string set = dir.find("sst-80286") != std::string::npos ? "sst-80286"
                              : dir.find("sst-8086") != std::string::npos ? "sst-8086"
                                                                           : "unknown";
      std::string model_name = cpu_name.empty() ? (set == "sst-80286" ? "286" : "8086") : cpu_name;
      const CpuModel* model = find_cpu_model(model_name);
      if (!model) {
        fmt::print(stderr, "glassbox-sst: unknown CPU model '{}'\n", model_name);
        return 1;
      }
      json meta;
      const fs::path meta_path = file.parent_path() / "metadata.json";
      if (fs::exists(meta_path)) {
        std::ifstream in(meta_path);
        meta = json::parse(in);
      }
      std::string stem = file.filename().string();
      stem = stem.substr(0, stem.size() - std::string(stem.ends_with(".gz") ? ".json.gz" : ".json").size());
      const u32 fmask = mask_for(meta, stem);
      json tests;
      try {
        tests = json::parse(read_vectors(file));
      } catch (const std::exception& e) {
        fmt::print(stderr, "glassbox-sst: {}: {}\n", file.string(), e.what());
        return 1;
      }
      Harness h(*model, set == "sst-80286");
      const std::string key = set + "/" + stem;
      long fp = 0, ff = 0, fx = 0, fx_pass = 0;
      int shown = 0;
      for (const json& t : tests) {
        const int idx = t.contains("idx") ? t["idx"].get<int>() : t.value("test_num", 0);
        const std::string diff = run_vector(h, t, fmask);
        const bool ok = diff.empty();
        if (ex.excluded(key, idx)) {
          ++fx;
          if (ok) {
            ++fx_pass;
            if (!ex.by_file[key].empty()) {
              fmt::print("  {} #{}: listed in exclusions but passes: remove it\n", key, idx);
            }
          }
          continue;
        }
        if (ok) {
          ++fp;
        } else if (const char* why = explain && set == "sst-80286" ? quirk_reason(t, h.faults.first) : nullptr) {
          ++quirks[why];
          ++fx;
        } else {
          ++ff;
          if (shown++ < verbose) fmt::print("  {} #{} {}:{}\n", key, idx, t["name"].get<std::string>(), diff);
        }
      }
      // A whole-file exclusion must still fail somewhere; a listed index must fail.
      const bool stale = fx > 0 && (ex.by_file[key].empty() ? fx_pass == fx : fx_pass > 0);
      fmt::print("{} {}: {} passed, {} failed{}{}\n", stale || ff ? "FAIL" : "ok  ", key, fp, ff,
                 fx ? fmt::format(", {} excluded", fx) : "", stale ? " (stale exclusion)" : "");
      passed += fp;
      failed += ff + (stale ? 1 : 0);
      excluded += fx;
    }
  }
  for (const auto& [why, n] : quirks) fmt::print("skipped {:6} vectors: {}\n", n, why);
  fmt::print("{} passed, {} failed{}\n", passed, failed, excluded ? fmt::format(", {} skipped", excluded) : "");
  return failed ? 1 : 0;
}
