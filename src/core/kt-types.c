/* kt-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "kt-types"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kt-types.h"
#include "kt-model-private.h"

static const char * const kind_names[KT_N_KINDS] = {
  [KT_KIND_CASE] = "case",
  [KT_KIND_CONVERSATION] = "conversation",
  [KT_KIND_PLAN] = "plan",
};

const char *
kt_kind_to_string (KtKind kind)
{
  g_return_val_if_fail (kind < KT_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
kt_kind_from_string (const char *str,
                     KtKind     *kind)
{
  for (guint i = 0; i < KT_N_KINDS; i++)
    {
      if (g_strcmp0 (str, kind_names[i]) == 0)
        {
          *kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

char *
kt_uuid_new (void)
{
  return g_uuid_string_random ();
}

gboolean
kt_uuid_is_valid (const char *str)
{
  return str != NULL && g_uuid_string_is_valid (str);
}

static GDate *
parse_iso_date (const char *iso_date)
{
  guint year, month, day;
  char tail;

  if (iso_date == NULL || strlen (iso_date) != 10)
    return NULL;
  if (sscanf (iso_date, "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3)
    return NULL;
  if (iso_date[4] != '-' || iso_date[7] != '-')
    return NULL;
  if (!g_date_valid_dmy (day, month, year))
    return NULL;
  return g_date_new_dmy (day, month, year);
}

static char *
format_iso_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u",
                          g_date_get_year (date),
                          g_date_get_month (date),
                          g_date_get_day (date));
}

gboolean
kt_date_is_valid (const char *iso_date)
{
  GDate *date = parse_iso_date (iso_date);
  gboolean valid = date != NULL;

  g_clear_pointer (&date, g_date_free);
  return valid;
}

char *
kt_date_add_days (const char *iso_date,
                  int         days)
{
  GDate *date = parse_iso_date (iso_date);
  char *result;

  if (date == NULL)
    return NULL;
  if (days >= 0)
    g_date_add_days (date, days);
  else
    g_date_subtract_days (date, -days);
  result = format_iso_date (date);
  g_date_free (date);
  return result;
}

char *
kt_date_add_months (const char *iso_date,
                    int         months)
{
  GDate *date = parse_iso_date (iso_date);
  char *result;

  if (date == NULL)
    return NULL;
  if (months >= 0)
    g_date_add_months (date, months);
  else
    g_date_subtract_months (date, -months);
  result = format_iso_date (date);
  g_date_free (date);
  return result;
}

int
kt_date_days_until (const char *iso_date,
                    GDate      *today)
{
  GDate *date = parse_iso_date (iso_date);
  int days;

  g_return_val_if_fail (date != NULL, 0);
  days = g_date_days_between (today, date);
  g_date_free (date);
  return days;
}

char *
kt_date_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

G_DEFINE_QUARK (kt-model-error-quark, kt_model_error)

gint64
kt_now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
kt_text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

const char *
kt_enum_to_name (const char * const *names,
                 guint               n_names,
                 int                 value)
{
  if (value < 0 || (guint) value >= n_names)
    return NULL;
  return names[value];
}

gboolean
kt_enum_from_name (const char * const *names,
                   guint               n_names,
                   const char         *str,
                   int                *value)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    {
      if (g_strcmp0 (names[i], str) == 0)
        {
          *value = (int) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
kt_enum_to_label (const char * const *labels,
                  guint               n_labels,
                  int                 value)
{
  const char *msgid = kt_enum_to_name (labels, n_labels, value);

  return msgid != NULL ? g_dgettext (GETTEXT_PACKAGE, msgid) : NULL;
}

gboolean
kt_account_name_is_valid (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  if (len == 0 || len > 64 || !g_ascii_isalnum (name[0]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = name[i];
      if (!(g_ascii_islower (c) || g_ascii_isdigit (c) || c == '.' || c == '_' || c == '-'))
        return FALSE;
    }
  return TRUE;
}
