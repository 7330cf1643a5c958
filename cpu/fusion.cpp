// The instructions a Jcc fuses with (cpu/ops/fused.hpp): those that set the
// flags a following Jcc tests, most often in loops and compares.
#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "cpu/ops/fused.hpp"

namespace gb::ops {

namespace {

struct Fusible {
  Handler first;
  std::array<Handler, 16> fused;
};

template <Handler F, std::size_t... I>
constexpr Fusible fusible(std::index_sequence<I...>) {
  return {F, {&fused_jcc<F, I>...}};
}
template <Handler F>
constexpr Fusible fusible() {
  return fusible<F>(std::make_index_sequence<16>{});
}

template <class T>
constexpr auto compares() {
  return std::array{
      fusible<&alu_AI<Alu::Cmp, T>>(),
      fusible<&alu_EG<Alu::Cmp, T, Form::Reg>>(),
      fusible<&alu_EG<Alu::Cmp, T, Form::Mem>>(),
      fusible<&alu_EG<Alu::Cmp, T, Form::MemB>>(),
      fusible<&alu_GE<Alu::Cmp, T, Form::Reg>>(),
      fusible<&alu_GE<Alu::Cmp, T, Form::Mem>>(),
      fusible<&alu_GE<Alu::Cmp, T, Form::MemB>>(),
      fusible<&alu_EI<Alu::Cmp, T, Form::Reg>>(),
      fusible<&alu_EI<Alu::Cmp, T, Form::Mem>>(),
      fusible<&alu_EI<Alu::Cmp, T, Form::MemB>>(),
      fusible<&test_AI<T>>(),
      fusible<&test_EG<T, Form::Reg>>(),
      fusible<&test_EI<T, Form::Reg>>(),
      fusible<&test_EI<T, Form::Mem>>(),
      fusible<&test_EI<T, Form::MemB>>(),
      fusible<&alu_EI<Alu::Sub, T, Form::Reg>>(),
      fusible<&alu_EI<Alu::And, T, Form::Reg>>(),
      fusible<&alu_EG<Alu::And, T, Form::Reg>>(),
      fusible<&alu_EG<Alu::Or, T, Form::Reg>>(),
      fusible<&dec_E<T, Form::Reg>>(),
  };
}

template <class... Arrays>
constexpr auto join(const Arrays&... a) {
  std::array<Fusible, (std::tuple_size_v<Arrays> + ...)> out{};
  std::size_t i = 0;
  ((std::copy(a.begin(), a.end(), out.begin() + i), i += a.size()), ...);
  return out;
}

constexpr auto kFusible = join(compares<u8>(), compares<u16>(), compares<u32>(), compares<u64>(),
                               std::array{fusible<&dec_Z<u16>>(), fusible<&dec_Z<u32>>()});

}  // namespace

Handler fused_jcc_form(Handler first, unsigned cc) {
  for (const Fusible& f : kFusible) {
    if (f.first == first) return f.fused[cc & 15];
  }
  return nullptr;
}

}  // namespace gb::ops
