// gb::parse_options and helpers (frontend/options.hpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include "frontend/options.hpp"

using namespace gb;

namespace {

ParseResult parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"glassbox"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(nullptr);
  return parse_options(static_cast<int>(argv.size() - 1), argv.data());
}

// A usage error: no options, status 2, one line "glassbox: ...\n".
void check_usage_error(const ParseResult& r, const std::string& mentions = "") {
  INFO("message: " << r.message);
  CHECK_FALSE(r.options.has_value());
  CHECK(r.status == 2);
  CHECK(r.message.rfind("glassbox: ", 0) == 0);
  CHECK(std::count(r.message.begin(), r.message.end(), '\n') == 1);
  CHECK((!r.message.empty() && r.message.back() == '\n'));
  CHECK(r.message.size() > std::string("glassbox: ").size());
  if (!mentions.empty()) CHECK_THAT(r.message, Catch::Contains(mentions));
}

}  // namespace

TEST_CASE("parse_options: QEMU single-dash options", "[options]") {
  const ParseResult r = parse({"-bios", "x.bin", "-m", "16", "-no-reboot", "-debugcon", "stdio", "-device",
                               "isa-debug-exit,iobase=0xf4,iosize=0x04", "--insn-limit", "5"});
  INFO("message: " << r.message);
  REQUIRE(r.options.has_value());
  CHECK(r.status == 0);
  CHECK(r.message.empty());
  const Options& o = *r.options;
  CHECK(o.bios == "x.bin");
  CHECK(o.ram_mib == 16);
  CHECK(o.no_reboot);
  CHECK(o.debugcon == "stdio");
  REQUIRE(o.debug_exit.has_value());
  CHECK(o.debug_exit->first == 0xF4);
  CHECK(o.debug_exit->second == 4);
  CHECK(o.insn_limit == 5);
  CHECK(o.cpu == "icelake-server");
  CHECK(o.display == "auto");
}

TEST_CASE("parse_options: defaults", "[options]") {
  const ParseResult r = parse({"-bios", "rom"});
  REQUIRE(r.options.has_value());
  const Options& o = *r.options;
  CHECK(o.bios == "rom");
  CHECK(o.cpu == "icelake-server");
  CHECK(o.display == "auto");
  CHECK(o.scale == "integer");
  CHECK(o.debugcon == "none");
  CHECK_FALSE(o.debug_exit.has_value());
  CHECK_FALSE(o.no_reboot);
  CHECK(o.ram_mib == 128);
  CHECK(o.insn_limit == 0);
  CHECK(o.smp == 1);
  CHECK(o.smp_quantum == 1000);
}

TEST_CASE("parse_options: -smp in QEMU's forms", "[options]") {
  auto cpus = [](const char* v) {
    const ParseResult r = parse({"-bios", "x", "-smp", v});
    REQUIRE(r.options.has_value());
    return r.options->smp;
  };
  CHECK(cpus("4") == 4);
  CHECK(cpus("cpus=2") == 2);
  CHECK(cpus("16") == 16);
  CHECK(cpus("4,sockets=4") == 4);
  CHECK(cpus("sockets=3") == 3);
  CHECK(cpus("2,maxcpus=2,cores=1,threads=1") == 2);
  const ParseResult q = parse({"-bios", "x", "--smp-quantum", "250"});
  REQUIRE(q.options.has_value());
  CHECK(q.options->smp_quantum == 250);
}

TEST_CASE("parse_options: double-dash forms", "[options]") {
  const ParseResult r = parse({"--bios", "b.rom", "--cpu", "8086", "--display", "none", "--debugcon", "file:/tmp/x",
                               "--no-reboot", "--device", "isa-debug-exit"});
  INFO("message: " << r.message);
  REQUIRE(r.options.has_value());
  const Options& o = *r.options;
  CHECK(o.bios == "b.rom");
  CHECK(o.cpu == "8086");
  CHECK(o.debugcon == "file:/tmp/x");
  CHECK(o.no_reboot);
  REQUIRE(o.debug_exit.has_value());
  CHECK(o.debug_exit->first == 0x501);
  CHECK(o.debug_exit->second == 2);
}

TEST_CASE("parse_options: every CPU model name is accepted", "[options]") {
  for (const char* m : {"8086", "286", "386", "pentium-pro"}) {
    INFO("model " << m);
    const ParseResult r = parse({"-bios", "x", "-cpu", m});
    REQUIRE(r.options.has_value());
    CHECK(r.options->cpu == m);
  }
}

TEST_CASE("parse_options: -m with suffixes", "[options]") {
  auto ram = [](const char* m) {
    const ParseResult r = parse({"-bios", "x", "-m", m});
    REQUIRE(r.options.has_value());
    return r.options->ram_mib;
  };
  CHECK(ram("1") == 1);
  CHECK(ram("64M") == 64);
  CHECK(ram("2G") == 2048);
  CHECK(ram("3072") == 3072);
}

TEST_CASE("parse_options: PC options and their defaults", "[options]") {
  const ParseResult d = parse({});
  REQUIRE(d.options.has_value());
  CHECK(d.options->bios == "/usr/share/seabios/bios-256k.bin");
  CHECK(d.options->vga_bios == "/usr/share/seabios/vgabios-stdvga.bin");
  CHECK(d.options->boot == "cad");
  CHECK_FALSE(d.options->snapshot);
  CHECK_FALSE(d.options->rtc_base.has_value());
  const ParseResult r = parse({"-fda", "f.img", "-hda", "h.img", "-hdb", "h2.img", "-cdrom", "c.iso", "-boot", "order=dc,menu=on",
                               "-snapshot", "-rtc", "base=2000-01-02T03:04:05,clock=host", "-d", "firmware,post"});
  INFO("message: " << r.message);
  REQUIRE(r.options.has_value());
  const Options& o = *r.options;
  CHECK(o.fda == "f.img");
  CHECK(o.hda == "h.img");
  CHECK(o.hdb == "h2.img");
  CHECK(o.cdrom == "c.iso");
  CHECK(o.boot == "dc");
  CHECK(o.snapshot);
  REQUIRE(o.rtc_base.has_value());
  CHECK(*o.rtc_base == 946782245);  // date -u -d 2000-01-02T03:04:05 +%s
  CHECK(o.clock_host);
  CHECK(o.log_firmware);
  CHECK(o.log_post);
  CHECK(parse_boot("a") == "a");
  const ParseResult ic = parse({"-icount", "shift=3"});
  REQUIRE(ic.options.has_value());
  CHECK(ic.options->icount_shift == 3u);
}

TEST_CASE("parse_options: usage errors", "[options]") {
  SECTION("empty -bios") { check_usage_error(parse({"-bios", ""}), "bios"); }
  SECTION("bad -boot") { check_usage_error(parse({"-boot", "z"}), "-boot"); }
  SECTION("bad -boot order") { check_usage_error(parse({"-boot", "order=cadc"}), "order"); }
  SECTION("bad -rtc base") { check_usage_error(parse({"-rtc", "base=yesterday"}), "yesterday"); }
  SECTION("bad -rtc clock") { check_usage_error(parse({"-rtc", "clock=sundial"}), "sundial"); }
  SECTION("bad -icount") { check_usage_error(parse({"-icount", "shift=11"}), "shift"); }
  SECTION("bad -d item") { check_usage_error(parse({"-d", "firmware,cpu"}), "cpu"); }
  SECTION("-bios without a value") { check_usage_error(parse({"-bios"})); }
  SECTION("unknown option") { check_usage_error(parse({"-bios", "x", "-frobnicate"})); }
  SECTION("unknown double-dash option") { check_usage_error(parse({"-bios", "x", "--frobnicate", "1"})); }
  SECTION("stray positional argument") { check_usage_error(parse({"-bios", "x", "extra"})); }
  SECTION("bad -m") { check_usage_error(parse({"-bios", "x", "-m", "banana"}), "banana"); }
  SECTION("-m 0") { check_usage_error(parse({"-bios", "x", "-m", "0"})); }
  SECTION("-smp 0") { check_usage_error(parse({"-bios", "x", "-smp", "0"}), "-smp 0"); }
  SECTION("-smp 17") { check_usage_error(parse({"-bios", "x", "-smp", "17"}), "1 to 16"); }
  SECTION("-smp banana") { check_usage_error(parse({"-bios", "x", "-smp", "banana"}), "banana"); }
  SECTION("-smp with cores") { check_usage_error(parse({"-bios", "x", "-smp", "4,cores=2"}), "one core"); }
  SECTION("-smp with maxcpus") { check_usage_error(parse({"-bios", "x", "-smp", "2,maxcpus=4"}), "hot-plug"); }
  SECTION("-smp unknown key") { check_usage_error(parse({"-bios", "x", "-smp", "2,books=1"}), "books"); }
  SECTION("--smp-quantum 0") { check_usage_error(parse({"-bios", "x", "--smp-quantum", "0"}), "0"); }
  SECTION("-m too big") { check_usage_error(parse({"-bios", "x", "-m", "4G"})); }
  SECTION("-m empty") { check_usage_error(parse({"-bios", "x", "-m", ""})); }
  SECTION("-m negative") { check_usage_error(parse({"-bios", "x", "-m", "-5"})); }
  SECTION("unknown -cpu") { check_usage_error(parse({"-bios", "x", "-cpu", "z80"}), "z80"); }
  SECTION("unknown -display") { check_usage_error(parse({"-bios", "x", "-display", "vnc"}), "vnc"); }
  SECTION("unknown -scale") { check_usage_error(parse({"-bios", "x", "-scale", "3x"}), "3x"); }
  SECTION("curses with serial stdio") {
    check_usage_error(parse({"-bios", "x", "-display", "curses", "-serial", "stdio"}), "terminal");
  }
  SECTION("-boot z") { check_usage_error(parse({"-bios", "x", "-boot", "z"}), "z"); }
  SECTION("-m 99999999") { check_usage_error(parse({"-bios", "x", "-m", "99999999"}), "99999999"); }
  SECTION("missing -config file") { check_usage_error(parse({"-config", "/nonexistent/glassbox.toml"}), "nonexistent"); }
  SECTION("unknown -device") { check_usage_error(parse({"-bios", "x", "-device", "e1000"}), "e1000"); }
  SECTION("bad -device property") {
    check_usage_error(parse({"-bios", "x", "-device", "isa-debug-exit,colour=red"}), "colour");
  }
  SECTION("-device property without value") {
    check_usage_error(parse({"-bios", "x", "-device", "isa-debug-exit,iobase"}));
  }
  SECTION("-device port out of range") {
    check_usage_error(parse({"-bios", "x", "-device", "isa-debug-exit,iobase=0x10000"}));
  }
  SECTION("bad --insn-limit") { check_usage_error(parse({"-bios", "x", "--insn-limit", "lots"})); }
}

TEST_CASE("parse_options: --help and --version", "[options]") {
  for (const char* flag : {"--help", "-h"}) {
    INFO(flag);
    const ParseResult r = parse({flag});
    CHECK_FALSE(r.options.has_value());
    CHECK(r.status == 0);
    CHECK_THAT(r.message, Catch::Contains("-bios") || Catch::Contains("--bios"));
  }
  const ParseResult v = parse({"--version"});
  CHECK_FALSE(v.options.has_value());
  CHECK(v.status == 0);
  CHECK_THAT(v.message, Catch::Contains("glassbox"));
}

TEST_CASE("parse_options: --help begins with the usage line and the program's name", "[options]") {
  const ParseResult r = parse({"--help"});
  CHECK(r.message.rfind("Usage: glassbox [OPTIONS]\n", 0) == 0);
  CHECK_THAT(r.message, Catch::Contains("x86 PC emulator"));
}

TEST_CASE("parse_options: QEMU's spellings for output devices and absent devices", "[options]") {
  SECTION("-serial null and -debugcon null discard, as none does") {
    const ParseResult r = parse({"-bios", "x", "-serial", "null", "-debugcon", "null"});
    REQUIRE(r.options);
    CHECK(r.options->serial == "none");
    CHECK(r.options->debugcon == "none");
  }
  SECTION("-serial mon:stdio is stdio (its Ctrl-A keys stand in for the monitor)") {
    const ParseResult r = parse({"-bios", "x", "-serial", "mon:stdio"});
    REQUIRE(r.options);
    CHECK(r.options->serial == "stdio");
  }
  SECTION("-monitor, -parallel, -net, -nic none are accepted and change nothing") {
    const ParseResult r = parse({"-bios", "x", "-monitor", "none", "-parallel", "none", "-net", "none", "-nic", "none"});
    REQUIRE(r.options);
    CHECK(r.options->serial == "none");
    CHECK(r.options->display == "auto");
  }
  SECTION("anything but none for a device Glassbox lacks is one clear error") {
    check_usage_error(parse({"-bios", "x", "-monitor", "stdio"}), "-monitor stdio: Glassbox has no QEMU monitor");
    check_usage_error(parse({"-bios", "x", "-parallel", "file:lpt.txt"}), "no parallel port");
    check_usage_error(parse({"-bios", "x", "-net", "user"}), "no network card");
    check_usage_error(parse({"-bios", "x", "-nic", "user,model=e1000"}), "no network card");
  }
  SECTION("-nographic: no display, COM1 on stdio unless -serial says otherwise") {
    const ParseResult r = parse({"-bios", "x", "-nographic"});
    REQUIRE(r.options);
    CHECK(r.options->display == "none");
    CHECK(r.options->serial == "stdio");
    const ParseResult f = parse({"-bios", "x", "-nographic", "-serial", "file:x.log"});
    REQUIRE(f.options);
    CHECK(f.options->serial == "file:x.log");
    check_usage_error(parse({"-bios", "x", "-nographic", "-display", "sdl"}), "-nographic");
  }
}

TEST_CASE("parse_ram_size", "[options]") {
  CHECK(parse_ram_size("1G") == 1024);
  CHECK(parse_ram_size("1g") == 1024);
  CHECK(parse_ram_size("16") == 16);
  CHECK(parse_ram_size("16M") == 16);
  CHECK(parse_ram_size("16m") == 16);
  CHECK(parse_ram_size("3G") == 3072);
  CHECK(parse_ram_size("0x10") == 16);
  CHECK_THROWS_AS(parse_ram_size("0"), std::invalid_argument);
  CHECK_THROWS_AS(parse_ram_size("3073"), std::invalid_argument);
  CHECK_THROWS_AS(parse_ram_size("4G"), std::invalid_argument);
  CHECK_THROWS_AS(parse_ram_size(""), std::invalid_argument);
  CHECK_THROWS_AS(parse_ram_size("M"), std::invalid_argument);
  CHECK_THROWS_AS(parse_ram_size("banana"), std::invalid_argument);
  CHECK_THROWS_AS(parse_ram_size("16K"), std::invalid_argument);
  CHECK_THROWS_AS(parse_ram_size("99999999999999999999"), std::invalid_argument);
}

// A size whose MiB count overflows 64 bits must not wrap into range.
TEST_CASE("parse_ram_size: a G value overflowing 64 bits is rejected", "[options]") {
  CHECK_THROWS_AS(parse_ram_size("18014398509481985G"), std::invalid_argument);
}

TEST_CASE("parse_debug_exit", "[options]") {
  auto [b0, s0] = parse_debug_exit("isa-debug-exit");
  CHECK(b0 == 0x501);
  CHECK(s0 == 2);
  auto [b1, s1] = parse_debug_exit("isa-debug-exit,iobase=0xf4,iosize=0x04");
  CHECK(b1 == 0xF4);
  CHECK(s1 == 4);
  auto [b2, s2] = parse_debug_exit("isa-debug-exit,iosize=1,iobase=244");
  CHECK(b2 == 244);
  CHECK(s2 == 1);
  auto [b3, s3] = parse_debug_exit("isa-debug-exit,iobase=0xfffe");
  CHECK(b3 == 0xFFFE);
  CHECK(s3 == 2);
  CHECK_THROWS_AS(parse_debug_exit(""), std::invalid_argument);
  CHECK_THROWS_AS(parse_debug_exit("e1000"), std::invalid_argument);
  CHECK_THROWS_AS(parse_debug_exit("isa-debug-exit,iobase=0xffff"), std::invalid_argument);
  CHECK_THROWS_AS(parse_debug_exit("isa-debug-exit,iosize=0"), std::invalid_argument);
  CHECK_THROWS_AS(parse_debug_exit("isa-debug-exit,iobase=zz"), std::invalid_argument);
  CHECK_THROWS_AS(parse_debug_exit("isa-debug-exit,iobase="), std::invalid_argument);
  CHECK_THROWS_AS(parse_debug_exit("isa-debug-exit,iobase"), std::invalid_argument);
  CHECK_THROWS_AS(parse_debug_exit("isa-debug-exit,speed=9"), std::invalid_argument);
  CHECK_THROWS_AS(parse_debug_exit("isa-debug-exit,iosize=0x10000"), std::invalid_argument);
}

// The range check must not wrap: a huge iosize is out of range.
TEST_CASE("parse_debug_exit: an iosize overflowing 64 bits is rejected", "[options]") {
  CHECK_THROWS_AS(parse_debug_exit("isa-debug-exit,iobase=0xf4,iosize=0xffffffffffffffff"), std::invalid_argument);
}

namespace {
/// A config file in the temp directory, removed at scope exit.
struct TempConfig {
  std::string path;
  explicit TempConfig(const std::string& text) {
    path = (std::filesystem::temp_directory_path() / fmt::format("glassbox-options-test-{}.toml", ::getpid())).string();
    std::ofstream(path) << text;
  }
  ~TempConfig() { std::filesystem::remove(path); }
};
}  // namespace

TEST_CASE("parse_options: -config reads TOML with the long option names; the command line overrides", "[options]") {
  TempConfig c("bios = \"from-file.rom\"\nm = \"256\"\nsnapshot = true\ninsn-limit = 1234\ndisplay = \"none\"\n");
  SECTION("the file's values") {
    const ParseResult r = parse({"-config", c.path.c_str()});
    REQUIRE(r.options.has_value());
    CHECK(r.options->bios == "from-file.rom");
    CHECK(r.options->ram_mib == 256);
    CHECK(r.options->snapshot);
    CHECK(r.options->insn_limit == 1234);
    CHECK(r.options->display == "none");
  }
  SECTION("the command line wins") {
    const ParseResult r = parse({"-config", c.path.c_str(), "-m", "64", "-bios", "cli.rom"});
    REQUIRE(r.options.has_value());
    CHECK(r.options->bios == "cli.rom");
    CHECK(r.options->ram_mib == 64);
    CHECK(r.options->insn_limit == 1234);
  }
}

TEST_CASE("parse_options: -config errors are one line", "[options]") {
  SECTION("type mismatch") {
    TempConfig c("insn-limit = \"lots\"\n");
    check_usage_error(parse({"-config", c.path.c_str()}), "insn-limit");
  }
  SECTION("flag given a string") {
    TempConfig c("snapshot = \"maybe\"\n");
    check_usage_error(parse({"-config", c.path.c_str()}), "snapshot");
  }
  SECTION("unknown key") {
    TempConfig c("frobnicate = 1\n");
    check_usage_error(parse({"-config", c.path.c_str()}), "frobnicate");
  }
  SECTION("a value the option rejects") {
    TempConfig c("m = \"0\"\n");
    check_usage_error(parse({"-config", c.path.c_str()}), "-m 0");
  }
}

TEST_CASE("parse_options: every option in --help has a line of documentation", "[options]") {
  const ParseResult r = parse({"--help"});
  REQUIRE(r.status == 0);
  std::vector<std::string> lines;
  for (size_t start = 0; start < r.message.size();) {
    const size_t nl = r.message.find('\n', start);
    lines.push_back(r.message.substr(start, nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  int options = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    const size_t first = l.find_first_not_of(' ');
    if (first == std::string::npos || first > 4 || l[first] != '-' || l.find("Ctrl") != std::string::npos) continue;
    ++options;
    INFO("option line: " << l);
    // CLI11's layout: the description after the option column, or on the
    // next line, indented, when the option's spelling is too long.
    const size_t gap = l.find("  ", first);
    const bool same_line = gap != std::string::npos && l.find_first_not_of(' ', gap) != std::string::npos;
    const bool next_line = i + 1 < lines.size() && lines[i + 1].rfind("      ", 0) == 0 &&
                           lines[i + 1].find_first_not_of(' ') != std::string::npos;
    CHECK((same_line || next_line));
  }
  CHECK(options >= 25);
  // The hot keys are part of --help too.
  CHECK_THAT(r.message, Catch::Contains("Ctrl+Alt+Q"));
  CHECK_THAT(r.message, Catch::Contains("Ctrl-A x"));
}

TEST_CASE("parse_options: --device-timing qemu (default) or datasheet", "[options]") {
  const ParseResult d = parse({"-bios", "x"});
  REQUIRE(d.options.has_value());
  CHECK(d.options->device_timing == DeviceTiming::Qemu);
  const ParseResult s = parse({"-bios", "x", "-device-timing", "datasheet"});
  REQUIRE(s.options.has_value());
  CHECK(s.options->device_timing == DeviceTiming::Datasheet);
  const ParseResult q = parse({"-bios", "x", "--device-timing=qemu"});
  REQUIRE(q.options.has_value());
  CHECK(q.options->device_timing == DeviceTiming::Qemu);
  check_usage_error(parse({"-bios", "x", "--device-timing", "bochs"}), "bochs");
}
