// Block execution: decode straight-line code once, then run it without a
// lookup, a TLB probe or a byte comparison per instruction
// (cpu/decode/block_cache.hpp states when a block is valid).
#include "cpu/ops/control.hpp"
#include "cpu/ops/fused.hpp"

namespace gb {

namespace {
/// Unconditional transfers and instructions that never fall through, and
/// those that may move EIP other than through Cpu::jump() (whose taken
/// jumps end the run of a block): a block ends after them.
bool ends_block(const DecodedInsn& d) {
  if (d.exec == op_invalid) return true;
  switch (d.opcode) {
    case 0x9A: case 0xC2: case 0xC3: case 0xCA: case 0xCB: case 0xCC: case 0xCD: case 0xCE: case 0xCF:
    case 0xE8: case 0xE9: case 0xEA: case 0xEB: case 0xF1: case 0xF4:
    case 0x105: case 0x107: case 0x134: case 0x135:  // SYSCALL, SYSRET, SYSENTER, SYSEXIT
    case 0x10B:  // UD2
      return true;
    // REP string instructions stop with EIP back on themselves to take an
    // interrupt between iterations.
    case 0x6C: case 0x6D: case 0x6E: case 0x6F: case 0xA4: case 0xA5: case 0xA6: case 0xA7:
    case 0xAA: case 0xAB: case 0xAC: case 0xAD: case 0xAE: case 0xAF:
      return d.rep != 0;
    case 0xFF: return d.reg() >= 2 && d.reg() <= 5;  // CALL/JMP near and far, indirect
    default: return false;
  }
}

/// JMP rel and CALL rel handlers, and the forms of them that a block
/// follows to their target (the jump does not end the block's run).
struct Followed {
  Handler plain, in_block;
};
constexpr Followed kFollowed[] = {{&ops::jmp_rel, &ops::jmp_rel_in_block},
                                  {&ops::call_rel<u16>, &ops::call_rel<u16, true>},
                                  {&ops::call_rel<u32>, &ops::call_rel<u32, true>},
                                  {&ops::call_rel<u64>, &ops::call_rel<u64, true>}};

/// The followed form of `d`'s handler, or nullptr.
Handler in_block_form(const DecodedInsn& d) {
  for (const Followed& f : kFollowed) {
    if (d.exec == f.plain) return f.in_block;
  }
  return nullptr;
}
/// The plain form of a followed handler; any other handler as it is.
Handler plain_form(Handler h) {
  for (const Followed& f : kFollowed) {
    if (h == f.in_block) return f.plain;
  }
  return h;
}

/// The handler a block runs for record `d`: the decoded one where it is
/// lean (attr::kLean: a fused pair's first instruction is always from such
/// a row, and a followed JMP or CALL rel is as lean as its row), else its
/// form that enters the record first (HandlerRef::entered).
Handler block_form(const DecodedInsn& d, bool fused) {
  if (fused || plain_form(d.exec) != d.exec) return d.exec;
  if (d.exec == &op_invalid) return &entered_form<&op_invalid>;
  const OpcodeRow& r = *d.row;
  for (const HandlerRef* h : {&r.h16, &r.h32, &r.h64, &r.r16, &r.r32, &r.r64, &r.m16, &r.m32, &r.m64, &r.b16, &r.b32, &r.b64}) {
    if (h->plain == d.exec) return (r.attrs & attr::kLean) ? d.exec : h->entered;
  }
  // (Every other handler comes from its row: decode().)
  return &entered_form<&op_invalid>;
}
}  // namespace

[[gnu::noinline]] bool Cpu::build_block(Block& b, u64 lin, const TlbEntry& t) {
  const Segment& cs = s_.seg[CS];
  const u8* page = t.host_read;
  // The last offset an instruction may reach: the CS limit, and for 16-bit
  // code the IP wrap (the 8086 has no limit, only the wrap).
  const CodeSize size = code_size();
  // A full arena: every block goes, and every link with it (a link is
  // trusted on its target's EIP: run_blocks_sized).
  if (blocks_.full()) {
    blocks_.flush();
    links_changed();
  }
  // (64-bit mode has no limit: a block stays in its page.)
  const u64 last_ok = mode64_ ? ~u64{0} : model_.is_8086() ? 0xFFFFu : cs.big ? u64{cs.limit} : std::min<u64>(cs.limit, 0xFFFF);
  const u64 eip0 = s_.rip;
  DecodedInsn* out = blocks_.reserve();
  // The byte runs decoded, page offsets [from, to): one, plus one per
  // followed jump.
  constexpr unsigned kMaxFollow = 4;
  struct Run {
    u32 from, to;
  } runs[kMaxFollow + 1];
  unsigned nruns = 0;
  u32 at = lin & 0xFFF;  // page offset of the next instruction
  u64 eip = eip0;        // and its EIP
  u64 eip_hi = eip0;
  u32 run_from = at;
  unsigned n = 0;
  unsigned fused = 0;  // fused pairs
  bool is_fused[BlockCache::kMaxInsns] = {};
  while (n < BlockCache::kMaxInsns && at < 0x1000) {
    bool outside = false;
    DecodedInsn& d = out[n];
    decode(tables_, [&](unsigned i) -> u8 {
      if (at + i >= 0x1000) {
        outside = true;
        return 0;
      }
      return page[at + i];
    }, size, eip, d);
    // Left for execute_one(): an instruction on two pages, past the limit
    // or the IP wrap, or too long (its #GP comes from the decoder there);
    // also one ending at the limit or the wrap, so that no next IP in a
    // block needs the wrap (run_blocks_sized adds without masking).
    if (outside || d.too_long || d.exec == op_prefixes_only) break;
    if (eip + d.len > last_ok) break;
    at += d.len;
    eip += d.len;
    d.next_ip = eip;
    eip_hi = std::max(eip_hi, eip);
    // A Jcc after an instruction that sets its flags: one fused record.
    if (n > 0 && ((d.opcode & 0x3F0) == 0x70 || (d.opcode & 0x3F0) == 0x180) &&
        d.exec != op_invalid && out[n - 1].o32 == d.o32) {
      DecodedInsn& first = out[n - 1];
      if (const Handler f = ops::fused_jcc_form(first.exec, d.opcode & 0xF)) {
        first.exec = f;
        first.len = static_cast<u8>(first.len + d.len);
        first.imm2 = d.imm;
        first.next_ip = eip;
        is_fused[n - 1] = true;
        ++fused;
        continue;
      }
    }
    ++n;
    if (!ends_block(d)) continue;
    // A JMP rel or CALL rel to this page: go on at the target, if it is
    // within the limit without a wrap (then the jump cannot fault on it).
    const Handler in_block = in_block_form(d);
    if (!in_block || nruns == kMaxFollow) break;
    const u64 target = eip + ops::rel(d);
    const u64 wrapped = mode64_ ? target : d.o32 ? u64{static_cast<u32>(target)} : u64{static_cast<u16>(target)};
    const u64 target_lin = (lin & ~u64{0xFFF}) + at + (target - eip);
    if (wrapped != target || target >= last_ok || (target_lin >> 12) != (lin >> 12)) break;
    d.exec = in_block;
    runs[nruns++] = {run_from, at};
    at = run_from = static_cast<u32>(target_lin & 0xFFF);
    eip = target;
  }
  const CodePages::Frame& rec = bus_.code().frame(t.frame);
  if (n == 0) {
    // Nothing a block can run here (an instruction across the page end,
    // say, in a loop): the slot remembers it, so the next visit goes
    // straight to execute_one() instead of decoding again, until a write
    // to the bytes from here to the page end (marked as code) or any
    // other change of the frame's code moves its generation on.
    mark_code(t.frame | (lin & 0xFFF), 0x1000 - static_cast<unsigned>(lin & 0xFFF), t.frame);
    b.key = Block::key_of(lin, static_cast<u8>(size)) | Block::kFailed;
    b.succ[0] = b.succ[1] = nullptr;
    b.count = 0;
    b.weight = 0;
    b.eip0 = static_cast<u32>(eip0);
    b.gen = rec.gen;
    b.frame = t.frame;
    b.rec = &rec;
    return false;
  }
  runs[nruns++] = {run_from, at};
  // A followed jump is never the last record (the loop above stopped at
  // kMaxInsns or the page end right after it): it ends the block as an
  // ordinary jump, so every next record's EIP is its next_ip - len.
  out[n - 1].exec = plain_form(out[n - 1].exec);
  for (unsigned i = 0; i < n; ++i) out[i].exec = block_form(out[i], is_fused[i]);
  blocks_.commit(n);
  for (unsigned i = 0; i < nruns; ++i) {
    if (runs[i].to > runs[i].from) mark_code(t.frame | runs[i].from, runs[i].to - runs[i].from, t.frame);
  }
  b.key = Block::key_of(lin, static_cast<u8>(size));
  b.succ[0] = b.succ[1] = nullptr;
  b.count = static_cast<u8>(n);
  b.span = static_cast<u16>(eip_hi - eip0);
  b.weight = static_cast<u8>(n + fused);
  b.eip0 = static_cast<u32>(eip0);
  b.gen = rec.gen;
  b.frame = t.frame;
  b.rec = &rec;
  b.insns = out;
  return true;
}

bool Cpu::run_blocks(u64 events) {
  switch (code_size()) {
    case CodeSize::k16: return run_blocks_sized<0>(events);
    case CodeSize::k32: return run_blocks_sized<1>(events);
    default: return run_blocks_sized<2>(events);
  }
}

template <u8 kMode>
bool Cpu::run_blocks_sized(u64 events) {
  // CS, CPL and paging stay fixed while blocks chain: whatever changes them
  // ends the block (end_block()) and so this loop.
  constexpr bool kBig = kMode != 0;
  const Segment& cs = s_.seg[CS];
  const u64 cs_base = cs.lbase;
  constexpr u8 mode = kMode;  // CodeSize: k16, k32, k64
  const u8 need = s_.cpl == 3 ? tlbr::kUserExec : tlbr::kSupExec;
  const u64 last_ok = model_.is_8086() ? 0xFFFFu : kBig ? u64{cs.limit} : std::min<u64>(cs.limit, 0xFFFF);
  // 64-bit mode has no limit (a non-canonical RIP has no TLB entry).
  // No event can become pending while blocks chain without end_block():
  // INTR and NMI change only through set_intr/raise_nmi, EFLAGS.IF only
  // through instructions that end the block, so the budget is the only
  // per-block test.
  // insns_ is the clock: handlers may add to it (a REP string instruction
  // counts its iterations), so the loop keeps no copy of it.
  const u64 end = run_end_ - events;
  stop_ = false;
  // Links are made at one CPL (another one's execute rights differ), under
  // one CS limit (a linked block is not checked against it again), and at
  // one code size and CS base, so that outside 64-bit mode a linked
  // block's EIP (Block::eip0) names its key.
  if (links_need_ != need || links_last_ok_[kMode] != last_ok || links_mode_ != kMode || links_cs_base_ != cs_base) {
    links_need_ = need;
    links_last_ok_[kMode] = last_ok;
    links_mode_ = kMode;
    links_cs_base_ = cs_base;
    links_changed();
  }
  // (Whatever changes the epoch ends the run, but a build that flushes
  // the block cache: the loop reloads it after one.)
  u32 epoch = link_epoch_;
  // The previous block, and whether its run ended in a taken jump (then
  // its link to the next block is succ[1]). The first block of a run is
  // found through the TLB: entry_link_ stands in as its previous block
  // with no link. (A link kept from the last run once named a slot since
  // rebuilt as a failed build for the same key, which Block::kFailed now
  // rules out; keeping it also crashed a 64-bit Linux boot, for a cause
  // not yet found, so each run starts unlinked.)
  Block* prev = &entry_link_;
  u64 taken = 0;
  entry_link_.succ[0] = nullptr;
  for (;;) {
    // The previous block's link, if made in this epoch (no translation or
    // decoded byte has changed since: the block is valid and its page still
    // translates to its frame) and it names this block: by its EIP outside
    // 64-bit mode (the epoch fixes the CS base and the code size, and a
    // slot rebuilt in it for another address has another EIP), else by key.
    Block* b = prev->succ[taken];
    if (!b || prev->link_epoch != epoch ||
        (kMode == 2 ? b->key != Block::key_of(s_.rip, mode) : b->eip0 != s_.rip)) [[unlikely]] {
      const u64 lin = kMode == 2 ? s_.rip : (cs_base + s_.rip) & 0xFFFF'FFFFu;
      const u64 key = Block::key_of(lin, mode);
      const TlbEntry& t = tlb_.slot(lin >> 12);
      // Not translated yet (execute_one's fetch walks and fills the TLB), no
      // execute right (it raises the #PF), or MMIO code: one instruction the
      // long way.
      if (t.vpn != lin >> 12 || !(t.rights & need) || !t.host_read) return prev != &entry_link_;
      b = &blocks_.find(lin, key);
      // (The key first: a slot never built has no frame record.)
      if ((b->key & ~Block::kFailed) != key || b->frame != t.frame || b->rec->gen != b->gen ||
          (kMode != 2 && b->eip0 != s_.rip)) {
        const bool built = build_block(*b, lin, t);
        epoch = link_epoch_;
        if (!built) return prev != &entry_link_;
      } else if (b->key != key) {
        return prev != &entry_link_;  // a remembered failed build (see build_block)
      }
      // The same linear block under another CS may pass its limit: as in
      // build_block(), the next IP after the block stays within it.
      if (kMode != 2 && s_.rip + b->span > last_ok) return prev != &entry_link_;
      if (prev->link_epoch != epoch) {
        prev->link_epoch = epoch;
        prev->succ[taken ^ 1] = nullptr;
      }
      prev->succ[taken] = b;
    }
  run:
    u64 n = b->count;
    if (end - insns_ < b->weight) [[unlikely]] {
      // The budget is exact: a block with fused pairs (two instructions to
      // a record) runs only where it holds all of it; another runs part.
      if (b->weight != b->count) return prev != &entry_link_;
      n = end - insns_;
    }
    // One test per instruction ends the run: block_end_ is its end, and
    // a taken jump (Cpu::jump) and end_block() set it to nullptr, so
    // "d < block_end_" fails for all three. The record holds the EIP after
    // it (the block runs at the EIP it was decoded at: no wrap, within the
    // limit), and a fault finds the instruction's own as next_ip - len.
    // The loop itself stores nothing per record: RIP, the record the clock
    // counts to and the ESP a fault restores are set by the handlers that
    // need them (Cpu::enter_record; lean ones do without: attr::kLean).
    // Until one does, RIP is the block's EIP and cur_ the record before
    // its first. The clock (insns_) moves after the run, by the records
    // run.
    const DecodedInsn* const first = b->insns;
    const DecodedInsn* d = first;
    block_end_ = d + n;
    // cur_ before the first record: no record of the block is entered yet
    // (the arena keeps a record before every block: BlockCache).
    run_first_ = first;
    cur_ = first - 1;
    try {
      do {
        d->exec(*this, *d);
      } while (++d < block_end_);
      insns_ += static_cast<u64>(d - first);
    } catch (const GuestFault& f) {
      insns_ += static_cast<u64>(d - first);
      // A record that entered has ESP's checkpoint: restore it (a lean
      // handler moves ESP only after its last possible fault). A trap
      // leaves RIP where an entered handler put it; lean ones raise none.
      const bool entered = cur_ == d;
      if (entered) s_.gpr[ESP] = esp0_;
      cur_ = run_first_;
      insn_eip_ = d->next_ip - d->len;
      if (!f.trap) {
        s_.rip = insn_eip_;
      } else if (!entered) {
        s_.rip = d->next_ip;
      }
      deliver(f);
      shadow_next_ = false;
      ++insns_;
      return true;
    }
    cur_ = first;
    taken = block_end_ == nullptr;
    // A taken jump set RIP; otherwise RIP is the next record's EIP (the
    // last one run may be lean), or after the last record, its next_ip.
    if (!taken) s_.rip = n == b->count ? d[-1].next_ip : d->next_ip - d->len;
    if (taken && stop_) {
      s_.interrupt_shadow = shadow_next_;
      shadow_next_ = false;
      return true;
    }
    if (insns_ >= end) return true;
    prev = b;
    // A taken jump back to the start of the block that just ran (a loop):
    // it is still valid (whatever changes a block or the epoch ends the
    // run), so it runs again without its link checked.
    if (taken && (kMode == 2 ? b->key == Block::key_of(s_.rip, mode) : b->eip0 == s_.rip)) goto run;
  }
}

}  // namespace gb
