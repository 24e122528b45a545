#include "kernel/cpu/percpu.h"

Cpu g_cpus[arch::kMaxCpus];

void cpu_bind(unsigned id) {
  g_cpus[id].id = id;
  arch::set_cpu_local(&g_cpus[id]);
}

namespace {
uint32_t g_online_bits;  // bit n: g_cpus[n].online, for readers that want them all at once
}  // namespace

void cpu_set_online(unsigned id, bool online) {
  __atomic_store_n(&g_cpus[id].online, online, __ATOMIC_RELEASE);
  if (online)
    __atomic_fetch_or(&g_online_bits, 1u << id, __ATOMIC_RELEASE);
  else
    __atomic_fetch_and(&g_online_bits, ~(1u << id), __ATOMIC_RELEASE);
}

uint32_t cpus_online_bits() { return __atomic_load_n(&g_online_bits, __ATOMIC_ACQUIRE); }

unsigned cpus_online() {
  unsigned n = 0;
  for (const Cpu& c : g_cpus) n += __atomic_load_n(&c.online, __ATOMIC_ACQUIRE) ? 1 : 0;
  return n;
}
