// Hardware breakpoints: DR0-DR3 addresses, DR7 enables/types/lengths, DR6
// status (SDM Vol. 3A 17.2, 17.3).
#include "cpu/cpu.hpp"

namespace gb {

namespace {
unsigned rw_bits(u32 dr7, unsigned i) { return (dr7 >> (16 + 4 * i)) & 3; }
unsigned len_bytes(u32 dr7, unsigned i) {
  static constexpr unsigned kLen[4] = {1, 2, 8, 4};
  return kLen[(dr7 >> (18 + 4 * i)) & 3];
}
bool enabled(u32 dr7, unsigned i) { return (dr7 >> (2 * i)) & 3; }
}  // namespace

void Cpu::update_breakpoints() {
  end_block();
  const u32 dr7 = s_.dr[7];
  code_bp_ = dr_data_bp_ = io_bp_ = false;
  for (unsigned i = 0; i < 4; ++i) {
    if (!enabled(dr7, i)) continue;
    const unsigned rw = rw_bits(dr7, i);
    if (rw == 0) code_bp_ = true;
    if (rw == 1 || rw == 3) dr_data_bp_ = true;
    // R/W = 10b is an I/O breakpoint with CR4.DE set, undefined without it
    // (SDM Vol. 3A 17.2.4): no breakpoint then.
    if (rw == 2 && (s_.cr4 & kCr4De)) io_bp_ = true;
  }
  data_bp_ = dr_data_bp_ || watching_;
  update_fast_sets();
}

u32 Cpu::code_bp_hits(u64 lin) const {
  const u32 dr7 = s_.dr[7];
  u32 hits = 0;
  for (unsigned i = 0; i < 4; ++i) {
    if (enabled(dr7, i) && rw_bits(dr7, i) == 0 && s_.dr[i] == lin) hits |= 1u << i;
  }
  return hits;
}

void Cpu::check_data_bp(u64 lin, unsigned size, bool write) {
#if GB_OBSERVER
  if (watching_ && observer_ && observer_->on_access(*this, lin, size, write)) access_hit_ = true;
#endif
  if (!dr_data_bp_) return;
  const u32 dr7 = s_.dr[7];
  for (unsigned i = 0; i < 4; ++i) {
    const unsigned rw = rw_bits(dr7, i);
    if (!enabled(dr7, i) || (rw != 3 && !(rw == 1 && write))) continue;
    // The breakpoint covers LEN bytes at DR[i] aligned down to LEN.
    const unsigned len = len_bytes(dr7, i);
    const u64 start = s_.dr[i] & ~u64{len - 1};
    if (lin + size - 1 >= start && lin <= start + len - 1) pending_db_ |= 1u << i;
  }
}

void Cpu::check_io_bp(u16 port, unsigned size) {
  // An I/O breakpoint covers LEN ports at DR[i] aligned down to LEN, and
  // fires on IN, OUT, INS and OUTS alike (SDM Vol. 3A 17.2.5, 17.3.1.2).
  const u32 dr7 = s_.dr[7];
  for (unsigned i = 0; i < 4; ++i) {
    if (!enabled(dr7, i) || rw_bits(dr7, i) != 2) continue;
    const unsigned len = len_bytes(dr7, i);
    const u32 start = (s_.dr[i] & 0xFFFF) & ~(len - 1);
    if (u32{port} + size - 1 >= start && port <= start + len - 1) pending_db_ |= 1u << i;
  }
}

}  // namespace gb
