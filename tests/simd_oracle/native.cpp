#include "tests/simd_oracle/native.hpp"

#if !defined(__x86_64__)

namespace gb::simd_oracle {
struct Native::Block {};
Native::Native() = default;
Native::~Native() = default;
Outcome Native::run(const std::vector<u8>&, const State&, State&) { return {}; }
bool native_available() { return false; }
}  // namespace gb::simd_oracle

#else

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstddef>
#include <cstring>

namespace gb::simd_oracle {

struct alignas(64) Native::Block {
  u8 host[512];  // the host's own FPU/SSE state, restored at the end
  u8 in[512];    // FXRSTOR image of the input
  u8 out[512];   // FXSAVE image of the result
  u64 gpr[8];
  u64 flags;
};

namespace {

// Offsets in Native::Block (the host's own state is at 0).
constexpr u32 kIn = 512, kOut = 1024, kGpr = 1536, kFlags = 1600;
constexpr std::size_t kPage = 4096;

// What the signal handler saw. A signal handler can reach only static
// storage; the oracle is single-threaded.
struct Caught {
  sigjmp_buf jb;
  u8 fx[512];
  u64 gpr[8];
  u64 flags;
  u64 rip;
  int trapno;
};
Caught g_caught;

void on_signal(int sig, siginfo_t*, void* ctx) {
  const auto* uc = static_cast<const ucontext_t*>(ctx);
  const mcontext_t& m = uc->uc_mcontext;
  std::memcpy(g_caught.fx, m.fpregs, 512);
  static constexpr int kRegs[8] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI};
  for (int i = 0; i < 8; ++i) g_caught.gpr[i] = static_cast<u64>(m.gregs[kRegs[i]]);
  g_caught.flags = static_cast<u64>(m.gregs[REG_EFL]);
  g_caught.rip = static_cast<u64>(m.gregs[REG_RIP]);
  g_caught.trapno = static_cast<int>(m.gregs[REG_TRAPNO]);
  siglongjmp(g_caught.jb, sig);
}

void disp32(std::vector<u8>& c, u32 d) {
  for (int i = 0; i < 4; ++i) c.push_back(static_cast<u8>(d >> (8 * i)));
}

}  // namespace

bool native_available() { return true; }

Native::Native() {
  void* p = mmap(reinterpret_cast<void*>(uintptr_t{kBuf}), kPage, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED || p != reinterpret_cast<void*>(uintptr_t{kBuf})) return;
  buf_ = static_cast<u8*>(p);
  p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    rwx_ = false;
    p = mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  }
  if (p == MAP_FAILED) return;
  page_ = static_cast<u8*>(p);
  block_ = new Block{};
  struct sigaction sa {};
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGFPE, SIGSEGV, SIGILL, SIGBUS}) sigaction(s, &sa, nullptr);
  ok_ = true;
}

Native::~Native() {
  delete block_;
  if (page_) munmap(page_, kPage);
  if (buf_) munmap(buf_, kPage);
}

Outcome Native::run(const std::vector<u8>& code, const State& in, State& out) {
  static_assert(offsetof(Block, in) == kIn && offsetof(Block, out) == kOut && offsetof(Block, gpr) == kGpr &&
                offsetof(Block, flags) == kFlags);
  Block& b = *block_;
  to_fxsave(in, b.in);
  for (int r = 0; r < 8; ++r) b.gpr[r] = in.gpr[r];
  b.gpr[6] = kBuf;
  b.flags = (in.eflags & kArith) | 0x202;
  std::memcpy(buf_, in.mem.data(), kMemBytes);

  std::vector<u8> c;
  auto e = [&](std::initializer_list<int> bytes) { for (int x : bytes) c.push_back(static_cast<u8>(x)); };
  e({0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});  // push rbx rbp r12-r15
  e({0x49, 0x89, 0xFF});                                            // mov r15, rdi
  e({0x41, 0x0F, 0xAE, 0x07});                                      // fxsave [r15] (Block::host)
  e({0x41, 0x0F, 0xAE, 0x8F}); disp32(c, kIn);                      // fxrstor [r15+kIn]
  e({0x41, 0xFF, 0xB7}); disp32(c, kFlags);                         // push qword [r15+kFlags]
  e({0x9D});                                                        // popfq
  for (int r : {0, 1, 2, 3, 5, 6, 7}) { e({0x41, 0x8B, 0x87 | (r << 3)}); disp32(c, kGpr + 8 * r); }  // mov r32, [..]
  const std::size_t start = c.size();
  c.insert(c.end(), code.begin(), code.end());
  e({0x9C});                                                        // pushfq
  e({0x41, 0x8F, 0x87}); disp32(c, kFlags);                         // pop qword [r15+kFlags]
  for (int r : {0, 1, 2, 3, 5, 6, 7}) { e({0x49, 0x89, 0x87 | (r << 3)}); disp32(c, kGpr + 8 * r); }  // mov [..], r64
  e({0x41, 0x0F, 0xAE, 0x87}); disp32(c, kOut);                     // fxsave [r15+kOut]
  e({0x41, 0x0F, 0xAE, 0x0F});                                      // fxrstor [r15] (Block::host)
  e({0xFC, 0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, 0xC3});  // cld; pop ...; ret
  if (c.size() > kPage) return {};
  if (!rwx_ && mprotect(page_, kPage, PROT_READ | PROT_WRITE) != 0) return {};
  std::memcpy(page_, c.data(), c.size());
  if (!rwx_ && mprotect(page_, kPage, PROT_READ | PROT_EXEC) != 0) return {};
  void (*fn)(Block*) = nullptr;
  void* vp = page_;
  std::memcpy(&fn, &vp, sizeof fn);

  Outcome o;
  out = in;
  const int sig = sigsetjmp(g_caught.jb, 1);
  if (sig == 0) {
    fn(&b);
    o.completed = true;
    from_fxsave(b.out, out);
    for (int r = 0; r < 8; ++r) out.gpr[r] = static_cast<u32>(b.gpr[r]);
    out.eflags = static_cast<u32>(b.flags) & kArith;
  } else {
    // Back from the handler: put the host's FPU/SSE state back.
    asm volatile("fxrstor %0" : : "m"(b.host));
    o.vector = g_caught.trapno;  // the exception vector the kernel saw (19 for #XM)
    o.fault_offset = static_cast<u32>(g_caught.rip - reinterpret_cast<uintptr_t>(page_) - start);
    from_fxsave(g_caught.fx, out);
    for (int r = 0; r < 8; ++r) out.gpr[r] = static_cast<u32>(g_caught.gpr[r]);
    out.eflags = static_cast<u32>(g_caught.flags) & kArith;
  }
  out.gpr[4] = 0;
  std::memcpy(out.mem.data(), buf_, kMemBytes);
  return o;
}

}  // namespace gb::simd_oracle

#endif
