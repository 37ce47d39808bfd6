/* slow-sync.c: a slow laptop disk for the stall meter
 *
 * LD_PRELOAD'ed into bench-responsive, it makes every fsync() and
 * fdatasync() wait kt_slow_sync_ms milliseconds first, as a durable commit
 * does on a slow disk.  It is 0 until the benchmark sets it (found with
 * dlsym) for the step that wants it, so filling and opening the store run
 * at the disk's own speed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <time.h>
#include <unistd.h>

int kt_slow_sync_ms;

static void
wait_for_disk (void)
{
  int wait = __atomic_load_n (&kt_slow_sync_ms, __ATOMIC_RELAXED);
  struct timespec ts = { wait / 1000, (wait % 1000) * 1000000L };

  if (wait > 0)
    nanosleep (&ts, NULL);
}

int
fsync (int fd)
{
  static int (*real) (int);

  if (real == NULL)
    real = (int (*) (int)) dlsym (RTLD_NEXT, "fsync");
  wait_for_disk ();
  return real (fd);
}

int
fdatasync (int fd)
{
  static int (*real) (int);

  if (real == NULL)
    real = (int (*) (int)) dlsym (RTLD_NEXT, "fdatasync");
  wait_for_disk ();
  return real (fd);
}
