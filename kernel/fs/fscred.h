// The credentials a file operation acts with: whose permission bits apply,
// and whom what it makes is charged to. Processes have no group id yet:
// every process acts with gid 0 until credentials carry one (proc_fscred).
#pragma once
#include <stdint.h>

struct FsCred {
  uint32_t uid;
  uint32_t gid;
  bool root() const { return uid == 0; }
};
