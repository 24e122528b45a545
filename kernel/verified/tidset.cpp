// The live-TID set of a process: an intrusive red-black tree keyed by TID.
//
// The tree hangs off struct tidset's integer handle (the root node's address).
// Nodes carry parent links; null children are the black leaves. The extern "C"
// functions at the end are the ones whose contracts WP assumes (tidset.h).
#include "kernel/verified/tidset.h"

#include <stdint.h>

#include "kernel/panic.h"
#include "kernel/verified/contract_checks.h"

namespace tidtree {
namespace {

tidnode* get_root(const tidset& s) { return reinterpret_cast<tidnode*>(s.ts_tree); }
void set_root(tidset& s, tidnode* n) { s.ts_tree = reinterpret_cast<uintptr_t>(n); }

bool is_red(const tidnode* n) { return n != nullptr && n->red; }

// A node's child on one side (right: true). The fix-ups' mirror-image
// cases are one code each, with the side they work on named.
tidnode*& child(tidnode* n, bool right) { return right ? n->right : n->left; }

// Rotates x down to one side: its child on the other side takes its place
// and x becomes that child's child on this side (right: a right rotation).
void rotate(tidset& s, tidnode* x, bool right) {
  tidnode* y = child(x, !right);
  child(x, !right) = child(y, right);
  if (child(y, right) != nullptr) child(y, right)->parent = x;
  y->parent = x->parent;
  if (x->parent == nullptr)
    set_root(s, y);
  else
    child(x->parent, x == x->parent->right) = y;
  child(y, right) = x;
  x->parent = y;
}

// Restores the colour rules after z (red) was linked in as a leaf.
void insert_fixup(tidset& s, tidnode* z) {
  while (is_red(z->parent)) {
    tidnode* p = z->parent;
    tidnode* g = p->parent;  // exists: a red node is never the root
    bool p_right = p == g->right;
    tidnode* u = child(g, !p_right);
    if (is_red(u)) {
      p->red = false;
      u->red = false;
      g->red = true;
      z = g;
      continue;
    }
    if (z == child(p, !p_right)) {
      rotate(s, p, p_right);
      z = p;
      p = z->parent;
    }
    p->red = false;
    g->red = true;
    rotate(s, g, !p_right);
  }
  get_root(s)->red = false;
}

// Puts v (possibly null) where u was, as seen from u's parent.
void transplant(tidset& s, tidnode* u, tidnode* v) {
  if (u->parent == nullptr)
    set_root(s, v);
  else
    child(u->parent, u == u->parent->right) = v;
  if (v != nullptr) v->parent = u->parent;
}

tidnode* minimum(tidnode* n) {
  while (n->left != nullptr) n = n->left;
  return n;
}

// Restores the colour rules after a black node was removed above x; x may be
// null (a leaf), so its parent is passed along.
void erase_fixup(tidset& s, tidnode* x, tidnode* parent) {
  while (x != get_root(s) && !is_red(x)) {
    KASSERT(parent != nullptr);            // x is not the root, so it hangs below a node
    bool x_right = x != parent->left;      // x may be null: a leaf on that side
    tidnode* w = child(parent, !x_right);  // exists: x's side is one black short
    if (is_red(w)) {
      w->red = false;
      parent->red = true;
      rotate(s, parent, x_right);
      w = child(parent, !x_right);
    }
    if (!is_red(w->left) && !is_red(w->right)) {
      w->red = true;
      x = parent;
      parent = x->parent;
    } else {
      if (!is_red(child(w, !x_right))) {
        child(w, x_right)->red = false;
        w->red = true;
        rotate(s, w, !x_right);
        w = child(parent, !x_right);
      }
      w->red = parent->red;
      parent->red = false;
      child(w, !x_right)->red = false;
      rotate(s, parent, x_right);
      x = get_root(s);
      parent = nullptr;
    }
  }
  if (x != nullptr) x->red = false;
}

void erase(tidset& s, tidnode* z) {
  tidnode* x;
  tidnode* x_parent;
  bool removed_black;
  if (z->left == nullptr) {
    x = z->right;
    x_parent = z->parent;
    removed_black = !z->red;
    transplant(s, z, z->right);
  } else if (z->right == nullptr) {
    x = z->left;
    x_parent = z->parent;
    removed_black = !z->red;
    transplant(s, z, z->left);
  } else {
    tidnode* y = minimum(z->right);  // z's successor takes z's place
    removed_black = !y->red;
    x = y->right;
    if (y->parent == z) {
      x_parent = y;
    } else {
      x_parent = y->parent;
      transplant(s, y, y->right);
      y->right = z->right;
      y->right->parent = y;
    }
    transplant(s, z, y);
    y->left = z->left;
    y->left->parent = y;
    y->red = z->red;
  }
  if (removed_black) erase_fixup(s, x, x_parent);
  z->parent = z->left = z->right = nullptr;
  z->red = false;
  z->linked = false;
}

// Black height of the subtree at n, or -1 if a rule is broken below n; keys
// must lie strictly between lo and hi (exclusive bounds, -1 / LWP_TID_MAX + 1
// for none). Counts the nodes into *count.
int check_subtree(const tidnode* n, long lo, long hi, size_t* count, const char** why, int depth) {
  if (n == nullptr) return 1;
  if (depth > 128) {
    *why = "tree deeper than possible: a cycle?";
    return -1;
  }
  ++*count;
  if (!n->linked) {
    *why = "node in the tree is not marked linked";
    return -1;
  }
  if (n->tid < 0 || n->tid > LWP_TID_MAX) {
    *why = "TID out of range";
    return -1;
  }
  if (n->tid <= lo || n->tid >= hi) {
    *why = "keys out of order (or a duplicate TID)";
    return -1;
  }
  if ((n->left != nullptr && n->left->parent != n) ||
      (n->right != nullptr && n->right->parent != n)) {
    *why = "broken parent link";
    return -1;
  }
  if (n->red && (is_red(n->left) || is_red(n->right))) {
    *why = "red node with a red child";
    return -1;
  }
  int hl = check_subtree(n->left, lo, n->tid, count, why, depth + 1);
  if (hl < 0) return -1;
  int hr = check_subtree(n->right, n->tid, hi, count, why, depth + 1);
  if (hr < 0) return -1;
  if (hl != hr) {
    *why = "paths with different numbers of black nodes";
    return -1;
  }
  return hl + (n->red ? 0 : 1);
}

}  // namespace

tidnode* root(const tidset& s) { return get_root(s); }

tidnode* find(const tidset& s, int tid) {
  tidnode* n = get_root(s);
  while (n != nullptr && n->tid != tid) n = tid < n->tid ? n->left : n->right;
  return n;
}

tidnode* first_above(const tidset& s, int tid) {
  tidnode* best = nullptr;
  for (tidnode* n = get_root(s); n != nullptr;) {
    if (n->tid > tid) {
      best = n;  // a candidate; a smaller one may be to its left
      n = n->left;
    } else {
      n = n->right;
    }
  }
  return best;
}

tidnode* first(const tidset& s) {
  tidnode* n = get_root(s);
  return n == nullptr ? nullptr : minimum(n);
}

tidnode* last(const tidset& s) {
  tidnode* n = get_root(s);
  if (n == nullptr) return nullptr;
  while (n->right != nullptr) n = n->right;
  return n;
}

tidnode* next(const tidnode* n) {
  if (n->right != nullptr) return minimum(n->right);
  const tidnode* c = n;
  tidnode* p = n->parent;
  while (p != nullptr && c == p->right) {
    c = p;
    p = p->parent;
  }
  return p;
}

size_t size(const tidset& s) {
  size_t count = 0;
  for (tidnode* n = first(s); n != nullptr; n = next(n)) ++count;
  return count;
}

bool validate(const tidset& s, const char** why) {
  const char* dummy;
  if (why == nullptr) why = &dummy;
  *why = nullptr;
  tidnode* r = get_root(s);
  if (r == nullptr) return true;
  if (r->parent != nullptr) {
    *why = "root has a parent";
    return false;
  }
  if (r->red) {
    *why = "root is red";
    return false;
  }
  size_t count = 0;
  return check_subtree(r, -1, static_cast<long>(LWP_TID_MAX) + 1, &count, why, 0) > 0;
}

}  // namespace tidtree

extern "C" {

void tidset_init(struct tidset* s) { s->ts_tree = 0; }

int tidset_insert(struct tidset* s, struct tidnode* node, int tid) {
  KASSERT(node != nullptr && !node->linked);
  KASSERT(tid >= 0 && tid <= LWP_TID_MAX);
  tidnode* parent = nullptr;
  tidnode* n = tidtree::get_root(*s);
  bool left = false;
  while (n != nullptr) {
    if (tid == n->tid) {
      vc_contract::tidset_insert_ensures(s, node, tid, 0);
      return 0;
    }
    parent = n;
    left = tid < n->tid;
    n = left ? n->left : n->right;
  }
  node->tid = tid;
  node->parent = parent;
  node->left = node->right = nullptr;
  node->red = true;
  node->linked = true;
  if (parent == nullptr)
    tidtree::set_root(*s, node);
  else if (left)
    parent->left = node;
  else
    parent->right = node;
  tidtree::insert_fixup(*s, node);
  vc_contract::tidset_insert_ensures(s, node, tid, 1);
  return 1;
}

struct tidnode* tidset_remove(struct tidset* s, int tid) {
  tidnode* n = tidtree::find(*s, tid);
  KASSERT(n != nullptr);
  tidtree::erase(*s, n);
  vc_contract::tidset_remove_ensures(s, tid, n);
  return n;
}

struct tidnode* tidset_lookup(const struct tidset* s, int tid) {
  return tidtree::find(*s, tid);
}

}  // extern "C"
