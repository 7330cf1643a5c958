#include "devices/scheduler.hpp"

#include <algorithm>

namespace gb {

Timer::~Timer() { cancel(); }

void Timer::arm_at(Picos when) {
  // A deadline at or past the end of time never comes.
  if (when == kNever) {
    cancel();
    return;
  }
  if (armed()) sched_.remove(this);
  deadline_ = std::max(when, sched_.now());
  sched_.insert(this);
}

void Timer::arm_in(Picos delta) {
  const Picos now = sched_.now();
  delta = std::max<Picos>(delta, 0);
  arm_at(delta >= kNever - now ? kNever : now + delta);
}

void Timer::cancel() {
  if (!armed()) return;
  sched_.remove(this);
  deadline_ = kNever;
}

void Scheduler::insert(Timer* t) {
  // Latest first, so the next one to fire is at the back; equal deadlines
  // fire in the order they were armed.
  auto it = std::lower_bound(armed_.begin(), armed_.end(), t,
                             [](const Timer* a, const Timer* b) { return a->deadline_ > b->deadline_; });
  armed_.insert(it, t);
  if (listener_ && armed_.back() == t) listener_->earliest_deadline_changed();
}

void Scheduler::remove(Timer* t) {
  armed_.erase(std::remove(armed_.begin(), armed_.end(), t), armed_.end());
}

bool Scheduler::advance_to(Picos t) {
  // Called between slices, when elapsed_in_slice() is 0. A callback may arm
  // a timer for the instant being fired (a zero delay), and it fires in this
  // call too, but at most kMaxFiringsPerInstant times per instant: past
  // that the call returns with time not advanced, so a device that keeps
  // re-arming itself at now() cannot hold the host here; the machine runs
  // the CPU (and checks for a stop request) before the next call.
  unsigned same_instant = 0;
  while (!armed_.empty() && armed_.back()->deadline_ <= t) {
    Timer* due = armed_.back();
    if (due->deadline_ > now_) same_instant = 0;
    if (++same_instant > kMaxFiringsPerInstant) return false;
    armed_.pop_back();
    now_ = due->deadline_;
    due->deadline_ = kNever;
    due->client_.on_timer(*due);
  }
  if (t > now_) now_ = t;
  return true;
}

}  // namespace gb
