#include "frontend/gdbstub/rsp.hpp"

#include <fmt/format.h>

namespace gb {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::vector<RspDecoder::Event> RspDecoder::feed(const u8* data, size_t n) {
  std::vector<Event> out;
  for (size_t i = 0; i < n; ++i) {
    const u8 c = data[i];
    switch (state_) {
      case State::Idle:
        if (c == '$') {
          state_ = State::Payload;
          payload_.clear();
          sum_ = 0;
          overlong_ = false;
        } else if (c == 0x03) {
          out.push_back({Event::Kind::Interrupt, ""});
        } else if (c == '+') {
          out.push_back({Event::Kind::Ack, ""});
        } else if (c == '-') {
          out.push_back({Event::Kind::Nak, ""});
        }
        break;
      case State::Payload:
      case State::Escape:
        if (c == '#' && state_ == State::Payload) {
          state_ = State::Sum1;
          break;
        }
        if (c == '$') {  // a new packet before this one ended: restart (truncated packet)
          out.push_back({Event::Kind::Bad, "truncated packet"});
          payload_.clear();
          sum_ = 0;
          overlong_ = false;
          state_ = State::Payload;
          break;
        }
        sum_ = static_cast<u8>(sum_ + c);
        if (state_ == State::Escape) {
          state_ = State::Payload;
          if (!overlong_) payload_ += static_cast<char>(c ^ 0x20);
        } else if (c == '}') {
          state_ = State::Escape;
        } else if (!overlong_) {
          payload_ += static_cast<char>(c);
        }
        if (payload_.size() > kMaxPayload) {
          overlong_ = true;
          payload_.clear();
        }
        break;
      case State::Sum1: {
        const int d = hex_digit(static_cast<char>(c));
        got_ = static_cast<u8>(d < 0 ? 0 : d << 4);
        state_ = d < 0 ? State::Idle : State::Sum2;
        if (d < 0) out.push_back({Event::Kind::Bad, "bad checksum digit"});
        break;
      }
      case State::Sum2: {
        const int d = hex_digit(static_cast<char>(c));
        state_ = State::Idle;
        if (d < 0) {
          out.push_back({Event::Kind::Bad, "bad checksum digit"});
        } else if (static_cast<u8>(got_ | d) != sum_) {
          out.push_back({Event::Kind::Bad, "checksum mismatch"});
        } else if (overlong_) {
          out.push_back({Event::Kind::Bad, "packet too long"});
        } else {
          out.push_back({Event::Kind::Packet, payload_});
        }
        break;
      }
    }
  }
  return out;
}

std::string rsp_frame(const std::string& payload) {
  std::string body;
  u8 sum = 0;
  for (const char ch : payload) {
    if (ch == '$' || ch == '#' || ch == '}' || ch == '*') {
      body += '}';
      body += static_cast<char>(ch ^ 0x20);
    } else {
      body += ch;
    }
  }
  for (const char ch : body) sum = static_cast<u8>(sum + static_cast<u8>(ch));
  return fmt::format("${}#{:02x}", body, sum);
}

std::string to_hex(const u8* data, size_t n) {
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) s += fmt::format("{:02x}", data[i]);
  return s;
}

std::optional<std::vector<u8>> from_hex(const std::string& s) {
  if (s.size() % 2) return std::nullopt;
  std::vector<u8> out;
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<u8>(hi << 4 | lo));
  }
  return out;
}

std::string le_hex(u64 v, unsigned bytes) {
  std::string s;
  for (unsigned i = 0; i < bytes; ++i) s += fmt::format("{:02x}", (v >> (8 * i)) & 0xFF);
  return s;
}

}  // namespace gb
