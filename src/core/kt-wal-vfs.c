/* kt-wal-vfs.c: SQLite's own file layer, with a commit's writes to the
 * write-ahead log gathered into one system call
 *
 * SQLite (3.40) writes each frame of the log as two pwrite() calls, its
 * 24-byte header and its page: a save of a 33 KB conversation made 24
 * calls for 12 frames, about 60 µs of processor time on the 2-core test
 * machine against 8 µs for one call with the same bytes.  The frames of a
 * commit follow one another in the file, so this layer keeps writes that
 * continue the previous one in a buffer and writes the buffer before
 * any call that could need the bytes in the file: xSync (so the commit's
 * fdatasync covers them), xRead, xFileSize, xTruncate, xLock, xUnlock,
 * xFileControl, the shared-memory calls (xShmBarrier comes before SQLite
 * publishes new frames to other connections; without a sync, as in a
 * bulk fill with synchronous = OFF, that is when frames must be in the
 * file) and xClose.  Everything else is the default VFS's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store"

#include "config.h"

#include "kt-wal-vfs-private.h"

#include <sqlite3.h>
#include <string.h>

#define VFS_NAME "keukentafel-wal"
/* 31 frames of 4 KiB pages (a save's commit is about 12).  The unix VFS
 * writes at most 0x1ffff bytes a call (seekAndWriteFd() masks the length
 * "for paranoia", SQLite 3.40) and takes a longer write for a full disk. */
#define BUFFER_SIZE (31 * (4096 + 24))
G_STATIC_ASSERT (BUFFER_SIZE <= 0x1ffff);

typedef struct _WalFile WalFile;
struct _WalFile {
  sqlite3_file   base;
  sqlite3_file  *real;      /* the default VFS's file, just after this */
  const char    *name;      /* a database: its name as SQLite gave it */
  WalFile       *partner;   /* a database's log and a log's database */
  gboolean       gather;    /* a log with a partner: writes are gathered */
  guint8        *buffer;    /* BUFFER_SIZE bytes, allocated at the first write */
  gsize          length;    /* bytes held, to go at @offset */
  sqlite3_int64  offset;
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs wal_vfs;

/* The open databases by the address of their name.  SQLite calls the
 * shared-memory methods (xShmBarrier among them) on the database's file,
 * not on its log's, so a log is paired with its database: SQLite gives a
 * log's xOpen a name from which sqlite3_filename_database() finds the very
 * string it gave its database's xOpen, one per connection. */
static GMutex databases_lock;
static GHashTable *databases;

static int
flush (WalFile *f)
{
  int rc;

  if (f->length == 0)
    return SQLITE_OK;
  rc = f->real->pMethods->xWrite (f->real, f->buffer, (int) f->length, f->offset);
  f->length = 0;
  return rc;
}

/* Writes what @f's log holds, before its database's shared memory (the
 * log's index) is touched. */
static int
flush_log_of (WalFile *f)
{
  return f->partner != NULL && f->partner->gather ? flush (f->partner) : SQLITE_OK;
}

#define REAL(file) (((WalFile *) (file))->real)
#define FLUSH_OR_RETURN(file) \
  G_STMT_START { int rc_ = flush ((WalFile *) (file)); if (rc_ != SQLITE_OK) return rc_; } G_STMT_END

static int
wal_close (sqlite3_file *file)
{
  WalFile *f = (WalFile *) file;
  int rc = flush (f);
  int close_rc;

  g_mutex_lock (&databases_lock);
  if (f->name != NULL)
    g_hash_table_remove (databases, f->name);
  if (f->partner != NULL)
    f->partner->partner = NULL;
  f->partner = NULL;
  g_mutex_unlock (&databases_lock);

  close_rc = f->real->pMethods->xClose (f->real);
  g_clear_pointer (&f->buffer, g_free);
  return rc != SQLITE_OK ? rc : close_rc;
}

static int
wal_read (sqlite3_file *file, void *data, int amount, sqlite3_int64 offset)
{
  FLUSH_OR_RETURN (file);
  return REAL (file)->pMethods->xRead (REAL (file), data, amount, offset);
}

static int
wal_write (sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset)
{
  WalFile *f = (WalFile *) file;

  if (!f->gather)
    return f->real->pMethods->xWrite (f->real, data, amount, offset);
  if (f->length > 0 && offset == f->offset + (sqlite3_int64) f->length &&
      f->length + amount <= BUFFER_SIZE)
    {
      memcpy (f->buffer + f->length, data, amount);
      f->length += amount;
      return SQLITE_OK;
    }
  /* Anything else (another place in the file, a write over bytes still
   * held, a full buffer) writes what is held first: writes reach the file
   * in the order SQLite made them. */
  FLUSH_OR_RETURN (f);
  if ((gsize) amount > BUFFER_SIZE)
    return f->real->pMethods->xWrite (f->real, data, amount, offset);
  if (f->buffer == NULL)
    f->buffer = g_malloc (BUFFER_SIZE);
  memcpy (f->buffer, data, amount);
  f->length = amount;
  f->offset = offset;
  return SQLITE_OK;
}

static int
wal_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  FLUSH_OR_RETURN (file);
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
wal_sync (sqlite3_file *file, int flags)
{
  FLUSH_OR_RETURN (file);
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
wal_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  FLUSH_OR_RETURN (file);
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
wal_lock (sqlite3_file *file, int lock)
{
  FLUSH_OR_RETURN (file);
  return REAL (file)->pMethods->xLock (REAL (file), lock);
}

static int
wal_unlock (sqlite3_file *file, int lock)
{
  FLUSH_OR_RETURN (file);
  return REAL (file)->pMethods->xUnlock (REAL (file), lock);
}

static int
wal_check_reserved_lock (sqlite3_file *file, int *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
wal_file_control (sqlite3_file *file, int op, void *arg)
{
  FLUSH_OR_RETURN (file);
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
wal_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
wal_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
wal_shm_map (sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
  int rc = flush_log_of ((WalFile *) file);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xShmMap (REAL (file), page, size, extend, out);
}

static int
wal_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  int rc = flush_log_of ((WalFile *) file);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xShmLock (REAL (file), offset, n, flags);
}

static void
wal_shm_barrier (sqlite3_file *file)
{
  WalFile *f = (WalFile *) file;

  /* SQLite calls this before it publishes new frames of the log to other
   * connections, and it cannot report a failure.  With synchronous = FULL,
   * which the store always uses, the commit's sync wrote everything before
   * this (and a failed write failed the commit), so nothing is held here;
   * only a connection without syncs (the benchmark's bulk fill) can get
   * here with frames to write. */
  if (flush_log_of (f) != SQLITE_OK)
    g_warning ("Could not write the store's log before publishing it");
  f->real->pMethods->xShmBarrier (f->real);
}

static int
wal_shm_unmap (sqlite3_file *file, int delete_flag)
{
  int rc = flush_log_of ((WalFile *) file);

  if (rc != SQLITE_OK)
    return rc;
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

static int
wal_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
  FLUSH_OR_RETURN (file);
  return REAL (file)->pMethods->xFetch (REAL (file), offset, amount, out);
}

static int
wal_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *page)
{
  return REAL (file)->pMethods->xUnfetch (REAL (file), offset, page);
}

static const sqlite3_io_methods wal_methods = {
  .iVersion = 3,
  .xClose = wal_close,
  .xRead = wal_read,
  .xWrite = wal_write,
  .xTruncate = wal_truncate,
  .xSync = wal_sync,
  .xFileSize = wal_file_size,
  .xLock = wal_lock,
  .xUnlock = wal_unlock,
  .xCheckReservedLock = wal_check_reserved_lock,
  .xFileControl = wal_file_control,
  .xSectorSize = wal_sector_size,
  .xDeviceCharacteristics = wal_device_characteristics,
  .xShmMap = wal_shm_map,
  .xShmLock = wal_shm_lock,
  .xShmBarrier = wal_shm_barrier,
  .xShmUnmap = wal_shm_unmap,
  .xFetch = wal_fetch,
  .xUnfetch = wal_unfetch,
};

static int
vfs_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  WalFile *f = (WalFile *) file;
  int rc;

  memset (f, 0, sizeof *f);
  f->real = (sqlite3_file *) (f + 1);
  rc = real_vfs->xOpen (real_vfs, name, f->real, flags, out_flags);
  /* SQLite closes a file whose methods are set, even after a failed open. */
  if (f->real->pMethods == NULL)
    return rc;
  /* The unix VFS's methods are version 3; a file with fewer (none seen on
   * Debian 12) is not wrapped at all rather than given calls it lacks. */
  if (f->real->pMethods->iVersion < 3)
    {
      f->real->pMethods->xClose (f->real);
      f->real->pMethods = NULL;
      return SQLITE_CANTOPEN;
    }
  g_mutex_lock (&databases_lock);
  if (databases == NULL)
    databases = g_hash_table_new (NULL, NULL);
  if ((flags & SQLITE_OPEN_MAIN_DB) != 0 && name != NULL)
    {
      f->name = name;
      g_hash_table_insert (databases, (gpointer) name, f);
    }
  else if ((flags & SQLITE_OPEN_WAL) != 0 && name != NULL)
    {
      WalFile *database = g_hash_table_lookup (databases, sqlite3_filename_database (name));

      /* A log whose database is not found is written as it comes. */
      if (database != NULL && database->partner == NULL)
        {
          database->partner = f;
          f->partner = database;
          f->gather = TRUE;
        }
    }
  g_mutex_unlock (&databases_lock);
  file->pMethods = &wal_methods;
  return rc;
}

static int
vfs_delete (sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  return real_vfs->xDelete (real_vfs, name, sync_dir);
}

static int
vfs_access (sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

static int
vfs_full_pathname (sqlite3_vfs *vfs, const char *name, int size, char *out)
{
  return real_vfs->xFullPathname (real_vfs, name, size, out);
}

static void *
vfs_dl_open (sqlite3_vfs *vfs, const char *name)
{
  return real_vfs->xDlOpen (real_vfs, name);
}

static void
vfs_dl_error (sqlite3_vfs *vfs, int size, char *out)
{
  real_vfs->xDlError (real_vfs, size, out);
}

static void (*vfs_dl_sym (sqlite3_vfs *vfs, void *handle, const char *symbol)) (void)
{
  return real_vfs->xDlSym (real_vfs, handle, symbol);
}

static void
vfs_dl_close (sqlite3_vfs *vfs, void *handle)
{
  real_vfs->xDlClose (real_vfs, handle);
}

static int
vfs_randomness (sqlite3_vfs *vfs, int size, char *out)
{
  return real_vfs->xRandomness (real_vfs, size, out);
}

static int
vfs_sleep (sqlite3_vfs *vfs, int microseconds)
{
  return real_vfs->xSleep (real_vfs, microseconds);
}

static int
vfs_current_time (sqlite3_vfs *vfs, double *out)
{
  return real_vfs->xCurrentTime (real_vfs, out);
}

static int
vfs_get_last_error (sqlite3_vfs *vfs, int size, char *out)
{
  return real_vfs->xGetLastError (real_vfs, size, out);
}

static int
vfs_current_time_int64 (sqlite3_vfs *vfs, sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64 (real_vfs, out);
}

static gpointer
register_vfs (gpointer data)
{
  real_vfs = sqlite3_vfs_find (NULL);
  if (real_vfs == NULL || real_vfs->iVersion < 2)
    return NULL;
  wal_vfs = (sqlite3_vfs) {
    .iVersion = 2,
    .szOsFile = (int) sizeof (WalFile) + real_vfs->szOsFile,
    .mxPathname = real_vfs->mxPathname,
    .zName = VFS_NAME,
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_full_pathname,
    .xDlOpen = vfs_dl_open,
    .xDlError = vfs_dl_error,
    .xDlSym = vfs_dl_sym,
    .xDlClose = vfs_dl_close,
    .xRandomness = vfs_randomness,
    .xSleep = vfs_sleep,
    .xCurrentTime = vfs_current_time,
    .xGetLastError = vfs_get_last_error,
    .xCurrentTimeInt64 = vfs_current_time_int64,
  };
  if (sqlite3_vfs_register (&wal_vfs, 0) != SQLITE_OK)
    return NULL;
  return (gpointer) VFS_NAME;
}

const char *
kt_wal_vfs_name (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, register_vfs, NULL);
}
