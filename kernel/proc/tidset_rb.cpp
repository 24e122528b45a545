// The TID set of a process (kernel/verified/tidset.h): an intrusive red-black
// tree of tidnode keyed by TID. The handle ts_tree holds the root pointer.
#include "kernel/panic.h"
#include "kernel/verified/tidset.h"

namespace {

tidnode* get_root(const tidset* s) { return reinterpret_cast<tidnode*>(s->ts_tree); }
void set_root(tidset* s, tidnode* n) { s->ts_tree = reinterpret_cast<unsigned long>(n); }
bool is_red(const tidnode* n) { return n && n->red; }

void rotate_left(tidset* s, tidnode* x) {
  tidnode* y = x->right;
  x->right = y->left;
  if (y->left) y->left->parent = x;
  y->parent = x->parent;
  if (!x->parent) set_root(s, y);
  else if (x == x->parent->left) x->parent->left = y;
  else x->parent->right = y;
  y->left = x;
  x->parent = y;
}

void rotate_right(tidset* s, tidnode* x) {
  tidnode* y = x->left;
  x->left = y->right;
  if (y->right) y->right->parent = x;
  y->parent = x->parent;
  if (!x->parent) set_root(s, y);
  else if (x == x->parent->right) x->parent->right = y;
  else x->parent->left = y;
  y->right = x;
  x->parent = y;
}

void insert_fixup(tidset* s, tidnode* z) {
  while (is_red(z->parent)) {
    tidnode* p = z->parent;
    tidnode* g = p->parent;
    if (p == g->left) {
      tidnode* u = g->right;
      if (is_red(u)) {
        p->red = false;
        u->red = false;
        g->red = true;
        z = g;
      } else {
        if (z == p->right) {
          z = p;
          rotate_left(s, z);
          p = z->parent;
        }
        p->red = false;
        g->red = true;
        rotate_right(s, g);
      }
    } else {
      tidnode* u = g->left;
      if (is_red(u)) {
        p->red = false;
        u->red = false;
        g->red = true;
        z = g;
      } else {
        if (z == p->left) {
          z = p;
          rotate_right(s, z);
          p = z->parent;
        }
        p->red = false;
        g->red = true;
        rotate_left(s, g);
      }
    }
  }
  get_root(s)->red = false;
}

// Replaces subtree u by v (v may be null).
void transplant(tidset* s, tidnode* u, tidnode* v) {
  if (!u->parent) set_root(s, v);
  else if (u == u->parent->left) u->parent->left = v;
  else u->parent->right = v;
  if (v) v->parent = u->parent;
}

tidnode* min_node(tidnode* n) {
  while (n && n->left) n = n->left;
  return n;
}

void erase_fixup(tidset* s, tidnode* x, tidnode* xp) {
  while (x != get_root(s) && !is_red(x)) {
    if (x == xp->left) {
      tidnode* w = xp->right;
      if (is_red(w)) {
        w->red = false;
        xp->red = true;
        rotate_left(s, xp);
        w = xp->right;
      }
      if (!is_red(w->left) && !is_red(w->right)) {
        w->red = true;
        x = xp;
        xp = x->parent;
      } else {
        if (!is_red(w->right)) {
          if (w->left) w->left->red = false;
          w->red = true;
          rotate_right(s, w);
          w = xp->right;
        }
        w->red = xp->red;
        xp->red = false;
        if (w->right) w->right->red = false;
        rotate_left(s, xp);
        x = get_root(s);
        xp = nullptr;
      }
    } else {
      tidnode* w = xp->left;
      if (is_red(w)) {
        w->red = false;
        xp->red = true;
        rotate_right(s, xp);
        w = xp->left;
      }
      if (!is_red(w->left) && !is_red(w->right)) {
        w->red = true;
        x = xp;
        xp = x->parent;
      } else {
        if (!is_red(w->left)) {
          if (w->right) w->right->red = false;
          w->red = true;
          rotate_left(s, w);
          w = xp->left;
        }
        w->red = xp->red;
        xp->red = false;
        if (w->left) w->left->red = false;
        rotate_right(s, xp);
        x = get_root(s);
        xp = nullptr;
      }
    }
  }
  if (x) x->red = false;
}

int black_height(const tidnode* n, const char** why) {
  if (!n) return 1;
  if (n->red && (is_red(n->left) || is_red(n->right))) {
    *why = "red node with a red child";
    return -1;
  }
  if ((n->left && n->left->parent != n) || (n->right && n->right->parent != n)) {
    *why = "bad parent link";
    return -1;
  }
  int l = black_height(n->left, why);
  int r = black_height(n->right, why);
  if (l < 0 || r < 0) return -1;
  if (l != r) {
    *why = "black heights differ";
    return -1;
  }
  return l + (n->red ? 0 : 1);
}

}  // namespace

extern "C" {

void tidset_init(struct tidset* s) { s->ts_tree = 0; }

int tidset_insert(struct tidset* s, struct tidnode* node, int tid) {
  KASSERT(!node->linked);
  tidnode* parent = nullptr;
  tidnode** link = reinterpret_cast<tidnode**>(&s->ts_tree);
  while (*link) {
    parent = *link;
    if (tid < parent->tid) link = &parent->left;
    else if (tid > parent->tid) link = &parent->right;
    else return 0;
  }
  node->parent = parent;
  node->left = node->right = nullptr;
  node->tid = tid;
  node->red = true;
  node->linked = true;
  *link = node;
  insert_fixup(s, node);
  return 1;
}

struct tidnode* tidset_lookup(const struct tidset* s, int tid) { return tidtree::find(*s, tid); }

struct tidnode* tidset_remove(struct tidset* s, int tid) {
  tidnode* z = tidtree::find(*s, tid);
  KASSERT(z != nullptr);
  tidnode* x;
  tidnode* xp;
  bool removed_red = z->red;
  if (!z->left) {
    x = z->right;
    xp = z->parent;
    transplant(s, z, z->right);
  } else if (!z->right) {
    x = z->left;
    xp = z->parent;
    transplant(s, z, z->left);
  } else {
    tidnode* y = min_node(z->right);
    removed_red = y->red;
    x = y->right;
    if (y->parent == z) {
      xp = y;
    } else {
      xp = y->parent;
      transplant(s, y, y->right);
      y->right = z->right;
      y->right->parent = y;
    }
    transplant(s, z, y);
    y->left = z->left;
    y->left->parent = y;
    y->red = z->red;
  }
  if (!removed_red) erase_fixup(s, x, xp);
  z->parent = z->left = z->right = nullptr;
  z->linked = false;
  return z;
}

}  // extern "C"

namespace tidtree {

tidnode* root(const tidset& s) { return get_root(&s); }

tidnode* find(const tidset& s, int tid) {
  tidnode* n = get_root(&s);
  while (n && n->tid != tid) n = tid < n->tid ? n->left : n->right;
  return n;
}

tidnode* first(const tidset& s) { return min_node(get_root(&s)); }

tidnode* last(const tidset& s) {
  tidnode* n = get_root(&s);
  while (n && n->right) n = n->right;
  return n;
}

tidnode* next(const tidnode* n) {
  if (n->right) return min_node(n->right);
  const tidnode* c = n;
  tidnode* p = n->parent;
  while (p && c == p->right) {
    c = p;
    p = p->parent;
  }
  return p;
}

size_t size(const tidset& s) {
  size_t k = 0;
  for (tidnode* n = first(s); n; n = next(n)) ++k;
  return k;
}

bool validate(const tidset& s, const char** why) {
  const char* w = nullptr;
  tidnode* r = get_root(&s);
  if (r && (r->red || r->parent)) {
    *why = "bad root";
    return false;
  }
  int prev = -1;
  bool first_seen = false;
  for (tidnode* n = first(s); n; n = next(n)) {
    if (n->tid < 0 || (first_seen && n->tid <= prev)) {
      *why = "keys out of order or out of range";
      return false;
    }
    prev = n->tid;
    first_seen = true;
  }
  if (black_height(r, &w) < 0) {
    *why = w;
    return false;
  }
  return true;
}

}  // namespace tidtree
