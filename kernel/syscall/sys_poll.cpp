// ppoll and pselect6: wait until one of several descriptors is ready, a
// signal arrives (-EINTR) or the time is up (0), with an optional signal
// mask in force meanwhile (kernel/fs/poll.h has the wait itself).
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/poll.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/jobctl.h"
#include "kernel/syscall/file_args.h"
#include "kernel/syscall/syscall.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

struct PollFd {
  int32_t fd;
  int16_t events;
  int16_t revents;
};

// A timeout from user space: the deadline (clock_ns; 0 = none). -EINVAL for
// a malformed one.
int read_timeout(uint64_t uts, uint64_t* deadline, bool* zero) {
  *deadline = 0;
  *zero = false;
  if (!uts) return 0;
  timespec64 ts;
  if (copyin_u(uts, &ts, sizeof ts)) return -EFAULT;
  if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return -EINVAL;
  if (ts.tv_sec == 0 && ts.tv_nsec == 0) {
    *zero = true;
    return 0;
  }
  uint64_t now = clock_ns();
  uint64_t sec = static_cast<uint64_t>(ts.tv_sec);
  if (sec > (~0ull - now) / 1000000000u - 1) return 0;  // beyond the clock: no deadline
  *deadline = now + sec * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
  return 0;
}

// Linux writes the time left back (errors ignored, as there).
void write_left(uint64_t uts, uint64_t deadline) {
  if (!uts || !deadline) return;
  uint64_t now = clock_ns();
  uint64_t left = deadline > now ? deadline - now : 0;
  timespec64 ts{static_cast<int64_t>(left / 1000000000u), static_cast<int64_t>(left % 1000000000u)};
  (void)copyout_u(&ts, uts, sizeof ts);
}

// The mask for the wait: installed now; the old one comes back after the
// handler of the signal that ended the wait has run (restore_mask otherwise).
int set_mask(uint64_t umask, uint64_t size) {
  if (!umask) return 0;
  if (size != 8) return -EINVAL;
  uint64_t set;
  if (copyin_u(umask, &set, sizeof set)) return -EFAULT;
  Lwp* lp = curlwp();
  lp->saved_sigmask = lp->copy.sigmask;
  lwp_note_mask(lp, set);
  lp->copy.sigmask = set & ~psig::kUnblockable;
  __atomic_or_fetch(&lp->flags, LWP_OLDMASK, __ATOMIC_RELAXED);
  signal_mask_retarget(lp, lp->saved_sigmask);
  return 0;
}

// A wait that a signal did not end gives the old mask back at once, before
// any signal is delivered (as Linux's poll_select_finish).
void restore_mask(int64_t result) {
  Lwp* lp = curlwp();
  if (result == -EINTR || !(__atomic_load_n(&lp->flags, __ATOMIC_RELAXED) & LWP_OLDMASK)) return;
  uint64_t old = lp->copy.sigmask;
  lp->copy.sigmask = lp->saved_sigmask;
  __atomic_and_fetch(&lp->flags, ~LWP_OLDMASK, __ATOMIC_RELAXED);
  signal_mask_retarget(lp, old);
}

// The generic wait loop: scan() returns how many are ready (or -errno).
template <typename Scan>
int64_t wait_ready(Scan scan, uint64_t deadline, bool zero) {
  poll_begin();
  int64_t r;
  for (;;) {
    uint64_t gen = poll_generation();
    r = scan();
    if (r != 0 || zero) break;
    // A signal the wait's mask unblocks may be pending already (posted while
    // it was blocked, so nothing interrupts the sleep for it). A stop signal
    // stops the process here, and the wait goes on once it is continued
    // (Linux makes the call again).
    if (!jobctl_stop_in_wait()) {
      r = -EINTR;
      break;
    }
    int w = poll_wait(gen, deadline);  // interrupted: the loop looks again
    if (w == EWOULDBLOCK) {
      r = scan();
      break;
    }
  }
  poll_end();
  return r;
}

}  // namespace

// ppoll(fds, nfds, timeout, sigmask, sigsetsize).
int64_t sys_ppoll(const SyscallArgs& a) {
  uint64_t nfds = a.a[1];
  if (nfds > static_cast<uint64_t>(proc_nofile_limit(curproc()))) return -EINVAL;
  uint64_t deadline;
  bool zero;
  if (int e = read_timeout(a.a[2], &deadline, &zero); e) return e;
  size_t bytes = sizeof(PollFd) * nfds;
  auto* fds = static_cast<PollFd*>(kmalloc(bytes ? bytes : 1, M_TEMP, M_WAITOK));
  if (!fds) return -ENOMEM;
  int64_t r = 0;
  if (bytes && copyin_u(a.a[0], fds, bytes)) r = -EFAULT;
  if (!r) r = set_mask(a.a[3], a.a[4]);
  if (!r) {
    Filedesc* fdp = my_fd();
    auto scan = [&]() -> int64_t {
      int64_t n = 0;
      for (uint64_t i = 0; i < nfds; ++i) {
        PollFd& p = fds[i];
        p.revents = 0;
        if (p.fd < 0) continue;
        File* fp = fget(fdp, p.fd);
        if (!fp) {
          p.revents = POLLNVAL;
        } else {
          int ev = file_poll(fp, p.events);
          fdrop(fp);
          p.revents = static_cast<int16_t>(ev & (p.events | POLLERR | POLLHUP));
        }
        if (p.revents) ++n;
      }
      return n;
    };
    r = wait_ready(scan, deadline, zero);
    if (r >= 0 && bytes && copyout_u(fds, a.a[0], bytes)) r = -EFAULT;
    write_left(a.a[2], deadline);
  }
  restore_mask(r);
  kfree(fds, M_TEMP);
  return r;
}

// pselect6(nfds, readfds, writefds, exceptfds, timeout, {sigmask, size}).
int64_t sys_pselect6(const SyscallArgs& a) {
  int64_t nfds = static_cast<int32_t>(a.a[0]);  // an int, as Linux's: the upper half ignored
  if (nfds < 0) return -EINVAL;
  int max = proc_nofile_limit(curproc());
  if (nfds > max) nfds = max;
  uint64_t deadline;
  bool zero;
  if (int e = read_timeout(a.a[4], &deadline, &zero); e) return e;
  size_t words = static_cast<size_t>((nfds + 63) / 64);
  size_t bytes = words * 8;
  // in[3] the sets asked about, out[3] the answers.
  auto* sets = static_cast<uint64_t*>(kmalloc(6 * bytes + 8, M_TEMP, M_WAITOK | M_ZERO));
  if (!sets) return -ENOMEM;
  uint64_t* in[3] = {sets, sets + words, sets + 2 * words};
  uint64_t* out[3] = {sets + 3 * words, sets + 4 * words, sets + 5 * words};
  int64_t r = 0;
  for (int k = 0; k < 3 && !r; ++k)
    if (a.a[1 + k] && bytes && copyin_u(a.a[1 + k], in[k], bytes)) r = -EFAULT;
  if (!r && a.a[5]) {
    uint64_t sig[2];  // {const sigset_t* ss, size_t ss_len}
    if (copyin_u(a.a[5], sig, sizeof sig))
      r = -EFAULT;
    else
      r = set_mask(sig[0], sig[1]);
  }
  if (!r) {
    Filedesc* fdp = my_fd();
    constexpr int kIn = POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR;
    constexpr int kOut = POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR;
    constexpr int kEx = POLLPRI;
    auto scan = [&]() -> int64_t {
      int64_t n = 0;
      for (size_t w = 0; w < words; ++w) {
        out[0][w] = out[1][w] = out[2][w] = 0;
        uint64_t any = in[0][w] | in[1][w] | in[2][w];
        for (; any; any &= any - 1) {
          int bit = __builtin_ctzll(any);
          int fd = static_cast<int>(w * 64) + bit;
          if (fd >= nfds) break;
          File* fp = fget(fdp, fd);
          if (!fp) return -EBADF;
          int ev = file_poll(fp, kIn | kOut | kEx);
          fdrop(fp);
          uint64_t m = 1ull << bit;
          const int want[3] = {kIn, kOut, kEx};
          for (int k = 0; k < 3; ++k)
            if ((in[k][w] & m) && (ev & want[k])) {
              out[k][w] |= m;
              ++n;
            }
        }
      }
      return n;
    };
    r = wait_ready(scan, deadline, zero);
    for (int k = 0; k < 3 && r >= 0; ++k)
      if (a.a[1 + k] && bytes && copyout_u(out[k], a.a[1 + k], bytes)) r = -EFAULT;
    write_left(a.a[4], deadline);
  }
  restore_mask(r);
  kfree(sets, M_TEMP);
  return r;
}
