// Virtual time: devices schedule events in integer picoseconds; the machine
// runs the CPU up to the next deadline, then advances time and fires what is
// due. No per-instruction device tick, no std::function: a timer calls its
// client through one virtual call when it fires.
#pragma once
#include <limits>
#include <string_view>
#include <vector>

#include "mmu/types.hpp"

namespace gb {

/// Virtual time in picoseconds; 2^63 ps is about 106 days.
using Picos = i64;
constexpr Picos kPicosPerSecond = 1'000'000'000'000;
constexpr Picos kNever = std::numeric_limits<Picos>::max();

class Scheduler;

class Timer {
 public:
  /// What a timer calls when it fires (at its deadline, with now() equal to it).
  class Client {
   public:
    virtual ~Client() = default;
    virtual void on_timer(Timer& t) = 0;
  };

  Timer(Scheduler& s, Client& c, std::string_view name) : sched_(s), client_(c), name_(name) {}
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  /// Arms the timer to fire at absolute time `when` (ps); re-arming moves it.
  /// A time before now() fires at now(); kNever cancels the timer.
  void arm_at(Picos when);
  /// Arms the timer `delta` ps from now (negative: now; past the end of
  /// the Picos range: cancelled).
  void arm_in(Picos delta);
  void cancel();
  bool armed() const { return deadline_ != kNever; }
  Picos deadline() const { return deadline_; }
  std::string_view name() const { return name_; }

 private:
  friend class Scheduler;
  Scheduler& sched_;
  Client& client_;
  std::string_view name_;
  Picos deadline_ = kNever;
};

class Scheduler {
 public:
  /// Told when a newly armed timer becomes the earliest deadline, so a CPU
  /// running "until the next deadline" can stop early (the machine asks the
  /// CPU to return after the current instruction).
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void earliest_deadline_changed() = 0;
  };
  void set_listener(Listener* l) { listener_ = l; }

  /// How far the CPU has run into its current slice: the machine answers
  /// with the virtual time of the instructions executed since the slice
  /// began (0 between slices), so a device read in mid-slice sees the time of
  /// the instruction reading it (as QEMU's icount does).
  class SliceClock {
   public:
    virtual ~SliceClock() = default;
    virtual Picos elapsed_in_slice() const = 0;
  };
  void set_slice_clock(const SliceClock* c) { clock_ = c; }

  /// The current virtual time (ps), including the running slice.
  Picos now() const { return clock_ ? now_ + clock_->elapsed_in_slice() : now_; }
  /// The earliest armed deadline, or kNever.
  Picos next_deadline() const { return armed_.empty() ? kNever : armed_.back()->deadline_; }
  /// Moves time forward to `t` (>= now()), firing every timer due by then in
  /// deadline order; a timer a callback arms within the window fires too.
  /// Bounded: once kMaxFiringsPerInstant timers have fired at one instant
  /// (a device re-arming itself with no delay), it returns early, with
  /// now() at that instant and the rest still due; false then, else true.
  bool advance_to(Picos t);
  static constexpr unsigned kMaxFiringsPerInstant = 10'000;

 private:
  friend class Timer;
  void insert(Timer* t);
  void remove(Timer* t);
  Picos now_ = 0;
  std::vector<Timer*> armed_;  ///< sorted by deadline, latest first
  Listener* listener_ = nullptr;
  const SliceClock* clock_ = nullptr;
};

}  // namespace gb
