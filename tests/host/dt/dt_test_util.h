// Shared by the device tree tests: loading blobs, and a walk that touches
// every node and common property so ASan sees any out-of-bounds read.
#pragma once
#include <gtest/gtest.h>
#include <stdint.h>

#include <ostream>
#include <string>
#include <vector>

#include "kernel/dt/boot_info.h"
#include "kernel/dt/fdt.h"
#include "tests/host/dt/read_file.h"

// Test messages name the status instead of dumping its byte.
inline void PrintTo(FdtStatus status, std::ostream* os) { *os << fdt_status_name(status); }

// One of the trees compiled from tests/host/dt/*.dts.
inline std::vector<uint8_t> test_dtb(const char* name) {
  return read_file(std::string(TINE_TEST_DTB_DIR) + "/" + name + ".dtb");
}

// Opens a blob, failing the test if it does not open.
inline Fdt open_or_fail(const std::vector<uint8_t>& blob) {
  Fdt fdt;
  FdtStatus status = Fdt::open(blob.data(), blob.size(), &fdt);
  EXPECT_EQ(status, FdtStatus::kOk) << fdt_status_name(status);
  return fdt;
}

inline void touch_node(const Fdt& fdt, FdtNode parent, FdtNode node, int depth, size_t* count) {
  ++*count;
  const char* name = fdt.name(node);
  ASSERT_NE(name, nullptr);
  volatile size_t sink = std::string(name).size();
  for (const char* p : {"compatible", "reg", "status", "model", "device_type", "bootargs",
                        "#address-cells", "#size-cells", "cpu-release-addr", "enable-method"}) {
    FdtProp prop = fdt.prop(node, p);
    for (uint32_t i = 0; i < prop.len; ++i) sink = sink + prop.data[i];
    uint64_t v64;
    uint32_t v32;
    fdt.prop_u64(node, p, &v64);
    fdt.prop_u32(node, p, &v32);
    if (const char* s = fdt.prop_string(node, p)) sink = sink + std::string(s).size();
    fdt.prop_has_string(node, p, "x");
  }
  fdt.is_enabled(node);
  fdt.cells_for_children(node);
  PhysRange r;
  for (uint32_t i = 0; i < 4 && fdt.reg_under(parent, node, i, &r); ++i) sink = sink + r.base;
  (void)sink;
  ASSERT_LE(depth, Fdt::kMaxDepth);
  for (FdtNode c = fdt.first_child(node); c.valid(); c = fdt.next_sibling(c))
    touch_node(fdt, node, c, depth + 1, count);
}

// Exercises every reader on an opened tree; returns the number of nodes seen.
inline size_t touch_everything(const Fdt& fdt) {
  size_t count = 0;
  FdtNode root = fdt.root();
  if (root.valid()) touch_node(fdt, FdtNode{}, root, 1, &count);
  for (const char* path : {"/", "/chosen", "/memory", "/cpus/cpu@1", "/soc/serial", "/a/b/c"})
    fdt.parent(fdt.find_path(path));
  size_t found = 0;
  for (FdtNode n = fdt.next_with_name_prefix(FdtNode{}, ""); n.valid();
       n = fdt.next_with_name_prefix(n, ""))
    ++found;
  EXPECT_EQ(found, count) << "document-order search and the tree walk disagree";
  for (FdtNode n = fdt.next_compatible(FdtNode{}, "arm,cortex-a72"); n.valid();
       n = fdt.next_compatible(n, "arm,cortex-a72")) {
    PhysRange cpu_reg;
    fdt.reg(n, 0, &cpu_reg);
    fdt.reg_count(n);
  }
  PhysRange r;
  for (uint32_t i = 0; fdt.memreserve(i, &r); ++i) {
  }
  BootInfo info;
  boot_info_from_fdt(fdt, &info);
  return count;
}
