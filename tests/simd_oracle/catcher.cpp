#include "tests/simd_oracle/catcher.hpp"

#if defined(__x86_64__)
#include <signal.h>
#include <ucontext.h>

#include <cstring>
#include <vector>

namespace gb::simd_oracle {

namespace {

Caught g_caught;

void on_signal(int sig, siginfo_t*, void* ctx) {
  const auto* uc = static_cast<const ucontext_t*>(ctx);
  const mcontext_t& m = uc->uc_mcontext;
  std::memcpy(g_caught.fx, m.fpregs, 512);
  static constexpr int kRegs[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                    REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
  for (int i = 0; i < 16; ++i) g_caught.gpr[i] = static_cast<u64>(m.gregs[kRegs[i]]);
  g_caught.flags = static_cast<u64>(m.gregs[REG_EFL]);
  g_caught.rip = static_cast<u64>(m.gregs[REG_RIP]);
  g_caught.trapno = static_cast<int>(m.gregs[REG_TRAPNO]);
  siglongjmp(g_caught.jb, sig);
}

}  // namespace

Caught& caught() { return g_caught; }

void install_catcher() {
  static bool done = false;
  if (done) return;
  done = true;
  // The kernel's signal frame holds the whole XSAVE area: give it room.
  static std::vector<u8> alt(256 * 1024);
  stack_t ss{};
  ss.ss_sp = alt.data();
  ss.ss_size = alt.size();
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGFPE, SIGSEGV, SIGILL, SIGBUS, SIGTRAP}) sigaction(s, &sa, nullptr);
}

}  // namespace gb::simd_oracle
#endif
