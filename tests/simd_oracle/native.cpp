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

#include <sys/mman.h>

#include <cstddef>
#include <cstring>

#include "tests/simd_oracle/catcher.hpp"

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
  install_catcher();
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
  Caught& cg = caught();
  const int sig = sigsetjmp(cg.jb, 1);
  if (sig == 0) {
    fn(&b);
    o.completed = true;
    from_fxsave(b.out, out);
    for (int r = 0; r < 8; ++r) out.gpr[r] = static_cast<u32>(b.gpr[r]);
    out.eflags = static_cast<u32>(b.flags) & kArith;
  } else {
    // Back from the handler: put the host's FPU/SSE state back.
    asm volatile("fxrstor %0" : : "m"(b.host));
    o.vector = cg.trapno;  // the exception vector the kernel saw (19 for #XM)
    o.fault_offset = static_cast<u32>(cg.rip - reinterpret_cast<uintptr_t>(page_) - start);
    from_fxsave(cg.fx, out);
    for (int r = 0; r < 8; ++r) out.gpr[r] = static_cast<u32>(cg.gpr[r]);
    out.eflags = static_cast<u32>(cg.flags) & kArith;
  }
  out.gpr[4] = 0;
  std::memcpy(out.mem.data(), buf_, kMemBytes);
  return o;
}

}  // namespace gb::simd_oracle

#endif
