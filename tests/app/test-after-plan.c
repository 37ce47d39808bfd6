/* test-after-plan.c: one household from request to follow-up and re-opening
 *
 * The real app under Xvfb, driven through its widgets (found by their
 * accessible names, so every control this walk uses has one).  The
 * request, the conversation and the Progress page go through the UI; the
 * plan's goal and the resident's agreement are written into the open plan
 * (test-plan and the e2e loop drive the plan page itself).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kt-core.h"
#include "kt-a11y.h"
#include "kt-app-test.h"
#include "kt-app-util.h"
#include "kt-date-row.h"
#include "kt-case-item.h"
#include "kt-case-view-private.h"
#include "kt-domain-page-private.h"
#include "kt-intake-page-private.h"
#include "kt-store-private.h"
#include "kt-window-private.h"
#include "kt-text-field.h"
#include "kt-agreement-editor.h"
#include "kt-progress-page.h"
#include "kt-report.h"
#include "kt-signature-pad.h"
#include "kt-test-household.h"

#define T(s) g_dgettext (GETTEXT_PACKAGE, s)

typedef KtAppFixture Fixture;

/* The widget under @root whose accessible name is @name. */
static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (kt_a11y_get_label (root), name) == 0 && gtk_widget_is_visible (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first widget of @type under @root. */
static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The evaluation report as pdftotext reads it, whitespace made single. */
static char *
report_text (KtCatalogue    *catalogue,
             KtCase         *kase,
             KtConversation *evaluation,
             KtPlan         *plan)
{
  g_autoptr(KtReport) report = kt_report_new (catalogue, kase, evaluation, plan);
  g_autofree char *dir = g_dir_make_tmp ("kt-after-plan-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "evaluatie.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", 0, 0, NULL);
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  g_autofree char *out = NULL;
  int status;

  g_assert_true (kt_report_write_pdf (report, pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (pdf);
  g_rmdir (dir);
  return g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
}

static GtkWidget *
progress_page (Fixture *f)
{
  kt_app_test_activate (f->window, "win.show-page", g_variant_new_string ("progress"));
  kt_app_test_iterate (20);
  return GTK_WIDGET (kt_app_fixture_case_view (f));
}

/* A button's name: its translated label without the mnemonic's underscore. */
static void
click (Fixture    *f,
       const char *label)
{
  g_autofree char *name = g_strdup (T (label));
  GtkWidget *button;
  char *from, *to;

  for (from = to = name; *from != '\0'; from++)
    if (*from != '_')
      *to++ = *from;
  *to = '\0';
  button = find_named (progress_page (f), name);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  /* "clicked" at once: GtkButton's activate waits 250 ms before it clicks. */
  g_signal_emit_by_name (button, "clicked");
  kt_app_test_iterate (30);
}

static void
type_named (Fixture    *f,
            const char *name,
            const char *text)
{
  GtkWidget *row = find_named (progress_page (f), name);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  kt_app_test_iterate (5);
}

static void
screenshots (Fixture    *f,
             const char *name,
             GtkWidget  *in_view)
{
  static const int sizes[][2] = { { 1280, 800 }, { 800, 1280 } };

  if (g_getenv ("KT_SCREENSHOT_DIR") == NULL)
    return;
  /* A toast from the step before ("Afgevinkt") would lie over the page's
   * last row: let it time out first (AdwToast's default, 5 s; libadwaita
   * 1.2 cannot dismiss every toast of an overlay at once). */
  {
    gint64 until = g_get_monotonic_time () + 6 * G_USEC_PER_SEC;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE), g_usleep (20000);
  }
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      kt_app_test_resize (GTK_WINDOW (f->window), sizes[i][0], sizes[i][1]);
      kt_app_test_iterate (50);
      /* After the resize: the new size scrolls the page anew. */
      if (in_view != NULL)
        {
          kt_app_scroll_into_view (in_view);
          kt_app_test_iterate (50);
        }
      kt_app_test_screenshot (GTK_WINDOW (f->window), name);
    }
}

static KtCaseItem *
list_item (Fixture    *f,
           const char *id)
{
  GListModel *cases = kt_window_get_case_model (f->window);

  for (guint i = 0; i < g_list_model_get_n_items (cases); i++)
    {
      g_autoptr(KtCaseItem) item = g_list_model_get_item (cases, i);

      if (g_strcmp0 (kt_case_item_get_id (item), id) == 0)
        return item;
    }
  return NULL;
}

static void
test_household_from_request_to_follow_up (Fixture       *f,
                                          gconstpointer  data)
{
  KtCaseView *view;
  KtCase *kase;
  KtConversation *conversation;
  KtPlan *plan;
  KtGoal *goal;
  KtAction *action;
  KtCaseItem *item;
  g_autoptr(GPtrArray) plan_ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = kt_date_today ();
  GtkWidget *follow_up_row;
  g_autofree char *follow_up = kt_date_add_days (today, 3);
  g_autofree char *in_30_days = kt_date_add_days (today, 30);
  g_autofree char *in_2_months = kt_date_add_months (today, 2);
  g_autofree char *in_5_months = kt_date_add_months (today, 5);
  g_autoptr(GSettings) settings = kt_app_get_settings ();
  g_autofree char *tick_name = NULL;
  g_autofree char *note_name = NULL;
  g_autofree char *score_name = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *question_name = NULL;
  const char *werk;
  GtkWidget *spin, *row;

  g_assert_nonnull (settings);
  g_settings_set_int (settings, "follow-up-period-months", 2);

  /* The request, with a safety concern. */
  kt_app_test_activate (f->window, "win.new-case", NULL);
  view = kt_app_fixture_case_view (f);
  kase = kt_case_view_get_case (view);
  gtk_editable_set_text (kt_intake_page_get_household_row (kt_app_fixture_intake (f)), "Familie Test");
  gtk_switch_set_active (kt_intake_page_get_safety_switch (kt_app_fixture_intake (f)), TRUE);
  kt_app_test_iterate (5);
  g_assert_cmpint (kt_case_next_due (kase, NULL).kind, ==, KT_DUE_CONVERSATION);

  /* The conversation: one domain, and the wheel's paid-work segment at 2. */
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  g_assert_cmpint (kase->phase, ==, KT_PHASE_CONVERSATION);
  conversation = kt_case_view_get_conversation (view);
  kt_app_test_activate (kt_app_fixture_conversation (f), "conversation.show-domain", g_variant_new_string ("werk"));
  kt_app_test_type_text (kt_text_field_get_view (kt_domain_page_get_text_field (kt_app_fixture_domain (f), FALSE)),
                         "Werkt twee ochtenden als vrijwilliger");
  conversation->wheel[KT_SEGMENT_WERK].current = 2;
  kt_case_view_conversation_changed (view);

  /* The plan, agreed with the household (the plan page has its own tests). */
  plan = kt_case_view_get_plan (view);
  goal = kt_goal_new ();
  goal->title = g_strdup ("Weer werk");
  action = kt_action_new ();
  action->what = g_strdup ("Gesprek bij het werkplein");
  g_ptr_array_add (goal->actions, action);
  g_ptr_array_add (plan->goals, goal);
  plan->agreement.state = KT_AGREEMENT_AGREED;
  plan->agreement.date = g_strdup (today);
  kt_store_autosave_plan (kt_window_get_store (f->window), plan);
  kase->phase = KT_PHASE_PLAN;
  kt_case_view_case_changed (view);

  /* Carrying out: the evaluation is what comes next, not the conversation
   * term; no goal has its own date, so the period from Preferences. */
  g_settings_set_int (settings, "evaluation-period-days", 30);
  click (f, "_Start Carrying Out");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_SUPPORT);
  g_assert_cmpint (kt_case_next_due (kase, NULL).kind, ==, KT_DUE_EVALUATION);
  g_assert_cmpstr (kt_case_next_due (kase, NULL).date, ==, in_30_days);
  item = list_item (f, kase->header.id);
  g_assert_nonnull (item);
  g_assert_cmpint (kt_case_item_get_due (item), ==, KT_DUE_EVALUATION);

  tick_name = g_strdup_printf (T ("Tick off: %s"), "Gesprek bij het werkplein");
  note_name = g_strdup_printf (T ("Note on: %s"), "Gesprek bij het werkplein");
  type_named (f, note_name, "Afspraak gemaakt");
  click (f, tick_name);
  action = g_ptr_array_index (((KtGoal *) g_ptr_array_index (kt_case_view_get_plan (view)->goals, 0))->actions, 0);
  g_assert_true (action->done);
  g_assert_cmpstr (action->done_date, ==, today);
  g_assert_cmpstr (action->done_note, ==, "Afspraak gemaakt");

  /* The evaluation: the wheel scored again moves from 2 to 3. */
  click (f, "Start the _Evaluation");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_EVALUATION);
  conversation = kt_case_view_get_conversation (view);
  g_assert_true (conversation->is_evaluation);
  werk = kt_catalogue_segment_name (kt_case_view_get_catalogue (view), KT_SEGMENT_WERK);
  score_name = g_strdup_printf (T ("Score now: %s"), werk);
  spin = find_named (progress_page (f), score_name);
  g_assert_nonnull (spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 3);
  kt_app_test_iterate (10);
  g_assert_cmpint (conversation->wheel[KT_SEGMENT_WERK].previous, ==, 2);
  g_assert_cmpint (conversation->wheel[KT_SEGMENT_WERK].current, ==, 3);
  expected = g_strdup_printf (T ("%s: from %d to %d"), werk, 2, 3);
  row = gtk_widget_get_ancestor (spin, ADW_TYPE_ACTION_ROW);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, expected);
  screenshots (f, "evaluation", NULL);

  /* A segment not scored shows a dash, not a 0 nobody gave; 0 is a score. */
  {
    int unscored = -1;
    g_autofree char *unscored_name = NULL;
    GtkWidget *other;

    for (int s = 0; s < KT_N_SEGMENTS && unscored < 0; s++)
      if (conversation->wheel[s].current < 0)
        unscored = s;
    g_assert_cmpint (unscored, >=, 0);
    unscored_name = g_strdup_printf (T ("Score now: %s"),
                                     kt_catalogue_segment_name (kt_case_view_get_catalogue (view), unscored));
    other = find_named (progress_page (f), unscored_name);
    g_assert_nonnull (other);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (other)), ==, "-");
    gtk_spin_button_spin (GTK_SPIN_BUTTON (other), GTK_SPIN_STEP_FORWARD, 1);
    kt_app_test_iterate (10);
    g_assert_cmpint (conversation->wheel[unscored].current, ==, 0);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (other)), ==, "0");
    gtk_spin_button_spin (GTK_SPIN_BUTTON (other), GTK_SPIN_STEP_BACKWARD, 1);
    kt_app_test_iterate (10);
    g_assert_cmpint (conversation->wheel[unscored].current, ==, -1);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (other)), ==, "-");
  }

  /* The look over the life domains: one new question, the rest nothing new. */
  question_name = g_strdup_printf (T ("New question: %s"),
                                   kt_catalogue_lookup (kt_case_view_get_catalogue (view), "geldzaken")->name);
  type_named (f, question_name, "Schulden bij de energieleverancier");
  g_assert_cmpuint (conversation->new_questions->len, ==, 1);
  g_assert_cmpstr (kt_conversation_find_new_question (conversation, "geldzaken")->note, ==,
                   "Schulden bij de energieleverancier");

  /* Opvoeding en ontwikkeling only with children, as in the conversation:
   * this household has none, so the look over the domains leaves it out. */
  {
    KtCatalogue *catalogue = kt_case_view_get_catalogue (view);
    guint n_children_only = 0;

    g_assert_false (kt_case_has_children (kt_case_view_get_case (view)));
    for (guint i = 0; i < kt_catalogue_get_n_domains (catalogue); i++)
      {
        const KtDomain *domain = kt_catalogue_get_domain (catalogue, i);
        g_autofree char *name = g_strdup_printf (T ("New question: %s"), domain->name);

        if (domain->needs_children)
          {
            n_children_only++;
            g_assert_null (find_named (progress_page (f), name));
          }
        else
          g_assert_nonnull (find_named (progress_page (f), name));
      }
    g_assert_cmpuint (n_children_only, >, 0);
  }

  /* The resident's agreement on the evaluation, through the page's own
   * editor: partly, in their words, signed on the pad. */
  {
    GtkWidget *page = find_type (progress_page (f), KT_TYPE_PROGRESS_PAGE);
    GtkWidget *editor = find_type (page, KT_TYPE_AGREEMENT_EDITOR);
    GObject *state_row, *form_row, *remarks, *pad;
    const double stroke[] = { 20, 20, 120, 60, 200, 30 };
    g_autoptr(KtConversation) saved = NULL;
    g_autofree char *text = NULL;
    g_autofree char *agreed = NULL;

    g_assert_nonnull (editor);
    g_assert_true (gtk_widget_is_visible (editor));
    state_row = gtk_widget_get_template_child (editor, KT_TYPE_AGREEMENT_EDITOR, "agreement_row");
    form_row = gtk_widget_get_template_child (editor, KT_TYPE_AGREEMENT_EDITOR, "form_row");
    remarks = gtk_widget_get_template_child (editor, KT_TYPE_AGREEMENT_EDITOR, "remarks_field");
    pad = gtk_widget_get_template_child (editor, KT_TYPE_AGREEMENT_EDITOR, "signature_pad");
    g_assert_nonnull (kt_a11y_get_label (GTK_WIDGET (state_row)));
    g_assert_cmpint (conversation->agreement.state, ==, KT_AGREEMENT_NONE);
    adw_combo_row_set_selected (ADW_COMBO_ROW (state_row), KT_AGREEMENT_PARTLY);
    kt_app_test_type_text (kt_text_field_get_view (KT_TEXT_FIELD (remarks)), "Werk gaat beter, geld nog niet");
    adw_combo_row_set_selected (ADW_COMBO_ROW (form_row), KT_FORM_WRITTEN);
    kt_app_test_iterate (30);
    g_assert_true (gtk_widget_is_visible (GTK_WIDGET (pad)));
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (pad)), >, 0);
    kt_signature_pad_draw_stroke (KT_SIGNATURE_PAD (pad), stroke, 3);
    kt_app_test_iterate (10);
    g_assert_cmpint (conversation->agreement.state, ==, KT_AGREEMENT_PARTLY);
    g_assert_cmpstr (conversation->agreement.date, ==, today);
    g_assert_cmpstr (conversation->agreement.remarks, ==, "Werk gaat beter, geld nog niet");
    g_assert_cmpint (conversation->agreement.form, ==, KT_FORM_WRITTEN);
    g_assert_cmpuint (conversation->agreement.signature->len, ==, 1);
    /* The plan's own agreement is not touched. */
    g_assert_cmpint (kt_case_view_get_plan (view)->agreement.state, ==, KT_AGREEMENT_AGREED);
    screenshots (f, "evaluation-agreement", editor);

    /* Saved with the evaluation, as the store gives it back. */
    g_assert_true (kt_store_flush (kt_window_get_store (f->window), &error));
    saved = kt_store_load_conversation (kt_window_get_store (f->window), conversation->header.id, &error);
    g_assert_no_error (error);
    g_assert_true (saved->is_evaluation);
    g_assert_cmpint (saved->agreement.state, ==, KT_AGREEMENT_PARTLY);
    g_assert_cmpstr (saved->agreement.date, ==, today);
    g_assert_cmpstr (saved->agreement.remarks, ==, "Werk gaat beter, geld nog niet");
    g_assert_cmpint (saved->agreement.form, ==, KT_FORM_WRITTEN);
    g_assert_cmpuint (saved->agreement.signature->len, ==, 1);

    /* The evaluation report says it, in the app's language. */
    text = report_text (kt_case_view_get_catalogue (view), kase, saved, kt_case_view_get_plan (view));
    g_assert_nonnull (strstr (text, T ("Your agreement on the evaluation")));
    agreed = g_strdup (T ("You agree with part of this evaluation."));
    g_assert_nonnull (strstr (text, agreed));
    g_assert_nonnull (strstr (text, T ("signed")));
    g_assert_nonnull (strstr (text, "Werk gaat beter, geld nog niet"));
  }

  /* Go on: a new plan version; the agreed one stays. */
  click (f, "_Go On");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_SUPPORT);
  g_assert_cmpint (kt_case_view_get_plan (view)->version, ==, 2);
  /* The new question is a goal of the new version. */
  {
    GPtrArray *goals = kt_case_view_get_plan (view)->goals;
    const KtGoal *last = g_ptr_array_index (goals, goals->len - 1);

    g_assert_cmpstr (last->title, ==, "Schulden bij de energieleverancier");
    g_assert_cmpstr (last->domains[0], ==, "geldzaken");
  }
  g_assert_true (kt_case_view_get_plan (view) != plan);
  g_assert_true (kt_store_flush (kt_window_get_store (f->window), &error));
  plan_ids = kt_store_list_ids_for_case (kt_window_get_store (f->window), KT_KIND_PLAN, kase->header.id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan_ids->len, ==, 2);

  /* Closing: the follow-up date proposed is the period from Preferences
   * (set to two months before the page was filled in). */
  follow_up_row = find_named (progress_page (f), T ("Follow-up check on"));
  g_assert_true (KT_IS_DATE_ROW (follow_up_row));
  g_assert_cmpstr (kt_date_row_get_date (KT_DATE_ROW (follow_up_row)), ==, in_2_months);
  /* The period changed in Preferences while the page shows: the date
   * offered follows it; a date the coach picked stays. */
  g_settings_set_int (settings, "follow-up-period-months", 5);
  kt_app_test_iterate (5);
  g_assert_cmpstr (kt_date_row_get_date (KT_DATE_ROW (follow_up_row)), ==, in_5_months);
  kt_app_test_pick_date (follow_up_row, follow_up);
  g_settings_set_int (settings, "follow-up-period-months", 2);
  kt_app_test_iterate (5);
  g_assert_cmpstr (kt_date_row_get_date (KT_DATE_ROW (follow_up_row)), ==, follow_up);
  /* With a safety concern, not without a follow-up date and contact. */
  g_signal_emit_by_name (kt_date_row_get_clear_button (KT_DATE_ROW (follow_up_row)), "clicked");
  kt_app_test_iterate (5);
  click (f, "_Close the Case");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_SUPPORT);
  {
    GtkWidget *refusal = GTK_WIDGET (gtk_widget_get_template_child (find_type (progress_page (f), KT_TYPE_PROGRESS_PAGE),
                                                                    KT_TYPE_PROGRESS_PAGE, "close_error_label"));

    /* Said in words beside the fields, until the coach fills them in. */
    g_assert_true (gtk_widget_get_visible (refusal));
    kt_app_test_pick_date (follow_up_row, follow_up);
    g_assert_false (gtk_widget_get_visible (refusal));
  }
  type_named (f, T ("Contact for the follow-up"), "Wijkcoach demo");
  type_named (f, T ("How did the help go? In the resident's words"), "Ik sta er sterker voor");
  /* The closing rows in view, as the coach sees them while closing. */
  screenshots (f, "closing", find_named (progress_page (f), T ("Contact for the follow-up")));
  click (f, "_Close the Case");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_CLOSED);
  g_assert_cmpint (kase->close_reason, ==, KT_CLOSE_GOALS_REACHED);
  g_assert_cmpstr (kase->follow_up_date, ==, follow_up);

  /* The follow-up is what the list shows for this household now. */
  item = list_item (f, kase->header.id);
  g_assert_cmpint (kt_case_item_get_due (item), ==, KT_DUE_FOLLOW_UP);
  g_assert_cmpstr (kt_case_item_get_deadline (item), ==, follow_up);
  screenshots (f, "follow-up", NULL);

  /* The follow-up check, then a new question re-opens the case. */
  type_named (f, T ("How is it going?"), "Gaat goed, wel een vraag over school");
  click (f, "_Record the Follow-up Check");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_FOLLOW_UP);
  g_assert_cmpstr (kase->follow_up_checked, ==, today);
  /* What was just recorded stays in view on Verloop, not only in a toast. */
  {
    AdwActionRow *last = ADW_ACTION_ROW (gtk_widget_get_template_child (find_type (progress_page (f),
                                                                                   KT_TYPE_PROGRESS_PAGE),
                                                                         KT_TYPE_PROGRESS_PAGE, "last_check_row"));

    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (last)));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (last), "Gaat goed, wel een vraag over school"));
    screenshots (f, "follow-up-checked", GTK_WIDGET (last));
  }
  type_named (f, T ("The new question, in the resident's words"), "Hulp bij de keuze van een school");
  click (f, "Re-_open the Case");
  g_assert_cmpint (kase->phase, ==, KT_PHASE_CONVERSATION);
  g_assert_cmpint (kase->reopened, ==, 1);
  g_assert_cmpstr (kase->request.question, ==, "Hulp bij de keuze van een school");
  g_assert_cmpstr (kt_case_view_get_visible_page (view), ==, "intake");
  /* The household's story stays: the wheel starts where it was. */
  g_assert_cmpint (kt_case_view_get_conversation (view)->wheel[KT_SEGMENT_WERK].current, ==, 3);
  item = list_item (f, kase->header.id);
  g_assert_cmpint (kt_case_item_get_due (item), ==, KT_DUE_CONVERSATION);

  /* Another household is offered its own follow-up date, not the one
   * picked for Familie Test. */
  kt_app_test_activate (f->window, "win.new-case", NULL);
  g_assert_true (kt_case_view_get_case (view) != kase);
  gtk_editable_set_text (kt_intake_page_get_household_row (kt_app_fixture_intake (f)), "Familie Twee");
  kt_app_test_iterate (5);
  kt_app_test_activate (kt_app_fixture_intake (f), "intake.start-conversation", NULL);
  follow_up_row = find_named (progress_page (f), T ("Follow-up check on"));
  g_assert_nonnull (follow_up_row);
  g_assert_cmpstr (kt_date_row_get_date (KT_DATE_ROW (follow_up_row)), ==, in_2_months);
}

static gboolean
widget_shown (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
versions_read (gpointer data)
{
  KtCaseView *view = data;
  KtPlanPage *page = kt_case_view_get_plan_page (view);
  GtkWidget *history = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), KT_TYPE_PLAN_PAGE,
                                                                  "history_slot"));

  return gtk_widget_get_visible (history);
}

/* Back after a restart, the draft made from a returned version still
 * shows that version's comments, and the earlier version is listed: the
 * case view gives the plan page every stored version. */
static void
test_reopened_draft_shows_the_returned_versions_comments (Fixture       *f,
                                                          gconstpointer  data)
{
  KtCaseView *view = kt_app_fixture_case_view (f);
  KtStore *store = kt_window_get_store (f->window);
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(KtPlan) returned = NULL;
  g_autoptr(KtPlan) draft = NULL;
  g_autoptr(GError) error = NULL;
  KtReviewComment *comment = kt_review_comment_new ();
  KtPlanPage *page;
  GtkWidget *earlier, *history;

  kt_test_household_new (catalogue, &kase, &conversation, &returned);
  comment->text = g_strdup ("Wie betaalt de huur als de uitkering stopt?");
  g_ptr_array_add (returned->comments, comment);
  returned->review = KT_REVIEW_RETURNED;
  returned->reviewer = g_strdup ("supervisor");
  draft = kt_plan_new_version (returned);
  kt_store_autosave_plan (store, returned);
  kt_store_autosave_plan (store, draft);
  g_assert_true (kt_store_flush (store, &error));
  g_assert_no_error (error);

  kt_case_view_set_documents (view, store, catalogue, kase, conversation, draft);
  kt_case_view_set_visible_page (view, "plan");
  kt_app_test_wait_for (versions_read, view, 10000, "the earlier version listed");
  page = kt_case_view_get_plan_page (view);
  g_assert_nonnull (page);
  earlier = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), KT_TYPE_PLAN_PAGE, "earlier_box"));
  history = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), KT_TYPE_PLAN_PAGE, "history_slot"));
  g_assert_true (gtk_widget_get_visible (earlier));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                                          KT_TYPE_PLAN_PAGE,
                                                                                          "earlier_label"))),
                            comment->text));
  g_assert_true (gtk_widget_get_visible (history));

  /* The case view's meekijkstand reaches them too. */
  kt_case_view_set_resident_watching (view, TRUE);
  g_assert_false (gtk_widget_get_visible (history));
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                                       KT_TYPE_PLAN_PAGE,
                                                                                       "earlier_label"))),
                         comment->text));
  kt_case_view_set_resident_watching (view, FALSE);
}

static gboolean
plan_reloaded (gpointer view)
{
  return !kt_case_view_is_reloading_plan (view);
}

/* The plan's versions are read from the store (off the main loop) once
 * when the household's plan is shown, not again at a sync that brought
 * nothing new for it, and again when its plan changed.  The newest plan a
 * reload looks for is read off the main loop too. */
static void
test_plan_versions_are_read_once_and_again_when_the_plan_changes (Fixture       *f,
                                                                  gconstpointer  data)
{
  KtCaseView *view = kt_app_fixture_case_view (f);
  KtStore *store = kt_window_get_store (f->window);
  g_autoptr(KtCatalogue) catalogue = kt_catalogue_new_builtin ();
  g_autoptr(KtCase) kase = NULL;
  g_autoptr(KtConversation) conversation = NULL;
  g_autoptr(KtPlan) returned = NULL;
  g_autoptr(KtPlan) submitted = NULL;
  g_autoptr(KtPlan) approved = NULL;
  g_autoptr(GError) error = NULL;
  KtDocument doc = { KT_KIND_PLAN, NULL, NULL, NULL };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GtkWidget *history;
  guint reads;

  kt_test_household_new (catalogue, &kase, &conversation, &returned);
  returned->header.rev = 1;
  returned->header.created = now - 60;
  returned->review = KT_REVIEW_RETURNED;
  returned->reviewer = g_strdup ("supervisor");
  submitted = kt_plan_new_version (returned);
  submitted->header.rev = 1;
  /* The store lists a case's plans by when they were made: the newest
   * last, which is the one a reload looks at. */
  submitted->header.created = now - 30;
  submitted->review = KT_REVIEW_SUBMITTED;
  doc.plan = returned;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  doc.plan = submitted;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  g_assert_no_error (error);

  reads = kt_case_view_get_plan_version_reads (view);
  kt_case_view_set_documents (view, store, catalogue, kase, conversation, submitted);
  kt_case_view_set_visible_page (view, "plan");
  kt_app_test_wait_for (versions_read, view, 10000, "the earlier version listed");
  g_assert_cmpuint (kt_case_view_get_plan_version_reads (view), ==, reads + 1);

  /* A sync that brought nothing new for this plan. */
  kt_case_view_reload_plan (view);
  kt_app_test_wait_for (plan_reloaded, view, 10000, "the reload's read");
  kt_app_test_iterate (50);
  g_assert_cmpuint (kt_case_view_get_plan_version_reads (view), ==, reads + 1);

  /* The supervisor's approval comes in: the versions are read again, and
   * the returned one is still listed. */
  approved = kt_plan_copy (submitted);
  approved->header.rev = 2;
  approved->review = KT_REVIEW_APPROVED;
  approved->reviewer = g_strdup ("supervisor");
  doc.plan = approved;
  g_assert_true (kt_store_save_document (store, &doc, KT_SYNC_SYNCED, &error));
  g_assert_no_error (error);
  /* Read on the store's worker (issue 22): while a save holds the store
   * the main loop turns, and the plan shown stays until the read is done. */
  kt_app_test_hold_store (store);
  kt_case_view_reload_plan (view);
  g_assert_cmpuint (kt_app_test_tick_while_held (5), >=, 5);
  g_assert_true (kt_case_view_is_reloading_plan (view));
  g_assert_cmpint (kt_case_view_get_plan (view)->review, ==, KT_REVIEW_SUBMITTED);
  kt_app_test_release_store ();
  kt_app_test_wait_for (plan_reloaded, view, 10000, "the reload's read");
  g_assert_cmpint (kt_case_view_get_plan (view)->review, ==, KT_REVIEW_APPROVED);
  g_assert_cmpuint (kt_case_view_get_plan_version_reads (view), ==, reads + 2);
  history = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (kt_case_view_get_plan_page (view)),
                                                       KT_TYPE_PLAN_PAGE, "history_slot"));
  kt_app_test_iterate (100);
  kt_app_test_wait_for (widget_shown, history, 10000, "the earlier version still listed");
}

int
main (int argc, char *argv[])
{
  kt_app_test_init_for_app (&argc, &argv);

  g_test_add ("/app/after-plan/household-from-request-to-follow-up", Fixture, NULL, kt_app_fixture_set_up,
              test_household_from_request_to_follow_up, kt_app_fixture_tear_down);
  g_test_add ("/app/after-plan/reopened-draft-shows-the-returned-versions-comments", Fixture, NULL,
              kt_app_fixture_set_up, test_reopened_draft_shows_the_returned_versions_comments,
              kt_app_fixture_tear_down);
  g_test_add ("/app/after-plan/plan-versions-are-read-once-and-again-when-the-plan-changes", Fixture, NULL,
              kt_app_fixture_set_up, test_plan_versions_are_read_once_and_again_when_the_plan_changes,
              kt_app_fixture_tear_down);
  return g_test_run ();
}
