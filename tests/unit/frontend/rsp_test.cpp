// gb::RspDecoder and the RSP helpers (frontend/gdbstub/rsp.hpp).
#include <catch2/catch.hpp>

#include <string>

#include "frontend/gdbstub/rsp.hpp"

using namespace gb;
using Kind = RspDecoder::Event::Kind;

namespace {
std::vector<RspDecoder::Event> feed(RspDecoder& d, const std::string& s) {
  return d.feed(reinterpret_cast<const u8*>(s.data()), s.size());
}
}  // namespace

TEST_CASE("RSP: framing with checksums and escapes", "[frontend][rsp]") {
  CHECK(rsp_frame("OK") == "$OK#9a");
  CHECK(rsp_frame("") == "$#00");
  CHECK(rsp_frame("a#b") == std::string("$a}\x03" "b#43"));  // '#' ^ 20h = 03h; the sum covers the escaped bytes
  RspDecoder d;
  auto ev = feed(d, "+$g#67");
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].kind == Kind::Ack);
  CHECK(ev[1].kind == Kind::Packet);
  CHECK(ev[1].payload == "g");
  ev = feed(d, rsp_frame("x}y$z"));  // escapes round-trip
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].payload == "x}y$z");
}

TEST_CASE("RSP: bad input is reported and the stream recovers", "[frontend][rsp]") {
  RspDecoder d;
  auto ev = feed(d, "$g#00");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::Bad);
  ev = feed(d, "$g#zz");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::Bad);
  ev = feed(d, "$qSupp$?#3f");  // truncated, then whole
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].kind == Kind::Bad);
  CHECK(ev[1].payload == "?");
  ev = feed(d, rsp_frame(std::string(RspDecoder::kMaxPayload + 10, 'a')));
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::Bad);
  CHECK(ev[0].payload == "packet too long");
  // Split across reads, with line noise and an interrupt in between.
  ev = feed(d, "noise\x03$m0,");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == Kind::Interrupt);
  ev = feed(d, "4#fd");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].payload == "m0,4");
}

TEST_CASE("RSP: hex helpers", "[frontend][rsp]") {
  const u8 b[] = {0x00, 0xAB, 0x7F};
  CHECK(to_hex(b, 3) == "00ab7f");
  CHECK(from_hex("00ab7f") == std::vector<u8>{0x00, 0xAB, 0x7F});
  CHECK_FALSE(from_hex("abc").has_value());
  CHECK_FALSE(from_hex("zz").has_value());
  CHECK(le_hex(0x12345678, 4) == "78563412");
}
