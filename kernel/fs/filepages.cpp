#include "kernel/fs/filepages.h"

#include "kernel/mm/kmalloc.h"

MALLOC_DEFINE(M_FILEPAGES, "filepages", "file pages in memory");

namespace {

constexpr unsigned kFanShift = 9;
constexpr uint64_t kFan = uint64_t{1} << kFanShift;
constexpr size_t kPage = 4096;

uint64_t capacity(unsigned height) { return uint64_t{1} << (kFanShift * height); }

void* new_page() { return kmalloc(kPage, M_FILEPAGES, M_WAITOK | M_ZERO); }

unsigned slot_of(uint64_t index, unsigned level) {
  return static_cast<unsigned>((index >> (kFanShift * (level - 1))) & (kFan - 1));
}

// Frees the pages of the subtree `node` (at `level`; 0 = a data page) whose
// indices are in [first, last), the subtree starting at index base; an index
// page goes with the whole of its subtree. Returns the units freed and adds
// the data pages among them to *data; *empty says whether the whole subtree
// went.
uint64_t free_range(void* node, unsigned level, uint64_t base, uint64_t first, uint64_t last,
                    bool* empty, uint64_t* data) {
  uint64_t span = capacity(level);
  if (first <= base && base + span <= last) {
    // All of it.
    uint64_t n = 1;
    if (level > 0) {
      void** slots = static_cast<void**>(node);
      for (uint64_t i = 0; i < kFan; ++i) {
        if (!slots[i]) continue;
        bool e;
        n += free_range(slots[i], level - 1, base + i * capacity(level - 1), first, last, &e, data);
      }
    } else {
      ++*data;
    }
    kfree(node, M_FILEPAGES);
    *empty = true;
    return n;
  }
  *empty = false;
  if (level == 0 || first >= base + span || last <= base) return 0;
  void** slots = static_cast<void**>(node);
  uint64_t child_span = capacity(level - 1);
  uint64_t n = 0;
  uint64_t from = first > base ? (first - base) / child_span : 0;
  for (uint64_t i = from; i < kFan && base + i * child_span < last; ++i) {
    if (!slots[i]) continue;
    bool e;
    n += free_range(slots[i], level - 1, base + i * child_span, first, last, &e, data);
    if (e) slots[i] = nullptr;
  }
  return n;
}

}  // namespace

uint8_t* FilePages::find(uint64_t index) const {
  if (!root_ || index >= capacity(height_)) return nullptr;
  void* node = root_;
  for (unsigned level = height_; level > 0 && node; --level)
    node = static_cast<void**>(node)[slot_of(index, level)];
  return static_cast<uint8_t*>(node);
}

unsigned FilePages::units_needed(uint64_t index) const {
  if (index >= kMaxPages || find(index)) return 0;
  unsigned h = 0;
  if (!root_) {
    while (index >= capacity(h)) ++h;
    return h + 1;  // an index page at each level, and the page
  }
  h = height_;
  unsigned grow = 0;
  while (index >= capacity(h)) ++h, ++grow;
  // New top levels: slot 0 leads down to the old root; the first other slot
  // on the way starts a path of new pages (levels below it, and the page).
  for (unsigned level = h; level > height_; --level)
    if (slot_of(index, level) != 0) return grow + level;
  const void* node = root_;
  for (unsigned level = height_; level > 0; --level) {
    const void* child = static_cast<void* const*>(node)[slot_of(index, level)];
    if (!child) return level;
    node = child;
  }
  return 0;
}

uint8_t* FilePages::get(uint64_t index, unsigned* units) {
  *units = 0;
  if (index >= kMaxPages) return nullptr;
  if (!root_) {
    unsigned h = 0;
    while (index >= capacity(h)) ++h;
    height_ = h;
  }
  // Grow: the old tree becomes slot 0 of a new root.
  while (root_ && index >= capacity(height_)) {
    void** top = static_cast<void**>(new_page());
    if (!top) return nullptr;
    ++*units;
    ++units_;
    top[0] = root_;
    root_ = top;
    ++height_;
  }
  void** link = &root_;
  for (unsigned level = height_;; --level) {
    if (!*link) {
      *link = new_page();
      if (!*link) return nullptr;  // what was made stays, counted, for later
      ++*units;
      ++units_;
      if (level == 0) ++data_pages_;
    }
    if (level == 0) return static_cast<uint8_t*>(*link);
    link = &static_cast<void**>(*link)[slot_of(index, level)];
  }
}

uint64_t FilePages::truncate(uint64_t first) { return free_pages(first, kMaxPages); }

uint64_t FilePages::free_pages(uint64_t first, uint64_t last) {
  if (!root_ || first >= last) return 0;
  bool empty;
  uint64_t data = 0;
  uint64_t n = free_range(root_, height_, 0, first, last, &empty, &data);
  if (empty) {
    root_ = nullptr;
    height_ = 0;
  }
  units_ -= n;
  data_pages_ -= data;
  return n;
}
