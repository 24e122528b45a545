// A hashed timing wheel: the per-CPU store of pending callouts. Deadlines are
// absolute nanoseconds; a node goes into the bucket of its slot (deadline >>
// SlotShift) modulo Slots, so inserting and removing are O(1) and a deadline
// beyond one revolution simply waits in its bucket for later turns.
// Portable (host-tested): T needs `uint64_t deadline`, `T* w_next`, `T* w_prev`
// and `uint16_t w_bucket`. Not synchronised: its CPU's callout lock guards it.
#pragma once
#include <stdint.h>

template <typename T, unsigned SlotShift = 20, unsigned Slots = 256>
class CalloutWheel {
  static_assert(Slots <= 65536, "w_bucket is 16 bits");

 public:
  static constexpr uint64_t kNone = ~0ull;

  // Starts the cursor at `now` (nothing before it is pending).
  void start(uint64_t now) { cursor_ = now >> SlotShift; }

  void insert(T* c) {
    uint64_t slot = c->deadline >> SlotShift;
    if (slot < cursor_) slot = cursor_;  // already due: found by the next pop_expired
    unsigned b = static_cast<unsigned>(slot % Slots);
    c->w_bucket = static_cast<uint16_t>(b);
    c->w_prev = nullptr;
    c->w_next = head_[b];
    if (head_[b]) head_[b]->w_prev = c;
    head_[b] = c;
    ++size_;
    if (min_valid_ && c->deadline < min_) min_ = c->deadline;
  }

  void remove(T* c) {
    if (c->w_prev)
      c->w_prev->w_next = c->w_next;
    else
      head_[c->w_bucket] = c->w_next;
    if (c->w_next) c->w_next->w_prev = c->w_prev;
    c->w_next = c->w_prev = nullptr;
    --size_;
    if (min_valid_ && c->deadline == min_) min_valid_ = false;
  }

  // Removes and returns one node whose deadline is <= now, or nullptr when none
  // is due. Moves the cursor up to now's slot as buckets run dry.
  T* pop_expired(uint64_t now) {
    if (size_ == 0) {
      advance_to(now);
      return nullptr;
    }
    uint64_t now_slot = now >> SlotShift;
    for (unsigned scanned = 0;; ++scanned) {
      for (T* c = head_[cursor_ % Slots]; c; c = c->w_next) {
        if (c->deadline <= now) {
          remove(c);
          return c;
        }
      }
      if (cursor_ >= now_slot) return nullptr;
      // Every bucket has been looked at against `now`: nothing else is due.
      if (scanned + 1 >= Slots) {
        cursor_ = now_slot;
        return nullptr;
      }
      ++cursor_;
    }
  }

  // The earliest pending deadline, or kNone.
  uint64_t next_deadline() {
    if (size_ == 0) return kNone;
    if (min_valid_) return min_;
    uint64_t best = kNone;
    // Walk one revolution from the cursor; the first slot holding a node of
    // that very slot (not a later revolution) holds the earliest deadline.
    for (unsigned i = 0; i < Slots && best == kNone; ++i) {
      uint64_t slot = cursor_ + i;
      for (T* c = head_[slot % Slots]; c; c = c->w_next) {
        uint64_t s = c->deadline >> SlotShift;
        if (s < cursor_) s = cursor_;
        if (s == slot && c->deadline < best) best = c->deadline;
      }
    }
    if (best == kNone) {
      // Everything lies beyond one revolution.
      for (unsigned b = 0; b < Slots; ++b)
        for (T* c = head_[b]; c; c = c->w_next)
          if (c->deadline < best) best = c->deadline;
    }
    min_ = best;
    min_valid_ = true;
    return best;
  }

  unsigned size() const { return size_; }
  uint64_t cursor_slot() const { return cursor_; }

 private:
  void advance_to(uint64_t now) {
    uint64_t s = now >> SlotShift;
    if (s > cursor_) cursor_ = s;
  }

  T* head_[Slots] = {};
  uint64_t cursor_ = 0;  // slot of the last pop_expired; every node of an earlier slot has fired
  unsigned size_ = 0;
  uint64_t min_ = 0;
  bool min_valid_ = false;
};
