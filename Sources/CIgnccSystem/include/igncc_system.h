#ifndef IGNCC_SYSTEM_H
#define IGNCC_SYSTEM_H

/// Atomically exchanges two paths (renameat2 with RENAME_EXCHANGE).
/// Returns 0, or -1 with errno set (EINVAL or ENOSYS where the file system cannot).
int igncc_rename_exchange(const char *from, const char *to);

/// Flushes the file system holding the open file descriptor `fd` (syncfs).
int igncc_syncfs(int fd);

#endif
