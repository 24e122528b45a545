// The VM tests' way to user space (user_space.h), through the process layer.
#include "kernel/ktest/user_space.h"

#include "kernel/proc/minimal_proc.h"
#include "kernel/sync/crit.h"
#include "kernel/vm/vmspace.h"

VmBorrow::VmBorrow(Vmspace* vm, bool stay_loaded) : stay_loaded_(stay_loaded) {
  crit_enter();
  proc_borrow_vmspace(vm);
}

VmBorrow::~VmBorrow() {
  proc_borrow_vmspace(nullptr);
  if (!stay_loaded_) vmspace_activate(nullptr);
  crit_exit();
}

int ktest_run_program(const char* path, const char* const* argv, const char* const* envp) {
  int ws = proc_run_init(path, argv, envp);
  return ws < 0 ? ws : wstatus_to_code(ws);
}
