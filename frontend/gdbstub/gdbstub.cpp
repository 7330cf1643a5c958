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

// Register numbers of the target description below (the g packet order).
constexpr unsigned kEip = 8, kEflags = 9, kCs = 10, kSt0 = 16, kFctrl = 24, kXmm0 = 32, kMxcsr = 40, kCr0 = 41,
                   kEfer = 45, kRegCount = 46;
// GDB's numbering of CS..GS against ours (ES, CS, SS, DS, FS, GS).
constexpr SegReg kGdbSeg[6] = {CS, SS, DS, ES, FS, GS};

/// Bytes of register `n` in the g packet.
unsigned reg_size(unsigned n) {
  if (n >= kSt0 && n < kFctrl) return 10;
  if (n >= kXmm0 && n < kMxcsr) return 16;
  return n == kEfer ? 8 : 4;
}

/// An RSP number: hex digits only.
std::optional<u64> hex_number(const std::string& s) { return parse_u64(s, 16); }

}  // namespace

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
    : m_(m), d_(d), attach_on_connect_(attach_on_connect) {
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
  const auto w = d_.stop_watch();
  if (!w) return "T05thread:01;";
  const char* kind = w->first == Watchpoint::kWrite ? "watch" : w->first == Watchpoint::kRead ? "rwatch" : "awatch";
  return fmt::format("T05{}:{:x};thread:01;", kind, w->second);
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
  if (p == "qC") return "QC01";
  if (p == "qfThreadInfo") return "m01";
  if (p == "qsThreadInfo") return "l";
  if (p.starts_with("qSymbol")) return "OK";
  if (p.starts_with("H")) return "OK";
  if (p.starts_with("T")) return "OK";  // thread 1 is alive
  if (p == "g") return read_registers();
  if (p[0] == 'p') {
    const auto n = hex_number(p.substr(1));
    if (!n || *n >= kRegCount) return "E01";
    return read_register(static_cast<unsigned>(*n));
  }
  if (p[0] == 'P') {
    const size_t eq = p.find('=');
    const auto n = eq == std::string::npos ? std::nullopt : hex_number(p.substr(1, eq - 1));
    const auto v = eq == std::string::npos ? std::nullopt : from_hex(p.substr(eq + 1));
    if (!n || !v || !write_register(static_cast<unsigned>(*n), *v)) return "E01";
    return "OK";
  }
  if (p[0] == 'G') {
    const auto v = from_hex(p.substr(1));
    if (!v || v->size() < 16 * 4) return "E01";
    // The GPRs, EIP, EFLAGS, and (when the packet reaches them) XMM0-7 and
    // MXCSR; the other registers are not written.
    size_t at = 0;
    for (unsigned i = 0; i < kRegCount && at + reg_size(i) <= v->size(); at += reg_size(i), ++i) {
      if (i < 10 || (i >= kXmm0 && i <= kMxcsr)) {
        write_register(i, std::vector<u8>(v->begin() + static_cast<std::ptrdiff_t>(at),
                                          v->begin() + static_cast<std::ptrdiff_t>(at + reg_size(i))));
      }
    }
    return "OK";
  }
  if (p[0] == 'm' || p[0] == 'M') {
    const size_t comma = p.find(','), colon = p.find(':');
    const auto addr = comma == std::string::npos ? std::nullopt : hex_number(p.substr(1, comma - 1));
    const auto len = comma == std::string::npos ? std::nullopt
                                                : hex_number(p.substr(comma + 1, colon == std::string::npos ? std::string::npos : colon - comma - 1));
    if (!addr || !len || *addr > 0xFFFF'FFFFu || *len > RspDecoder::kMaxPayload / 2) return "E01";
    if (p[0] == 'm') {
      const auto bytes = d_.target().read_linear(static_cast<u32>(*addr), static_cast<unsigned>(*len));
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
      if (!d_.target().write_linear(static_cast<u32>(*addr + i), (*data)[i])) return "E14";
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
    if (!addr || *addr > 0xFFFF'FFFFu || !kind) return "E01";
    const u32 lin = static_cast<u32>(*addr);
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
      if (!addr) return "E01";
      m_.cpu().state().rip = static_cast<u32>(*addr);
    }
    if (p[0] == 'c') {
      d_.resume_continue();
    } else {
      d_.resume_step();
    }
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

std::string GdbStub::read_register(unsigned n) const {
  const CpuState& s = m_.cpu().state();
  const FpuState& f = s.fpu;
  if (n < 8) return le_hex(s.gpr[n], 4);
  if (n == kEip) return le_hex(s.rip, 4);
  if (n == kEflags) return le_hex(s.eflags(), 4);
  if (n < kSt0) return le_hex(s.seg[kGdbSeg[n - kCs]].selector, 4);
  if (n < kFctrl) {
    const fpu::Float80& r = f.st(n - kSt0);
    return le_hex(r.sig, 8) + le_hex(r.se, 2);
  }
  switch (n) {
    case kFctrl: return le_hex(f.fcw, 4);
    case kFctrl + 1: return le_hex(f.fsw, 4);
    case kFctrl + 2: return le_hex(f.tag_word(), 4);
    case kFctrl + 3: return le_hex(f.fcs, 4);
    case kFctrl + 4: return le_hex(f.fip, 4);
    case kFctrl + 5: return le_hex(f.fds, 4);
    case kFctrl + 6: return le_hex(f.fdp, 4);
    case kFctrl + 7: return le_hex(f.fop, 4);
    default: break;
  }
  if (n < kMxcsr) return to_hex(f.xmm[n - kXmm0].b.data(), 16);
  if (n == kMxcsr) return le_hex(f.mxcsr, 4);
  if (n == kCr0) return le_hex(s.cr0, 4);
  if (n == kCr0 + 1) return le_hex(s.cr2, 4);
  if (n == kCr0 + 2) return le_hex(s.cr3, 4);
  if (n == kCr0 + 3) return le_hex(s.cr4, 4);
  if (n == kEfer) return le_hex(s.efer, 8);
  return "";
}

std::string GdbStub::read_registers() const {
  std::string out;
  for (unsigned i = 0; i < kRegCount; ++i) out += read_register(i);
  return out;
}

bool GdbStub::write_register(unsigned n, const std::vector<u8>& v) {
  CpuState& s = m_.cpu().state();
  const bool sse = m_.cpu().model().has(Isa::Sse);
  if (n >= kXmm0 && n < kMxcsr) {
    if (!sse || v.size() != 16) return false;
    std::copy(v.begin(), v.end(), s.fpu.xmm[n - kXmm0].b.begin());
    return true;
  }
  if (v.size() != 4) return false;
  const u32 x = static_cast<u32>(v[0] | v[1] << 8 | v[2] << 16 | static_cast<u32>(v[3]) << 24);
  if (n == kMxcsr) {
    // LDMXCSR's rule: no bit outside the model's MXCSR_MASK (SDM Vol. 2 LDMXCSR).
    if (!sse || (x & ~m_.cpu().model().mxcsr_mask)) return false;
    s.fpu.mxcsr = x;
    return true;
  }
  if (n < 8) {
    s.gpr[n] = x;
    return true;
  }
  if (n == kEip) {
    s.rip = x;
    return true;
  }
  if (n == kEflags) {
    m_.cpu().write_eflags(x, 0xFFFF'FFFFu);
    return true;
  }
  return n < kSt0 && s.seg[kGdbSeg[n - kCs]].selector == (x & 0xFFFF);  // segment loads are not offered
}

std::string GdbStub::target_xml() const {
  // GDB's i386 features (core: GPRs, EIP, EFLAGS, segments, x87; sse: XMM,
  // MXCSR) and a Glassbox feature with the control registers and EFER.
  std::string x = R"(<?xml version="1.0"?><!DOCTYPE target SYSTEM "gdb-target.dtd"><target version="1.0">)"
                  R"(<architecture>i386</architecture><feature name="org.gnu.gdb.i386.core">)";
  static constexpr const char* kGpr[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
  for (unsigned i = 0; i < 8; ++i) {
    const char* type = i == 4 || i == 5 ? "data_ptr" : "int32";
    x += fmt::format(R"(<reg name="{}" bitsize="32" type="{}" regnum="{}"/>)", kGpr[i], type, i);
  }
  x += R"(<reg name="eip" bitsize="32" type="code_ptr" regnum="8"/><reg name="eflags" bitsize="32" type="int32" regnum="9"/>)";
  static constexpr const char* kSeg[6] = {"cs", "ss", "ds", "es", "fs", "gs"};
  for (unsigned i = 0; i < 6; ++i) x += fmt::format(R"(<reg name="{}" bitsize="32" type="int32" regnum="{}"/>)", kSeg[i], 10 + i);
  for (unsigned i = 0; i < 8; ++i) x += fmt::format(R"(<reg name="st{}" bitsize="80" type="i387_ext" regnum="{}"/>)", i, 16 + i);
  static constexpr const char* kFpu[8] = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};
  for (unsigned i = 0; i < 8; ++i) {
    x += fmt::format(R"(<reg name="{}" bitsize="32" type="int" group="float" regnum="{}"/>)", kFpu[i], 24 + i);
  }
  // The sse feature with GDB's vec128 union and MXCSR flags, so that
  // $xmm0.v4_float, $xmm0.uint128 and the MXCSR fields print by name.
  x += R"(</feature><feature name="org.gnu.gdb.i386.sse">)"
       R"(<vector id="v4f" type="ieee_single" count="4"/><vector id="v2d" type="ieee_double" count="2"/>)"
       R"(<vector id="v16i8" type="int8" count="16"/><vector id="v8i16" type="int16" count="8"/>)"
       R"(<vector id="v4i32" type="int32" count="4"/><vector id="v2i64" type="int64" count="2"/>)"
       R"(<union id="vec128"><field name="v4_float" type="v4f"/><field name="v2_double" type="v2d"/>)"
       R"(<field name="v16_int8" type="v16i8"/><field name="v8_int16" type="v8i16"/>)"
       R"(<field name="v4_int32" type="v4i32"/><field name="v2_int64" type="v2i64"/>)"
       R"(<field name="uint128" type="uint128"/></union><flags id="i386_mxcsr" size="4">)";
  static constexpr const char* kMxcsrBits[14] = {"IE", "DE", "ZE", "OE", "UE", "PE", "DAZ",
                                                 "IM", "DM", "ZM", "OM", "UM", "PM", "FZ"};
  for (unsigned i = 0; i < 14; ++i) {
    const unsigned bit = i == 13 ? 15 : i;
    x += fmt::format(R"(<field name="{}" start="{}" end="{}"/>)", kMxcsrBits[i], bit, bit);
  }
  x += "</flags>";
  for (unsigned i = 0; i < 8; ++i) x += fmt::format(R"(<reg name="xmm{}" bitsize="128" type="vec128" regnum="{}"/>)", i, 32 + i);
  x += R"(<reg name="mxcsr" bitsize="32" type="i386_mxcsr" group="vector" regnum="40"/></feature>)";
  x += R"(<feature name="org.glassbox.i386.system">)"
       R"(<reg name="cr0" bitsize="32" type="int32" group="system" regnum="41"/>)"
       R"(<reg name="cr2" bitsize="32" type="int32" group="system" regnum="42"/>)"
       R"(<reg name="cr3" bitsize="32" type="int32" group="system" regnum="43"/>)"
       R"(<reg name="cr4" bitsize="32" type="int32" group="system" regnum="44"/>)"
       R"(<reg name="efer" bitsize="64" type="int64" group="system" regnum="45"/>)"
       R"(</feature></target>)";
  return x;
}

}  // namespace gb
