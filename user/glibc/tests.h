/* The tests of glibctest, one function each (t_*.c). */
#ifndef TINE_GLIBC_TESTS_H
#define TINE_GLIBC_TESTS_H

/* t_admin.c */
void t_hostname_refused(void);
void t_hostname_set(void);
void t_personality(void);
void t_unshare(void);
void t_syslog(void);
void t_reboot_refused(void);
void t_clock_set_refused(void);
void t_clock_set(void);
void t_chroot(void);

/* t_clone.c */
void t_clone_errors(void);
void t_clone_namespace_user(void);
void t_clone3_errors(void);
void t_clone_fork_shape(void);
void t_clone_parent_settid(void);
void t_clone_exit_signal(void);
void t_clone_vm_process(void);
void t_clone_sighand(void);
void t_clone3_clear_sighand(void);
void t_clone3_stack(void);
void t_clone_parent(void);
void t_clone_thread(void);
void t_clone_vfork_thread(void);
void t_clone_vfork(void);
void t_clone_tids_unique(void);

/* t_futex.c */
void t_futex_wait_wake(void);
void t_futex_bitset(void);
void t_futex_requeue(void);
void t_futex_timeouts(void);
void t_futex_errors(void);
void t_futex_not_provided(void);
void t_futex_eintr(void);
void t_futex_sigkill(void);
void t_futex_shared_processes(void);
void t_futex_cleartid_race(void);

/* t_ids.c */
void t_ids_rules(void);
void t_ids_groups(void);
void t_ids_faults(void);
void t_ids_threads(void);
void t_ids_nproc(void);

/* t_sys.c */
void t_uname(void);
void t_sysinfo(void);
void t_cpu_time(void);
void t_clock_nanosleep(void);
void t_prctl_name(void);
void t_prctl_pdeathsig(void);
void t_prctl_pdeathsig_thread(void);
void t_getrandom(void);
void t_affinity(void);

/* t_restart.c */
void t_restart_pipe_read(void);
void t_restart_pipe_write(void);
void t_restart_waitpid(void);
void t_restart_stop_continue(void);
void t_restart_futex(void);
void t_restart_nanosleep(void);
void t_restart_sigreturn_x0(void);
void t_restart_stop_sigsuspend(void);
void t_restart_stop_nanosleep(void);
void t_restart_stop_poll(void);
void t_restart_thread_fifo_open(void);
void t_restart_thread_sender_takes(void);
void t_restart_thread_one_takes(void);
void t_restart_thread_sigwait_one(void);
void t_restart_thread_sigwait_handler(void);

/* t_sigwait.c */
void t_sigsuspend(void);

/* t_wait.c */
void t_waitid_errors(void);
void t_waitid_exit(void);
void t_waitid_nowait(void);
void t_waitid_stop_continue(void);
void t_waitid_select(void);
void t_waitid_signal(void);
void t_waitid_rusage(void);
void t_waitid_clone(void);

/* t_vm.c */
void t_madvise(void);
void t_madvise_wipeonfork(void);
void t_mremap(void);
void t_mremap_cow(void);
void t_mremap_fixed_shrink(void);
void t_brk_after_mremap(void);

/* t_pthread.c */
void t_pthread_sync(void);
void t_pthread_rwlock_sem(void);
void t_pthread_robust(void);
void t_pthread_fork(void);
void t_posix_spawn(void);
void t_tgkill(void);
void t_tgkill_fatal(void);
void t_set_tid_address(void);

/* t_edges.c */
void t_edges_clock_ids(void);
void t_edges_cpu_clockid(void);
void t_edges_nanosleep_errors(void);
void t_edges_clock_nanosleep_cpu(void);
void t_edges_sleep_remaining(void);
void t_edges_rusage_threads(void);
void t_edges_rusage_children(void);
void t_edges_uname(void);
void t_edges_sysinfo(void);
void t_edges_linkat_empty_path(void);
void t_edges_getcpu(void);
void t_edges_affinity_edges(void);
void t_edges_affinity_owner(void);
void t_edges_getrandom_flags(void);
void t_edges_prctl_edges(void);
void t_edges_prlimit_basic(void);
void t_edges_prlimit_order(void);
void t_edges_prlimit_nonroot(void);
void t_edges_nofile(void);
void t_edges_sigprocmask_edges(void);
void t_edges_sigaction_edges(void);
void t_edges_sa_flags(void);
void t_edges_siginfo(void);
void t_edges_sig_blocked_ignored(void);
void t_edges_sig_thread_vs_process(void);
void t_edges_pending_fork_exec(void);
void t_edges_default_actions(void);
void t_edges_futex_bitset_abs(void);
void t_edges_futex_wait_realtime(void);
void t_edges_futex_errors(void);
void t_edges_futex_requeue_counts(void);
void t_edges_futex_private_shared_mix(void);
void t_edges_exit_group_blocked(void);
void t_edges_leader_exit_code(void);
void t_edges_tid_after_exit(void);
void t_edges_robust(void);
void t_edges_madvise_semantics(void);
void t_edges_mremap_semantics(void);
void t_edges_mremap_shrink_hole(void);
void t_edges_mprotect_edges(void);
void t_edges_mmap_legacy_flags(void);
void t_edges_brk(void);
void t_edges_sigsuspend_edges(void);
void t_edges_pending_msync_mincore(void);
void t_edges_sigaltstack(void);
void t_edges_ignored_pending_wakes_nothing(void);
void t_edges_madvise_populate_perm(void);
void t_edges_sigaction_unknown_flags(void);
void t_edges_nice_threads(void);
void t_edges_nice_permissions(void);
void t_edges_rlimit_fsize(void);
void t_edges_fallocate(void);
void t_edges_dev_full(void);
void t_edges_ioprio(void);
void t_edges_sigqueue(void);

/* t_procfs.c */
void t_procfs_state(void);
void t_procfs_memory(void);
void t_procfs_no_new_names(void);
void t_procfs_magic_links(void);
void t_procfs_own_names(void);
void t_procfs_tasks(void);
void t_procfs_comm_rules(void);
void t_procfs_mountinfo(void);
void t_procfs_magic_checks(void);

/* t_timers.c */
void t_timers_alarm(void);
void t_timers_periodic(void);
void t_timers_values(void);
void t_timers_errors(void);
void t_timers_fork_exec(void);
void t_timers_exit_armed(void);
void t_timers_smp_race(void);
void t_timers_cpu_prof(void);
void t_timers_cpu_virtual(void);
void t_timers_cpu_fork_exec(void);
void t_timers_rlimit_cpu_soft(void);
void t_timers_rlimit_cpu_hard(void);
void t_sigtimedwait_timeout(void);
void t_sigtimedwait_pending(void);
void t_sigtimedwait_wakes(void);
void t_sigtimedwait_eintr(void);
void t_sigtimedwait_sigkill(void);
void t_sigtimedwait_stop(void);
void t_sigtimedwait_first_info(void);
void t_sigtimedwait_stop_thread(void);

/* t_rtsig.c */
void t_rtsig_queue_order(void);
void t_rtsig_queue_handler(void);
void t_rtsig_queue_limit(void);
void t_rtsig_queue_exit(void);

/* t_flock.c */
void t_flock_basic(void);
void t_flock_errors(void);
void t_flock_wait(void);
void t_flock_shared_waiters(void);

/* t_socket.c */
void t_socket_pair_stream(void);
void t_socket_stream_ends(void);
void t_socket_stream_flow(void);
void t_socket_pair_dgram(void);
void t_socket_pair_seqpacket(void);
void t_socket_named_stream(void);
void t_socket_abstract(void);
void t_socket_named_dgram(void);
void t_socket_errors(void);
void t_socket_timeouts(void);
void t_socket_backlog(void);
void t_socket_waitall_large(void);
void t_socket_listener_shutdown(void);
void t_socket_accept_emfile(void);
void t_socket_peercred_defaults(void);
void t_socket_connect_race(void);
void t_socket_write_zero(void);
void t_socket_mmsg(void);
void t_socket_dgram_qlen(void);

#endif
