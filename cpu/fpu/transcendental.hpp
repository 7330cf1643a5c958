// The x87 transcendental functions on extended values (SDM Vol. 1 8.3.10;
// Vol. 2 FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1),
// computed with multi-word integer arithmetic and rounded once per RC.
#pragma once
#include "cpu/fpu/float80.hpp"

namespace gb::fpu {

Float80 sin(const Unpacked& a, Env& env);
Float80 cos(const Unpacked& a, Env& env);
Float80 tan(const Unpacked& a, Env& env);
struct SinCos {
  Float80 sin, cos;
};
SinCos sincos(const Unpacked& a, Env& env);
/// atan(y / x) with the quadrant of (x, y): FPATAN computes ST(1) = atan(ST(1) / ST(0)).
Float80 fpatan(const Unpacked& y, const Unpacked& x, Env& env);
Float80 f2xm1(const Unpacked& a, Env& env);                     ///< 2^x - 1, |x| <= 1
Float80 fyl2x(const Unpacked& y, const Unpacked& x, Env& env);    ///< y * log2(x)
Float80 fyl2xp1(const Unpacked& y, const Unpacked& x, Env& env);  ///< y * log2(x + 1)

}  // namespace gb::fpu
