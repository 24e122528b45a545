/*
 * The references a process holds to the objects processes share, given back
 * at its reap with every count kept as far from its holders as it was: the
 * census of those objects (spec/census.h's count_matches) over any table of
 * processes in which the process appears once. The table is a ghost
 * argument, which the compiled code does not have.
 */
#ifndef TINE_KERNEL_VERIFIED_REFS_H
#define TINE_KERNEL_VERIFIED_REFS_H

#include "kernel/verified/vc_types.h"
#include "spec/charge.h"
#include "spec/refs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which of the references proc_drop_refs gave back were the last (1): the
 * caller destroys those objects. */
struct proc_lastrefs {
  int sigacts, fd, fdtol, vmspace, limit, pgrp, args;
};

/* A zombie gives back its references to its signal actions, descriptor
 * table and its leader record, address space, limits, group and arguments:
 * each count goes down by one, p's pointer is cleared, and *last says which
 * were the last. Every count of those kinds is then as far from its holders
 * in the table as it was, so a census that held still holds with p holding
 * none of them; proc_uncharge then takes p out of the table.
 * Its credentials and uidinfo are the caller's to give back (their last
 * reference goes under the uidinfo table's lock). Callers hold the process
 * tree's lock, read or written: only p's reaper reaches p, but other CPUs
 * move the shared counts meanwhile, atomically; the proof reads the steps
 * of one CPU, as for every function of the core. */
/*@ PROC_DROP_REFS_REQUIRES(p, last)
    requires in_table(procs, n, k, p) && \base_addr(procs) != \base_addr(last);
    requires \forall integer i; 0 <= i < n ==>
               proc_shared_apart_from(p, \base_addr(procs[i])) &&
               \base_addr(procs[i]) != \base_addr(last);
    PROC_DROP_REFS_EFFECTS(p, last)
    // Every count of a shared kind, p's own or one apart from p's objects
    // (and from *last), is as far from its holders in the table as it was.
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_SIGACTS);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_FD);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_FDTOL);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_VMSPACE);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_LIMIT);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_PGRP);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_ARGS);
 */
void proc_drop_refs(struct proc_core* p, struct proc_lastrefs* last)
    /*@ ghost (struct proc_core** procs, int n, int k) */;

#ifdef __cplusplus
}
#endif

#endif
