#include "kernel/fs/poll.h"

#include "kernel/sched/sleepq.h"

namespace {

uint64_t g_generation;  // atomic
uint32_t g_pollers;     // atomic: threads between poll_begin and poll_end
char g_chan;            // the wait channel

}  // namespace

void poll_wakeup() {
  __atomic_add_fetch(&g_generation, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&g_pollers, __ATOMIC_SEQ_CST)) wakeup(&g_chan);
}

void poll_begin() { __atomic_add_fetch(&g_pollers, 1, __ATOMIC_SEQ_CST); }
void poll_end() { __atomic_sub_fetch(&g_pollers, 1, __ATOMIC_SEQ_CST); }
uint64_t poll_generation() { return __atomic_load_n(&g_generation, __ATOMIC_SEQ_CST); }

int poll_wait(uint64_t seen, uint64_t deadline_ns) {
  tsleep_interlock(&g_chan, PCATCH);
  if (poll_generation() != seen) {
    tsleep_abort();
    return 0;
  }
  int r = tsleep_until(&g_chan, PCATCH | PINTERLOCKED, "poll", deadline_ns);
  return r == EINTR || r == EWOULDBLOCK ? r : 0;
}
