#include "devices/scheduler.hpp"

#include <algorithm>

namespace gb {

Timer::~Timer() { cancel(); }

void Timer::arm_at(Picos when) {
  if (armed()) sched_.remove(this);
  deadline_ = std::max(when, sched_.now());
  sched_.insert(this);
}

void Timer::arm_in(Picos delta) { arm_at(sched_.now() + std::max<Picos>(delta, 0)); }

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

void Scheduler::advance_to(Picos t) {
  // Called between slices, when elapsed_in_slice() is 0.
  while (!armed_.empty() && armed_.back()->deadline_ <= t) {
    Timer* due = armed_.back();
    armed_.pop_back();
    now_ = due->deadline_;
    due->deadline_ = kNever;
    due->client_.on_timer(*due);
  }
  if (t > now_) now_ = t;
}

}  // namespace gb
