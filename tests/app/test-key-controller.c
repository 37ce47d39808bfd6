/* test-key-controller.c: the account's key in the real app against a real
 * server: made and published at the first sign-in with its phrase to write
 * down, restored from the phrase on a new device (a wrong one refused), and
 * a colleague's substituted key shown as a warning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "kt-app-test.h"
#include "kt-core.h"
#include "kt-crypto.h"
#include "kt-fault-proxy.h"
#include "kt-json-reader.h"
#include "kt-peer-keys.h"
#include "kt-preferences-window.h"
#include "kt-recovery-phrase.h"
#include "kt-recovery-phrase-dialog.h"
#include "kt-restore-key-dialog.h"
#include "kt-sync-button.h"
#include "kt-store-keys.h"
#include "kt-test-notifications.h"
#include "kt-test-sync.h"
#include "kt-test-util.h"
#include "kt-window-private.h"

/* The desktop's notification server, as a session has one; started in
 * main (). */
static KtTestNotifications *notifications;

typedef struct {
  char         *dir;
  KtTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = kt_test_tmpdir_new ("kt-keys-app");
  f->server = kt_test_server_start (NULL, kt_test_sync_users);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_unsetenv ("KT_STORE_PATH");
  g_clear_pointer (&f->server, kt_test_server_free);
  kt_test_tmpdir_free (g_steal_pointer (&f->dir));
}

static gboolean
client_opened (gpointer data)
{
  KtSyncClient *client = kt_window_get_sync_client (data);

  return client != NULL && kt_sync_client_get_outbox (client) != NULL;
}

/* The app on a store of its own (@name.db in the test's dir), signed in as
 * @username. */
static KtApplication *
start_signed_in (Fixture     *f,
                 const char  *name,
                 const char  *username,
                 KtWindow   **window)
{
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  g_autofree char *store = g_build_filename (f->dir, file, NULL);
  KtApplication *app;

  g_setenv ("KT_STORE_PATH", store, TRUE);
  app = kt_app_test_start (window);
  kt_app_test_wait_for (client_opened, *window, 10000, "the sync client to open");
  kt_test_device_sign_in (kt_window_get_sync_client (*window), kt_test_server_get_url (f->server), username);
  return app;
}

typedef struct {
  KtKeyController   *keys;
  KtAccountKeyState  state;
} StateWait;

static gboolean
has_state (gpointer data)
{
  StateWait *wait = data;

  return kt_key_controller_get_state (wait->keys) == wait->state;
}

static void
wait_for_state (KtKeyController   *keys,
                KtAccountKeyState  state,
                const char        *what)
{
  StateWait wait = { keys, state };

  kt_app_test_wait_for (has_state, &wait, 30000, what);
}

/* The first toplevel of @type, or NULL. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WINDOW (window);
    }
  return NULL;
}

static gboolean
toplevel_shown (gpointer data)
{
  return find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
toplevel_gone (gpointer data)
{
  return find_toplevel (GPOINTER_TO_SIZE (data)) == NULL;
}

static GtkWindow *
wait_for_toplevel (GType       type,
                   const char *what)
{
  kt_app_test_wait_for (toplevel_shown, GSIZE_TO_POINTER (type), 5000, what);
  return find_toplevel (type);
}

/* The public key the server has for @username, or NULL. */
static GBytes *
server_key (Fixture    *f,
            const char *asker,
            const char *username)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (kt_test_http (kt_test_server_get_url (f->server), asker, "GET", "/team/keys", NULL, &body),
                    ==, 200);
  keys = kt_peer_keys_from_json (body, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < keys->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (keys, i);

      if (g_str_equal (key->username, username))
        return g_bytes_ref (key->public_key);
    }
  return NULL;
}

/* Publishes a key for @username straight to the server, as another device
 * of theirs would; @phrase (may be NULL) gets the phrase of its bundle. */
static KtKey *
publish_key (Fixture     *f,
             const char  *username,
             char       **phrase)
{
  KtKey *secret = kt_key_new_random ();
  char *words = kt_recovery_phrase_new ();
  g_autoptr(GBytes) public_key = kt_crypto_public_key (secret);
  g_autoptr(GBytes) bundle = kt_crypto_seal_recovery_bundle (secret, words, crypto_pwhash_OPSLIMIT_MIN,
                                                             crypto_pwhash_MEMLIMIT_MIN);
  g_autofree char *key_text = g_base64_encode (g_bytes_get_data (public_key, NULL), KT_PUBLIC_KEY_SIZE);
  g_autofree char *bundle_text = g_base64_encode (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle));
  g_autofree char *json = g_strdup_printf ("{\"public_key\":\"%s\",\"recovery_bundle\":\"%s\"}",
                                           key_text, bundle_text);

  g_assert_cmpuint (kt_test_http (kt_test_server_get_url (f->server), username, "PUT", "/keys/me", json, NULL),
                    ==, 200);
  if (phrase != NULL)
    *phrase = words;
  else
    kt_recovery_phrase_free (words);
  return secret;
}

/* The labels under @widget, in order, appended to @texts. */
static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static void
test_first_sign_in_makes_and_publishes_a_key_and_asks_for_the_phrase (Fixture       *f,
                                                                      gconstpointer  data)
{
  KtWindow *window;
  KtApplication *app = start_signed_in (f, "first", "coach1", &window);
  KtKeyController *keys = kt_window_get_key_controller (window);
  g_autoptr(GBytes) published = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;
  GtkWidget *grid;
  char *kept;

  wait_for_state (keys, KT_ACCOUNT_KEY_WRITE_PHRASE, "a new key, published");
  g_assert_cmpstr (kt_key_controller_get_notice (keys), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Write down your recovery phrase"));
  /* The server has the key this device keeps. */
  published = server_key (f, "super1", "coach1");
  g_assert_nonnull (published);
  fingerprint = kt_crypto_key_fingerprint (published);
  g_assert_cmpstr (kt_key_controller_get_fingerprint (keys), ==, fingerprint);

  /* "Later": the notice comes back at the next start (the user guide says
   * so), with the same key. */
  kt_app_test_quit (app, window);
  app = kt_app_test_start (&window);
  keys = kt_window_get_key_controller (window);
  wait_for_state (keys, KT_ACCOUNT_KEY_WRITE_PHRASE, "the phrase still to write down, after a restart");
  g_assert_cmpstr (kt_key_controller_get_notice (keys), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Write down your recovery phrase"));
  g_assert_cmpstr (kt_key_controller_get_fingerprint (keys), ==, fingerprint);

  /* The notice's button opens the twelve words, numbered. */
  kt_app_test_activate (window, "win.recovery-phrase", NULL);
  dialog = wait_for_toplevel (KT_TYPE_RECOVERY_PHRASE_DIALOG, "the recovery phrase");
  grid = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_RECOVERY_PHRASE_DIALOG, "words_grid");
  collect_labels (grid, labels);
  g_assert_cmpuint (labels->len, ==, KT_RECOVERY_PHRASE_WORDS);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (labels, 0), "1. "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (labels, 11), "12. "));

  /* "I have written them down" wipes them from the store. */
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_RECOVERY_PHRASE_DIALOG,
                                                        "written_button"), "clicked");
  kt_app_test_wait_for (toplevel_gone, GSIZE_TO_POINTER (KT_TYPE_RECOVERY_PHRASE_DIALOG), 5000,
                        "the phrase dialog to close");
  g_assert_cmpint (kt_key_controller_get_state (keys), ==, KT_ACCOUNT_KEY_READY);
  kept = kt_store_get_recovery_phrase (kt_window_get_store (window), "coach1", &error);
  g_assert_no_error (error);
  g_assert_null (kept);
  g_assert_null (kt_key_controller_dup_phrase (keys));

  kt_app_test_quit (app, window);
}

static const char *
restore_error (KtRestoreKeyDialog *dialog)
{
  return kt_restore_key_dialog_get_error (dialog);
}

static gboolean
error_shown (gpointer data)
{
  return restore_error (data) != NULL;
}

static void
type_phrase (KtRestoreKeyDialog *dialog,
             const char         *text)
{
  GtkTextView *view = GTK_TEXT_VIEW (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_RESTORE_KEY_DIALOG,
                                                                    "phrase_view"));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (dialog), KT_TYPE_RESTORE_KEY_DIALOG,
                                                        "restore_button"), "clicked");
}

static void
test_new_device_restores_from_the_phrase_and_refuses_a_wrong_one (Fixture       *f,
                                                                 gconstpointer  data)
{
  g_autofree char *phrase = NULL;
  g_autoptr(KtKey) secret = publish_key (f, "coach1", &phrase);
  g_autoptr(GBytes) public_key = kt_crypto_public_key (secret);
  g_autofree char *fingerprint = kt_crypto_key_fingerprint (public_key);
  char *wrong = kt_recovery_phrase_new ();
  g_autofree char *shouted = g_ascii_strup (phrase, -1);
  KtWindow *window;
  KtApplication *app = start_signed_in (f, "second", "coach1", &window);
  KtKeyController *keys = kt_window_get_key_controller (window);
  g_autoptr(KtKey) kept = NULL;
  g_autoptr(GBytes) on_server = NULL;
  g_autoptr(GError) error = NULL;
  KtRestoreKeyDialog *dialog;

  wait_for_state (keys, KT_ACCOUNT_KEY_RESTORE, "the notice to restore");
  g_assert_cmpstr (kt_key_controller_get_notice (keys), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Restore your key with your recovery phrase"));
  /* Nothing was published over the account's key. */
  on_server = server_key (f, "super1", "coach1");
  g_assert_true (g_bytes_equal (on_server, public_key));

  kt_app_test_activate (window, "win.restore-key", NULL);
  dialog = KT_RESTORE_KEY_DIALOG (wait_for_toplevel (KT_TYPE_RESTORE_KEY_DIALOG, "the restore dialog"));

  /* Another account's twelve words: refused in the dialog, clearly. */
  type_phrase (dialog, wrong);
  kt_recovery_phrase_free (wrong);
  kt_app_test_wait_for (error_shown, dialog, 30000, "the wrong phrase to be refused");
  g_assert_cmpstr (restore_error (dialog), ==,
                   g_dgettext (GETTEXT_PACKAGE, "These twelve words are not the recovery phrase of this "
                                                "account. Check them against the paper you wrote them on."));
  g_assert_cmpint (kt_key_controller_get_state (keys), ==, KT_ACCOUNT_KEY_RESTORE);
  /* Eleven words say what is missing. */
  type_phrase (dialog, "abandon ability able about above absent absorb abstract absurd abuse access");
  kt_app_test_iterate (50);
  g_assert_nonnull (restore_error (dialog));
  g_assert_cmpstr (restore_error (dialog), !=,
                   g_dgettext (GETTEXT_PACKAGE, "These twelve words are not the recovery phrase of this "
                                                "account. Check them against the paper you wrote them on."));

  /* The right words, typed in capitals, open the key. */
  type_phrase (dialog, shouted);
  kt_app_test_wait_for (toplevel_gone, GSIZE_TO_POINTER (KT_TYPE_RESTORE_KEY_DIALOG), 30000,
                        "the key to be restored");
  g_assert_cmpint (kt_key_controller_get_state (keys), ==, KT_ACCOUNT_KEY_READY);
  g_assert_cmpstr (kt_key_controller_get_fingerprint (keys), ==, fingerprint);
  kept = kt_store_get_account_key (kt_window_get_store (window), "coach1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (kept);
  g_assert_cmpmem (kt_key_peek (kept), KT_KEY_SIZE, kt_key_peek (secret), KT_KEY_SIZE);

  kt_app_test_quit (app, window);
}

typedef struct {
  KtWindow   *window;
  const char *id;
} CaseWait;

static gboolean
case_kept (gpointer data)
{
  CaseWait *wait = data;
  g_autoptr(KtCase) kase = kt_store_load_case (kt_window_get_store (wait->window), wait->id, NULL);

  return kase != NULL;
}

static void
test_new_device_reads_what_the_first_sealed (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(KtCase) kase = kt_case_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) on_server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = g_strdup (kase->header.id);
  g_autofree char *server_text = NULL;
  KtKeyController *keys;
  KtApplication *app;
  KtWindow *window;
  char *phrase;
  CaseWait wait;

  /* The first device makes the key and pushes a household, sealed. */
  app = start_signed_in (f, "laptop", "coach1", &window);
  keys = kt_window_get_key_controller (window);
  wait_for_state (keys, KT_ACCOUNT_KEY_WRITE_PHRASE, "the first device's key");
  phrase = kt_key_controller_dup_phrase (keys);
  g_assert_nonnull (phrase);
  kase->header.rev = 1;
  kase->coach = g_strdup ("coach1");
  kase->household = g_strdup ("Familie Zegelmarker");
  body = kt_case_encode (kase);
  kt_sync_client_share (kt_window_get_sync_client (window), body, &error);
  g_assert_no_error (error);
  kt_test_device_sync (kt_window_get_sync_client (window), &error);
  g_assert_no_error (error);
  kt_app_test_quit (app, window);

  path = g_strdup_printf ("/records/%s", id);
  g_assert_cmpuint (kt_test_http (kt_test_server_get_url (f->server), "coach1", "GET", path, NULL, &on_server),
                    ==, 200);
  server_text = g_strndup (g_bytes_get_data (on_server, NULL), g_bytes_get_size (on_server));
  g_assert_nonnull (strstr (server_text, "\"sealed\""));
  g_assert_null (strstr (server_text, "Zegelmarker"));

  /* A new device waits for the key, then opens the household with the phrase. */
  app = start_signed_in (f, "tablet", "coach1", &window);
  keys = kt_window_get_key_controller (window);
  wait_for_state (keys, KT_ACCOUNT_KEY_RESTORE, "the new device to ask for the phrase");
  wait = (CaseWait) { window, id };
  kt_app_test_iterate (200);
  g_assert_false (case_kept (&wait));
  kt_app_test_activate (window, "win.restore-key", NULL);
  type_phrase (KT_RESTORE_KEY_DIALOG (wait_for_toplevel (KT_TYPE_RESTORE_KEY_DIALOG, "the restore dialog")),
               phrase);
  kt_recovery_phrase_free (phrase);
  kt_app_test_wait_for (case_kept, &wait, 30000, "the household sealed on the first device");
  g_assert_cmpint (kt_key_controller_get_state (keys), ==, KT_ACCOUNT_KEY_READY);

  kt_app_test_quit (app, window);
}

static gboolean
changed_key_seen (gpointer data)
{
  GPtrArray *team = kt_key_controller_get_team_keys (data);

  for (guint i = 0; team != NULL && i < team->len; i++)
    {
      KtPeerKey *key = g_ptr_array_index (team, i);

      if (g_str_equal (key->username, "coach1") && key->state == KT_PEER_KEY_CHANGED)
        return TRUE;
    }
  return FALSE;
}

static gboolean
changed_key_trusted (gpointer data)
{
  return kt_peer_keys_lookup_usable (kt_key_controller_get_team_keys (data), "coach1") != NULL;
}

static void
test_substituted_colleague_key_is_a_warning (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(KtKey) first = publish_key (f, "coach1", NULL);
  g_autoptr(GBytes) first_key = kt_crypto_public_key (first);
  g_autofree char *first_print = kt_crypto_key_fingerprint (first_key);
  KtWindow *window;
  KtApplication *app = start_signed_in (f, "super", "super1", &window);
  KtKeyController *keys = kt_window_get_key_controller (window);
  g_autoptr(KtKey) other = NULL;
  g_autoptr(GBytes) other_key = NULL;
  g_autofree char *other_print = NULL;
  g_autofree char *pinned = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = NULL;
  g_autofree char *row_title = NULL;
  GtkWindow *prefs;
  AdwMessageDialog *dialog;
  gboolean both = FALSE;

  wait_for_state (keys, KT_ACCOUNT_KEY_WRITE_PHRASE, "the supervisor's own key");
  pinned = kt_key_controller_dup_pinned_fingerprint (keys, "coach1");
  g_assert_cmpstr (pinned, ==, first_print);

  /* The server now hands out another key for coach1. */
  other = publish_key (f, "coach1", NULL);
  other_key = kt_crypto_public_key (other);
  other_print = kt_crypto_key_fingerprint (other_key);
  kt_key_controller_refresh (keys);
  kt_app_test_wait_for (changed_key_seen, keys, 20000, "the changed key");
  title = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "The key of %s has changed"), "coach1");
  g_assert_cmpstr (kt_key_controller_get_notice (keys), ==, title);
  /* Never used, and the pin stays the key first seen. */
  g_assert_null (kt_peer_keys_lookup_usable (kt_key_controller_get_team_keys (keys), "coach1"));
  g_clear_pointer (&pinned, g_free);
  pinned = kt_key_controller_dup_pinned_fingerprint (keys, "coach1");
  g_assert_cmpstr (pinned, ==, first_print);

  /* Preferences name the colleague with both fingerprints. */
  kt_app_test_activate (window, "win.preferences", NULL);
  prefs = wait_for_toplevel (KT_TYPE_PREFERENCES_WINDOW, "the preferences");
  row_title = g_strdup_printf ("coach1 (%s)", g_dgettext (GETTEXT_PACKAGE, "Neighbourhood coach"));
  g_assert_nonnull (kt_app_test_find_row (GTK_WIDGET (prefs), row_title, 0));
  collect_labels (GTK_WIDGET (prefs), labels);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = g_ptr_array_index (labels, i);

      if (strstr (text, first_print) != NULL && strstr (text, other_print) != NULL)
        both = TRUE;
    }
  g_assert_true (both);
  gtk_window_close (prefs);

  /* Once coach1 confirmed the new fingerprint, the details trust it: the
   * key is pinned and used from then on. */
  kt_app_test_iterate (500);
  kt_app_test_activate (window, "win.key-warning", g_variant_new_string ("coach1"));
  dialog = ADW_MESSAGE_DIALOG (wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the key's details"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "close");
  g_assert_true (adw_message_dialog_has_response (dialog, "trust"));
  adw_message_dialog_response (dialog, "trust");
  kt_app_test_wait_for (changed_key_trusted, keys, 20000, "the new key trusted");
  g_clear_pointer (&pinned, g_free);
  pinned = kt_key_controller_dup_pinned_fingerprint (keys, "coach1");
  g_assert_cmpstr (pinned, ==, other_print);

  kt_app_test_quit (app, window);
}

static void
test_own_key_differing_from_the_server_warns_and_republishes_nothing (Fixture       *f,
                                                                      gconstpointer  data)
{
  KtWindow *window;
  KtApplication *app = start_signed_in (f, "own", "coach1", &window);
  KtKeyController *keys = kt_window_get_key_controller (window);
  g_autoptr(KtKey) other = NULL;
  g_autoptr(GBytes) other_key = NULL;
  g_autoptr(GBytes) on_server = NULL;

  wait_for_state (keys, KT_ACCOUNT_KEY_WRITE_PHRASE, "this device's key");
  g_assert_nonnull (kt_key_controller_get_sealer (keys));

  /* Someone puts another key on the server for this account. */
  other = publish_key (f, "coach1", NULL);
  other_key = kt_crypto_public_key (other);
  kt_key_controller_refresh (keys);
  wait_for_state (keys, KT_ACCOUNT_KEY_MISMATCH, "the warning about the own key");
  g_assert_cmpstr (kt_key_controller_get_notice (keys), ==,
                   g_dgettext (GETTEXT_PACKAGE, "The key on this device is not the one on the server"));
  /* Nothing sealed with either, and the server keeps what it has. */
  g_assert_null (kt_key_controller_get_sealer (keys));
  g_assert_null (kt_sync_client_get_sealer (kt_window_get_sync_client (window)));
  kt_app_test_iterate (300);
  on_server = server_key (f, "super1", "coach1");
  g_assert_true (g_bytes_equal (on_server, other_key));

  kt_app_test_quit (app, window);
}

static gboolean
sealer_back (gpointer data)
{
  return kt_sync_client_get_sealer (kt_window_get_sync_client (data)) != NULL;
}

static void
test_idle_lock_takes_the_key_and_unlock_brings_it_back (Fixture       *f,
                                                        gconstpointer  data)
{
  KtWindow *window;
  KtApplication *app = start_signed_in (f, "lock", "coach1", &window);
  KtKeyController *keys = kt_window_get_key_controller (window);
  KtSyncClient *client = kt_window_get_sync_client (window);

  wait_for_state (keys, KT_ACCOUNT_KEY_WRITE_PHRASE, "this device's key");
  g_assert_nonnull (kt_sync_client_get_sealer (client));

  kt_store_lock (kt_window_get_store (window));
  kt_app_test_iterate (50);
  g_assert_null (kt_key_controller_get_sealer (keys));
  g_assert_null (kt_sync_client_get_sealer (client));

  kt_app_test_unlock (window, KT_APP_TEST_PIN);
  kt_app_test_wait_for (sealer_back, window, 20000, "the sealer after unlocking");
  g_assert_cmpint (kt_key_controller_get_state (keys), ==, KT_ACCOUNT_KEY_WRITE_PHRASE);

  kt_app_test_quit (app, window);
}

/* GET /api/v1/team/keys answered for @username in the server log at @path. */
static guint
team_keys_fetched (const char *path,
                   const char *username)
{
  g_autofree char *log = NULL;

  if (!g_file_get_contents (path, &log, NULL, NULL))
    return 0;
  return kt_test_server_log_count_requests (log, "GET /api/v1/team/keys 200", username);
}

typedef struct {
  const char *path;
  guint       wanted;
} FetchWait;

static gboolean
fetched_enough (gpointer data)
{
  FetchWait *wait = data;

  return team_keys_fetched (wait->path, "super1") >= wait->wanted;
}

/* A round that ends while the team's keys are being fetched (the one a
 * colleague's first key starts, say) is not dropped: that fetch may have
 * read the keys before hers, so another follows it.  Dropped, the case
 * assigned to her waited for the next round, minutes later. */
static void
test_refresh_asked_during_a_fetch_fetches_again (Fixture       *f,
                                                 gconstpointer  data)
{
  g_autofree char *log_path = g_build_filename (f->dir, "server.log", NULL);
  KtWindow *window;
  KtApplication *app;
  KtKeyController *keys;
  FetchWait wait = { log_path, 0 };
  guint before;

  kt_test_server_set_stderr_file (f->server, log_path);
  kt_test_server_stop (f->server);
  kt_test_server_restart (f->server);
  app = start_signed_in (f, "again", "super1", &window);
  keys = kt_window_get_key_controller (window);
  wait_for_state (keys, KT_ACCOUNT_KEY_WRITE_PHRASE, "the supervisor's own key");
  /* Until the rounds of the sign-in have settled. */
  do
    {
      before = team_keys_fetched (log_path, "super1");
      kt_app_test_iterate (1000);
    }
  while (team_keys_fetched (log_path, "super1") != before);

  kt_key_controller_refresh (keys);
  kt_key_controller_refresh (keys);
  wait.wanted = before + 2;
  kt_app_test_wait_for (fetched_enough, &wait, 20000, "a second fetch of the team's keys");
  /* And no more than that. */
  kt_app_test_iterate (1000);
  g_assert_cmpuint (team_keys_fetched (log_path, "super1"), ==, before + 2);

  kt_app_test_quit (app, window);
}

/* The sync button the user sees in @widget (the window's, or the
 * intaker's or supervisor's view's own), or NULL. */
static KtSyncButton *
shown_sync_button (GtkWidget *widget)
{
  if (KT_IS_SYNC_BUTTON (widget) && gtk_widget_get_mapped (widget))
    return KT_SYNC_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      KtSyncButton *button = shown_sync_button (child);

      if (button != NULL)
        return button;
    }
  return NULL;
}

static gboolean
problem_shown (gpointer data)
{
  KtSyncButton *button = shown_sync_button (data);

  return button != NULL && kt_sync_button_get_problem_text (button) != NULL;
}

static gboolean
problem_gone (gpointer data)
{
  return !problem_shown (data);
}

/* When the server refuses the team's keys (it fails), the supervisor reads
 * so beside the sync state, in words, until a later fetch succeeds. */
static void
test_team_keys_not_fetched_shows_until_a_fetch_succeeds (Fixture       *f,
                                                         gconstpointer  data)
{
  g_autofree char *store = g_build_filename (f->dir, "refused.db", NULL);
  g_autofree char *url = NULL;
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new_started (kt_test_server_get_url (f->server), 20261207, &url);
  static const char answer[] = "HTTP/1.1 500 Internal Server Error\r\n"
                               "Content-Length: 0\r\nConnection: close\r\n\r\n";
  g_autoptr(GBytes) refusal = g_bytes_new_static (answer, sizeof answer - 1);
  KtSyncButton *button;
  KtKeyController *keys;
  KtWindow *window;
  KtApplication *app;

  g_setenv ("KT_STORE_PATH", store, TRUE);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  kt_test_device_sign_in (kt_window_get_sync_client (window), url, "super1");
  keys = kt_window_get_key_controller (window);
  wait_for_state (keys, KT_ACCOUNT_KEY_WRITE_PHRASE, "the supervisor's own key");
  g_assert_false (problem_shown (window));

  kt_fault_proxy_set_canned (proxy, refusal);
  kt_key_controller_refresh (keys);
  kt_app_test_wait_for (problem_shown, window, 30000, "the refused keys said in the window");
  /* On the supervisor's own view, the one she sees. */
  button = shown_sync_button (GTK_WIDGET (window));
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (button), kt_window_get_main_view (window)));
  g_assert_nonnull (strstr (kt_sync_button_get_problem_text (button), "could not be fetched"));
  g_assert_nonnull (kt_key_controller_get_problem (keys));

  kt_fault_proxy_set_canned (proxy, NULL);
  kt_key_controller_refresh (keys);
  kt_app_test_wait_for (problem_gone, window, 30000, "the problem gone after a good fetch");
  g_assert_null (kt_key_controller_get_problem (keys));

  kt_app_test_quit (app, window);
  kt_fault_proxy_stop (proxy);
}

/* No sealer, and a round that ended saying why. */
static gboolean
waits_without_the_server (gpointer data)
{
  KtSyncClient *client = kt_window_get_sync_client (data);
  KtSyncStatus status = kt_sync_client_get_status (client);

  return kt_sync_client_get_sealer (client) == NULL &&
         (status == KT_SYNC_STATUS_ERROR || status == KT_SYNC_STATUS_OFFLINE);
}

static gboolean
synced_with_sealer (gpointer data)
{
  KtSyncClient *client = kt_window_get_sync_client (data);

  return kt_sync_client_get_sealer (client) != NULL &&
         kt_sync_client_get_status (client) == KT_SYNC_STATUS_SYNCED;
}

/* Started while the server does not answer (a laptop opened away from the
 * network, a server restarting), the app cannot weigh the keys, and sync
 * waits for the sealer without asking the server, saying the server is
 * away.  When the server answers again the keys are fetched and sync goes
 * on, with nobody pressing anything: before, only a round that ended well
 * asked again, and none could, so what waited to be sent stayed until the
 * app was locked and unlocked or started again. */
static void
test_started_without_the_server_weighs_the_keys_when_it_answers (Fixture       *f,
                                                                 gconstpointer  data)
{
  g_autofree char *store = g_build_filename (f->dir, "offline-start.db", NULL);
  g_autofree char *url = NULL;
  g_autoptr(KtFaultProxy) proxy = kt_fault_proxy_new_started (kt_test_server_get_url (f->server), 20261207, &url);
  KtKeyController *keys;
  KtWindow *window;
  KtApplication *app;
  const char *said;

  g_setenv ("KT_STORE_PATH", store, TRUE);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open");
  kt_test_device_sign_in (kt_window_get_sync_client (window), url, "coach1");
  wait_for_state (kt_window_get_key_controller (window), KT_ACCOUNT_KEY_WRITE_PHRASE, "the coach's own key");
  kt_app_test_quit (app, window);

  kt_fault_proxy_set_away (proxy, TRUE);
  app = kt_app_test_start (&window);
  kt_app_test_wait_for (client_opened, window, 10000, "the sync client to open again");
  keys = kt_window_get_key_controller (window);
  /* Sync says the server is away, as it does when a round cannot reach
   * it, not that the key is missing (which sends the coach to her
   * recovery phrase, for nothing). */
  kt_app_test_wait_for (waits_without_the_server, window, 30000, "sync waiting for the server");
  g_assert_null (kt_key_controller_get_sealer (keys));
  g_test_message ("Sync says: %s", kt_sync_client_get_status_message (kt_window_get_sync_client (window)));
  g_assert_cmpstr (kt_sync_client_get_status_message (kt_window_get_sync_client (window)), !=,
                   g_dgettext (GETTEXT_PACKAGE, "Syncing waits for this account’s key on this device."));
  said = kt_sync_button_get_problem_text (shown_sync_button (GTK_WIDGET (window)));
  g_test_message ("The sync button says: %s", said);
  g_assert_true (said == NULL || strstr (said, "key") == NULL);

  kt_fault_proxy_set_away (proxy, FALSE);
  kt_app_test_wait_for (synced_with_sealer, window, 60000, "the keys weighed and a round synced by itself");
  g_assert_cmpint (kt_key_controller_get_state (keys), ==, KT_ACCOUNT_KEY_WRITE_PHRASE);

  kt_app_test_quit (app, window);
  kt_fault_proxy_stop (proxy);
}

int
main (int argc, char *argv[])
{
  int result;

  kt_app_test_init_for_app (&argc, &argv);
  notifications = kt_test_notifications_start ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/key-controller/first-sign-in-makes-and-publishes-a-key-and-asks-for-the-phrase",
       test_first_sign_in_makes_and_publishes_a_key_and_asks_for_the_phrase);
  ADD ("/key-controller/new-device-restores-from-the-phrase-and-refuses-a-wrong-one",
       test_new_device_restores_from_the_phrase_and_refuses_a_wrong_one);
  ADD ("/key-controller/new-device-reads-what-the-first-sealed",
       test_new_device_reads_what_the_first_sealed);
  ADD ("/key-controller/own-key-differing-from-the-server-warns-and-republishes-nothing",
       test_own_key_differing_from_the_server_warns_and_republishes_nothing);
  ADD ("/key-controller/team-keys-not-fetched-shows-until-a-fetch-succeeds",
       test_team_keys_not_fetched_shows_until_a_fetch_succeeds);
  ADD ("/key-controller/idle-lock-takes-the-key-and-unlock-brings-it-back",
       test_idle_lock_takes_the_key_and_unlock_brings_it_back);
  ADD ("/key-controller/substituted-colleague-key-is-a-warning",
       test_substituted_colleague_key_is_a_warning);
  ADD ("/key-controller/refresh-asked-during-a-fetch-fetches-again",
       test_refresh_asked_during_a_fetch_fetches_again);
  ADD ("/key-controller/started-without-the-server-weighs-the-keys-when-it-answers",
       test_started_without_the_server_weighs_the_keys_when_it_answers);
#undef ADD

  result = g_test_run ();
  kt_test_notifications_stop (notifications);
  return result;
}
