#include "tests/oracle64/native.hpp"

#if !defined(__x86_64__)

namespace gb::oracle64 {
Native::Native() = default;
Native::~Native() = default;
Outcome Native::run(const std::vector<u8>&, const State&, State&) { return {}; }
bool native_available() { return false; }
}  // namespace gb::oracle64

#else

#include <sys/mman.h>

#include <cstring>

#include "mmu/endian.hpp"
#include "tests/simd_oracle/catcher.hpp"

namespace gb::oracle64 {

namespace {

constexpr std::size_t kPage = 4096;
// The helper's block, at a fixed address below 2 GiB so the helper reaches
// it with absolute [disp32] operands (every GPR is the sequence's).
constexpr u64 kBlock = kCode + 0x1'0000;
constexpr u32 kHostFx = 0, kInFx = 512, kOutFx = 1024, kGpr = 1536, kFlags = kGpr + 128, kHostRsp = kFlags + 8;
constexpr u32 kEpilogue = 0x200;  // offset in the code page

void* map_at(u64 addr, int prot) {
  void* p = mmap(reinterpret_cast<void*>(addr), kPage, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  if (p != reinterpret_cast<void*>(addr)) {
    munmap(p, kPage);
    return nullptr;
  }
  return p;
}

struct Asm {
  std::vector<u8> c;
  void b(std::initializer_list<int> bytes) { for (int x : bytes) c.push_back(static_cast<u8>(x)); }
  void d32(u64 v) { for (int i = 0; i < 4; ++i) c.push_back(static_cast<u8>(v >> (8 * i))); }
  /// op with ModR/M reg = `reg` and an absolute [disp32] operand (SIB without base or index).
  void abs(std::initializer_list<int> op, int reg, u64 addr) {
    b(op);
    b({(reg & 7) << 3 | 4, 0x25});
    d32(addr);
  }
  void mov_load(int r, u64 addr) { b({0x48 | (r >> 3) << 2}); abs({0x8B}, r, addr); }
  void mov_store(int r, u64 addr) { b({0x48 | (r >> 3) << 2}); abs({0x89}, r, addr); }
  void jmp(u64 from, u64 to) {  // E9 rel32 placed at `from`
    b({0xE9});
    d32(to - (from + 5));
  }
};

}  // namespace

bool native_available() { return true; }

Native::Native() {
  data_ = static_cast<u8*>(map_at(kData, PROT_READ | PROT_WRITE));
  block_ = static_cast<u8*>(map_at(kBlock, PROT_READ | PROT_WRITE));
  code_ = static_cast<u8*>(map_at(kCode, PROT_READ | PROT_WRITE | PROT_EXEC));
  if (!code_) {
    rwx_ = false;
    code_ = static_cast<u8*>(map_at(kCode, PROT_READ | PROT_WRITE));
  }
  if (!data_ || !block_ || !code_) return;
  Asm a;
  a.b({0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});  // push rbx rbp r12-r15
  a.mov_store(4, kBlock + kHostRsp);                                   // mov [host_rsp], rsp
  a.abs({0x0F, 0xAE}, 0, kBlock + kHostFx);                            // fxsave [host]
  a.abs({0x0F, 0xAE}, 1, kBlock + kInFx);                              // fxrstor [in]
  a.b({0x48, 0xC7, 0xC4}); a.d32(kBlock + kFlags);                     // mov rsp, &flags
  a.b({0x9D});                                                         // popfq
  for (int r = 0; r < 16; ++r) if (r != 4) a.mov_load(r, kBlock + kGpr + 8 * r);
  a.mov_load(4, kBlock + kGpr + 32);                                   // rsp last
  a.jmp(kCode + a.c.size(), kSeq);
  if (a.c.size() > kEpilogue) return;
  std::memcpy(code_, a.c.data(), a.c.size());
  Asm e;
  e.mov_store(4, kBlock + kGpr + 32);                                  // mov [gpr+32], rsp
  e.b({0x48, 0xC7, 0xC4}); e.d32(kBlock + kFlags + 8);                 // mov rsp, &flags + 8
  e.b({0x9C});                                                         // pushfq
  for (int r = 0; r < 16; ++r) if (r != 4) e.mov_store(r, kBlock + kGpr + 8 * r);
  e.abs({0x0F, 0xAE}, 0, kBlock + kOutFx);                             // fxsave [out]
  e.abs({0x0F, 0xAE}, 1, kBlock + kHostFx);                            // fxrstor [host]
  e.mov_load(4, kBlock + kHostRsp);                                    // mov rsp, [host_rsp]
  e.b({0xFC, 0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, 0xC3});  // cld; pop ...; ret
  std::memcpy(code_ + kEpilogue, e.c.data(), e.c.size());
  if (!rwx_ && mprotect(code_, kPage, PROT_READ | PROT_EXEC) != 0) return;
  simd_oracle::install_catcher();
  ok_ = true;
}

Native::~Native() {
  for (u8* p : {data_, code_, block_}) {
    if (p) munmap(p, kPage);
  }
}

Outcome Native::run(const std::vector<u8>& code, const State& in, State& out) {
  if (code.size() > kSeqMax) return {};
  // The input: an FXRSTOR image (64-bit format: XMM0-15 at 160) with the
  // x87 state at its initial values, the GPRs, RFLAGS with IF.
  u8* fx = block_ + kInFx;
  std::memset(fx, 0, 512);
  store_le<u16>(fx, 0x037F);
  store_le<u32>(fx + 24, in.mxcsr);
  for (unsigned i = 0; i < 16; ++i) std::memcpy(fx + 160 + 16 * i, in.xmm[i].data(), 16);
  for (unsigned r = 0; r < 16; ++r) store_le<u64>(block_ + kGpr + 8 * r, in.gpr[r]);
  store_le<u64>(block_ + kFlags, (in.rflags & (kArith | kDF)) | 0x202);
  std::memcpy(data_, in.mem.data(), kMemBytes);

  Asm j;
  j.jmp(kSeq + code.size(), kCode + kEpilogue);
  if (!rwx_ && mprotect(code_, kPage, PROT_READ | PROT_WRITE) != 0) return {};
  std::memcpy(code_ + (kSeq - kCode), code.data(), code.size());
  std::memcpy(code_ + (kSeq - kCode) + code.size(), j.c.data(), j.c.size());
  if (!rwx_ && mprotect(code_, kPage, PROT_READ | PROT_EXEC) != 0) return {};
  out = in;
  return execute(out);
}

// Apart from run(): a function calling sigsetjmp keeps no std::vector
// (-Wclobbered).
Outcome Native::execute(State& out) {
  void (*fn)() = nullptr;
  void* vp = code_;
  std::memcpy(&fn, &vp, sizeof fn);
  Outcome o;
  simd_oracle::Caught& cg = simd_oracle::caught();
  const u8* res = nullptr;
  if (sigsetjmp(cg.jb, 1) == 0) {
    fn();
    o.completed = true;
    res = block_ + kOutFx;
    for (unsigned r = 0; r < 16; ++r) out.gpr[r] = load_le<u64>(block_ + kGpr + 8 * r);
    out.rflags = load_le<u64>(block_ + kFlags) & (kArith | kDF);
  } else {
    // Back from the handler: the host's FPU/SSE state and DF (the ABI's) back.
    asm volatile("fxrstor %0\n\tcld" : : "m"(*reinterpret_cast<const u8(*)[512]>(block_)));
    o.vector = cg.trapno;
    o.fault_offset = static_cast<u32>(cg.rip - kSeq);
    res = cg.fx;
    for (unsigned r = 0; r < 16; ++r) out.gpr[r] = cg.gpr[r];
    out.rflags = cg.flags & (kArith | kDF);
  }
  out.mxcsr = load_le<u32>(res + 24);
  for (unsigned i = 0; i < 16; ++i) std::memcpy(out.xmm[i].data(), res + 160 + 16 * i, 16);
  std::memcpy(out.mem.data(), data_, kMemBytes);
  return o;
}

}  // namespace gb::oracle64

#endif
