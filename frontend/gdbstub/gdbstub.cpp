#include "frontend/gdbstub/gdbstub.hpp"

#include "frontend/debugger/numbers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "devices/pc/machine.hpp"
#include "frontend/debugger/debugger.hpp"

namespace gb {

namespace {

/// An RSP number: hex digits only.
std::optional<u64> hex_number(const std::string& s) { return parse_u64(s, 16); }

/// Little-endian bytes as a number (at most 8 of them).
u64 le_bytes(const std::vector<u8>& v) {
  u64 x = 0;
  for (size_t i = 0; i < v.size() && i < 8; ++i) x |= u64{v[i]} << (8 * i);
  return x;
}

}  // namespace

// The register layouts, in g-packet order. i386 (the 32-bit models): GDB's
// 32-bit core (EAX..EDI in encoding order, EIP, EFLAGS, CS SS DS ES FS GS,
// ST0-7 and the x87 control registers), sse (XMM0-7, MXCSR), and the
// Glassbox system feature (CR0, CR2, CR3, CR4, EFER). i386:x86-64 (a model
// with Intel 64): GDB's 64-bit core (RAX RBX RCX RDX RSI RDI RBP RSP R8-R15,
// RIP, EFLAGS, the selectors, x87), sse (XMM0-15, MXCSR), segments
// (fs_base, gs_base) and the system feature with 64-bit control registers,
// CR8 and k_gs_base. The 64-bit layout is offered whenever the model has long mode,
// also before the guest enables it, because gdb reads the target
// description once per connection (as QEMU's qemu-system-x86_64 does):
// outside IA-32e mode the registers read zero-extended.
std::vector<GdbStub::Reg> GdbStub::layout(bool x86_64) {
  std::vector<Reg> v;
  using K = Reg::Kind;
  const unsigned w = x86_64 ? 8 : 4;
  static constexpr const char* kGpr32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
  static constexpr const char* kGpr64[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                             "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
  static constexpr u8 kGpr64Index[16] = {EAX, EBX, ECX, EDX, ESI, EDI, EBP, ESP, 8, 9, 10, 11, 12, 13, 14, 15};
  for (unsigned i = 0; i < (x86_64 ? 16u : 8u); ++i) {
    const unsigned r = x86_64 ? kGpr64Index[i] : i;
    v.push_back({x86_64 ? kGpr64[i] : kGpr32[i], K::Gpr, r, w, r == ESP || r == EBP ? "data_ptr" : x86_64 ? "int64" : "int32", "", "core"});
  }
  v.push_back({x86_64 ? "rip" : "eip", K::Pc, 0, w, "code_ptr", "", "core"});
  v.push_back({"eflags", K::Flags, 0, 4, "int32", "", "core"});
  // GDB's numbering of CS..GS against ours (ES, CS, SS, DS, FS, GS).
  static constexpr const char* kSeg[6] = {"cs", "ss", "ds", "es", "fs", "gs"};
  static constexpr u8 kSegIndex[6] = {CS, SS, DS, ES, FS, GS};
  for (unsigned i = 0; i < 6; ++i) v.push_back({kSeg[i], K::Seg, kSegIndex[i], 4, "int32", "", "core"});
  static constexpr const char* kSt[8] = {"st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7"};
  for (unsigned i = 0; i < 8; ++i) v.push_back({kSt[i], K::St, i, 10, "i387_ext", "", "core"});
  static constexpr const char* kFpu[8] = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};
  for (unsigned i = 0; i < 8; ++i) v.push_back({kFpu[i], K::Fpu, i, 4, "int", "float", "core"});
  static constexpr const char* kXmm[16] = {"xmm0", "xmm1", "xmm2",  "xmm3",  "xmm4",  "xmm5",  "xmm6",  "xmm7",
                                           "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"};
  for (unsigned i = 0; i < (x86_64 ? 16u : 8u); ++i) v.push_back({kXmm[i], K::Xmm, i, 16, "vec128", "", "sse"});
  v.push_back({"mxcsr", K::Mxcsr, 0, 4, "i386_mxcsr", "vector", "sse"});
  if (x86_64) {
    v.push_back({"fs_base", K::SegBase, FS, 8, "int64", "", "segments"});
    v.push_back({"gs_base", K::SegBase, GS, 8, "int64", "", "segments"});
  }
  for (unsigned n : {0u, 2u, 3u, 4u}) {
    static constexpr const char* kCr[5] = {"cr0", "", "cr2", "cr3", "cr4"};
    v.push_back({kCr[n], K::Cr, n, w, x86_64 ? "int64" : "int32", "system", "system"});
  }
  if (x86_64) v.push_back({"cr8", K::Cr, 8, 8, "int64", "system", "system"});
  v.push_back({"efer", K::Efer, 0, 8, "int64", "system", "system"});
  // IA32_KERNEL_GS_BASE, which SWAPGS exchanges with GS.base (QEMU's name).
  if (x86_64) v.push_back({"k_gs_base", K::KernelGsBase, 0, 8, "int64", "system", "system"});
  return v;
}

std::pair<std::string, u16> GdbStub::parse_spec(const std::string& spec) {
  if (!spec.starts_with("tcp:")) throw std::invalid_argument(fmt::format("-gdb {}: expected tcp::PORT or tcp:HOST:PORT", spec));
  const std::string rest = spec.substr(4);
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument(fmt::format("-gdb {}: expected tcp::PORT or tcp:HOST:PORT", spec));
  std::string host = rest.substr(0, colon);
  u64 p = 0;
  const std::string ps = rest.substr(colon + 1);
  if (ps.empty() || ps.size() > 5 || ps.find_first_not_of("0123456789") != std::string::npos || (p = std::stoul(ps)) == 0 || p > 65535) {
    throw std::invalid_argument(fmt::format("-gdb {}: the port must be 1-65535", spec));
  }
  if (host.empty()) host = "127.0.0.1";  // loopback unless told otherwise
  return {host, static_cast<u16>(p)};
}

GdbStub::GdbStub(Machine& m, Debugger& d, const std::string& host, u16 port, bool attach_on_connect)
    : m_(m), d_(d), regs_(layout(m.cpu().model().long_mode)), attach_on_connect_(attach_on_connect) {
  if (attach_on_connect_) d_.set_attached(false);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) throw std::runtime_error(fmt::format("-gdb: '{}' is not an IPv4 address", host));
  listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_ < 0) throw std::runtime_error(fmt::format("-gdb: socket: {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 1) != 0) {
    const int e = errno;
    ::close(listen_);
    throw std::runtime_error(fmt::format("-gdb: cannot listen on {}:{}: {}", host, port, std::strerror(e)));
  }
  fmt::print(stderr, "glassbox: gdbstub listening on {}:{}\n", host, port);
}

GdbStub::~GdbStub() {
  if (client_ >= 0) ::close(client_);
  if (listen_ >= 0) ::close(listen_);
}

void GdbStub::drop_client() {
  if (client_ >= 0 && attach_on_connect_) d_.set_attached(false);
  if (client_ >= 0) ::close(client_);
  client_ = -1;
  no_ack_ = false;
  step_cpu_.reset();
  waiting_for_stop_ = false;
  decoder_ = RspDecoder{};
}

bool GdbStub::wait_for_client(const std::atomic<bool>* stop) {
  while (client_ < 0) {
    if (stop && stop->load()) return false;
    pollfd p{listen_, POLLIN, 0};
    if (::poll(&p, 1, 200) > 0) poll();
  }
  d_.cancel_break();  // already stopped: the attach needs no further stop
  return true;
}

void GdbStub::poll() {
  if (client_ < 0) {
    pollfd p{listen_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return;
    client_ = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client_ < 0) return;
    const int one = 1;
    ::setsockopt(client_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (attach_on_connect_) d_.set_attached(true);
    d_.request_break();  // gdb expects a stopped target when it attaches
    return;
  }
  pollfd p{client_, POLLIN, 0};
  if (::poll(&p, 1, 0) <= 0) return;
  u8 buf[512];
  const ssize_t n = ::recv(client_, buf, sizeof buf, 0);
  if (n <= 0) {
    drop_client();
    return;
  }
  for (const auto& e : decoder_.feed(buf, static_cast<size_t>(n))) {
    // While running only the interrupt byte matters; gdb sends nothing else.
    if (e.kind == RspDecoder::Event::Kind::Interrupt) {
      waiting_for_stop_ = true;
      d_.request_break();
    }
  }
}

void GdbStub::send_raw(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size() && client_ >= 0) {
    const ssize_t n = ::send(client_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      drop_client();
      return;
    }
    done += static_cast<size_t>(n);
  }
}

void GdbStub::send_packet(const std::string& payload) {
  last_sent_ = rsp_frame(payload);
  send_raw(last_sent_);
}

std::string GdbStub::stop_reply() const {
  // The thread is the processor that stopped, which the debugger made current.
  const unsigned thread = d_.current_cpu() + 1;
  const auto w = d_.stop_watch();
  if (!w) return fmt::format("T05thread:{:02x};", thread);
  const char* kind = w->first == Watchpoint::kWrite ? "watch" : w->first == Watchpoint::kRead ? "rwatch" : "awatch";
  return fmt::format("T05{}:{:x};thread:{:02x};", kind, w->second, thread);
}

std::optional<unsigned> GdbStub::thread_cpu(const std::string& id) const {
  const auto n = hex_number(id);
  if (!n || *n == 0 || *n > m_.cpu_count()) return std::nullopt;
  return static_cast<unsigned>(*n - 1);
}

void GdbStub::resume_all(bool step, std::optional<unsigned> cpu) {
  if (!step) {
    d_.resume_continue();
  } else {
    d_.resume_step(cpu.value_or(d_.current_cpu()));
  }
}

GdbStub::Next GdbStub::serve_stop(const std::atomic<bool>* stop) {
  if (waiting_for_stop_) {
    send_packet(stop_reply());
    waiting_for_stop_ = false;
  }
  while (client_ >= 0) {
    // Waits in steps, so a signal ends the run while gdb holds the CPU.
    if (stop && stop->load()) return Next::Quit;
    pollfd p{client_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;  // nothing yet, or EINTR
    u8 buf[4096];
    const ssize_t n = ::recv(client_, buf, sizeof buf, 0);
    if (n <= 0) {
      drop_client();
      break;
    }
    for (const auto& e : decoder_.feed(buf, static_cast<size_t>(n))) {
      switch (e.kind) {
        case RspDecoder::Event::Kind::Ack:
        case RspDecoder::Event::Kind::Interrupt: break;  // already stopped
        case RspDecoder::Event::Kind::Nak:
          if (!last_sent_.empty()) send_raw(last_sent_);
          break;
        case RspDecoder::Event::Kind::Bad:
          if (!no_ack_) send_raw("-");  // ask for a retransmission
          break;
        case RspDecoder::Event::Kind::Packet: {
          if (!no_ack_) send_raw("+");
          bool resume = false, quit = false;
          const std::string reply = handle(e.payload, resume, quit);
          if (quit) return Next::Quit;
          if (resume) {
            waiting_for_stop_ = true;
            return Next::Resume;
          }
          send_packet(reply);
          if (e.payload == "QStartNoAckMode") no_ack_ = true;
          if (e.payload == "D" || e.payload.starts_with("D;")) {
            drop_client();
            return Next::Resume;
          }
          break;
        }
      }
    }
  }
  d_.resume_continue();  // the client went away: the guest runs on
  return Next::Resume;
}

std::string GdbStub::handle(const std::string& p, bool& resume, bool& quit) {
  if (p == "?") return stop_reply();
  if (p.starts_with("qSupported")) return fmt::format("PacketSize={:x};qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+", RspDecoder::kMaxPayload);
  if (p == "QStartNoAckMode") return "OK";  // acks stop after this reply
  if (p.starts_with("qXfer:features:read:target.xml:")) {
    const std::string range = p.substr(std::strlen("qXfer:features:read:target.xml:"));
    const size_t comma = range.find(',');
    const auto off = hex_number(range.substr(0, comma)), len = comma == std::string::npos ? std::nullopt : hex_number(range.substr(comma + 1));
    if (!off || !len) return "E01";
    const std::string xml = target_xml();
    if (*off >= xml.size()) return "l";
    const std::string part = xml.substr(*off, *len);
    return (*off + part.size() >= xml.size() ? "l" : "m") + part;
  }
  if (p == "qAttached") return "1";
  // Threads: one per processor, thread ID = index + 1 (QEMU's convention),
  // in hex. The general thread (Hg: registers, memory through its paging)
  // is the debugger's current CPU, which a stop makes the one that stopped
  // (gdb assumes so after a stop reply naming it).
  if (p == "qC") return fmt::format("QC{:02x}", d_.current_cpu() + 1);
  if (p == "qfThreadInfo") {
    std::string out = "m";
    for (unsigned i = 0; i < m_.cpu_count(); ++i) out += fmt::format("{}{:02x}", i ? "," : "", i + 1);
    return out;
  }
  if (p == "qsThreadInfo") return "l";
  if (p.starts_with("qThreadExtraInfo,")) {
    const auto cpu = thread_cpu(p.substr(std::strlen("qThreadExtraInfo,")));
    if (!cpu) return "E01";
    const std::string text = fmt::format("CPU#{} [{}]", *cpu, Debugger::run_state(m_.processor(*cpu).cpu.state()));
    return to_hex(reinterpret_cast<const u8*>(text.data()), text.size());
  }
  if (p.starts_with("qSymbol")) return "OK";
  if (p.size() >= 2 && p[0] == 'H' && (p[1] == 'g' || p[1] == 'c')) {
    // 0 is any thread and -1 all of them: the selection stays.
    const std::string id = p.substr(2);
    std::optional<unsigned> cpu;
    if (id != "0" && id != "-1" && !(cpu = thread_cpu(id))) return "E01";
    if (p[1] == 'g') {
      if (cpu) d_.select_cpu(*cpu);
    } else {
      step_cpu_ = cpu;
    }
    return "OK";
  }
  if (p.starts_with("H")) return "OK";
  if (p[0] == 'T') return thread_cpu(p.substr(1)) ? "OK" : "E01";  // alive: every processor is
  if (p == "vCont?") return "vCont;c;C;s;S";
  if (p.starts_with("vCont;")) {
    // vCont;ACTION[:THREAD]...: the first action naming a step (s/S; a
    // signal is ignored) steps that thread, or the current one; the
    // others (c) run their share meanwhile, as with any step here. Only c
    // continues everything.
    bool step = false;
    std::optional<unsigned> cpu;
    size_t at = 5;
    while (at < p.size() && p[at] == ';') {
      const size_t end = p.find(';', at + 1);
      const std::string action = p.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
      at = end == std::string::npos ? p.size() : end;
      if (action.empty()) return "E01";
      const char a = action[0];
      if (a != 'c' && a != 'C' && a != 's' && a != 'S') return "E01";
      const size_t colon = action.find(':');
      std::optional<unsigned> thread;
      if (colon != std::string::npos) {
        const std::string id = action.substr(colon + 1);
        if (id != "-1" && id != "0" && !(thread = thread_cpu(id))) return "E01";
      }
      if ((a == 's' || a == 'S') && !step) {
        step = true;
        cpu = thread;
      }
    }
    resume_all(step, cpu);
    resume = true;
    return "";
  }
  if (p == "g") return read_registers();
  if (p[0] == 'p') {
    const auto n = hex_number(p.substr(1));
    if (!n || *n >= regs_.size()) return "E01";
    return read_register(static_cast<unsigned>(*n));
  }
  if (p[0] == 'P') {
    const size_t eq = p.find('=');
    const auto n = eq == std::string::npos ? std::nullopt : hex_number(p.substr(1, eq - 1));
    const auto v = eq == std::string::npos ? std::nullopt : from_hex(p.substr(eq + 1));
    if (!n || !v || *n >= regs_.size() || !write_register(static_cast<unsigned>(*n), *v)) return "E01";
    return "OK";
  }
  if (p[0] == 'G') {
    const auto v = from_hex(p.substr(1));
    // At least the GPRs, the PC, EFLAGS and the selectors.
    size_t core = 0;
    for (const Reg& r : regs_) {
      if (r.kind == Reg::Kind::St) break;
      core += r.bytes;
    }
    if (!v || v->size() < core) return "E01";
    // The GPRs, EIP/RIP, EFLAGS, and (when the packet reaches them) the XMM
    // registers and MXCSR; the other registers are not written.
    size_t at = 0;
    for (unsigned i = 0; i < regs_.size() && at + regs_[i].bytes <= v->size(); at += regs_[i].bytes, ++i) {
      const Reg::Kind k = regs_[i].kind;
      if (k == Reg::Kind::Gpr || k == Reg::Kind::Pc || k == Reg::Kind::Flags || k == Reg::Kind::Xmm || k == Reg::Kind::Mxcsr) {
        write_register(i, std::vector<u8>(v->begin() + static_cast<std::ptrdiff_t>(at),
                                          v->begin() + static_cast<std::ptrdiff_t>(at + regs_[i].bytes)));
      }
    }
    return "OK";
  }
  if (p[0] == 'm' || p[0] == 'M') {
    const size_t comma = p.find(','), colon = p.find(':');
    const auto addr = comma == std::string::npos ? std::nullopt : hex_number(p.substr(1, comma - 1));
    const auto len = comma == std::string::npos ? std::nullopt
                                                : hex_number(p.substr(comma + 1, colon == std::string::npos ? std::string::npos : colon - comma - 1));
    if (!addr || !len || *addr > max_address() || *len > RspDecoder::kMaxPayload / 2) return "E01";
    if (p[0] == 'm') {
      const auto bytes = d_.target().read_linear(*addr, static_cast<unsigned>(*len));
      std::string out;
      for (const auto& b : bytes) {
        if (!b) break;  // a partial read ends at the first unreadable byte
        out += fmt::format("{:02x}", *b);
      }
      return out.empty() && *len ? "E14" : out;
    }
    if (colon == std::string::npos) return "E01";
    const auto data = from_hex(p.substr(colon + 1));
    if (!data || data->size() != *len) return "E01";
    for (size_t i = 0; i < data->size(); ++i) {
      if (!d_.target().write_linear(*addr + i, (*data)[i])) return "E14";
    }
    return "OK";
  }
  if (p[0] == 'Z' || p[0] == 'z') {
    // Z0 (software) and Z1 (hardware) breakpoints: the debugger's own
    // breakpoints by linear address; guest memory is not patched. Z2/Z3/Z4
    // (write/read/access watchpoints, KIND = length in bytes): the
    // debugger's watchpoints on linear memory.
    if (p.size() < 3 || p[1] < '0' || p[1] > '4' || p[2] != ',') return "";
    const size_t comma = p.find(',', 3);
    if (comma == std::string::npos) return "E01";
    const auto addr = hex_number(p.substr(3, comma - 3));
    const size_t semi = p.find(';', comma + 1);  // conditions (;X...) are not supported: ignored
    const auto kind = hex_number(p.substr(comma + 1, semi == std::string::npos ? std::string::npos : semi - comma - 1));
    if (!addr || *addr > max_address() || !kind) return "E01";
    const u64 lin = *addr;
    if (p[1] == '0' || p[1] == '1') {
      if (p[0] == 'Z') {
        d_.add_linear_break(lin);
      } else if (!d_.remove_linear_break(lin)) {
        return "E01";
      }
      return "OK";
    }
    static constexpr Watchpoint::Access kAccess[] = {Watchpoint::kWrite, Watchpoint::kRead, Watchpoint::kReadWrite};
    const Watchpoint::Access access = kAccess[p[1] - '2'];
    if (*kind == 0 || *kind > 0xFFFF'FFFFu) return "E01";
    const u32 len = static_cast<u32>(*kind);
    if (p[0] == 'z') return d_.remove_linear_watch(access, lin, len) ? "OK" : "E01";
    try {
      d_.add_linear_watch(access, lin, len);
    } catch (const std::invalid_argument&) {
      return "E01";
    }
    return "OK";
  }
  if (p[0] == 'c' || p[0] == 's') {
    if (p.size() > 1) {
      const auto addr = hex_number(p.substr(1));
      if (!addr || *addr > max_address()) return "E01";
      d_.cpu().state().rip = *addr;
    }
    // s steps the thread Hc selected (the current one for 0 or -1).
    resume_all(p[0] == 's', step_cpu_);
    resume = true;
    return "";
  }
  if (p == "D" || p.starts_with("D;")) {
    d_.resume_continue();
    return "OK";
  }
  if (p == "k" || p.starts_with("vKill")) {
    quit = true;
    return "OK";
  }
  return "";  // unsupported: the empty reply
}

u64 GdbStub::max_address() const { return d_.cpu().model().long_mode ? ~u64{0} : 0xFFFF'FFFFu; }

std::string GdbStub::read_register(unsigned n) const {
  const Cpu& cpu = d_.cpu();
  const CpuState& s = cpu.state();
  const FpuState& f = s.fpu;
  const Reg& r = regs_[n];
  switch (r.kind) {
    case Reg::Kind::Gpr: return le_hex(s.gpr[r.index], r.bytes);
    case Reg::Kind::Pc: return le_hex(s.rip, r.bytes);
    case Reg::Kind::Flags: return le_hex(s.eflags(), 4);
    case Reg::Kind::Seg: return le_hex(s.seg[r.index].selector, 4);
    case Reg::Kind::St: {
      const fpu::Float80& st = f.st(r.index);
      return le_hex(st.sig, 8) + le_hex(st.se, 2);
    }
    case Reg::Kind::Fpu: {
      const u64 fpu[8] = {f.fcw, f.fsw, f.tag_word(), f.fcs, f.fip, f.fds, f.fdp, f.fop};
      return le_hex(fpu[r.index], 4);
    }
    case Reg::Kind::Xmm: return to_hex(f.xmm[r.index].b.data(), 16);
    case Reg::Kind::Mxcsr: return le_hex(f.mxcsr, 4);
    case Reg::Kind::SegBase: return le_hex(s.seg[r.index].base, 8);
    case Reg::Kind::Cr: {
      const u64 cr = r.index == 0 ? s.cr0 : r.index == 2 ? s.cr2 : r.index == 3 ? s.cr3 : r.index == 4 ? s.cr4 : cpu.cr8();
      return le_hex(cr, r.bytes);
    }
    case Reg::Kind::Efer: return le_hex(s.efer, 8);
    case Reg::Kind::KernelGsBase: return le_hex(s.msr.kernel_gs_base, 8);
  }
  return "";
}

std::string GdbStub::read_registers() const {
  std::string out;
  for (unsigned i = 0; i < regs_.size(); ++i) out += read_register(i);
  return out;
}

bool GdbStub::write_register(unsigned n, const std::vector<u8>& v) {
  CpuState& s = d_.cpu().state();
  const bool sse = d_.cpu().model().has(Isa::Sse);
  const Reg& r = regs_[n];
  if (v.size() != r.bytes) return false;
  const u64 x = le_bytes(v);
  switch (r.kind) {
    case Reg::Kind::Xmm:
      if (!sse) return false;
      std::copy(v.begin(), v.end(), s.fpu.xmm[r.index].b.begin());
      return true;
    case Reg::Kind::Mxcsr:
      // LDMXCSR's rule: no bit outside the model's MXCSR_MASK (SDM Vol. 2 LDMXCSR).
      if (!sse || (x & ~u64{d_.cpu().model().mxcsr_mask})) return false;
      s.fpu.mxcsr = static_cast<u32>(x);
      return true;
    case Reg::Kind::Gpr: s.gpr[r.index] = x; return true;
    case Reg::Kind::Pc: s.rip = x; return true;
    case Reg::Kind::Flags: d_.cpu().write_eflags(static_cast<u32>(x), 0xFFFF'FFFFu); return true;
    // Segment loads are not offered: only the value the register holds.
    case Reg::Kind::Seg: return s.seg[r.index].selector == (x & 0xFFFF);
    default: return false;  // x87 and system registers are read-only here
  }
}

std::string GdbStub::target_xml() const {
  // GDB's i386 features (core: GPRs, EIP/RIP, EFLAGS, segments, x87; sse:
  // XMM, MXCSR; 64-bit: segments with fs_base/gs_base) and a Glassbox
  // feature with the control registers and EFER.
  const bool x86_64 = regs_.front().bytes == 8;
  std::string x = fmt::format(R"(<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target version="1.0">)"
                              R"(<architecture>{}</architecture>)",
                              x86_64 ? "i386:x86-64" : "i386");
  std::string feature;
  for (unsigned i = 0; i < regs_.size(); ++i) {
    const Reg& r = regs_[i];
    if (r.feature != feature) {
      if (!feature.empty()) x += "</feature>";
      feature = r.feature;
      if (feature == "system") {
        x += R"(<feature name="org.glassbox.i386.system">)";
      } else {
        x += fmt::format(R"(<feature name="org.gnu.gdb.i386.{}">)", feature);
      }
      if (feature == "sse") {
        // GDB's vec128 union and MXCSR flags, so that $xmm0.v4_float,
        // $xmm0.uint128 and the MXCSR fields print by name.
        x += R"(<vector id="v4f" type="ieee_single" count="4"/><vector id="v2d" type="ieee_double" count="2"/>)"
             R"(<vector id="v16i8" type="int8" count="16"/><vector id="v8i16" type="int16" count="8"/>)"
             R"(<vector id="v4i32" type="int32" count="4"/><vector id="v2i64" type="int64" count="2"/>)"
             R"(<union id="vec128"><field name="v4_float" type="v4f"/><field name="v2_double" type="v2d"/>)"
             R"(<field name="v16_int8" type="v16i8"/><field name="v8_int16" type="v8i16"/>)"
             R"(<field name="v4_int32" type="v4i32"/><field name="v2_int64" type="v2i64"/>)"
             R"(<field name="uint128" type="uint128"/></union><flags id="i386_mxcsr" size="4">)";
        static constexpr const char* kMxcsrBits[14] = {"IE", "DE", "ZE", "OE", "UE", "PE", "DAZ",
                                                       "IM", "DM", "ZM", "OM", "UM", "PM", "FZ"};
        for (unsigned b = 0; b < 14; ++b) {
          const unsigned bit = b == 13 ? 15 : b;
          x += fmt::format(R"(<field name="{}" start="{}" end="{}"/>)", kMxcsrBits[b], bit, bit);
        }
        x += "</flags>";
      }
    }
    x += fmt::format(R"(<reg name="{}" bitsize="{}" type="{}"{} regnum="{}"/>)", r.name, r.bytes * 8, r.type,
                     *r.group ? fmt::format(R"( group="{}")", r.group) : "", i);
  }
  x += "</feature></target>";
  return x;
}

}  // namespace gb
