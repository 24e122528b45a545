// Doubly linked lists threaded through their elements' own link fields, with a
// head and a tail. `Next` and `Prev` are the element's link members (pointers
// to members of T); a list is anything with members `head` and `tail` of type
// T*, so a bucket or slab list keeps its other fields beside them. No locking:
// the caller holds whatever guards the list.
#pragma once

template <auto Next, auto Prev>
struct DList {
  // Links x in just before `at`, which is on l (nullptr: at the tail).
  template <typename List, typename T>
  static void insert_before(List& l, T* x, T* at) {
    T* prev = at ? at->*Prev : l.tail;
    x->*Next = at;
    x->*Prev = prev;
    if (prev)
      prev->*Next = x;
    else
      l.head = x;
    if (at)
      at->*Prev = x;
    else
      l.tail = x;
  }

  template <typename List, typename T>
  static void push_front(List& l, T* x) {
    insert_before(l, x, l.head);
  }

  template <typename List, typename T>
  static void push_back(List& l, T* x) {
    insert_before(l, x, static_cast<T*>(nullptr));
  }

  // Takes x, which is on l, off it; its links are left null.
  template <typename List, typename T>
  static void unlink(List& l, T* x) {
    if (x->*Prev)
      (x->*Prev)->*Next = x->*Next;
    else
      l.head = x->*Next;
    if (x->*Next)
      (x->*Next)->*Prev = x->*Prev;
    else
      l.tail = x->*Prev;
    x->*Next = x->*Prev = nullptr;
  }
};
