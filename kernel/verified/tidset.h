/*
 * The set of live TIDs of a process: an intrusive red-black tree kept by C++,
 * keyed by TID, one struct tidnode per LWP (embedded in the C++ LWP).
 *
 * The verified core reaches the set only through the extern "C" functions
 * below. Their contracts say only which TID became or stopped being a member;
 * what that does to the set's size (tidset_card, defined in spec/tids.h) is
 * proved in tid.c. WP assumes these contracts; tests/host/verified/tidset_test.cpp
 * checks every behavior of each against this implementation, and the tree's
 * own invariants (order, colours, links) with tidtree::validate.
 */
#ifndef TINE_KERNEL_VERIFIED_TIDSET_H
#define TINE_KERNEL_VERIFIED_TIDSET_H

#include "kernel/verified/vc_types.h"
#include "spec/tids.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Make s the empty set. */
/*@ requires \valid(s);
    assigns s->ts_tree;
    ensures TIDSET_NO_MEMBERS(s);
 */
void tidset_init(struct tidset* s);

/* Insert node under key tid unless tid is already in use. node must not be in
 * any set (checked by a KASSERT). Returns 1 if inserted, 0 if tid was taken. */
/*@ requires \valid(s);
    requires node != \null;
    requires tid_valid(tid);
    assigns s->ts_tree;
    behavior inserted:
      assumes !tid_in_use(s, tid);
      ensures \result == 1;
      ensures tidset_member_added{Old, Here}(s, tid);
    behavior taken:
      assumes tid_in_use(s, tid);
      ensures \result == 0;
      ensures tidset_same_members{Old, Here}(s);
    complete behaviors;
    disjoint behaviors;
 */
int tidset_insert(struct tidset* s, struct tidnode* node, int tid);

/* Remove the LWP with TID tid and return its node. */
/*@ requires \valid(s);
    requires tid_in_use(s, tid);
    assigns s->ts_tree;
    ensures \result != \null;
    ensures tidset_member_removed{Old, Here}(s, tid);
 */
struct tidnode* tidset_remove(struct tidset* s, int tid);

/* The node of the LWP with TID tid, or null. */
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result != \null <==> tid_in_use(s, tid);
 */
struct tidnode* tidset_lookup(const struct tidset* s, int tid);

#ifdef __cplusplus
}

#include <stddef.h>

/* The intrusive node. C sees only an incomplete type. */
struct tidnode {
  tidnode* parent = nullptr;
  tidnode* left = nullptr;
  tidnode* right = nullptr;
  int tid = -1;
  bool red = false;
  bool linked = false; /* in a set */
};

namespace tidtree {

tidnode* root(const tidset& s);
tidnode* find(const tidset& s, int tid);
/* Smallest and largest TID in use, or null. */
tidnode* first(const tidset& s);
tidnode* last(const tidset& s);
/* In-order successor. */
tidnode* next(const tidnode* n);
/* The smallest TID above tid, or null (a walk resumed after tid). */
tidnode* first_above(const tidset& s, int tid);
size_t size(const tidset& s);

/* Checks the tree: keys strictly increasing in order (so distinct) and within
 * 0..LWP_TID_MAX, parent links, no red node with a red child, a black root and
 * the same number of black nodes on every path. On failure returns false and
 * points *why at a description. */
bool validate(const tidset& s, const char** why);

}  // namespace tidtree
#endif

#endif
