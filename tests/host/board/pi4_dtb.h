// The Pi 4 trees tools/pi4_dtb.py made for these tests, read into BootInfo.
#pragma once
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "kernel/dt/boot_info.h"
#include "tests/host/dt/read_file.h"

inline bool operator==(const PhysRange& a, const PhysRange& b) {
  return a.base == b.base && a.size == b.size;
}
inline void PrintTo(const PhysRange& r, std::ostream* os) {
  *os << std::hex << "{0x" << r.base << ", 0x" << r.size << "}";
}
inline std::vector<PhysRange> range_list(const PhysRange* list, size_t count) {
  return std::vector<PhysRange>(list, list + count);
}

// The blob of variant `name` (pi4-1g, pi4-psci, ...), or empty.
inline std::vector<uint8_t> pi4_blob(const std::string& name) {
  return read_file(std::string(TINE_PI4_DTB_DIR) + "/" + name + ".dtb");
}

// Reads variant `name`; the test skips when the board files were not fetched.
#define LOAD_PI4_OR_SKIP(name, info, blob)                                           \
  do {                                                                               \
    blob = pi4_blob(name);                                                           \
    if (blob.empty()) GTEST_SKIP() << "no " << name << " (board files not fetched)"; \
    ASSERT_EQ(boot_info_from_dtb(blob.data(), blob.size(), &info), FdtStatus::kOk);  \
  } while (0)
