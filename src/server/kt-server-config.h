/* kt-server-config.h: KtServerConfig, the settings of keukentafel-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char   *listen_address;          /* an IP address or "localhost" */
  guint16 port;                    /* 0: any free port */
  guint   listen_backlog;          /* connections that may wait to be accepted */
  char   *tls_cert;                /* PEM files; both or neither */
  char   *tls_key;
  char   *database_uri;            /* sqlite:///path or postgresql://… */
  gint64  token_lifetime;          /* seconds */
  gsize   max_body;                /* largest request body, bytes */
  guint   request_timeout;         /* seconds of silence before a connection is dropped */
  gboolean durable_commits;        /* wait for the disk on every commit */
  guint   login_attempts_account;  /* failed sign-ins per account from one address per window */
  guint   login_attempts_address;  /* failed sign-ins per address per window */
  guint   login_window;            /* seconds */
  guint   login_account_ceiling;   /* failed sign-ins per account from all addresses … */
  guint   login_ceiling_window;    /* … per this many seconds: a short backoff, not a lock */
  GStrv   trusted_proxies;         /* addresses or ADDRESS/PREFIX whose X-Forwarded-For is believed */
  char   *metrics_address;         /* where /metrics is served (plain HTTP); NULL: nowhere */
  guint16 metrics_port;
  gboolean access_log;             /* a line per request to the journal */
  gboolean accept_plaintext;       /* take pushes of records that are not sealed */
} KtServerConfig;

/* The defaults (transfer full). */
KtServerConfig *kt_server_config_new        (void);
void            kt_server_config_free       (KtServerConfig *self);
/* Reads a GKeyFile config ([server] and [limits] groups) over the current values. */
gboolean        kt_server_config_load_file  (KtServerConfig *self,
                                             const char     *path,
                                             GError        **error);
/* Sets address and port from "ADDR:PORT" ("[::1]:8765" for IPv6). */
gboolean        kt_server_config_set_listen (KtServerConfig *self,
                                             const char     *listen,
                                             GError        **error);
/* Sets where /metrics is served from "ADDR:PORT"; "" or "off": nowhere. */
gboolean        kt_server_config_set_metrics_listen (KtServerConfig *self,
                                                     const char     *listen,
                                                     GError        **error);
/* Checks the settings belong together; refuses plain HTTP off loopback. */
gboolean        kt_server_config_check      (const KtServerConfig *self,
                                             GError              **error);

/* The trusted proxies as GInetAddressMasks (transfer full), or NULL after
 * setting @error for one that is not an address or ADDRESS/PREFIX. */
GPtrArray      *kt_server_config_parse_proxies (const KtServerConfig *self,
                                                GError              **error);

/* TRUE for 127.0.0.0/8, ::1 and "localhost". */
gboolean        kt_server_address_is_loopback (const char *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KtServerConfig, kt_server_config_free)

G_END_DECLS
