/* test-server-routes.c: the route table against openapi.yaml, and the
 * address and config rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-server"

#include "config.h"

#include "kt-server.h"
#include "kt-server-config.h"
#include "kt-server-error.h"
#include "kt-test-util.h"

/* "METHOD /api/v1/path" for every operation in openapi.yaml, sorted. */
static GPtrArray *
openapi_routes (void)
{
  g_autofree char *path = kt_test_source_path ("docs/api/openapi.yaml");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *routes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *current = NULL;
  gboolean in_paths = FALSE;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (line[0] != ' ' && line[0] != '\0' && line[0] != '#')
        in_paths = g_str_has_prefix (line, "paths:");
      else if (in_paths && g_str_has_prefix (line, "  /"))
        {
          g_free (current);
          current = g_strndup (line + 2, strcspn (line + 2, ":"));
        }
      else if (in_paths && current != NULL && g_str_has_prefix (line, "    ") && line[4] != ' ')
        {
          static const char * const methods[] = { "get", "put", "post", "delete", "patch" };

          for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
            {
              g_autofree char *key = g_strconcat ("    ", methods[m], ":", NULL);

              if (g_str_has_prefix (line, key))
                {
                  g_autofree char *upper = g_ascii_strup (methods[m], -1);
                  g_ptr_array_add (routes, g_strdup_printf ("%s /api/v1%s", upper, current));
                }
            }
        }
    }
  return routes;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
test_openapi_matches_the_route_table (void)
{
  g_autoptr(GPtrArray) documented = openapi_routes ();
  g_auto(GStrv) routed = kt_server_list_routes ();
  g_autoptr(GPtrArray) code = g_ptr_array_new ();
  g_autofree char *documented_text = NULL;
  g_autofree char *code_text = NULL;

  for (guint i = 0; routed[i] != NULL; i++)
    g_ptr_array_add (code, routed[i]);
  g_ptr_array_sort (documented, compare_strings);
  g_ptr_array_sort (code, compare_strings);
  g_ptr_array_add (documented, NULL);
  g_ptr_array_add (code, NULL);
  documented_text = g_strjoinv ("\n", (char **) documented->pdata);
  code_text = g_strjoinv ("\n", (char **) code->pdata);
  g_assert_cmpuint (code->len, >, 10);
  g_assert_cmpstr (documented_text, ==, code_text);
}

static void
test_loopback_addresses (void)
{
  g_assert_true (kt_server_address_is_loopback ("127.0.0.1"));
  g_assert_true (kt_server_address_is_loopback ("127.1.2.3"));
  g_assert_true (kt_server_address_is_loopback ("::1"));
  g_assert_true (kt_server_address_is_loopback ("localhost"));
  g_assert_false (kt_server_address_is_loopback ("0.0.0.0"));
  g_assert_false (kt_server_address_is_loopback ("::"));
  g_assert_false (kt_server_address_is_loopback ("192.168.1.10"));
  g_assert_false (kt_server_address_is_loopback ("10.0.0.1"));
  g_assert_false (kt_server_address_is_loopback ("localhost.example.org"));
  g_assert_false (kt_server_address_is_loopback (""));
  g_assert_false (kt_server_address_is_loopback (NULL));
}

static void
test_config_check_refuses_plain_http_off_loopback (void)
{
  g_autoptr(KtServerConfig) config = kt_server_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (kt_server_config_set_listen (config, "127.0.0.1:0", &error));
  g_assert_true (kt_server_config_check (config, &error));
  g_assert_no_error (error);

  g_assert_true (kt_server_config_set_listen (config, "0.0.0.0:8765", &error));
  g_assert_false (kt_server_config_check (config, &error));
  g_assert_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_INSECURE);
  g_clear_error (&error);

  /* with TLS any address is fine */
  config->tls_cert = g_strdup ("/etc/ssl/server.pem");
  config->tls_key = g_strdup ("/etc/ssl/server.key");
  g_assert_true (kt_server_config_check (config, &error));
  g_clear_pointer (&config->tls_key, g_free);
  g_assert_false (kt_server_config_check (config, &error));
  g_assert_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG);
  g_clear_error (&error);

  g_assert_true (kt_server_config_set_listen (config, "[::1]:9000", &error));
  g_assert_cmpstr (config->listen_address, ==, "::1");
  g_assert_cmpuint (config->port, ==, 9000);
  g_assert_false (kt_server_config_set_listen (config, "no-port", &error));
  g_clear_error (&error);
  g_assert_false (kt_server_config_set_listen (config, "1.2.3.4:70000", &error));
}

static void
test_config_file_is_read (void)
{
  g_autoptr(KtServerConfig) config = kt_server_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *example = kt_test_source_path ("data/keukentafel-server.conf.example");
  char *dir = kt_test_tmpdir_new ("kt-config");
  g_autofree char *bad = g_build_filename (dir, "bad.conf", NULL);

  g_assert_true (kt_server_config_load_file (config, example, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->database_uri, ==, "sqlite:///var/lib/keukentafel-server/keukentafel.db");
  g_assert_cmpint (config->token_lifetime, ==, 43200);
  g_assert_true (config->durable_commits);
  g_assert_cmpuint (config->listen_backlog, ==, 128);
  g_assert_cmpuint (config->login_account_ceiling, ==, 10);

  g_file_set_contents (bad, "[limits]\nmax-body=lots\n", -1, &error);
  g_assert_false (kt_server_config_load_file (config, bad, &error));
  g_assert_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG);
  g_clear_error (&error);

  /* a trusted proxy that is no address is refused, not ignored */
  g_file_set_contents (bad, "[server]\ntrusted-proxies=10.0.0.0/8;proxy.example.org\n", -1, &error);
  g_assert_true (kt_server_config_load_file (config, bad, &error));
  g_assert_false (kt_server_config_check (config, &error));
  g_assert_error (error, KT_SERVER_ERROR, KT_SERVER_ERROR_CONFIG);
  kt_test_tmpdir_free (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/routes/openapi-matches-the-route-table", test_openapi_matches_the_route_table);
  g_test_add_func ("/server/config/loopback-addresses", test_loopback_addresses);
  g_test_add_func ("/server/config/check-refuses-plain-http-off-loopback",
                   test_config_check_refuses_plain_http_off_loopback);
  g_test_add_func ("/server/config/file-is-read", test_config_file_is_read);
  return g_test_run ();
}
