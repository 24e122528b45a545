#include "kernel/cpu/percpu.h"

Cpu g_cpus[arch::kMaxCpus];

void cpu_bind(unsigned id) {
  g_cpus[id].id = id;
  arch::set_cpu_local(&g_cpus[id]);
}

unsigned cpus_online() {
  unsigned n = 0;
  for (const Cpu& c : g_cpus) n += __atomic_load_n(&c.online, __ATOMIC_ACQUIRE) ? 1 : 0;
  return n;
}
