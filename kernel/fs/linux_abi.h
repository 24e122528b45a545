// Linux arm64's file ABI: mode bits, open and *at flags, the stat and statx
// layouts, directory records, fcntl, poll and ioctl numbers (include/uapi/
// linux/stat.h, asm-generic/fcntl.h with arm64's own O_DIRECTORY, O_NOFOLLOW,
// O_DIRECT and O_LARGEFILE, asm-generic/stat.h, linux/dirent.h).
#pragma once
#include <stdint.h>

#ifdef TINE_HOST
// The host tests compile this beside the host's C library, which defines many
// of these names as macros (mostly with the same values): theirs give way.
#undef S_IFMT
#undef S_IFSOCK
#undef S_IFLNK
#undef S_IFREG
#undef S_IFBLK
#undef S_IFDIR
#undef S_IFCHR
#undef S_IFIFO
#undef S_ISUID
#undef S_ISGID
#undef S_ISVTX
#undef O_ACCMODE
#undef O_RDONLY
#undef O_WRONLY
#undef O_RDWR
#undef O_CREAT
#undef O_EXCL
#undef O_NOCTTY
#undef O_TRUNC
#undef O_APPEND
#undef O_NONBLOCK
#undef O_DSYNC
#undef O_ASYNC
#undef O_DIRECTORY
#undef O_NOFOLLOW
#undef O_DIRECT
#undef O_LARGEFILE
#undef O_NOATIME
#undef O_CLOEXEC
#undef O_SYNC
#undef O_PATH
#undef O_TMPFILE
#undef AT_FDCWD
#undef AT_SYMLINK_NOFOLLOW
#undef AT_REMOVEDIR
#undef AT_EACCESS
#undef AT_SYMLINK_FOLLOW
#undef AT_NO_AUTOMOUNT
#undef AT_EMPTY_PATH
#undef AT_STATX_SYNC_TYPE
#undef RENAME_NOREPLACE
#undef RENAME_EXCHANGE
#undef RENAME_WHITEOUT
#undef F_OK
#undef X_OK
#undef W_OK
#undef R_OK
#undef SEEK_SET
#undef SEEK_CUR
#undef SEEK_END
#undef SEEK_DATA
#undef SEEK_HOLE
#undef F_DUPFD
#undef F_GETFD
#undef F_SETFD
#undef F_GETFL
#undef F_SETFL
#undef F_GETLK
#undef F_SETLK
#undef F_SETLKW
#undef F_SETOWN
#undef F_GETOWN
#undef F_SETSIG
#undef F_GETSIG
#undef F_SETOWN_EX
#undef F_GETOWN_EX
#undef F_OFD_GETLK
#undef F_OFD_SETLK
#undef F_OFD_SETLKW
#undef F_DUPFD_CLOEXEC
#undef F_SETPIPE_SZ
#undef F_GETPIPE_SZ
#undef FD_CLOEXEC
#undef POLLIN
#undef POLLPRI
#undef POLLOUT
#undef POLLERR
#undef POLLHUP
#undef POLLNVAL
#undef POLLRDNORM
#undef POLLRDBAND
#undef POLLWRNORM
#undef POLLWRBAND
#undef FIONREAD
#undef FIONBIO
#undef FIONCLEX
#undef FIOCLEX
#undef FIOASYNC
#undef DT_UNKNOWN
#undef DT_FIFO
#undef DT_CHR
#undef DT_DIR
#undef DT_BLK
#undef DT_REG
#undef DT_LNK
#undef DT_SOCK
#undef STATX_BASIC_STATS
#undef STATX_BTIME
#undef STATX__RESERVED
#endif

// st_mode.
inline constexpr uint32_t S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000,
                          S_IFREG = 0100000, S_IFBLK = 0060000, S_IFDIR = 0040000,
                          S_IFCHR = 0020000, S_IFIFO = 0010000;
inline constexpr uint32_t S_ISUID = 04000, S_ISGID = 02000, S_ISVTX = 01000;
inline constexpr uint32_t kModePerm = 07777;

// open flags (arm64 values).
inline constexpr uint32_t O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
inline constexpr uint32_t O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000,
                          O_APPEND = 02000, O_NONBLOCK = 04000, O_DSYNC = 010000, O_ASYNC = 020000,
                          O_DIRECTORY = 040000, O_NOFOLLOW = 0100000, O_DIRECT = 0200000,
                          O_LARGEFILE = 0400000, O_NOATIME = 01000000, O_CLOEXEC = 02000000,
                          O_SYNC = 04000000 | O_DSYNC, O_PATH = 010000000,
                          O_TMPFILE = 020000000 | O_DIRECTORY;

// The *at calls.
inline constexpr int AT_FDCWD = -100;
inline constexpr uint32_t AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200,
                          AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800,
                          AT_EMPTY_PATH = 0x1000, AT_STATX_SYNC_TYPE = 0x6000;
inline constexpr uint32_t RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
inline constexpr int F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;

// lseek.
inline constexpr int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

// fcntl.
inline constexpr int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5,
                     F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10,
                     F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16, F_OFD_GETLK = 36,
                     F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_DUPFD_CLOEXEC = 1030,
                     F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
inline constexpr uint32_t FD_CLOEXEC = 1;

// poll.
inline constexpr int16_t POLLIN = 0x001, POLLPRI = 0x002, POLLOUT = 0x004, POLLERR = 0x008,
                         POLLHUP = 0x010, POLLNVAL = 0x020, POLLRDNORM = 0x040, POLLRDBAND = 0x080,
                         POLLWRNORM = 0x100, POLLWRBAND = 0x200;

// ioctl requests every file answers (asm-generic/ioctls.h).
inline constexpr uint64_t FIONREAD = 0x541b, FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451,
                          FIOASYNC = 0x5452;

// Directory entry types (d_type).
inline constexpr uint8_t DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6,
                         DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;

// Device numbers as the stat calls report them (Linux's new_encode_dev).
inline constexpr uint64_t linux_encode_dev(uint32_t major, uint32_t minor) {
  return (minor & 0xffu) | (uint64_t{major & 0xfffu} << 8) | (uint64_t{minor & ~0xffu} << 12);
}

inline constexpr uint32_t kPathMax = 4096;           // bytes of a path, NUL included
inline constexpr uint32_t kNameMax = 255;            // bytes of one component
inline constexpr uint32_t kSymlinkMax = 40;          // symbolic links one lookup may follow
inline constexpr uint64_t kMaxRwCount = 0x7ffff000;  // one read or write moves at most this
inline constexpr int kIovMax = 1024;                 // UIO_MAXIOV
inline constexpr uint32_t kPipeBuf = 4096;           // PIPE_BUF: writes up to this are atomic

struct timespec64 {
  int64_t tv_sec;
  int64_t tv_nsec;
};

// struct stat (asm-generic/stat.h, what arm64 uses): 128 bytes.
struct linux_stat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint32_t st_mode;
  uint32_t st_nlink;
  uint32_t st_uid;
  uint32_t st_gid;
  uint64_t st_rdev;
  uint64_t pad1;
  int64_t st_size;
  int32_t st_blksize;
  int32_t pad2;
  int64_t st_blocks;
  int64_t st_atime_sec;
  uint64_t st_atime_nsec;
  int64_t st_mtime_sec;
  uint64_t st_mtime_nsec;
  int64_t st_ctime_sec;
  uint64_t st_ctime_nsec;
  uint32_t unused4;
  uint32_t unused5;
};
static_assert(sizeof(linux_stat) == 128);

struct linux_statx_timestamp {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
};

// struct statx (include/uapi/linux/stat.h): 256 bytes.
struct linux_statx {
  uint32_t stx_mask;
  uint32_t stx_blksize;
  uint64_t stx_attributes;
  uint32_t stx_nlink;
  uint32_t stx_uid;
  uint32_t stx_gid;
  uint16_t stx_mode;
  uint16_t spare0;
  uint64_t stx_ino;
  uint64_t stx_size;
  uint64_t stx_blocks;
  uint64_t stx_attributes_mask;
  linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
  uint32_t stx_rdev_major;
  uint32_t stx_rdev_minor;
  uint32_t stx_dev_major;
  uint32_t stx_dev_minor;
  uint64_t spare2[14];
};
static_assert(sizeof(linux_statx) == 256);
inline constexpr uint32_t STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800,
                          STATX__RESERVED = 0x80000000u;

// struct statfs (asm-generic/statfs.h, 64-bit): 120 bytes.
struct linux_statfs {
  int64_t f_type;
  int64_t f_bsize;
  uint64_t f_blocks;
  uint64_t f_bfree;
  uint64_t f_bavail;
  uint64_t f_files;
  uint64_t f_ffree;
  int32_t f_fsid[2];
  int64_t f_namelen;
  int64_t f_frsize;
  int64_t f_flags;
  int64_t f_spare[4];
};
static_assert(sizeof(linux_statfs) == 120);
inline constexpr int64_t kTmpfsMagic = 0x01021994, kProcSuperMagic = 0x9fa0;
