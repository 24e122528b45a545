// Flattened device tree reader. Layout (Devicetree Specification v0.4, ch. 5):
// a header of big-endian u32s, then the /memreserve/ list of (u64 address,
// u64 size) pairs ending in (0, 0), the structure block of 4-byte aligned
// tokens, and the strings block holding property names.
//
// All multi-byte values are read a byte at a time: the blob need not be
// aligned, and this may run before the MMU makes unaligned access legal.
#include "kernel/dt/fdt.h"

#include "kernel/lib/string.h"

namespace {

constexpr uint32_t kMagic = 0xd00dfeed;
// Oldest layout we read (16) and newest whose compatibility we understand (17).
constexpr uint32_t kOldestVersion = 16;
constexpr uint32_t kNewestVersion = 17;
constexpr uint32_t kHeaderSizeV16 = 36;  // without size_dt_struct
constexpr uint32_t kHeaderSizeV17 = 40;

// Header fields, as byte offsets.
constexpr uint32_t kHdrMagic = 0;
constexpr uint32_t kHdrTotalSize = 4;
constexpr uint32_t kHdrOffStruct = 8;
constexpr uint32_t kHdrOffStrings = 12;
constexpr uint32_t kHdrOffMemReserve = 16;
constexpr uint32_t kHdrVersion = 20;
constexpr uint32_t kHdrLastCompVersion = 24;
constexpr uint32_t kHdrBootCpuid = 28;
constexpr uint32_t kHdrSizeStrings = 32;
constexpr uint32_t kHdrSizeStruct = 36;

// Structure block tokens.
constexpr uint32_t kBeginNode = 1;
constexpr uint32_t kEndNode = 2;
constexpr uint32_t kProp = 3;
constexpr uint32_t kNop = 4;
constexpr uint32_t kEnd = 9;

constexpr uint32_t kPropHeader = 12;  // tag, value length, name offset
constexpr uint32_t kMemReserveEntry = 16;

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

uint64_t be64(const uint8_t* p) { return (uint64_t{be32(p)} << 32) | be32(p + 4); }

uint64_t align4(uint64_t v) { return (v + 3) & ~uint64_t{3}; }

// Does a node called node_name answer to the path component comp[0..len)?
// Either exactly, or comp has no unit address and node_name is "comp@...".
bool component_matches(const char* node_name, const char* comp, size_t len) {
  if (tine_strnlen(node_name, len) != len || tine_memcmp(node_name, comp, len) != 0) return false;
  if (node_name[len] == '\0') return true;
  return node_name[len] == '@' && tine_memchr(comp, '@', len) == nullptr;
}

}  // namespace

const char* fdt_status_name(FdtStatus status) {
  switch (status) {
    case FdtStatus::kOk: return "ok";
    case FdtStatus::kTooSmall: return "blob larger than the space given";
    case FdtStatus::kBadMagic: return "bad magic";
    case FdtStatus::kBadVersion: return "unsupported version";
    case FdtStatus::kBadHeader: return "header offsets or sizes out of bounds";
    case FdtStatus::kBadStructure: return "malformed structure block";
    case FdtStatus::kBadMemReserve: return "malformed memory reservation block";
  }
  return "unknown";
}

uint32_t Fdt::peek_total_size(const void* blob) {
  const auto* base = static_cast<const uint8_t*>(blob);
  if (base == nullptr || be32(base + kHdrMagic) != kMagic) return 0;
  return be32(base + kHdrTotalSize);
}

FdtStatus Fdt::open(const void* blob, size_t max_size, Fdt* out) {
  const auto* base = static_cast<const uint8_t*>(blob);
  if (base == nullptr || max_size < kHeaderSizeV16) return FdtStatus::kTooSmall;
  if (be32(base + kHdrMagic) != kMagic) return FdtStatus::kBadMagic;

  uint32_t version = be32(base + kHdrVersion);
  if (version < kOldestVersion || be32(base + kHdrLastCompVersion) > kNewestVersion)
    return FdtStatus::kBadVersion;
  uint32_t header_size = version >= 17 ? kHeaderSizeV17 : kHeaderSizeV16;
  if (max_size < header_size) return FdtStatus::kTooSmall;

  // Sums are formed in 64 bits so no field can wrap a check around.
  uint64_t total = be32(base + kHdrTotalSize);
  if (total > max_size) return FdtStatus::kTooSmall;
  if (total < header_size || total > INT32_MAX) return FdtStatus::kBadHeader;

  uint64_t off_struct = be32(base + kHdrOffStruct);
  uint64_t off_strings = be32(base + kHdrOffStrings);
  uint64_t off_rsv = be32(base + kHdrOffMemReserve);
  uint64_t size_strings = be32(base + kHdrSizeStrings);
  uint64_t size_struct;
  if (version >= 17) {
    size_struct = be32(base + kHdrSizeStruct);
  } else {
    if (off_struct > total) return FdtStatus::kBadHeader;
    size_struct = total - off_struct;
  }

  if (off_struct < header_size || off_struct % 4 != 0 || off_struct + size_struct > total)
    return FdtStatus::kBadHeader;
  if (off_strings < header_size || off_strings + size_strings > total) return FdtStatus::kBadHeader;
  if (off_rsv < header_size || off_rsv % 8 != 0 || off_rsv > total) return FdtStatus::kBadHeader;

  Fdt fdt;
  fdt.blob_ = base;
  fdt.total_size_ = static_cast<uint32_t>(total);
  fdt.structure_ = base + off_struct;
  fdt.structure_size_ = static_cast<uint32_t>(size_struct);
  fdt.strings_ = reinterpret_cast<const char*>(base + off_strings);
  fdt.strings_size_ = static_cast<uint32_t>(size_strings);
  fdt.memreserve_offset_ = static_cast<uint32_t>(off_rsv);
  fdt.boot_cpuid_ = be32(base + kHdrBootCpuid);

  FdtStatus status = fdt.validate_memreserve();
  if (status != FdtStatus::kOk) return status;
  status = fdt.validate_structure();
  if (status != FdtStatus::kOk) return status;
  *out = fdt;
  return FdtStatus::kOk;
}

FdtStatus Fdt::validate_memreserve() {
  uint32_t count = 0;
  for (uint64_t at = memreserve_offset_;; at += kMemReserveEntry) {
    if (at + kMemReserveEntry > total_size_) return FdtStatus::kBadMemReserve;
    if (be64(blob_ + at) == 0 && be64(blob_ + at + 8) == 0) break;
    ++count;
  }
  memreserve_count_ = count;
  return FdtStatus::kOk;
}

// One pass over every token: each must be well-formed and in bounds, property
// names must lie in the strings block, and nodes must nest into exactly one root.
FdtStatus Fdt::validate_structure() const {
  int depth = 0;
  bool root_seen = false;
  uint32_t offset = 0;
  for (;;) {
    Token tok;
    if (!token_at(offset, &tok)) return FdtStatus::kBadStructure;
    switch (tok.tag) {
      case kBeginNode:
        if (depth == 0) {
          if (root_seen) return FdtStatus::kBadStructure;  // a second root
          root_seen = true;
        }
        if (++depth > kMaxDepth) return FdtStatus::kBadStructure;
        break;
      case kEndNode:
        if (depth == 0) return FdtStatus::kBadStructure;
        --depth;
        break;
      case kProp: {
        const char* unused;
        if (depth == 0 || !prop_name_at(be32(structure_ + offset + 8), &unused))
          return FdtStatus::kBadStructure;
        break;
      }
      case kNop: break;
      case kEnd: return root_seen && depth == 0 ? FdtStatus::kOk : FdtStatus::kBadStructure;
    }
    offset = tok.next;  // always beyond offset, so the walk ends
  }
}

bool Fdt::token_at(uint32_t offset, Token* out) const {
  if (offset % 4 != 0 || uint64_t{offset} + 4 > structure_size_) return false;
  const uint8_t* p = structure_ + offset;
  uint32_t tag = be32(p);
  uint64_t next;
  switch (tag) {
    case kBeginNode: {
      // The name must end inside the structure block.
      size_t room = structure_size_ - offset - 4;
      size_t len = tine_strnlen(reinterpret_cast<const char*>(p + 4), room);
      if (len == room) return false;
      next = align4(uint64_t{offset} + 4 + len + 1);
      break;
    }
    case kProp: {
      if (uint64_t{offset} + kPropHeader > structure_size_) return false;
      uint64_t value_end = uint64_t{offset} + kPropHeader + be32(p + 4);
      if (value_end > structure_size_) return false;
      next = align4(value_end);
      break;
    }
    case kEndNode:
    case kNop:
    case kEnd: next = uint64_t{offset} + 4; break;
    default: return false;
  }
  // The last token may be padded past a structure size that is not a multiple of 4.
  if (next > align4(structure_size_)) return false;
  *out = Token{tag, offset, static_cast<uint32_t>(next)};
  return true;
}

bool Fdt::prop_name_at(uint32_t name_offset, const char** out) const {
  if (name_offset >= strings_size_) return false;
  size_t room = strings_size_ - name_offset;
  if (tine_strnlen(strings_ + name_offset, room) == room) return false;
  *out = strings_ + name_offset;
  return true;
}

bool Fdt::first_inner(FdtNode node, uint32_t* offset) const {
  Token tok;
  if (!node.valid() || !token_at(static_cast<uint32_t>(node.offset), &tok) || tok.tag != kBeginNode)
    return false;
  *offset = tok.next;
  return true;
}

bool Fdt::skip_node(FdtNode node, uint32_t* after) const {
  if (!node.valid()) return false;
  int depth = 0;
  uint32_t offset = static_cast<uint32_t>(node.offset);
  for (;;) {
    Token tok;
    if (!token_at(offset, &tok)) return false;
    if (tok.tag == kBeginNode) {
      ++depth;
    } else if (tok.tag == kEndNode) {
      if (--depth == 0) {
        *after = tok.next;
        return true;
      }
      if (depth < 0) return false;
    } else if (tok.tag == kEnd) {
      return false;
    }
    offset = tok.next;
  }
}

FdtNode Fdt::root() const {
  if (!is_open()) return {};
  uint32_t offset = 0;
  Token tok;
  while (token_at(offset, &tok) && tok.tag == kNop) offset = tok.next;
  if (!token_at(offset, &tok) || tok.tag != kBeginNode) return {};
  return FdtNode{static_cast<int32_t>(offset)};
}

const char* Fdt::name(FdtNode node) const {
  Token tok;
  if (!is_open() || !node.valid() || !token_at(static_cast<uint32_t>(node.offset), &tok) ||
      tok.tag != kBeginNode)
    return nullptr;
  return reinterpret_cast<const char*>(structure_ + node.offset + 4);
}

FdtNode Fdt::node_from(uint32_t offset) const {
  Token tok;
  while (token_at(offset, &tok)) {
    if (tok.tag == kBeginNode) return FdtNode{static_cast<int32_t>(offset)};
    if (tok.tag != kProp && tok.tag != kNop) break;
    offset = tok.next;
  }
  return {};
}

FdtNode Fdt::first_child(FdtNode node) const {
  uint32_t offset;
  if (!is_open() || !first_inner(node, &offset)) return {};
  return node_from(offset);
}

FdtNode Fdt::next_sibling(FdtNode node) const {
  uint32_t offset;
  if (!is_open() || !skip_node(node, &offset)) return {};
  return node_from(offset);
}

FdtNode Fdt::child(FdtNode parent, const char* wanted) const {
  size_t len = tine_strlen(wanted);
  for (FdtNode n = first_child(parent); n.valid(); n = next_sibling(n)) {
    if (component_matches(name(n), wanted, len)) return n;
  }
  return {};
}

FdtNode Fdt::find_path(const char* path) const {
  if (path == nullptr || path[0] != '/') return {};  // aliases are not resolved
  FdtNode node = root();
  const char* p = path;
  while (node.valid()) {
    while (*p == '/') ++p;
    if (*p == '\0') return node;
    const char* component = p;
    while (*p != '\0' && *p != '/') ++p;
    size_t len = static_cast<size_t>(p - component);
    FdtNode found;
    for (FdtNode n = first_child(node); n.valid(); n = next_sibling(n)) {
      if (component_matches(name(n), component, len)) {
        found = n;
        break;
      }
    }
    node = found;
  }
  return {};
}

FdtNode Fdt::parent(FdtNode node) const {
  if (!is_open() || !node.valid()) return {};
  // Open nodes on the way down; validation bounds the depth.
  int32_t open_nodes[kMaxDepth];
  int depth = 0;
  uint32_t offset = 0;
  Token tok;
  while (token_at(offset, &tok)) {
    if (tok.tag == kBeginNode) {
      if (offset == static_cast<uint32_t>(node.offset))
        return depth > 0 ? FdtNode{open_nodes[depth - 1]} : FdtNode{};
      if (depth == kMaxDepth) return {};
      open_nodes[depth++] = static_cast<int32_t>(offset);
    } else if (tok.tag == kEndNode) {
      if (depth == 0) return {};
      --depth;
    } else if (tok.tag == kEnd) {
      return {};
    }
    offset = tok.next;
  }
  return {};
}

FdtNode Fdt::next_matching(FdtNode after, NodeTest test, const char* arg) const {
  if (!is_open()) return {};
  uint32_t offset = 0;
  if (after.valid() && !first_inner(after, &offset)) return {};
  Token tok;
  while (token_at(offset, &tok) && tok.tag != kEnd) {
    FdtNode candidate{static_cast<int32_t>(offset)};
    if (tok.tag == kBeginNode && test(*this, candidate, arg)) return candidate;
    offset = tok.next;
  }
  return {};
}

FdtNode Fdt::next_with_name_prefix(FdtNode after, const char* prefix) const {
  return next_matching(
      after,
      [](const Fdt& fdt, FdtNode n, const char* want) {
        return tine_strncmp(fdt.name(n), want, tine_strlen(want)) == 0;
      },
      prefix);
}

FdtNode Fdt::next_with_base_name(FdtNode after, const char* base) const {
  return next_matching(
      after,
      [](const Fdt& fdt, FdtNode n, const char* want) {
        return component_matches(fdt.name(n), want, tine_strlen(want));
      },
      base);
}

FdtNode Fdt::next_compatible(FdtNode after, const char* compatible) const {
  return next_matching(
      after,
      [](const Fdt& fdt, FdtNode n, const char* want) {
        return fdt.prop_has_string(n, "compatible", want);
      },
      compatible);
}

FdtProp Fdt::prop(FdtNode node, const char* wanted) const {
  uint32_t offset;
  if (!is_open() || !first_inner(node, &offset)) return {};
  Token tok;
  while (token_at(offset, &tok)) {
    if (tok.tag == kProp) {
      const char* prop_name;
      if (prop_name_at(be32(structure_ + offset + 8), &prop_name) &&
          tine_strcmp(prop_name, wanted) == 0)
        return FdtProp{structure_ + offset + kPropHeader, be32(structure_ + offset + 4)};
    } else if (tok.tag != kNop) {
      break;  // properties come before subnodes
    }
    offset = tok.next;
  }
  return {};
}

const char* Fdt::prop_string(FdtNode node, const char* prop_name) const {
  FdtProp p = prop(node, prop_name);
  if (!p.found() || p.len == 0 || tine_memchr(p.data, '\0', p.len) == nullptr) return nullptr;
  return reinterpret_cast<const char*>(p.data);
}

bool Fdt::prop_has_string(FdtNode node, const char* prop_name, const char* value) const {
  FdtProp p = prop(node, prop_name);
  if (!p.found()) return false;
  const char* list = reinterpret_cast<const char*>(p.data);
  size_t at = 0;
  while (at < p.len) {
    size_t room = p.len - at;
    size_t len = tine_strnlen(list + at, room);
    if (len == room) return false;  // unterminated tail
    if (tine_strcmp(list + at, value) == 0) return true;
    at += len + 1;
  }
  return false;
}

bool Fdt::prop_u32(FdtNode node, const char* prop_name, uint32_t* out) const {
  FdtProp p = prop(node, prop_name);
  if (!p.found() || p.len != 4) return false;
  *out = be32(p.data);
  return true;
}

bool Fdt::prop_u64(FdtNode node, const char* prop_name, uint64_t* out) const {
  FdtProp p = prop(node, prop_name);
  if (!p.found() || (p.len != 4 && p.len != 8)) return false;
  *out = read_cells(p.data, p.len / 4);
  return true;
}

bool Fdt::is_enabled(FdtNode node) const {
  if (!has_prop(node, "status")) return true;
  const char* status = prop_string(node, "status");
  return status != nullptr && (tine_strcmp(status, "okay") == 0 || tine_strcmp(status, "ok") == 0);
}

FdtCells Fdt::cells_for_children(FdtNode node) const {
  FdtCells cells{2, 1};
  prop_u32(node, "#address-cells", &cells.address);
  prop_u32(node, "#size-cells", &cells.size);
  return cells;
}

uint64_t Fdt::read_cells(const uint8_t* p, uint32_t cells) {
  if (cells == 1) return be32(p);
  if (cells == 2) return be64(p);
  return 0;
}

uint32_t Fdt::reg_count(FdtNode node) const {
  FdtCells cells = cells_for_children(parent(node));
  uint32_t entry = (cells.address + cells.size) * 4;
  if (cells.address > 2 || cells.size > 2 || entry == 0) return 0;
  return prop(node, "reg").len / entry;
}

bool Fdt::reg(FdtNode node, uint32_t index, PhysRange* out) const {
  return reg_under(parent(node), node, index, out);
}

bool Fdt::reg_under(FdtNode parent_node, FdtNode node, uint32_t index, PhysRange* out) const {
  if (!parent_node.valid()) return false;
  FdtCells cells = cells_for_children(parent_node);
  // Wider cells exist (PCI) but cannot describe a CPU physical range.
  if (cells.address == 0 || cells.address > 2 || cells.size > 2) return false;
  uint32_t entry = (cells.address + cells.size) * 4;
  FdtProp p = prop(node, "reg");
  if (!p.found() || index >= p.len / entry) return false;
  const uint8_t* at = p.data + index * entry;
  out->base = read_cells(at, cells.address);
  out->size = read_cells(at + cells.address * 4, cells.size);  // 0 cells: no size
  return true;
}

bool Fdt::memreserve(uint32_t index, PhysRange* out) const {
  if (index >= memreserve_count_) return false;
  const uint8_t* at = blob_ + memreserve_offset_ + index * kMemReserveEntry;
  out->base = be64(at);
  out->size = be64(at + 8);
  return true;
}
