// The exec image of an address space: the pages of the program's read-only
// segments (text, read-only data). They are the bulk of what a program maps,
// and after a fork every copy of a page table would take and drop a reference
// on each of them; instead the image holds one reference per page, every space
// that maps them (the one exec filled and its forked descendants) holds the
// image, and their page entries are pinned ones (arch/user_pt.h) that hold
// none. The pages go when the last such space is destroyed, after its tables.
#pragma once
#include <stdint.h>

#include "kernel/mm/page_alloc.h"

struct VmImage {
  uint32_t refs;      // spaces holding it (atomic)
  uint32_t npages;    // pages[0 .. npages) are filled
  uint32_t capacity;  // pages[] has room for this many
  Page** pages;       // one reference each (in the same allocation, after the struct)
};

// An empty image with room for `capacity` pages and one reference, or nullptr.
[[nodiscard]] VmImage* image_create(uint32_t capacity);
void image_hold(VmImage* img);
// Drops a reference; the last one drops the pages' references and frees it.
// Only once no table that maps its pages can be walked any more.
void image_release(VmImage* img);
// Adds `page`, taking over the caller's reference; false when it is full.
[[nodiscard]] bool image_add(VmImage* img, Page* page);

uint64_t image_live_count();
