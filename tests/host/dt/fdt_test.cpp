// Fdt on well-formed trees compiled from the .dts files next to this test.
#include "kernel/dt/fdt.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/host/dt/dt_test_util.h"

namespace {

class FdtBasic : public ::testing::Test {
 protected:
  void SetUp() override {
    blob_ = test_dtb("basic");
    ASSERT_FALSE(blob_.empty());
    fdt_ = open_or_fail(blob_);
    ASSERT_TRUE(fdt_.is_open());
  }

  std::string name_at(const char* path) {
    const char* n = fdt_.name(fdt_.find_path(path));
    return n != nullptr ? n : "<none>";
  }

  std::vector<std::string> child_names(const char* path) {
    std::vector<std::string> names;
    FdtNode parent = fdt_.find_path(path);
    for (FdtNode n = fdt_.first_child(parent); n.valid(); n = fdt_.next_sibling(n))
      names.push_back(fdt_.name(n));
    return names;
  }

  std::vector<uint8_t> blob_;
  Fdt fdt_;
};

TEST_F(FdtBasic, HeaderFields) {
  EXPECT_EQ(fdt_.total_size(), blob_.size());
  EXPECT_EQ(fdt_.boot_cpuid(), 0u);
  FdtNode root = fdt_.root();
  ASSERT_TRUE(root.valid());
  EXPECT_STREQ(fdt_.name(root), "");
}

TEST_F(FdtBasic, FindPath) {
  EXPECT_EQ(fdt_.find_path("/").offset, fdt_.root().offset);
  EXPECT_EQ(name_at("/chosen"), "chosen");
  EXPECT_EQ(name_at("/cpus/cpu@1"), "cpu@1");
  EXPECT_EQ(name_at("/cpus/cpu@100"), "cpu@100");
  EXPECT_EQ(name_at("/cpus/cpu-map/cluster0/core0"), "core0");
  EXPECT_EQ(name_at("/memory@40000000"), "memory@40000000");
  EXPECT_EQ(name_at("/soc/serial@7e215040"), "serial@7e215040");
  EXPECT_EQ(name_at("/memory-controller@7e000000"), "memory-controller@7e000000");
  // Repeated and trailing slashes are harmless.
  EXPECT_EQ(name_at("//soc//gpio@7e200000/"), "gpio@7e200000");
}

TEST_F(FdtBasic, FindPathWithoutUnitAddressTakesFirstMatch) {
  EXPECT_EQ(name_at("/memory"), "memory@0");
  EXPECT_EQ(name_at("/soc/serial"), "serial@7e201000");
  EXPECT_EQ(name_at("/cpus/cpu"), "cpu@0");
  // A unit address never matches a different one, and a bare prefix is not a name.
  EXPECT_FALSE(fdt_.find_path("/memory@1").valid());
  EXPECT_FALSE(fdt_.find_path("/mem").valid());
  EXPECT_FALSE(fdt_.find_path("/memory-controller@7e").valid());
}

TEST_F(FdtBasic, FindPathMisses) {
  EXPECT_FALSE(fdt_.find_path("/nonexistent").valid());
  EXPECT_FALSE(fdt_.find_path("/cpus/cpu@9").valid());
  EXPECT_FALSE(fdt_.find_path("/cpus/cpu@1/deeper").valid());
  EXPECT_FALSE(fdt_.find_path("cpus").valid()) << "relative paths and aliases are not resolved";
  EXPECT_FALSE(fdt_.find_path("").valid());
  EXPECT_FALSE(fdt_.find_path(nullptr).valid());
}

TEST_F(FdtBasic, Children) {
  EXPECT_EQ(child_names("/"), (std::vector<std::string>{"chosen", "memory@0", "memory@40000000",
                                                        "memory-controller@7e000000",
                                                        "reserved-memory", "psci", "cpus", "soc"}));
  EXPECT_EQ(child_names("/cpus"),
            (std::vector<std::string>{"cpu@0", "cpu@1", "cpu@2", "cpu@3", "cpu@100", "cpu-map"}));
  EXPECT_TRUE(child_names("/chosen").empty());
  EXPECT_TRUE(child_names("/nonexistent").empty());

  FdtNode cpus = fdt_.find_path("/cpus");
  EXPECT_EQ(fdt_.child(cpus, "cpu@2").offset, fdt_.find_path("/cpus/cpu@2").offset);
  EXPECT_EQ(fdt_.child(cpus, "cpu-map").offset, fdt_.find_path("/cpus/cpu-map").offset);
  EXPECT_FALSE(fdt_.child(cpus, "cpu@7").valid());
}

TEST_F(FdtBasic, Parent) {
  EXPECT_EQ(fdt_.parent(fdt_.find_path("/cpus/cpu@1")).offset, fdt_.find_path("/cpus").offset);
  EXPECT_EQ(fdt_.parent(fdt_.find_path("/soc/flags")).offset, fdt_.find_path("/soc").offset);
  EXPECT_EQ(fdt_.parent(fdt_.find_path("/chosen")).offset, fdt_.root().offset);
  EXPECT_EQ(fdt_.parent(fdt_.find_path("/cpus/cpu-map/cluster0/core0")).offset,
            fdt_.find_path("/cpus/cpu-map/cluster0").offset);
  EXPECT_FALSE(fdt_.parent(fdt_.root()).valid());
  EXPECT_FALSE(fdt_.parent(FdtNode{}).valid());
  // An offset that is not a node start finds nothing.
  EXPECT_FALSE(fdt_.parent(FdtNode{fdt_.find_path("/chosen").offset + 4}).valid());
}

TEST_F(FdtBasic, SearchByNamePrefix) {
  std::vector<std::string> names;
  for (FdtNode n = fdt_.next_with_name_prefix(FdtNode{}, "memory"); n.valid();
       n = fdt_.next_with_name_prefix(n, "memory"))
    names.push_back(fdt_.name(n));
  EXPECT_EQ(names, (std::vector<std::string>{"memory@0", "memory@40000000",
                                             "memory-controller@7e000000"}));
  names.clear();
  for (FdtNode n = fdt_.next_with_name_prefix(FdtNode{}, "memory@"); n.valid();
       n = fdt_.next_with_name_prefix(n, "memory@"))
    names.push_back(fdt_.name(n));
  EXPECT_EQ(names, (std::vector<std::string>{"memory@0", "memory@40000000"}));
}

TEST_F(FdtBasic, SearchByBaseName) {
  std::vector<std::string> names;
  for (FdtNode n = fdt_.next_with_base_name(FdtNode{}, "memory"); n.valid();
       n = fdt_.next_with_base_name(n, "memory"))
    names.push_back(fdt_.name(n));
  EXPECT_EQ(names, (std::vector<std::string>{"memory@0", "memory@40000000"}));
  // Searches descend into subtrees.
  FdtNode core = fdt_.next_with_base_name(FdtNode{}, "core0");
  EXPECT_EQ(core.offset, fdt_.find_path("/cpus/cpu-map/cluster0/core0").offset);
}

TEST_F(FdtBasic, SearchByCompatible) {
  std::vector<std::string> names;
  for (FdtNode n = fdt_.next_compatible(FdtNode{}, "arm,cortex-a72"); n.valid();
       n = fdt_.next_compatible(n, "arm,cortex-a72"))
    names.push_back(fdt_.name(n));
  EXPECT_EQ(names, (std::vector<std::string>{"cpu@0", "cpu@1", "cpu@2", "cpu@3"}));
  // Any entry of the list matches, including the root's.
  EXPECT_EQ(fdt_.next_compatible(FdtNode{}, "arm,primecell").offset,
            fdt_.find_path("/soc/serial@7e201000").offset);
  EXPECT_EQ(fdt_.next_compatible(FdtNode{}, "tine,generic").offset, fdt_.root().offset);
  EXPECT_FALSE(fdt_.next_compatible(FdtNode{}, "arm,prime").valid());
}

TEST_F(FdtBasic, Properties) {
  FdtNode flags = fdt_.find_path("/soc/flags");
  ASSERT_TRUE(flags.valid());

  uint32_t u32 = 0;
  uint64_t u64 = 0;
  EXPECT_TRUE(fdt_.prop_u32(flags, "number", &u32));
  EXPECT_EQ(u32, 42u);
  EXPECT_TRUE(fdt_.prop_u64(flags, "number", &u64));
  EXPECT_EQ(u64, 42u) << "one cell widens";
  EXPECT_FALSE(fdt_.prop_u32(flags, "wide", &u32));
  EXPECT_TRUE(fdt_.prop_u64(flags, "wide", &u64));
  EXPECT_EQ(u64, 0x123456789abcdef0u);

  FdtProp odd = fdt_.prop(flags, "odd");
  ASSERT_TRUE(odd.found());
  EXPECT_EQ(odd.len, 3u);
  EXPECT_EQ(odd.data[0], 1);
  EXPECT_EQ(odd.data[2], 3);
  EXPECT_FALSE(fdt_.prop_u32(flags, "odd", &u32));
  EXPECT_FALSE(fdt_.prop_u64(flags, "odd", &u64));

  FdtProp present = fdt_.prop(flags, "present");
  EXPECT_TRUE(present.found());
  EXPECT_EQ(present.len, 0u);
  EXPECT_TRUE(fdt_.has_prop(flags, "present"));
  EXPECT_EQ(fdt_.prop_string(flags, "present"), nullptr);

  EXPECT_FALSE(fdt_.prop(flags, "absent").found());
  EXPECT_FALSE(fdt_.prop(flags, "presen").found());
  EXPECT_FALSE(fdt_.prop(FdtNode{}, "number").found());
}

TEST_F(FdtBasic, Strings) {
  FdtNode flags = fdt_.find_path("/soc/flags");
  EXPECT_STREQ(fdt_.prop_string(flags, "list"), "first");
  EXPECT_EQ(fdt_.prop_string(flags, "unterminated"), nullptr);
  EXPECT_TRUE(fdt_.prop_has_string(flags, "list", "first"));
  EXPECT_TRUE(fdt_.prop_has_string(flags, "list", "second"));
  EXPECT_TRUE(fdt_.prop_has_string(flags, "list", "third"));
  EXPECT_FALSE(fdt_.prop_has_string(flags, "list", "sec"));
  EXPECT_FALSE(fdt_.prop_has_string(flags, "list", "fourth"));
  EXPECT_FALSE(fdt_.prop_has_string(flags, "unterminated", "abc"));
  EXPECT_STREQ(fdt_.prop_string(fdt_.root(), "model"), "tine test board");
}

TEST_F(FdtBasic, Status) {
  EXPECT_TRUE(fdt_.is_enabled(fdt_.find_path("/soc/serial@7e201000")));
  EXPECT_FALSE(fdt_.is_enabled(fdt_.find_path("/soc/serial@7e215040")));
  EXPECT_TRUE(fdt_.is_enabled(fdt_.find_path("/soc/gpio@7e200000"))) << "no status: enabled";
}

TEST_F(FdtBasic, Cells) {
  FdtCells root = fdt_.cells_for_children(fdt_.root());
  EXPECT_EQ(root.address, 2u);
  EXPECT_EQ(root.size, 1u);
  FdtCells soc = fdt_.cells_for_children(fdt_.find_path("/soc"));
  EXPECT_EQ(soc.address, 1u);
  EXPECT_EQ(soc.size, 1u);
  FdtCells cpus = fdt_.cells_for_children(fdt_.find_path("/cpus"));
  EXPECT_EQ(cpus.address, 1u);
  EXPECT_EQ(cpus.size, 0u);
  FdtCells chosen = fdt_.cells_for_children(fdt_.find_path("/chosen"));
  EXPECT_EQ(chosen.address, 2u) << "the specification's default";
  EXPECT_EQ(chosen.size, 1u);
}

TEST_F(FdtBasic, RegUsesTheParentsCells) {
  PhysRange r;
  FdtNode mem = fdt_.find_path("/memory@40000000");
  EXPECT_EQ(fdt_.reg_count(mem), 2u);
  ASSERT_TRUE(fdt_.reg(mem, 0, &r));
  EXPECT_EQ(r.base, 0x40000000u);
  EXPECT_EQ(r.size, 0x80000000u);
  ASSERT_TRUE(fdt_.reg(mem, 1, &r));
  EXPECT_EQ(r.base, 0x100000000u);
  EXPECT_EQ(r.size, 0x40000000u);
  EXPECT_FALSE(fdt_.reg(mem, 2, &r));

  // 1-cell addresses and sizes under /soc.
  FdtNode gpio = fdt_.find_path("/soc/gpio@7e200000");
  EXPECT_EQ(fdt_.reg_count(gpio), 2u);
  ASSERT_TRUE(fdt_.reg(gpio, 1, &r));
  EXPECT_EQ(r.base, 0x7e2000d0u);
  EXPECT_EQ(r.size, 0x10u);

  // No size cells under /cpus.
  FdtNode cpu = fdt_.find_path("/cpus/cpu@100");
  EXPECT_EQ(fdt_.reg_count(cpu), 1u);
  ASSERT_TRUE(fdt_.reg(cpu, 0, &r));
  EXPECT_EQ(r.base, 0x100u);
  EXPECT_EQ(r.size, 0u);

  // reg_under gives the same answer without the parent walk.
  ASSERT_TRUE(fdt_.reg_under(fdt_.root(), fdt_.find_path("/memory@0"), 0, &r));
  EXPECT_EQ(r.base, 0u);
  EXPECT_EQ(r.size, 0x3b400000u);

  EXPECT_FALSE(fdt_.reg(fdt_.root(), 0, &r)) << "the root has no parent";
  EXPECT_FALSE(fdt_.reg(fdt_.find_path("/chosen"), 0, &r)) << "no reg";
  EXPECT_EQ(fdt_.reg_count(fdt_.find_path("/chosen")), 0u);
}

TEST_F(FdtBasic, MemReserve) {
  ASSERT_EQ(fdt_.memreserve_count(), 2u);
  PhysRange r;
  ASSERT_TRUE(fdt_.memreserve(0, &r));
  EXPECT_EQ(r.base, 0u);
  EXPECT_EQ(r.size, 0x1000u);
  ASSERT_TRUE(fdt_.memreserve(1, &r));
  EXPECT_EQ(r.base, 0x10000000u);
  EXPECT_EQ(r.size, 0x200000u);
  EXPECT_FALSE(fdt_.memreserve(2, &r));
}

TEST_F(FdtBasic, WalkSeesEveryNode) {
  // The root, 8 top-level nodes, 3 under reserved-memory, 5 cpus plus cpu-map's
  // three levels, 4 under soc.
  EXPECT_EQ(touch_everything(fdt_), 1u + 8u + 3u + 8u + 4u);
}

TEST_F(FdtBasic, UnalignedBlob) {
  // Every field is read a byte at a time, so any alignment works (UBSan checks).
  std::vector<uint8_t> shifted(blob_.size() + 1);
  std::copy(blob_.begin(), blob_.end(), shifted.begin() + 1);
  Fdt fdt;
  ASSERT_EQ(Fdt::open(shifted.data() + 1, blob_.size(), &fdt), FdtStatus::kOk);
  EXPECT_EQ(touch_everything(fdt), touch_everything(fdt_));
  uint64_t release = 0;
  EXPECT_TRUE(fdt.prop_u64(fdt.find_path("/cpus/cpu@2"), "cpu-release-addr", &release));
  EXPECT_EQ(release, 0xe8u);
}

TEST(Fdt, Minimal) {
  std::vector<uint8_t> blob = test_dtb("minimal");
  ASSERT_FALSE(blob.empty());
  Fdt fdt = open_or_fail(blob);
  FdtNode root = fdt.root();
  ASSERT_TRUE(root.valid());
  EXPECT_FALSE(fdt.first_child(root).valid());
  EXPECT_FALSE(fdt.next_sibling(root).valid());
  EXPECT_FALSE(fdt.find_path("/chosen").valid());
  EXPECT_EQ(fdt.memreserve_count(), 0u);
  EXPECT_EQ(touch_everything(fdt), 1u);
}

TEST(Fdt, NestingLimit) {
  std::vector<uint8_t> limit = test_dtb("deep_limit");
  ASSERT_FALSE(limit.empty());
  Fdt fdt = open_or_fail(limit);
  // The deepest node's parent is found even at the limit.
  FdtNode leaf = fdt.next_with_base_name(FdtNode{}, "n31");
  ASSERT_TRUE(leaf.valid());
  EXPECT_STREQ(fdt.name(fdt.parent(leaf)), "n30");
  EXPECT_EQ(touch_everything(fdt), 32u);

  std::vector<uint8_t> over = test_dtb("deep_over");
  ASSERT_FALSE(over.empty());
  Fdt rejected;
  EXPECT_EQ(Fdt::open(over.data(), over.size(), &rejected), FdtStatus::kBadStructure);
  EXPECT_FALSE(rejected.is_open());
}

TEST(Fdt, UnopenedIsInert) {
  Fdt fdt;
  EXPECT_FALSE(fdt.is_open());
  EXPECT_FALSE(fdt.root().valid());
  EXPECT_FALSE(fdt.find_path("/").valid());
  EXPECT_EQ(fdt.name(FdtNode{0}), nullptr);
  EXPECT_FALSE(fdt.first_child(FdtNode{0}).valid());
  EXPECT_FALSE(fdt.prop(FdtNode{0}, "reg").found());
  EXPECT_FALSE(fdt.next_compatible(FdtNode{}, "x").valid());
  EXPECT_EQ(fdt.memreserve_count(), 0u);
  EXPECT_EQ(touch_everything(fdt), 0u);
}

TEST(Fdt, ReadCells) {
  const uint8_t bytes[] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
  EXPECT_EQ(Fdt::read_cells(bytes, 1), 0x12345678u);
  EXPECT_EQ(Fdt::read_cells(bytes, 2), 0x123456789abcdef0u);
  EXPECT_EQ(Fdt::read_cells(bytes, 0), 0u);
  EXPECT_EQ(Fdt::read_cells(bytes, 3), 0u);
}

TEST(Fdt, StatusNames) {
  for (FdtStatus s :
       {FdtStatus::kOk, FdtStatus::kTooSmall, FdtStatus::kBadMagic, FdtStatus::kBadVersion,
        FdtStatus::kBadHeader, FdtStatus::kBadStructure, FdtStatus::kBadMemReserve}) {
    ASSERT_NE(fdt_status_name(s), nullptr);
    EXPECT_GT(std::string(fdt_status_name(s)).size(), 0u);
  }
}

}  // namespace
