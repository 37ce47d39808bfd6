/* kt-wal-vfs-private.h: SQLite's own file layer, with a commit's writes
 * to the write-ahead log gathered into one system call
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The name of a SQLite VFS (registered on the first call, never the
 * default) that is the default one but for the log (`-wal`) files it
 * opens: their writes that follow one another in the file are held in
 * memory and written with one pwrite() before anything that could need
 * them on disk or visible to another connection — a sync, a read, a size,
 * a truncation, a lock change, the barrier SQLite calls before it
 * publishes new frames in the shared index, and the close.  So a commit
 * is on disk when it returns, exactly as with the default VFS.  NULL when
 * there is no default VFS to wrap. */
const char *kt_wal_vfs_name (void);

G_END_DECLS
