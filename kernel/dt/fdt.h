// Read-only access to a flattened device tree (DTB), as handed over by the
// firmware. Fdt::open() checks the header and walks the whole structure block
// once; a blob that fails is rejected. Every accessor still bounds-checks what
// it reads, so no input, however corrupt, makes this code read outside the blob.
//
// Nothing allocates. Nodes are offsets into the structure block; lookups walk
// the tree (the DTB format has no index), so callers keep the nodes they need.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/phys.h"

enum class FdtStatus : uint8_t {
  kOk,
  kTooSmall,       // the blob cannot even hold a header
  kBadMagic,       // not 0xd00dfeed
  kBadVersion,     // a format revision we cannot read
  kBadHeader,      // block offsets or sizes outside the blob
  kBadStructure,   // malformed tokens, names, properties or nesting
  kBadMemReserve,  // the /memreserve/ list runs off the blob or is unterminated
};

const char* fdt_status_name(FdtStatus status);

// A node, by the offset of its BEGIN_NODE token. Default: no node.
struct FdtNode {
  int32_t offset = -1;
  bool valid() const { return offset >= 0; }
};

// A property's value as stored: big-endian, len bytes, not necessarily aligned.
struct FdtProp {
  const uint8_t* data = nullptr;
  uint32_t len = 0;
  bool found() const { return data != nullptr; }
};

// The #address-cells/#size-cells a node sets for its children's reg.
struct FdtCells {
  uint32_t address;
  uint32_t size;
};

class Fdt {
 public:
  // Deepest nesting open() accepts (real trees stay below 10).
  static constexpr int kMaxDepth = 32;

  // Validates the blob at `blob`, reading at most max_size bytes of it even if
  // the header claims more. On success *out is ready to use.
  [[nodiscard]] static FdtStatus open(const void* blob, size_t max_size, Fdt* out);

  // The header's totalsize if the 8 bytes at `blob` start a DTB, else 0: how
  // much to map before open() reads the rest.
  static uint32_t peek_total_size(const void* blob);

  bool is_open() const { return blob_ != nullptr; }
  // The whole blob's size (header totalsize), e.g. to reserve its memory.
  uint32_t total_size() const { return total_size_; }
  uint32_t boot_cpuid() const { return boot_cpuid_; }

  // --- nodes
  FdtNode root() const;
  // "/", "/chosen", "/cpus/cpu@1". A component without "@unit" also matches
  // a node that has one ("/memory" finds "memory@0"), as in Linux.
  FdtNode find_path(const char* path) const;
  // "cpu@1" for /cpus/cpu@1, "" for the root. nullptr for an invalid node.
  const char* name(FdtNode node) const;
  FdtNode first_child(FdtNode node) const;
  FdtNode next_sibling(FdtNode node) const;
  // The direct child called `name` (unit address optional as in find_path).
  FdtNode child(FdtNode parent, const char* name) const;
  // Finds the parent by walking from the root; invalid for the root.
  FdtNode parent(FdtNode node) const;

  // Whole-tree searches in document order, starting after `after` (pass an
  // invalid node to start at the top). Loop: for (n = f(FdtNode{}, x); n.valid(); n = f(n, x)).
  FdtNode next_with_name_prefix(FdtNode after, const char* prefix) const;
  // Name without its unit address equal to base: "memory" finds "memory" and "memory@0".
  FdtNode next_with_base_name(FdtNode after, const char* base) const;
  FdtNode next_compatible(FdtNode after, const char* compatible) const;

  // --- properties
  FdtProp prop(FdtNode node, const char* name) const;
  bool has_prop(FdtNode node, const char* name) const { return prop(node, name).found(); }
  // The value if it is a NUL-terminated string within the property, else nullptr.
  const char* prop_string(FdtNode node, const char* name) const;
  // True if the string list property (e.g. "compatible") contains `value`.
  bool prop_has_string(FdtNode node, const char* name, const char* value) const;
  // Exactly one cell.
  bool prop_u32(FdtNode node, const char* name, uint32_t* out) const;
  // One or two cells (a 32-bit value is widened): addresses in /chosen and
  // cpu-release-addr appear both ways in the wild.
  bool prop_u64(FdtNode node, const char* name, uint64_t* out) const;
  // "okay"/"ok" or no status property at all.
  bool is_enabled(FdtNode node) const;

  // --- addresses
  // What `node` declares for its children; the spec's defaults (2, 1) when absent.
  FdtCells cells_for_children(FdtNode node) const;
  // Number of (address, size) entries in node's reg, under its parent's cells.
  uint32_t reg_count(FdtNode node) const;
  // Entry `index` of node's reg. False if absent, or cells exceed 64 bits.
  bool reg(FdtNode node, uint32_t index, PhysRange* out) const;
  // As reg(), when the parent is known (saves the walk that finds it).
  bool reg_under(FdtNode parent, FdtNode node, uint32_t index, PhysRange* out) const;

  // --- the /memreserve/ block
  uint32_t memreserve_count() const { return memreserve_count_; }
  bool memreserve(uint32_t index, PhysRange* out) const;

  // Big-endian value of `cells` 32-bit cells (1 or 2) at p; other counts give 0.
  static uint64_t read_cells(const uint8_t* p, uint32_t cells);

 private:
  struct Token {
    uint32_t tag;
    uint32_t offset;  // of the tag, within the structure block
    uint32_t next;    // offset of the following token
  };
  bool token_at(uint32_t offset, Token* out) const;
  // The first token after node's own BEGIN_NODE and name.
  bool first_inner(FdtNode node, uint32_t* offset) const;
  // The offset just past node's matching END_NODE.
  bool skip_node(FdtNode node, uint32_t* after) const;
  // The node that begins at or after offset, past properties and NOPs, before
  // the enclosing node ends.
  FdtNode node_from(uint32_t offset) const;
  bool prop_name_at(uint32_t name_offset, const char** out) const;
  using NodeTest = bool (*)(const Fdt& fdt, FdtNode node, const char* arg);
  FdtNode next_matching(FdtNode after, NodeTest test, const char* arg) const;
  FdtStatus validate_structure() const;
  FdtStatus validate_memreserve();

  const uint8_t* blob_ = nullptr;
  const uint8_t* structure_ = nullptr;
  const char* strings_ = nullptr;
  uint32_t total_size_ = 0;
  uint32_t structure_size_ = 0;
  uint32_t strings_size_ = 0;
  uint32_t memreserve_offset_ = 0;
  uint32_t memreserve_count_ = 0;
  uint32_t boot_cpuid_ = 0;
};
