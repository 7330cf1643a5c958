// GDB Remote Serial Protocol framing ("Debugging with GDB", appendix E.1,
// Overview): $payload#cc with a modulo-256 checksum, '}' escapes (the byte
// XOR 20h), '+'/'-' acknowledgements, and the 03h interrupt byte.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

class RspDecoder {
 public:
  /// The largest payload accepted (qSupported announces it); a longer one is
  /// dropped and NAKed.
  static constexpr size_t kMaxPayload = 16384;

  struct Event {
    enum class Kind { Packet, Interrupt, Ack, Nak, Bad } kind;
    std::string payload;  ///< Packet: unescaped payload; Bad: why
  };

  /// Feeds received bytes; returns the events they complete, in order. Bytes
  /// outside a packet other than '+', '-' and 03h are ignored (line noise).
  std::vector<Event> feed(const u8* data, size_t n);

 private:
  enum class State { Idle, Payload, Escape, Sum1, Sum2 } state_ = State::Idle;
  std::string payload_;
  u8 sum_ = 0;
  u8 got_ = 0;
  bool overlong_ = false;
};

/// Frames `payload` as $...#cc, escaping $, #, } and *.
std::string rsp_frame(const std::string& payload);
/// Hex helpers: bytes to lower-case hex, and back (nullopt on a bad digit
/// or an odd length).
std::string to_hex(const u8* data, size_t n);
std::optional<std::vector<u8>> from_hex(const std::string& s);
/// A little-endian register value of `bytes` bytes as hex (gdb's target
/// byte order for i386).
std::string le_hex(u64 v, unsigned bytes);

}  // namespace gb
