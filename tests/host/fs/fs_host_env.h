// The file layer on the host: the RAM file system as root over the mm
// tests' heap arena, with host versions of what the kernel's sleep locks,
// clock and user copies need (fs_host_env.cpp).
#pragma once
#include <initializer_list>
#include <string>

#include "kernel/fs/charge.h"
#include "kernel/fs/vnode.h"
#include "tests/host/mm/mm_arena.h"

class FsArena : public MmArena {
 protected:
  void SetUp() override;
  void TearDown() override;
};

inline constexpr FsCred kRootCred{0, 0};
inline constexpr FsCred kUserCred{1000, 1000};

// Writes data to path (created, mode 0644 for cr); 0 or -errno.
int host_put(const char* path, const std::string& data, const FsCred& cr = kRootCred);
// The contents of path, or "<error N>".
std::string host_get(const char* path, const FsCred& cr = kRootCred);
// The supplementary groups of the "calling process" credentials with
// caller_groups have (none until a test sets them; the fixture clears them).
void host_set_groups(std::initializer_list<uint32_t> groups);
// Binds this host thread to CPU slot n (for spinlocks), for threads a test starts.
void host_bind_cpu(unsigned n);
