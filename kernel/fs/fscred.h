// The credentials a file operation acts with: whose permission bits apply,
// and whom what it makes is charged to. A process's are its file-system uid
// and gid (proc_fscred); its supplementary groups are not consulted yet.
#pragma once
#include <stdint.h>

struct FsCred {
  uint32_t uid;
  uint32_t gid;
  bool root() const { return uid == 0; }
};
