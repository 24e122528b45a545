// Doubly linked lists threaded through their elements' own link fields, with a
// head and a tail. `Next` and `Prev` are the element's link members (pointers
// to members of T); a list is anything with members `head` and `tail` of type
// T*, so a bucket or slab list keeps its other fields beside them. No locking:
// the caller holds whatever guards the list.
#pragma once

template <auto Next, auto Prev>
struct DList {
  template <typename List, typename T>
  static void push_front(List& l, T* x) {
    x->*Prev = nullptr;
    x->*Next = l.head;
    if (l.head)
      l.head->*Prev = x;
    else
      l.tail = x;
    l.head = x;
  }

  template <typename List, typename T>
  static void push_back(List& l, T* x) {
    x->*Next = nullptr;
    x->*Prev = l.tail;
    if (l.tail)
      l.tail->*Next = x;
    else
      l.head = x;
    l.tail = x;
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
