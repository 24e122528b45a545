// A run queue's thread lists: one FIFO per priority level and a bitmap of the
// non-empty levels, so the most urgent runnable thread is one count-trailing-
// zeros away. Level 0 is the most urgent. Portable (host-tested with a stand-in
// for Thread): T needs `T* rq_next`, `T* rq_prev` and `uint8_t rq_prio`.
// Not synchronised: the owning run queue's lock guards it.
#pragma once
#include <stdint.h>

template <typename T, unsigned Levels = 32>
class PrioQueues {
  static_assert(Levels <= 32, "one 32-bit bitmap");

 public:
  // Appends t at level prio (the usual case: it has used its turn).
  void push_back(T* t, unsigned prio) {
    t->rq_prio = static_cast<uint8_t>(prio);
    t->rq_next = nullptr;
    t->rq_prev = tail_[prio];
    if (tail_[prio])
      tail_[prio]->rq_next = t;
    else
      head_[prio] = t;
    tail_[prio] = t;
    bitmap_ |= 1u << prio;
    ++size_;
  }
  // Puts t first at level prio (preempted before its slice ran out).
  void push_front(T* t, unsigned prio) {
    t->rq_prio = static_cast<uint8_t>(prio);
    t->rq_prev = nullptr;
    t->rq_next = head_[prio];
    if (head_[prio])
      head_[prio]->rq_prev = t;
    else
      tail_[prio] = t;
    head_[prio] = t;
    bitmap_ |= 1u << prio;
    ++size_;
  }
  // Unlinks t, which must be queued here.
  void remove(T* t) {
    unsigned prio = t->rq_prio;
    if (t->rq_prev)
      t->rq_prev->rq_next = t->rq_next;
    else
      head_[prio] = t->rq_next;
    if (t->rq_next)
      t->rq_next->rq_prev = t->rq_prev;
    else
      tail_[prio] = t->rq_prev;
    t->rq_next = t->rq_prev = nullptr;
    if (!head_[prio]) bitmap_ &= ~(1u << prio);
    --size_;
  }
  // The most urgent level with a thread, or -1.
  int best_prio() const { return bitmap_ ? __builtin_ctz(bitmap_) : -1; }
  T* peek_best() const { return bitmap_ ? head_[__builtin_ctz(bitmap_)] : nullptr; }
  T* pop_best() {
    T* t = peek_best();
    if (t) remove(t);
    return t;
  }
  // First thread, most urgent level first and oldest first within a level,
  // for which pred(t) holds; nullptr if none.
  template <typename Pred>
  T* find(Pred&& pred) const {
    for (uint32_t bits = bitmap_; bits; bits &= bits - 1) {
      for (T* t = head_[__builtin_ctz(bits)]; t; t = t->rq_next)
        if (pred(t)) return t;
    }
    return nullptr;
  }
  // Like find, least urgent level first and newest first: what to give away.
  template <typename Pred>
  T* find_last(Pred&& pred) const {
    for (uint32_t bits = bitmap_; bits; bits &= ~(1u << (31 - __builtin_clz(bits)))) {
      for (T* t = tail_[31 - __builtin_clz(bits)]; t; t = t->rq_prev)
        if (pred(t)) return t;
    }
    return nullptr;
  }
  bool empty() const { return bitmap_ == 0; }
  unsigned size() const { return size_; }
  const unsigned& size_ref() const { return size_; }  // for a racy atomic read
  uint32_t bitmap() const { return bitmap_; }

 private:
  uint32_t bitmap_ = 0;
  unsigned size_ = 0;
  T* head_[Levels] = {};
  T* tail_[Levels] = {};
};
