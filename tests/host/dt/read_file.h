// Reading a whole file, for the tests that load device tree blobs.
#pragma once
#include <stdint.h>
#include <stdio.h>

#include <string>
#include <vector>

// The whole file, or empty if it cannot be read. Exactly sized, so reading
// one byte past the end is a heap overflow ASan reports.
inline std::vector<uint8_t> read_file(const std::string& path) {
  std::vector<uint8_t> data;
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return data;
  uint8_t chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) data.insert(data.end(), chunk, chunk + n);
  fclose(f);
  data.shrink_to_fit();
  return data;
}
