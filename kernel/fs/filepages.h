// The pages of a file in memory, found by page index through a radix tree
// of 512-way index pages that grows with the file (none for a file of one
// page, one level up to 2 MiB, two up to 1 GiB, three up to 512 GiB). A
// missing page is a hole and reads as zeroes. The owner (ramfs) serialises
// every call (its vnode lock) and charges the pages: each data page and each
// index page is one unit.
#pragma once
#include <stddef.h>
#include <stdint.h>

class FilePages {
 public:
  static constexpr unsigned kMaxHeight = 3;
  static constexpr uint64_t kMaxPages = uint64_t{1} << (9 * kMaxHeight);
  // The page at index, or nullptr for a hole.
  uint8_t* find(uint64_t index) const;
  // The page at index, made (zeroed) if missing; *units says how many pages
  // it allocated. nullptr when out of memory or index >= kMaxPages.
  uint8_t* get(uint64_t index, unsigned* units);
  // The pages get(index) would make (0 if the page is there).
  unsigned units_needed(uint64_t index) const;
  // Frees every page at or past first (all with 0); returns the units freed.
  uint64_t truncate(uint64_t first);
  // Frees the pages in [first, last) (holes after), and each index page
  // whose whole span the range covers; returns the units freed.
  uint64_t free_pages(uint64_t first, uint64_t last);
  // Units held (data and index pages), and the data pages among them.
  uint64_t units() const { return units_; }
  uint64_t data_pages() const { return data_pages_; }

 private:
  void* root_ = nullptr;
  unsigned height_ = 0;  // 0: root_ is the page of index 0
  uint64_t units_ = 0;
  uint64_t data_pages_ = 0;
};
