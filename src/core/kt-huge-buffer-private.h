/* kt-huge-buffer-private.h: memory for the few large buffers an open and
 * list fills at once
 *
 * A fresh process gets every page of its memory from the kernel at its
 * first touch, one page fault per 4 KiB page.  On the project's VM a fault
 * costs 11–15 µs (the hypervisor keeps the guest's page tables), so the
 * 1,700 pages of the first open and list of 10,000 cases took about 20 ms
 * of its 40.  A buffer from here is backed by transparent huge pages where
 * the kernel has them (MADV_HUGEPAGE: Debian's default is "madvise"): one
 * fault for 2 MiB.  On bare metal a fault is 0.1–0.3 µs and zeroing a huge
 * page costs about what 512 small faults do, so it is no slower there.
 * Only for buffers of half a huge page or more, filled at once and freed
 * soon after (or kept for the process): a huge page is resident whole.
 * Below that size, and without huge pages, it is ordinary memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @size bytes, zeroed, aligned for any type; free with
 * kt_huge_buffer_free() and the same @size.  Aborts when out of memory,
 * as g_malloc() does. */
gpointer kt_huge_buffer_alloc (gsize    size);
void     kt_huge_buffer_free  (gpointer data,
                               gsize    size);

G_END_DECLS
