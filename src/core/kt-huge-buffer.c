/* kt-huge-buffer.c: memory for the few large buffers an open and list
 * fills at once (see kt-huge-buffer-private.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-store"

#include "config.h"

#include "kt-huge-buffer-private.h"

#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE_SIZE (2 * 1024 * 1024)
/* Half a huge page: a smaller buffer would leave most of one unused.
 * Under AddressSanitizer every buffer is malloc's, whose bounds it checks
 * (it does not look inside a mapping of our own). */
#if defined(__SANITIZE_ADDRESS__)
#define HUGE_MIN_SIZE  G_MAXSIZE
#else
#define HUGE_MIN_SIZE  (HUGE_PAGE_SIZE / 2)
#endif

static gsize
mapped_size (gsize size)
{
  return (size + HUGE_PAGE_SIZE - 1) & ~(gsize) (HUGE_PAGE_SIZE - 1);
}

gpointer
kt_huge_buffer_alloc (gsize size)
{
  gsize mapped, head, tail;
  guint8 *raw, *data;

  if (size < HUGE_MIN_SIZE)
    return g_malloc0 (size);

  /* A huge page must start on a 2 MiB boundary: map one more, keep the
   * aligned part and give back the rest. */
  mapped = mapped_size (size);
  if (mapped < size || mapped + HUGE_PAGE_SIZE < mapped)
    g_error ("%s: overflow allocating %" G_GSIZE_FORMAT " bytes", G_STRLOC, size);
  raw = mmap (NULL, mapped + HUGE_PAGE_SIZE, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes", G_STRLOC, size);
  data = (guint8 *) (((guintptr) raw + HUGE_PAGE_SIZE - 1) & ~(guintptr) (HUGE_PAGE_SIZE - 1));
  head = data - raw;
  tail = HUGE_PAGE_SIZE - head;
  if (head > 0)
    munmap (raw, head);
  if (tail > 0)
    munmap (data + mapped, tail);
#ifdef MADV_HUGEPAGE
  /* Advice only: without transparent huge pages (disabled, or none free)
   * the kernel gives small pages, as for any other memory. */
  madvise (data, mapped, MADV_HUGEPAGE);
#endif
  return data;
}

void
kt_huge_buffer_free (gpointer data,
                     gsize    size)
{
  if (data == NULL)
    return;
  if (size < HUGE_MIN_SIZE)
    g_free (data);
  else
    munmap (data, mapped_size (size));
}
