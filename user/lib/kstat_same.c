/* The comparison of two tine_kstat records (tine_kstat.h), built into the
 * tiny library and into the static glibc programs' harness. */
#include "tine_kstat.h"

#include "libc_subset.h"

int kstat_same_resources(const struct tine_kstat* a, const struct tine_kstat* b, char* why,
                         size_t n) {
  size_t len = 0;
  int same = 1;
  why[0] = 0;
#define SAME(field)                                                                 \
  if (a->field != b->field) {                                                       \
    same = 0;                                                                       \
    if (len < n)                                                                    \
      len += snprintf(why + len, n - len, "%s" #field " %lu->%lu", len ? ", " : "", \
                      (unsigned long)a->field, (unsigned long)b->field);            \
  }
  SAME(free_pages);
  SAME(user_pages);
  SAME(pt_pages);
  SAME(user_pt_pages);
  SAME(heap_pages);
  SAME(kstack_pages);
  SAME(asids_in_use);
  SAME(vmspaces);
  SAME(regions);
  SAME(anon_objects);
  SAME(procs);
  SAME(threads);
#undef SAME
  for (uint64_t i = 0; i < a->nzones && i < TINE_KSTAT_MAX_ZONES; ++i) {
    const struct tine_kstat_zone* za = &a->zones[i];
    for (uint64_t j = 0; j < b->nzones && j < TINE_KSTAT_MAX_ZONES; ++j) {
      const struct tine_kstat_zone* zb = &b->zones[j];
      if (strcmp(za->name, zb->name) != 0) continue;
      if (za->inuse_objects != zb->inuse_objects || za->inuse_bytes != zb->inuse_bytes) {
        same = 0;
        if (len < n)
          len +=
              snprintf(why + len, n - len, "%szone %s %lu->%lu objects", len ? ", " : "", za->name,
                       (unsigned long)za->inuse_objects, (unsigned long)zb->inuse_objects);
      }
    }
  }
  return same;
}
