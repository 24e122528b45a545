#include "kernel/sched/cpumask.h"

#include <gtest/gtest.h>

TEST(Cpumask, Basics) {
  EXPECT_EQ(kCpumaskAll, 0xfu);
  EXPECT_TRUE(cpumask_test(cpumask_of(2), 2));
  EXPECT_FALSE(cpumask_test(cpumask_of(2), 1));
  EXPECT_EQ(cpumask_count(0b1011), 3u);
  EXPECT_EQ(cpumask_first(0b1100), 2u);
}
