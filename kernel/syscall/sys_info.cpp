// What a program may ask about the system (uname, sysinfo) and the names
// root may give it (sethostname, setdomainname).
#include "kernel/lib/string.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/sched/loadavg.h"
#include "kernel/sync/spinlock.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/uts.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

// struct utsname: six strings of 65 bytes.
struct Utsname {
  char sysname[65];
  char nodename[65];
  char release[65];
  char version[65];
  char machine[65];
  char domainname[65];
};

// struct sysinfo on arm64.
struct Sysinfo {
  int64_t uptime;
  uint64_t loads[3];
  uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
  uint16_t procs;
  uint16_t pad;
  uint64_t totalhigh, freehigh;
  uint32_t mem_unit;
  char reserved[4];
};
static_assert(sizeof(Sysinfo) == 112);

// The names sethostname and setdomainname give, NUL-padded (Linux's
// __NEW_UTS_LEN: up to 64 bytes, a 65th for the NUL). g_uts_lock (a leaf)
// makes each change and each uname's copy whole: a reader never sees half
// of an old name and half of a new one.
constexpr size_t kUtsLen = 64;
LockClass g_uts_class{"uts", 0};
SpinLock g_uts_lock{g_uts_class};
char g_hostname[kUtsLen + 1] = "tine";
char g_domainname[kUtsLen + 1] = "(none)";

char* field_of(UtsName which) { return which == UtsName::kHost ? g_hostname : g_domainname; }

// sethostname / setdomainname(name, len): root only (Linux's CAP_SYS_ADMIN:
// -EPERM first), len an int from 0 to 64 (-EINVAL), name readable for len
// bytes (-EFAULT); the name is those bytes, the rest of the field zeroed.
int64_t set_uts_name(UtsName which, const SyscallArgs& a) {
  if (!user_is_root()) return -EPERM;
  int len = static_cast<int>(a.a[1]);
  if (len < 0 || static_cast<size_t>(len) > kUtsLen) return -EINVAL;
  char name[kUtsLen + 1];
  if (len > 0 && copyin_u(a.a[0], name, static_cast<size_t>(len)) != 0) return -EFAULT;
  uts_name_set(which, name, static_cast<size_t>(len));
  return 0;
}

}  // namespace

void uts_name_get(UtsName which, char out[65]) {
  SpinGuard g(g_uts_lock);
  tine_memcpy(out, field_of(which), kUtsLen + 1);
}

void uts_name_set(UtsName which, const char* name, size_t len) {
  char padded[kUtsLen + 1];
  tine_memset(padded, 0, sizeof padded);
  tine_memcpy(padded, name, len < kUtsLen ? len : kUtsLen);
  SpinGuard g(g_uts_lock);
  tine_memcpy(field_of(which), padded, sizeof padded);
}

// uname(buf): tine answers as the Linux whose system calls it has, since
// programs branch on these to pick the calls they make: sysname "Linux",
// release "6.1.0-tine" (Linux 6.1 is what tine's calls follow; glibc 2.36's
// static start-up no longer asks), version naming tine, machine "aarch64".
// nodename and domainname are what root last set: "tine" and "(none)" from boot.
int64_t sys_uname(const SyscallArgs& a) {
  Utsname u;
  tine_memset(&u, 0, sizeof u);
  tine_strlcpy(u.sysname, kUtsSysname, sizeof u.sysname);
  uts_name_get(UtsName::kHost, u.nodename);
  uts_name_get(UtsName::kDomain, u.domainname);
  tine_strlcpy(u.release, kUtsRelease, sizeof u.release);
  tine_strlcpy(u.version, kUtsVersion, sizeof u.version);
  tine_strlcpy(u.machine, kUtsMachine, sizeof u.machine);
  return copyout_u(&u, a.a[0], sizeof u) == 0 ? 0 : -EFAULT;
}

int64_t sys_sethostname(const SyscallArgs& a) { return set_uts_name(UtsName::kHost, a); }

int64_t sys_setdomainname(const SyscallArgs& a) { return set_uts_name(UtsName::kDomain, a); }

// sysinfo(info): seconds since boot, the load averages, RAM in bytes
// (mem_unit 1; free counts the allocator's free and cached pages), no swap,
// shared or buffer memory, and the number of threads.
int64_t sys_sysinfo(const SyscallArgs& a) {
  Sysinfo s;
  tine_memset(&s, 0, sizeof s);
  s.uptime = static_cast<int64_t>(clock_ns() / 1000000000ull);
  loadavg_get(s.loads);
  PageStats ps = page_stats();
  s.totalram = ps.managed_pages * kPageSize;
  s.freeram = (ps.free_pages + ps.pcp_pages) * kPageSize;
  uint64_t threads = thread_counters().live;
  s.procs = static_cast<uint16_t>(threads > 0xffff ? 0xffff : threads);
  s.mem_unit = 1;
  return copyout_u(&s, a.a[0], sizeof s) == 0 ? 0 : -EFAULT;
}
