#include "kernel/vm/image.h"

#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"

namespace {
uint64_t g_live;  // atomic
}  // namespace

VmImage* image_create(uint32_t capacity) {
  // An array of pointers: sizeof(T*) is meant.  NOLINTNEXTLINE(bugprone-sizeof-expression)
  size_t bytes = sizeof(VmImage) + size_t{capacity} * sizeof(Page*);
  auto* img = static_cast<VmImage*>(kmalloc(bytes, M_VMSPACE, M_WAITOK | M_ZERO));
  if (img == nullptr) return nullptr;
  img->refs = 1;
  img->capacity = capacity;
  img->pages = reinterpret_cast<Page**>(img + 1);
  __atomic_add_fetch(&g_live, 1, __ATOMIC_RELAXED);
  return img;
}

void image_hold(VmImage* img) {
  uint32_t was = __atomic_fetch_add(&img->refs, 1, __ATOMIC_RELAXED);
  KASSERT(was != 0);
}

void image_release(VmImage* img) {
  uint32_t left = __atomic_sub_fetch(&img->refs, 1, __ATOMIC_ACQ_REL);
  if (left + 1 == 0) panic("image_release: %p had no references", static_cast<void*>(img));
  if (left != 0) return;
  for (uint32_t i = 0; i < img->npages; ++i) page_put(img->pages[i]);
  kfree(img, M_VMSPACE);
  __atomic_sub_fetch(&g_live, 1, __ATOMIC_RELAXED);
}

bool image_add(VmImage* img, Page* page) {
  if (img->npages == img->capacity) return false;
  img->pages[img->npages++] = page;
  return true;
}

uint64_t image_live_count() { return __atomic_load_n(&g_live, __ATOMIC_RELAXED); }
