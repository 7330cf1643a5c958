// x87 transcendental and scaling instructions: FSIN, FCOS, FSINCOS, FPTAN,
// FPATAN, F2XM1, FYL2X, FYL2XP1, FPREM, FPREM1, FSCALE, FXTRACT (SDM Vol. 2;
// Vol. 1 8.3.10). The functions themselves are in cpu/fpu/transcendental.
#include "cpu/fpu/transcendental.hpp"
#include "cpu/ops/x87_insns.hpp"

namespace gb::x87 {

namespace {

/// ST(0) = fn(ST(0)).
template <class Fn>
void unary(Exec& x, Fn fn) {
  if (x.empty(0)) {
    if (x.stack_fault(false)) x.put(0, fpu::kIndefinite);
  } else {
    const Float80 r = fn(x.op(0), x.env);
    if (!x.aborted()) x.put(0, r);
  }
  x.finish();
}

/// ST(1) = fn(ST(1), ST(0)), then pop (FYL2X, FYL2XP1, FPATAN).
template <class Fn>
void binary_pop(Exec& x, Fn fn) {
  if (x.empty(0) || x.empty(1)) {
    if (x.stack_fault(false)) {
      x.put(1, fpu::kIndefinite);
      x.pop();
    }
  } else {
    const Float80 r = fn(x.op(1), x.op(0), x.env);
    if (!x.aborted()) {
      x.put(1, r);
      x.pop();
    }
  }
  x.finish();
}

/// FPTAN, FSINCOS, FXTRACT replace ST(0) and push: an empty ST(0) is an
/// underflow (C1 = 0, even with a full stack), else a full ST(7) an
/// overflow; the masked response leaves the real indefinite in both.
void two_result_fault(Exec& x) {
  if (x.stack_fault(!x.empty(0))) {
    x.put(0, fpu::kIndefinite);
    x.f.set_top(x.f.top() - 1);
    x.put(0, fpu::kIndefinite);
  }
  x.finish();
}

/// FSIN/FCOS/FPTAN/FSINCOS: |ST(0)| >= 2^63 is out of range: C2 = 1 and the
/// stack stays (SDM Vol. 2 FSIN); otherwise C2 = 0.
bool out_of_range(const Unpacked& a) { return a.cls == fpu::Class::Normal && a.exp >= fpu::kBias + 63; }

}  // namespace

void f2xm1(Exec& x) { unary(x, fpu::f2xm1); }
void fyl2x(Exec& x) { binary_pop(x, fpu::fyl2x); }
void fyl2xp1(Exec& x) { binary_pop(x, fpu::fyl2xp1); }
void fpatan(Exec& x) { binary_pop(x, fpu::fpatan); }

void fsin(Exec& x) {
  if (!x.empty(0) && out_of_range(x.op(0))) {
    x.set_c320((x.f.fsw & fsw::kC3) != 0, true, (x.f.fsw & fsw::kC0) != 0);
    x.finish();
    return;
  }
  x.set_c320((x.f.fsw & fsw::kC3) != 0, false, (x.f.fsw & fsw::kC0) != 0);
  unary(x, fpu::sin);
}

void fcos(Exec& x) {
  if (!x.empty(0) && out_of_range(x.op(0))) {
    x.set_c320((x.f.fsw & fsw::kC3) != 0, true, (x.f.fsw & fsw::kC0) != 0);
    x.finish();
    return;
  }
  x.set_c320((x.f.fsw & fsw::kC3) != 0, false, (x.f.fsw & fsw::kC0) != 0);
  unary(x, fpu::cos);
}

void fptan(Exec& x) {
  // ST(0) = tan(ST(0)), then push 1.0 (SDM Vol. 2 FPTAN). Stack faults
  // come before the range check (observed), and leave C2 = 0.
  x.set_c320((x.f.fsw & fsw::kC3) != 0, false, (x.f.fsw & fsw::kC0) != 0);
  if (x.empty(0) || !x.empty(7)) {
    two_result_fault(x);
    return;
  }
  if (out_of_range(x.op(0))) {
    x.set_c320((x.f.fsw & fsw::kC3) != 0, true, (x.f.fsw & fsw::kC0) != 0);
    x.finish();
    return;
  }
  const Float80 t = fpu::tan(x.op(0), x.env);
  if (!x.aborted()) {
    x.put(0, t);
    const bool nan = fpu::is_nan(fpu::classify(t));
    x.push(nan ? t : fpu::kOne);
  }
  x.finish();
}

void fsincos(Exec& x) {
  // ST(0) = sin, then push cos (SDM Vol. 2 FSINCOS); checks as FPTAN.
  x.set_c320((x.f.fsw & fsw::kC3) != 0, false, (x.f.fsw & fsw::kC0) != 0);
  if (x.empty(0) || !x.empty(7)) {
    two_result_fault(x);
    return;
  }
  if (out_of_range(x.op(0))) {
    x.set_c320((x.f.fsw & fsw::kC3) != 0, true, (x.f.fsw & fsw::kC0) != 0);
    x.finish();
    return;
  }
  const fpu::SinCos r = fpu::sincos(x.op(0), x.env);
  if (!x.aborted()) {
    x.put(0, r.sin);
    x.push(r.cos);
  }
  x.finish();
}

void fscale(Exec& x) {
  if (x.empty(0) || x.empty(1)) {
    if (x.stack_fault(false)) x.put(0, fpu::kIndefinite);
  } else {
    const Float80 r = fpu::scale(x.op(0), x.op(1), x.env);
    if (!x.aborted()) x.put(0, r);
  }
  x.finish();
}

void fxtract(Exec& x) {
  // ST(0) = exponent, then push the significand (SDM Vol. 2 FXTRACT).
  if (x.empty(0) || !x.empty(7)) {
    two_result_fault(x);
    return;
  }
  const fpu::Extracted r = fpu::extract(x.op(0), x.env);
  if (!x.aborted()) {
    x.put(0, r.exponent);
    x.push(r.significand);
  }
  x.finish();
}

namespace {

void prem(Exec& x, bool ieee) {
  // C0 = Q2, C3 = Q1, C1 = Q0, C2 = incomplete (SDM Vol. 2 FPREM). Without
  // a remainder (stack fault, NaN, invalid) C2 and C1 are cleared and C3,
  // C0 stay (observed on Intel hardware).
  x.set_c320((x.f.fsw & fsw::kC3) != 0, false, (x.f.fsw & fsw::kC0) != 0);
  if (x.empty(0) || x.empty(1)) {
    if (x.stack_fault(false)) x.put(0, fpu::kIndefinite);
    x.finish();
    return;
  }
  const fpu::Remainder r = fpu::remainder(x.op(0), x.op(1), ieee, x.env);
  if (!x.aborted()) {
    x.put(0, r.value);
    if (r.computed) {
      x.set_c320((r.quotient & 2) != 0, r.partial, (r.quotient & 4) != 0);
      x.set_c1((r.quotient & 1) != 0);
    }
  }
  x.finish();
}

}  // namespace

void fprem(Exec& x) { prem(x, false); }
void fprem1(Exec& x) { prem(x, true); }

}  // namespace gb::x87
