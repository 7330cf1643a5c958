// The host CPU's vendor, for test programs that compare Glassbox with the
// host where Intel and AMD differ (Glassbox follows Intel).
#pragma once

namespace gb::test {

/// Whether the host is an Intel CPU (CPUID leaf 0, through the compiler's
/// built-in); false on hosts that are not x86.
inline bool intel_host() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_is("intel");
#else
  return false;
#endif
}

}  // namespace gb::test
