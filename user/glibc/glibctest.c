/* The Linux personality as static glibc programs see it: clone and clone3,
 * futexes, pthreads, signals to threads, the id calls and the rest of what
 * glibc's start-up and pthreads call (docs/user-abi.md). Run on tine by
 * tests/user/glibc.py, and under qemu-aarch64 on the host to compare with
 * Linux:
 *   glibctest [TEST...]           the tests named, or all
 *   glibctest child MODE ARGS...  helper modes for tests that exec or spawn */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static const struct test kTests[] = {
    {"clone_errors", t_clone_errors, T_TINE_ONLY},
    {"clone_namespace_user", t_clone_namespace_user, T_TINE_ONLY},
    {"clone3_errors", t_clone3_errors, T_TINE_ONLY},
    {"clone_fork_shape", t_clone_fork_shape, 0},
    {"clone_parent_settid", t_clone_parent_settid, T_TINE_ONLY},
    {"clone_exit_signal", t_clone_exit_signal, T_TINE_ONLY},
    {"clone_vm_process", t_clone_vm_process, T_TINE_ONLY},
    {"clone_sighand", t_clone_sighand, T_TINE_ONLY},
    {"clone3_clear_sighand", t_clone3_clear_sighand, T_TINE_ONLY},
    {"clone3_stack", t_clone3_stack, T_TINE_ONLY},
    {"clone_parent", t_clone_parent, T_TINE_ONLY},
    {"clone_thread", t_clone_thread, 0},
    {"clone_vfork_thread", t_clone_vfork_thread, T_TINE_ONLY},
    {"clone_vfork", t_clone_vfork, T_TINE_ONLY},
    {"clone_tids_unique", t_clone_tids_unique, 0},
    {"futex_wait_wake", t_futex_wait_wake, 0},
    {"futex_bitset", t_futex_bitset, 0},
    {"futex_requeue", t_futex_requeue, 0},
    {"futex_timeouts", t_futex_timeouts, 0},
    {"futex_errors", t_futex_errors, 0},
    {"futex_not_provided", t_futex_not_provided, T_TINE_ONLY},
    {"futex_eintr", t_futex_eintr, 0},
    {"futex_sigkill", t_futex_sigkill, 0},
    {"futex_shared_processes", t_futex_shared_processes, 0},
    {"futex_cleartid_race", t_futex_cleartid_race, 0},
    {"ids_rules", t_ids_rules, 0},
    {"ids_groups", t_ids_groups, 0},
    {"ids_faults", t_ids_faults, 0},
    {"ids_threads", t_ids_threads, 0},
    {"ids_nproc", t_ids_nproc, 0},
    {"uname", t_uname, 0},
    {"hostname_refused", t_hostname_refused, 0},
    {"hostname_set", t_hostname_set, T_TINE_ONLY},
    {"personality", t_personality, 0},
    {"unshare", t_unshare, 0},
    {"syslog", t_syslog, 0},
    {"reboot_refused", t_reboot_refused, 0},
    {"clock_set_refused", t_clock_set_refused, 0},
    {"clock_set", t_clock_set, T_TINE_ONLY},
    {"chroot", t_chroot, 0},
    {"sysinfo", t_sysinfo, 0},
    {"cpu_time", t_cpu_time, 0},
    {"clock_nanosleep", t_clock_nanosleep, 0},
    {"prctl_name", t_prctl_name, 0},
    {"prctl_pdeathsig", t_prctl_pdeathsig, 0},
    {"prctl_pdeathsig_thread", t_prctl_pdeathsig_thread, 0},
    {"getrandom", t_getrandom, 0},
    {"affinity", t_affinity, 0},
    {"madvise", t_madvise, T_TINE_ONLY},
    {"madvise_wipeonfork", t_madvise_wipeonfork, T_TINE_ONLY},
    {"mremap", t_mremap, T_TINE_ONLY},
    {"mremap_cow", t_mremap_cow, 0},
    {"mremap_fixed_shrink", t_mremap_fixed_shrink, 0},
    {"brk_after_mremap", t_brk_after_mremap, 0},
    {"pthread_sync", t_pthread_sync, 0},
    {"pthread_rwlock_sem", t_pthread_rwlock_sem, 0},
    {"pthread_robust", t_pthread_robust, T_TINE_ONLY},
    {"pthread_fork", t_pthread_fork, 0},
    {"posix_spawn", t_posix_spawn, T_TINE_ONLY},
    {"tgkill", t_tgkill, 0},
    {"tgkill_fatal", t_tgkill_fatal, 0},
    {"set_tid_address", t_set_tid_address, 0},
    {"sigsuspend", t_sigsuspend, 0},
    {"restart_pipe_read", t_restart_pipe_read, 0},
    {"restart_pipe_write", t_restart_pipe_write, 0},
    {"restart_waitpid", t_restart_waitpid, 0},
    {"restart_stop_continue", t_restart_stop_continue, 0},
    {"restart_futex", t_restart_futex, 0},
    {"restart_nanosleep", t_restart_nanosleep, 0},
    {"restart_sigreturn_x0", t_restart_sigreturn_x0, 0},
    {"restart_stop_sigsuspend", t_restart_stop_sigsuspend, 0},
    {"restart_stop_nanosleep", t_restart_stop_nanosleep, 0},
    {"restart_stop_poll", t_restart_stop_poll, 0},
    {"restart_thread_fifo_open", t_restart_thread_fifo_open, 0},
    {"restart_thread_sender_takes", t_restart_thread_sender_takes, 0},
    {"restart_thread_one_takes", t_restart_thread_one_takes, 0},
    {"restart_thread_sigwait_one", t_restart_thread_sigwait_one, T_TINE_ONLY},
    {"restart_thread_sigwait_handler", t_restart_thread_sigwait_handler, 0},
    {"waitid_errors", t_waitid_errors, 0},
    {"waitid_exit", t_waitid_exit, 0},
    {"waitid_nowait", t_waitid_nowait, 0},
    {"waitid_stop_continue", t_waitid_stop_continue, 0},
    {"waitid_select", t_waitid_select, 0},
    {"waitid_signal", t_waitid_signal, 0},
    {"waitid_rusage", t_waitid_rusage, T_TINE_ONLY},
    {"waitid_clone", t_waitid_clone, T_TINE_ONLY},
    {"edges_clock_ids", t_edges_clock_ids, 0},
    {"edges_cpu_clockid", t_edges_cpu_clockid, 0},
    {"edges_nanosleep_errors", t_edges_nanosleep_errors, 0},
    {"edges_clock_nanosleep_cpu", t_edges_clock_nanosleep_cpu, 0},
    {"edges_sleep_remaining", t_edges_sleep_remaining, 0},
    {"edges_rusage_threads", t_edges_rusage_threads, 0},
    {"edges_rusage_children", t_edges_rusage_children, 0},
    {"edges_uname", t_edges_uname, 0},
    {"edges_sysinfo", t_edges_sysinfo, 0},
    {"edges_linkat_empty_path", t_edges_linkat_empty_path, 0},
    {"edges_getcpu", t_edges_getcpu, 0},
    {"edges_affinity_edges", t_edges_affinity_edges, 0},
    {"edges_affinity_owner", t_edges_affinity_owner, 0},
    {"edges_getrandom_flags", t_edges_getrandom_flags, 0},
    {"edges_prctl_edges", t_edges_prctl_edges, 0},
    {"edges_prlimit_basic", t_edges_prlimit_basic, 0},
    {"edges_prlimit_order", t_edges_prlimit_order, 0},
    {"edges_prlimit_nonroot", t_edges_prlimit_nonroot, 0},
    {"edges_nofile", t_edges_nofile, 0},
    {"edges_sigprocmask_edges", t_edges_sigprocmask_edges, 0},
    {"edges_sigaction_edges", t_edges_sigaction_edges, 0},
    {"edges_sa_flags", t_edges_sa_flags, 0},
    {"edges_siginfo", t_edges_siginfo, 0},
    {"edges_sig_blocked_ignored", t_edges_sig_blocked_ignored, T_TINE_ONLY},
    {"edges_sig_thread_vs_process", t_edges_sig_thread_vs_process, 0},
    {"edges_pending_fork_exec", t_edges_pending_fork_exec, 0},
    {"edges_default_actions", t_edges_default_actions, 0},
    {"edges_futex_bitset_abs", t_edges_futex_bitset_abs, 0},
    {"edges_futex_wait_realtime", t_edges_futex_wait_realtime, 0},
    {"edges_futex_errors", t_edges_futex_errors, 0},
    {"edges_futex_requeue_counts", t_edges_futex_requeue_counts, 0},
    {"edges_futex_private_shared_mix", t_edges_futex_private_shared_mix, 0},
    {"edges_exit_group_blocked", t_edges_exit_group_blocked, 0},
    {"edges_leader_exit_code", t_edges_leader_exit_code, T_TINE_ONLY},
    {"edges_tid_after_exit", t_edges_tid_after_exit, 0},
    {"edges_robust", t_edges_robust, T_TINE_ONLY},
    {"edges_madvise_semantics", t_edges_madvise_semantics, T_TINE_ONLY},
    {"edges_mremap_semantics", t_edges_mremap_semantics, T_TINE_ONLY},
    {"edges_mremap_shrink_hole", t_edges_mremap_shrink_hole, 0},
    {"edges_mprotect_edges", t_edges_mprotect_edges, 0},
    {"edges_mmap_legacy_flags", t_edges_mmap_legacy_flags, 0},
    {"edges_brk", t_edges_brk, 0},
    {"edges_sigsuspend_edges", t_edges_sigsuspend_edges, 0},
    {"edges_pending_msync_mincore", t_edges_pending_msync_mincore, 0},
    {"edges_sigaltstack", t_edges_sigaltstack, 0},
    {"edges_ignored_pending_wakes_nothing", t_edges_ignored_pending_wakes_nothing, 0},
    {"edges_madvise_populate_perm", t_edges_madvise_populate_perm, T_TINE_ONLY},
    {"edges_sigaction_unknown_flags", t_edges_sigaction_unknown_flags, T_TINE_ONLY},
    {"edges_nice_threads", t_edges_nice_threads, 0},
    {"edges_nice_permissions", t_edges_nice_permissions, 0},
    {"edges_rlimit_fsize", t_edges_rlimit_fsize, 0},
    {"edges_fallocate", t_edges_fallocate, 0},
    {"edges_dev_full", t_edges_dev_full, 0},
    {"edges_ioprio", t_edges_ioprio, 0},
    {"edges_sigqueue", t_edges_sigqueue, 0},
    {"rtsig_queue_order", t_rtsig_queue_order, 0},
    {"rtsig_queue_handler", t_rtsig_queue_handler, 0},
    {"rtsig_queue_limit", t_rtsig_queue_limit, 0},
    {"rtsig_queue_exit", t_rtsig_queue_exit, 0},
    {"procfs_state", t_procfs_state, 0},
    {"procfs_memory", t_procfs_memory, T_TINE_ONLY},
    {"procfs_no_new_names", t_procfs_no_new_names, 0},
    {"procfs_magic_links", t_procfs_magic_links, 0},
    {"procfs_magic_checks", t_procfs_magic_checks, 0},
    {"procfs_own_names", t_procfs_own_names, 0},
    {"procfs_tasks", t_procfs_tasks, 0},
    {"procfs_comm_rules", t_procfs_comm_rules, 0},
    {"procfs_mountinfo", t_procfs_mountinfo, 0},
    {"timers_alarm", t_timers_alarm, 0},
    {"timers_periodic", t_timers_periodic, 0},
    {"timers_values", t_timers_values, 0},
    {"timers_errors", t_timers_errors, 0},
    {"timers_fork_exec", t_timers_fork_exec, 0},
    {"timers_exit_armed", t_timers_exit_armed, 0},
    {"timers_smp_race", t_timers_smp_race, T_TINE_ONLY},
    {"timers_cpu_prof", t_timers_cpu_prof, 0},
    {"timers_cpu_virtual", t_timers_cpu_virtual, 0},
    {"timers_cpu_fork_exec", t_timers_cpu_fork_exec, 0},
    {"timers_rlimit_cpu_soft", t_timers_rlimit_cpu_soft, 0},
    {"timers_rlimit_cpu_hard", t_timers_rlimit_cpu_hard, 0},
    {"sigtimedwait_timeout", t_sigtimedwait_timeout, 0},
    {"sigtimedwait_pending", t_sigtimedwait_pending, 0},
    {"sigtimedwait_wakes", t_sigtimedwait_wakes, 0},
    {"sigtimedwait_eintr", t_sigtimedwait_eintr, 0},
    {"sigtimedwait_sigkill", t_sigtimedwait_sigkill, 0},
    {"sigtimedwait_stop", t_sigtimedwait_stop, 0},
    {"sigtimedwait_first_info", t_sigtimedwait_first_info, 0},
    {"sigtimedwait_stop_thread", t_sigtimedwait_stop_thread, 0},
    {"flock_basic", t_flock_basic, 0},
    {"flock_errors", t_flock_errors, 0},
    {"flock_wait", t_flock_wait, 0},
    {"flock_shared_waiters", t_flock_shared_waiters, 0},
    {"socket_pair_stream", t_socket_pair_stream, 0},
    {"socket_stream_ends", t_socket_stream_ends, 0},
    {"socket_stream_flow", t_socket_stream_flow, 0},
    {"socket_pair_dgram", t_socket_pair_dgram, 0},
    {"socket_pair_seqpacket", t_socket_pair_seqpacket, 0},
    {"socket_named_stream", t_socket_named_stream, 0},
    {"socket_abstract", t_socket_abstract, 0},
    {"socket_named_dgram", t_socket_named_dgram, 0},
    {"socket_errors", t_socket_errors, 0},
    {"socket_timeouts", t_socket_timeouts, 0},
    {"socket_backlog", t_socket_backlog, 0},
    {"socket_waitall_large", t_socket_waitall_large, 0},
    {"socket_listener_shutdown", t_socket_listener_shutdown, 0},
    {"socket_accept_emfile", t_socket_accept_emfile, 0},
    {"socket_peercred_defaults", t_socket_peercred_defaults, 0},
    {"socket_connect_race", t_socket_connect_race, 0},
    {"socket_write_zero", t_socket_write_zero, 0},
    {"socket_mmsg", t_socket_mmsg, 0},
    {"socket_dgram_qlen", t_socket_dgram_qlen, 0},
    {NULL, NULL, 0},
};

static volatile int g_child_usr1;
static void t_child_usr1(int sig) { g_child_usr1 = sig; }

int t_child_main(int argc, char** argv) {
  if (argc >= 2 && strcmp(argv[0], "exit") == 0) return atoi(argv[1]);
  if (argc >= 1 && strcmp(argv[0], "sigmask-has-usr1") == 0) {
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    return sigismember(&s, SIGUSR1) ? 0 : 1;
  }
  if (argc >= 2 && strcmp(argv[0], "comm-is") == 0) { /* /proc/self/comm is argv[1] */
    char got[64] = {0}, want[64];
    int f = open("/proc/self/comm", O_RDONLY);
    if (f < 0 || read(f, got, sizeof got - 1) < 0) return 2;
    close(f);
    snprintf(want, sizeof want, "%s\n", argv[1]);
    return strcmp(got, want) == 0 ? 0 : 1;
  }
  if (argc >= 2 && strcmp(argv[0], "personality-is") == 0)
    return personality(0xffffffff) == (int)strtol(argv[1], NULL, 16) ? 0 : 1;
  if (argc >= 1 && strcmp(argv[0], "pending-usr1") == 0) {
    signal(SIGUSR1, t_child_usr1);
    sigset_t s;
    sigemptyset(&s);
    sigprocmask(SIG_SETMASK, &s, NULL);
    return g_child_usr1 ? 0 : 1;
  }
  if (argc >= 1 && strcmp(argv[0], "cpu-itimer-armed") == 0) {
    struct itimerval cur;
    if (getitimer(ITIMER_PROF, &cur) != 0) return 2;
    int armed = cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0;
    return armed && cur.it_interval.tv_sec == 3 && cur.it_interval.tv_usec == 0 ? 0 : 1;
  }
  if (argc >= 1 && strcmp(argv[0], "itimer-armed") == 0) {
    struct itimerval cur;
    if (getitimer(ITIMER_REAL, &cur) != 0) return 2;
    int armed = cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0;
    return armed && cur.it_interval.tv_sec == 3 && cur.it_interval.tv_usec == 0 ? 0 : 1;
  }
  return -1;
}

int main(int argc, char** argv) { return t_main(kTests, argc, argv); }
