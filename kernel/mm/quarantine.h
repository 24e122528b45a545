// kmalloc's quarantine (debug kernel): a freed slab object, poisoned, waits
// here before it goes back to its slab, so that memory a stale pointer still
// reaches is not handed out again at once and a write through that pointer
// can be seen. One FIFO for every type, bounded in objects and in bytes; when
// an object comes in over a bound, the oldest leave and each goes to the
// caller's release function (kmalloc checks that it still holds the poison,
// then frees it for real). Release functions run with no quarantine lock held.
//
// Large kmalloc blocks are not quarantined: they are pages, which the page
// allocator poisons and checks itself (page_alloc.cpp).
#pragma once
#include <stddef.h>
#include <stdint.h>

struct MallocType;

inline constexpr uint32_t kQuarantineMaxObjects = 1024;
inline constexpr uint64_t kQuarantineMaxBytes = 256 << 10;

struct QuarantinedObject {
  void* ptr;
  MallocType* type;
  uint32_t bytes;  // its size class
};

using QuarantineRelease = void (*)(const QuarantinedObject& obj);

// Adds obj as the newest; then, while over a bound, releases the oldest.
void quarantine_add(const QuarantinedObject& obj, QuarantineRelease release);
// Releases every object, oldest first; returns how many.
size_t quarantine_drain(QuarantineRelease release);
// True if ptr is in the quarantine; *out (if not null) gets its entry.
bool quarantine_find(const void* ptr, QuarantinedObject* out);
// Forgets every object without releasing it (the allocator starts over).
void quarantine_reset();

struct QuarantineStats {
  uint64_t objects;  // held now
  uint64_t bytes;
  uint64_t added;  // since the last reset
  uint64_t released;
};
QuarantineStats quarantine_stats();
