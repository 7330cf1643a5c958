// cpu_models(), find_cpu_model(), default_cpu_model() and per-model quirks.
#include <catch2/catch.hpp>

#include <set>
#include <string_view>

#include "cpu/model.hpp"

using namespace gb;

TEST_CASE("cpu_models lists every model once, the default first", "[cpu][model]") {
  const auto models = cpu_models();
  REQUIRE(models.size() >= 6);
  CHECK(models.front().name == "pentium-pro");
  CHECK(&default_cpu_model() == &models.front());
  CHECK(default_cpu_model().name == "pentium-pro");
  std::set<std::string_view> names;
  for (const auto& m : models) {
    CHECK(names.insert(m.name).second);
    CHECK_FALSE(m.description.empty());
    CHECK(find_cpu_model(m.name) == &m);
  }
  for (std::string_view n : {"8086", "286", "386", "486", "pentium", "pentium-pro"}) CHECK(names.count(n) == 1);
}

TEST_CASE("find_cpu_model returns nullptr for unknown names", "[cpu][model]") {
  CHECK(find_cpu_model("") == nullptr);
  CHECK(find_cpu_model("80386") == nullptr);
  CHECK(find_cpu_model("Pentium-Pro") == nullptr);  // names are case-sensitive
  CHECK(find_cpu_model("386 ") == nullptr);
}

TEST_CASE("Model data: families, bus widths, CPUID", "[cpu][model]") {
  const CpuModel& m86 = *find_cpu_model("8086");
  const CpuModel& m286 = *find_cpu_model("286");
  const CpuModel& m386 = *find_cpu_model("386");
  const CpuModel& p6 = *find_cpu_model("pentium-pro");
  CHECK(m86.family == CpuFamily::i8086);
  CHECK(m86.address_mask == 0xF'FFFF);
  CHECK(m286.address_mask == 0xFF'FFFF);
  CHECK(m386.address_mask == 0xFFFF'FFFFu);
  CHECK(m386.cpuid_signature == 0);  // no CPUID before the late 486
  CHECK(((p6.cpuid_signature >> 8) & 0xF) == 6);
  CHECK(((find_cpu_model("pentium")->cpuid_signature >> 8) & 0xF) == 5);
  CHECK(m386.at_least(CpuFamily::i286));
  CHECK_FALSE(m286.at_least(CpuFamily::i386));
  CHECK(p6.at_least(CpuFamily::i8086));
}

TEST_CASE("Model quirks", "[cpu][model]") {
  const CpuModel& m86 = *find_cpu_model("8086");
  const CpuModel& m286 = *find_cpu_model("286");
  const CpuModel& m386 = *find_cpu_model("386");
  CHECK(m86.shift_count_mask() == 0xFF);
  CHECK(m286.shift_count_mask() == 0x1F);
  CHECK(m86.push_sp_pushes_new());
  CHECK_FALSE(m286.push_sp_pushes_new());
  CHECK(m86.divide_error_is_trap());
  CHECK_FALSE(m386.divide_error_is_trap());
  CHECK_FALSE(m86.has_invalid_opcode());
  CHECK(m286.has_invalid_opcode());
  CHECK(m86.max_insn_length() == 0);
  CHECK(m286.max_insn_length() == 10);
  CHECK(m386.max_insn_length() == 15);
  CHECK_FALSE(m86.checks_limits());
  CHECK(m286.checks_limits());
}
