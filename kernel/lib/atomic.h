// Atomic load and store of any type that fits a machine word, enums included.
// GCC's __atomic_load_n and __atomic_store_n take an enum; clang's (which
// clang-tidy parses with) take only integers and pointers. The generic
// __atomic_load and __atomic_store take both, in both compilers, and compile
// to the same instructions.
#pragma once

template <typename T>
inline T atomic_load_value(const T* p, int order) {
  T v;
  __atomic_load(p, &v, order);
  return v;
}

template <typename T>
inline void atomic_store_value(T* p, T v, int order) {
  __atomic_store(p, &v, order);
}
