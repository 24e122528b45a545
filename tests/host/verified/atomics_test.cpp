// The atomic steps WP assumes (kernel/verified/atomics.h), checked against
// their contracts: one test per behavior.
#include <gtest/gtest.h>

#include "kernel/verified/atomics.h"

TEST(VerifiedAtomics, LoadReturnsTheValue) {
  int x = 42;
  EXPECT_EQ(vc_atomic_load_int(&x), 42);
  EXPECT_EQ(x, 42);  // assigns \nothing
}

TEST(VerifiedAtomics, CasSwappedWhenExpectedMatches) {
  int x = 5, expected = 5;
  EXPECT_EQ(vc_atomic_cas_int(&x, &expected, 9), 1);
  EXPECT_EQ(x, 9);
  EXPECT_EQ(expected, 5);  // behavior swapped assigns only *p
}

TEST(VerifiedAtomics, CasLostReportsTheValueSeen) {
  int x = 7, expected = 5;
  EXPECT_EQ(vc_atomic_cas_int(&x, &expected, 9), 0);
  EXPECT_EQ(x, 7);         // behavior lost assigns only *expected
  EXPECT_EQ(expected, 7);  // ... with the value seen
}

TEST(VerifiedAtomics, FetchAddReturnsTheOldValue) {
  int x = 10;
  EXPECT_EQ(vc_atomic_fetch_add_int(&x, 3), 10);
  EXPECT_EQ(x, 13);
  EXPECT_EQ(vc_atomic_fetch_add_int(&x, -13), 13);
  EXPECT_EQ(x, 0);
}
