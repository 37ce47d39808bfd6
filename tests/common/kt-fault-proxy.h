/* kt-fault-proxy.h: KtFaultProxy, a TCP proxy on 127.0.0.1 that breaks
 * a configurable share of connections
 *
 * Sits between a client and a server on loopback.  Each new connection (and
 * each further request on a kept-alive one) is,
 * with the probability set for it, given one fault: dropped at a random byte,
 * delayed, truncated or corrupted.  The random choices come from a seed, so a
 * failing run can be repeated.  Runs on the thread-default main context of
 * the thread that starts it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  KT_FAULT_NONE,
  KT_FAULT_DROP,       /* close both sides at a random byte, either direction */
  KT_FAULT_DELAY,      /* hold every chunk from the server for the set delay */
  KT_FAULT_TRUNCATE,   /* forward part of the server's answer, then close */
  KT_FAULT_CORRUPT,    /* flip bytes in the server's answer */
  KT_FAULT_DROP_UPLOAD, /* close both sides at a random byte of the request */
  KT_N_FAULTS
} KtFault;

#define KT_TYPE_FAULT_PROXY (kt_fault_proxy_get_type ())
G_DECLARE_FINAL_TYPE (KtFaultProxy, kt_fault_proxy, KT, FAULT_PROXY, GObject)

/* A proxy to 127.0.0.1:@upstream_port whose random choices start at @seed. */
KtFaultProxy *kt_fault_proxy_new          (guint16       upstream_port,
                                           guint32       seed);
/* A proxy to the server at @url, started (asserting it did), and the URL
 * to reach the server through it in @proxy_url (transfer full). */
KtFaultProxy *kt_fault_proxy_new_started (const char  *url,
                                          guint32      seed,
                                          char       **proxy_url);
/* Starts listening on an ephemeral loopback port and returns it (0 on error). */
guint16       kt_fault_proxy_start        (KtFaultProxy *self,
                                           GError      **error);
void          kt_fault_proxy_stop         (KtFaultProxy *self);
guint16       kt_fault_proxy_get_port     (KtFaultProxy *self);
/* The share (0..1) of new connections that get @fault; the shares of all
 * faults together must not exceed 1. */
void          kt_fault_proxy_set_share    (KtFaultProxy *self,
                                           KtFault       fault,
                                           double        share);
void          kt_fault_proxy_set_delay    (KtFaultProxy *self,
                                           guint         milliseconds);
/* Answer every connection with @bytes and close, never contacting the
 * server (a garbage or oversized server); NULL to forward again.  Open
 * connections are closed. */
void          kt_fault_proxy_set_canned   (KtFaultProxy *self,
                                           GBytes       *bytes);
/* Answer each request whose first line starts with @request (such as
 * "GET /api/v1/team/keys ") with @bytes and close its connection, and
 * forward every other request: one endpoint failing while the rest of the
 * server works.  NULL @bytes forwards all again. */
/* Every connection closed before an answer (the server away), or forwarded
 * again. */
void          kt_fault_proxy_set_away     (KtFaultProxy *self,
                                           gboolean      away);
void          kt_fault_proxy_set_canned_for (KtFaultProxy *self,
                                             const char   *request,
                                             GBytes       *bytes);
/* While @hold, the server's answers wait in the proxy, the requests
 * having reached the server (a test does something between the two);
 * FALSE sends on what waited.  No timer: it waits until told. */
void          kt_fault_proxy_hold_answers   (KtFaultProxy *self,
                                             gboolean      hold);
/* How many chunks of answers wait now. */
guint         kt_fault_proxy_get_n_held     (KtFaultProxy *self);
/* Connections, counting each request on a kept-alive one. */
guint         kt_fault_proxy_get_n_connections (KtFaultProxy *self);
/* How many of them were given @fault. */
guint         kt_fault_proxy_get_n_faulted     (KtFaultProxy *self,
                                                KtFault       fault);

G_END_DECLS
