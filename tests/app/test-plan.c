/* test-plan.c: the plan editor's rules, the signature pad and the report preview under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kt-core.h"
#include "kt-plan-page.h"
#include "kt-plan-pages.h"
#include "kt-case-view.h"
#include "kt-wheel-page.h"
#include "kt-report-page.h"
#include "kt-agreement-editor.h"
#include "kt-signature-pad.h"
#include "kt-report.h"
#include <math.h>
#include "kt-app-test.h"
#include "kt-text-field.h"
#include "kt-review.h"
#include "kt-review-history.h"
#include "kt-peer-keys.h"
#include "kt-a11y.h"
#include "kt-test-household.h"
#include "kt-a11y.h"
#include "kt-domain-page-private.h"
#include "kt-goal-card.h"
#include "kt-date-row.h"

typedef struct {
  KtCatalogue    *catalogue;
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
  guint           changes;
  guint           submitted;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->catalogue = kt_catalogue_new_builtin ();
  kt_test_household_new (f->catalogue, &f->kase, &f->conversation, &f->plan);
  /* The plan goes to review after the conversation (a test below takes
   * that away). */
  f->conversation->complete = TRUE;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->catalogue);
  g_clear_pointer (&f->kase, kt_case_unref);
  g_clear_pointer (&f->conversation, kt_conversation_unref);
  g_clear_pointer (&f->plan, kt_plan_unref);
}

static void
changed_cb (GtkWidget *page,
            Fixture   *f)
{
  f->changes++;
}

static void
submitted_cb (GtkWidget *page,
              Fixture   *f)
{
  f->submitted++;
}

static GtkWidget *
show_plan (Fixture    *f,
           GtkWindow **window,
           int         width,
           int         height)
{
  GtkWidget *page = kt_plan_page_new ();

  kt_plan_page_set_documents (KT_PLAN_PAGE (page), f->catalogue, f->kase, f->conversation, f->plan);
  g_signal_connect (page, "changed", G_CALLBACK (changed_cb), f);
  g_signal_connect (page, "submitted", G_CALLBACK (submitted_cb), f);
  *window = kt_app_test_show (page, width, height, FALSE);
  return page;
}

static GtkWidget *
child (GtkWidget  *page,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (page, KT_TYPE_PLAN_PAGE, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

/* The agreement's controls live in the page's KtAgreementEditor. */
static GtkWidget *
agreement_child (GtkWidget  *page,
                 const char *name)
{
  GObject *object = gtk_widget_get_template_child (child (page, "agreement_editor"),
                                                   KT_TYPE_AGREEMENT_EDITOR, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static GtkWidget *
find_switch (GtkWidget *root)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      if (GTK_IS_SWITCH (w) && gtk_widget_get_visible (w))
        return w;
      if ((found = find_switch (w)) != NULL)
        return found;
    }
  return NULL;
}

static void
type_into (GtkWidget  *row,
           const char *text)
{
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
test_plan_safety_section_is_required_when_flagged (Fixture       *f,
                                                   gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page;
  g_autoptr(GError) error = NULL;
  KtDomainEntry *entry = kt_conversation_find_entry (f->conversation, "relaties");

  /* Without a flag there is no safety section and the plan can be submitted. */
  page = show_plan (f, &window, 1000, 800);
  g_assert_false (gtk_widget_get_visible (kt_plan_page_get_safety_group (KT_PLAN_PAGE (page))));
  g_assert_false (f->plan->safety_required);
  kt_app_test_close (window);

  /* A flag anywhere in the conversation brings the section, and it must be filled. */
  entry->safety_flag = TRUE;
  page = show_plan (f, &window, 1000, 800);
  g_assert_true (gtk_widget_get_visible (kt_plan_page_get_safety_group (KT_PLAN_PAGE (page))));
  g_assert_true (f->plan->safety_required);

  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_PLAN_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpint (f->plan->review, ==, KT_REVIEW_DRAFT);
  g_assert_false (kt_plan_page_is_read_only (KT_PLAN_PAGE (page)));

  type_into (child (page, "risks_row"), "Spanningen als er gedronken wordt");
  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_SAFETY_PLAN_REQUIRED);
  g_clear_error (&error);
  type_into (child (page, "agreements_row"), "Kinderen slapen dan bij oma");
  type_into (child (page, "watches_row"), "Oma en de school letten op");
  gtk_switch_set_active (GTK_SWITCH (child (page, "veilig_thuis_switch")), TRUE);
  g_assert_cmpstr (f->plan->safety.risks, ==, "Spanningen als er gedronken wordt");
  g_assert_true (f->plan->safety.veilig_thuis_consulted);

  g_assert_true (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->plan->review, ==, KT_REVIEW_SUBMITTED);
  g_assert_cmpuint (f->submitted, ==, 1);
  kt_app_test_close (window);
}

static void
test_plan_tailored_provision_requires_the_three_considerations (Fixture       *f,
                                                                gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page = show_plan (f, &window, 1000, 900);
  GtkWidget *provisions = child (page, "provisions_group");
  g_autoptr(GError) error = NULL;
  KtProvision *provision;
  GtkWidget *acceptable, *decision, *decision_date, *request_date, *valid_from, *until;
  g_autofree char *today = NULL;
  const char *problem;

  g_assert_true (gtk_widget_activate_action (page, "plan.add-provision", NULL));
  g_assert_cmpuint (f->plan->provisions->len, ==, 1);
  provision = g_ptr_array_index (f->plan->provisions, 0);
  type_into (kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Name"), 0), "Huishoudelijke hulp");
  g_assert_cmpstr (provision->name, ==, "Huishoudelijke hulp");

  /* A general provision needs no considerations; the questions stay hidden. */
  acceptable = kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Is it legitimate: socially acceptable and lawful?"), 0);
  g_assert_nonnull (acceptable);
  g_assert_false (gtk_widget_get_visible (acceptable));

  /* Made tailored, the three questions appear and must all be answered. */
  gtk_switch_set_active (GTK_SWITCH (find_switch (provisions)), TRUE);
  g_assert_true (provision->tailored);
  g_assert_true (gtk_widget_get_visible (acceptable));
  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED);
  g_clear_error (&error);

  type_into (acceptable, "Ja, zij wil hulp van buiten");
  type_into (kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Which standard offer was considered?"), 0),
             "Algemene huishoudelijke hulp");
  type_into (kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Is it economically sound against the standard offer?"), 0),
             "Twee uur per week, gelijk aan het standaardaanbod");
  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_CONSIDERATIONS_REQUIRED);
  g_clear_error (&error);
  type_into (kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "What can and will the resident and network do themselves?"), 0),
             "Ans doet de boodschappen");
  g_assert_cmpstr (provision->standard_offer, ==, "Algemene huishoudelijke hulp");

  /* The decision: requested under the Wmo, in behandeling.  The request
   * date, picked from a calendar, starts at today; the decision's own date
   * shows once decided and is required then. */
  decision = kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Decision"), 0);
  decision_date = kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Decided on"), 0);
  request_date = kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Requested on"), 0);
  g_assert_true (KT_IS_DATE_ROW (request_date));
  g_assert_true (KT_IS_DATE_ROW (decision_date));
  g_assert_null (kt_date_row_get_date (KT_DATE_ROW (request_date)));
  g_assert_true (gtk_widget_get_visible (decision));
  g_assert_false (gtk_widget_get_visible (decision_date));
  adw_combo_row_set_selected (ADW_COMBO_ROW (kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Law"), 0)),
                              KT_LEGAL_BASIS_WMO);
  adw_combo_row_set_selected (ADW_COMBO_ROW (decision), KT_DECISION_PENDING);
  g_assert_cmpint (provision->legal_basis, ==, KT_LEGAL_BASIS_WMO);
  g_assert_cmpint (provision->decision_state, ==, KT_DECISION_PENDING);
  today = kt_date_today ();
  g_assert_cmpstr (provision->request_date, ==, today);
  g_assert_cmpstr (kt_date_row_get_date (KT_DATE_ROW (request_date)), ==, today);
  kt_app_test_pick_date (request_date, "2027-01-10");
  g_assert_cmpstr (provision->request_date, ==, "2027-01-10");

  adw_combo_row_set_selected (ADW_COMBO_ROW (decision), KT_DECISION_GRANTED);
  g_assert_true (gtk_widget_get_visible (decision_date));
  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE);
  g_clear_error (&error);

  /* A decision picked before the request says so under its own date, and
   * the plan cannot go to review with it. */
  kt_app_test_pick_date (decision_date, "2027-01-05");
  g_assert_cmpstr (provision->decision_date, ==, "2027-01-05");
  problem = g_dgettext (GETTEXT_PACKAGE, "The decision cannot be dated before the request.");
  g_assert_cmpstr (kt_date_row_get_problem (KT_DATE_ROW (decision_date)), ==, problem);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (decision_date)), ==, problem);
  g_assert_true (gtk_widget_has_css_class (decision_date, "error"));
  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE);
  g_assert_nonnull (strstr (error->message, problem));
  g_clear_error (&error);
  kt_app_test_pick_date (decision_date, "2027-01-20");
  g_assert_cmpstr (provision->decision_date, ==, "2027-01-20");
  g_assert_null (kt_date_row_get_problem (KT_DATE_ROW (decision_date)));
  g_assert_false (gtk_widget_has_css_class (decision_date, "error"));
  g_assert_cmpstr (kt_a11y_get_label (decision_date), ==, g_dgettext (GETTEXT_PACKAGE, "Decided on"));

  /* The period of validity cannot end before it starts; an end date can be
   * cleared again. */
  valid_from = kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Valid from"), 0);
  until = kt_app_test_find_row (provisions, g_dgettext (GETTEXT_PACKAGE, "Valid until"), 0);
  g_assert_true (gtk_widget_get_visible (valid_from));
  kt_app_test_pick_date (valid_from, "2027-02-01");
  kt_app_test_pick_date (until, "2027-01-31");
  g_assert_cmpstr (provision->until, ==, "2027-01-31");
  g_assert_cmpstr (kt_date_row_get_problem (KT_DATE_ROW (until)),
                   ==, g_dgettext (GETTEXT_PACKAGE, "The decision cannot end before it starts."));
  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_MODEL_ERROR, KT_MODEL_ERROR_INCOMPLETE);
  g_clear_error (&error);
  g_signal_emit_by_name (kt_date_row_get_clear_button (KT_DATE_ROW (until)), "clicked");
  g_assert_null (provision->until);
  g_assert_null (kt_date_row_get_problem (KT_DATE_ROW (until)));
  g_assert_cmpstr (provision->valid_from, ==, "2027-02-01");

  g_assert_true (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->submitted, ==, 1);
  kt_app_test_close (window);
}

static const char *
missing_text (GtkWidget *page)
{
  GtkWidget *label = child (page, "missing_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : "";
}

/* Review comes after the conversation (or a note why not), with at least one
 * goal with an action, and once the resident has been asked; the button
 * says what is missing, in words. */
static void
test_plan_without_actions_or_agreement_question_cannot_be_submitted (Fixture       *f,
                                                                    gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page;
  g_autoptr(GError) error = NULL;
  KtGoal *goal;
  KtAction *action;

  f->conversation->complete = FALSE;
  for (guint i = 0; i < f->plan->goals->len; i++)
    g_ptr_array_set_size (((KtGoal *) g_ptr_array_index (f->plan->goals, i))->actions, 0);
  f->plan->agreement.state = KT_AGREEMENT_NONE;
  page = show_plan (f, &window, 1000, 900);

  g_assert_false (gtk_widget_get_sensitive (child (page, "submit_button")));
  g_assert_true (gtk_widget_get_visible (child (page, "conversation_note_group")));
  g_test_message ("%s", missing_text (page));
  g_assert_nonnull (strstr (missing_text (page), "finish the conversation"));
  g_assert_nonnull (strstr (missing_text (page), "a goal with at least one action"));
  g_assert_nonnull (strstr (missing_text (page), "ask the resident whether they agree"));
  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_READY);
  g_clear_error (&error);
  g_assert_false (gtk_widget_activate_action (page, "plan.submit", NULL) &&
                  f->plan->review != KT_REVIEW_DRAFT);
  g_assert_cmpint (f->plan->review, ==, KT_REVIEW_DRAFT);
  g_assert_cmpuint (f->submitted, ==, 0);

  /* The coach writes why the conversation is not finished. */
  type_into (child (page, "conversation_note_row"), "Tweede gesprek pas over drie weken; de huur kan niet wachten");
  g_assert_cmpstr (f->plan->conversation_note, ==, "Tweede gesprek pas over drie weken; de huur kan niet wachten");
  g_assert_null (strstr (missing_text (page), "finish the conversation"));

  /* Asked, the resident agrees only partly: that may go to review, and the
   * supervisor sees it. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (agreement_child (page, "agreement_row")), KT_AGREEMENT_PARTLY);
  g_assert_null (strstr (missing_text (page), "ask the resident"));
  g_assert_false (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_error (error, KT_REVIEW_ERROR, KT_REVIEW_ERROR_NOT_READY);
  g_clear_error (&error);

  /* A goal gets an action. */
  goal = g_ptr_array_index (f->plan->goals, 0);
  action = kt_action_new ();
  action->what = g_strdup ("Bellen met de woningcorporatie");
  g_ptr_array_add (goal->actions, action);
  kt_plan_page_set_documents (KT_PLAN_PAGE (page), f->catalogue, f->kase, f->conversation, f->plan);
  g_assert_true (gtk_widget_get_sensitive (child (page, "submit_button")));
  g_assert_cmpstr (missing_text (page), ==, "");

  g_assert_true (kt_plan_page_submit (KT_PLAN_PAGE (page), &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->plan->review, ==, KT_REVIEW_SUBMITTED);
  g_assert_cmpint (f->plan->agreement.state, ==, KT_AGREEMENT_PARTLY);
  g_assert_cmpuint (f->submitted, ==, 1);
  kt_app_test_close (window);
}

static void
test_plan_submitted_plan_is_read_only_until_a_new_version (Fixture       *f,
                                                           gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page = show_plan (f, &window, 1000, 800);
  KtSignaturePad *pad = KT_SIGNATURE_PAD (agreement_child (page, "signature_pad"));
  const double stroke[] = { 10, 10, 60, 40 };
  const char *first_goal = ((KtGoal *) g_ptr_array_index (f->plan->goals, 0))->id;
  guint n_strokes = kt_signature_pad_get_n_strokes (pad);
  KtPlan *next;

  g_assert_false (kt_plan_page_is_read_only (KT_PLAN_PAGE (page)));
  /* While a draft, the goals move and the pad takes strokes. */
  g_assert_true (gtk_widget_activate_action (page, "plan.move-goal-down", "s", first_goal));
  g_assert_cmpstr (((KtGoal *) g_ptr_array_index (f->plan->goals, 1))->id, ==, first_goal);
  g_assert_true (gtk_widget_activate_action (page, "plan.move-goal-up", "s", first_goal));
  g_assert_cmpstr (((KtGoal *) g_ptr_array_index (f->plan->goals, 0))->id, ==, first_goal);

  g_assert_true (gtk_widget_activate_action (page, "plan.submit", NULL));
  g_assert_cmpint (f->plan->review, ==, KT_REVIEW_SUBMITTED);
  g_assert_true (kt_plan_page_is_read_only (KT_PLAN_PAGE (page)));
  g_assert_false (gtk_widget_get_sensitive (kt_plan_page_get_editor (KT_PLAN_PAGE (page))));
  g_assert_false (gtk_widget_is_sensitive (child (page, "question_field")));
  g_assert_false (gtk_widget_get_visible (child (page, "submit_button")));
  g_assert_true (gtk_widget_get_visible (child (page, "locked_box")));

  /* Nothing gets in by another way either. */
  gtk_widget_activate_action (page, "plan.add-goal", NULL);
  gtk_widget_activate_action (page, "plan.remove-goal", "s", first_goal);
  g_assert_cmpuint (f->plan->goals->len, ==, 2);
  kt_signature_pad_draw_stroke (pad, stroke, 2);
  kt_signature_pad_clear (pad);
  g_assert_cmpuint (kt_signature_pad_get_n_strokes (pad), ==, n_strokes);

  /* A new version is a fresh draft to edit, with the agreement asked again. */
  g_assert_true (gtk_widget_activate_action (page, "plan.new-version", NULL));
  next = kt_plan_page_get_plan (KT_PLAN_PAGE (page));
  g_assert_true (next != f->plan);
  g_assert_cmpint (next->version, ==, f->plan->version + 1);
  g_assert_cmpint (next->review, ==, KT_REVIEW_DRAFT);
  g_assert_cmpint (next->agreement.state, ==, KT_AGREEMENT_NONE);
  g_assert_cmpuint (next->goals->len, ==, 2);
  g_assert_false (kt_plan_page_is_read_only (KT_PLAN_PAGE (page)));
  g_assert_true (gtk_widget_get_visible (child (page, "submit_button")));
  g_assert_false (gtk_widget_get_visible (child (page, "locked_box")));
  kt_app_test_close (window);
}

/* A returned plan while the resident watches: the supervisor's comments
 * stay hidden, but the coach sees that there are some. */
static void
test_plan_returned_comments_are_announced_but_hidden_while_watching (Fixture       *f,
                                                                      gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page;
  KtReviewComment *comment = kt_review_comment_new ();
  const char *text;

  comment->text = g_strdup ("Maak het tweede doel concreter.");
  g_ptr_array_add (f->plan->comments, comment);
  f->plan->review = KT_REVIEW_RETURNED;
  page = show_plan (f, &window, 1000, 800);

  text = gtk_label_get_text (GTK_LABEL (child (page, "locked_label")));
  g_assert_nonnull (strstr (text, comment->text));
  g_assert_null (strstr (text, g_dgettext (GETTEXT_PACKAGE,
                                           "There are comments from the supervisor; switch resident "
                                           "watching off to read them.")));

  kt_plan_page_set_resident_watching (KT_PLAN_PAGE (page), TRUE);
  text = gtk_label_get_text (GTK_LABEL (child (page, "locked_label")));
  g_assert_null (strstr (text, comment->text));
  g_assert_nonnull (strstr (text, g_dgettext (GETTEXT_PACKAGE,
                                              "There are comments from the supervisor; switch resident "
                                              "watching off to read them.")));
  g_assert_true (gtk_widget_get_visible (child (page, "locked_box")));

  kt_plan_page_set_resident_watching (KT_PLAN_PAGE (page), FALSE);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (page, "locked_label"))), comment->text));
  kt_app_test_close (window);
}

/* Whether @widget lies wholly inside the visible part of its scrolled window. */
static gboolean
in_view (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_rect_t bounds;

  return gtk_widget_compute_bounds (widget, scroller, &bounds) && bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_adjustment_get_page_size (adjustment) + 1;
}

/* The plan is submitted and the coach scrolled down to the agreement; the
 * supervisor's approval comes in: the page shows it, at the top where it
 * is written, not only in a toast (the last walk: the coach did not see
 * it).  A reload with the same review leaves the page where it is. */
static void
test_plan_a_review_that_comes_in_is_brought_into_view (Fixture       *f,
                                                       gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page = show_plan (f, &window, 1000, 500);
  GtkWidget *locked_box = child (page, "locked_box");
  GtkAdjustment *adjustment;
  g_autoptr(KtPlan) approved = NULL;
  g_autoptr(KtPlan) again = NULL;

  g_assert_true (gtk_widget_activate_action (page, "plan.submit", NULL));
  kt_app_test_iterate (100);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
    gtk_widget_get_ancestor (locked_box, GTK_TYPE_SCROLLED_WINDOW)));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  kt_app_test_iterate (100);
  g_assert_false (in_view (locked_box));

  approved = kt_plan_copy (f->plan);
  approved->review = KT_REVIEW_APPROVED;
  approved->reviewer = g_strdup ("super1");
  kt_plan_page_set_documents (KT_PLAN_PAGE (page), f->catalogue, f->kase, f->conversation, approved);
  kt_app_test_iterate (300);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (page, "locked_label"))), "Approved by"));
  g_assert_true (in_view (locked_box));

  /* The same review again (another sync): the coach's scrolling stays
   * (once the scrolling above has followed its frames). */
  kt_app_test_iterate (700);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  kt_app_test_iterate (100);
  g_assert_false (in_view (locked_box));
  again = kt_plan_copy (approved);
  kt_plan_page_set_documents (KT_PLAN_PAGE (page), f->catalogue, f->kase, f->conversation, again);
  kt_app_test_iterate (300);
  g_assert_false (in_view (locked_box));
  kt_app_test_close (window);
}

/* The action row titled @title under @root, or NULL. */
static AdwActionRow *
find_row (GtkWidget  *root,
          const char *title)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      AdwActionRow *found;

      if (ADW_IS_ACTION_ROW (w) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
        return ADW_ACTION_ROW (w);
      if ((found = find_row (w, title)) != NULL)
        return found;
    }
  return NULL;
}

/* A returned plan, revised as a new version: the supervisor's comments
 * (on the plan and on a goal) stay in view while the coach changes the
 * draft, and the returned version is listed with its review; neither
 * while the resident watches. */
static void
test_plan_revised_draft_keeps_the_comments_and_lists_earlier_versions (Fixture       *f,
                                                                        gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page;
  KtReviewComment *whole = kt_review_comment_new ();
  KtReviewComment *on_goal = kt_review_comment_new ();
  const KtGoal *goal = g_ptr_array_index (f->plan->goals, 0);
  g_autofree char *version_1 = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Version %d"), f->plan->version);
  g_autofree char *returned = NULL;
  AdwActionRow *row;
  KtPlan *draft;
  const char *text;

  whole->text = g_strdup ("Wie betaalt de huur als de uitkering stopt?");
  on_goal->text = g_strdup ("Maak dit doel concreter.");
  on_goal->goal_id = g_strdup (goal->id);
  g_ptr_array_add (f->plan->comments, whole);
  g_ptr_array_add (f->plan->comments, on_goal);
  f->plan->review = KT_REVIEW_RETURNED;
  f->plan->reviewer = g_strdup ("supervisor");
  page = show_plan (f, &window, 1000, 800);
  g_assert_false (gtk_widget_get_visible (child (page, "history_slot")));

  g_assert_true (gtk_widget_activate_action (page, "plan.new-version", NULL));
  draft = kt_plan_page_get_plan (KT_PLAN_PAGE (page));
  g_assert_cmpint (draft->review, ==, KT_REVIEW_DRAFT);
  g_assert_cmpuint (draft->comments->len, ==, 0);
  g_assert_false (kt_plan_page_is_read_only (KT_PLAN_PAGE (page)));

  /* The comments of version 1, beside the draft, the goal named. */
  g_assert_true (gtk_widget_get_visible (child (page, "earlier_box")));
  text = gtk_label_get_text (GTK_LABEL (child (page, "earlier_label")));
  g_assert_nonnull (strstr (text, whole->text));
  g_assert_nonnull (strstr (text, on_goal->text));
  g_assert_nonnull (strstr (text, goal->title));

  /* Version 1 listed with its review and its comments. */
  g_assert_true (gtk_widget_get_visible (child (page, "history_slot")));
  g_assert_true (gtk_widget_get_visible (child (page, "history")));
  row = find_row (child (page, "history"), version_1);
  g_assert_nonnull (row);
  returned = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Returned by %s on %s"), "supervisor", "");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), returned));
  /* By her name once the team's keys give it. */
  {
    g_autoptr(GPtrArray) team = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_peer_key_free);
    KtPeerKey *key = g_new0 (KtPeerKey, 1);

    key->username = g_strdup ("supervisor");
    key->display_name = g_strdup ("Sanne de Boer");
    g_ptr_array_add (team, key);
    kt_plan_page_set_team (KT_PLAN_PAGE (page), team);
    row = find_row (child (page, "history"), version_1);
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Sanne de Boer"));
  }
  /* The plan page's own "New Version" is the one way to make one. */
  g_assert_false (gtk_widget_activate_action (child (page, "history"), "history.revise", NULL));

  /* At the table: only that there are comments; no versions. */
  kt_plan_page_set_resident_watching (KT_PLAN_PAGE (page), TRUE);
  g_assert_true (gtk_widget_get_visible (child (page, "earlier_box")));
  text = gtk_label_get_text (GTK_LABEL (child (page, "earlier_label")));
  g_assert_null (strstr (text, whole->text));
  g_assert_null (strstr (text, on_goal->text));
  g_assert_true (strlen (text) > 0);
  g_assert_false (gtk_widget_get_visible (child (page, "history_slot")));

  kt_plan_page_set_resident_watching (KT_PLAN_PAGE (page), FALSE);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (page, "earlier_label"))), whole->text));
  g_assert_true (gtk_widget_get_visible (child (page, "history_slot")));
  /* For the screenshot tour: the banner above, the versions at the end. */
  kt_app_test_resize (window, 1280, 800);
  kt_app_test_screenshot (window, "plan-revised-draft");
  g_free (kt_app_test_screenshot_widget (child (page, "content"), "plan-revised-draft-content-1280"));
  kt_app_test_resize (window, 800, 1280);
  kt_app_test_screenshot (window, "plan-revised-draft");
  g_free (kt_app_test_screenshot_widget (child (page, "content"), "plan-revised-draft-content-800"));

  /* Another household: nothing of this one's reviews remains. */
  kt_plan_page_clear (KT_PLAN_PAGE (page));
  g_assert_false (gtk_widget_get_visible (child (page, "history_slot")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (page, "earlier_label"))), ==, "");
  kt_app_test_close (window);
}

static void
test_signature_pad_keeps_strokes_normalised (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(GPtrArray) strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_stroke_free);
  GtkWidget *pad = kt_signature_pad_new ();
  GtkWindow *window;
  int w, h;
  double stroke[] = { 0, 0, 100, 50, 1e6, -40 };
  KtStroke *drawn;

  kt_signature_pad_set_strokes (KT_SIGNATURE_PAD (pad), strokes);
  window = kt_app_test_show (pad, 440, 160, FALSE);
  w = gtk_widget_get_width (pad);
  h = gtk_widget_get_height (pad);
  g_assert_cmpint (w, >, 0);

  kt_signature_pad_draw_stroke (KT_SIGNATURE_PAD (pad), stroke, 3);
  g_assert_cmpuint (strokes->len, ==, 1);
  drawn = g_ptr_array_index (strokes, 0);
  g_assert_cmpuint (drawn->points->len, ==, 6);
  g_assert_cmpfloat_with_epsilon (g_array_index (drawn->points, double, 2), 100.0 / w, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_array_index (drawn->points, double, 3), 50.0 / h, 1e-9);
  /* Strokes past the edge stay on the pad. */
  g_assert_cmpfloat (g_array_index (drawn->points, double, 4), ==, 1.0);
  g_assert_cmpfloat (g_array_index (drawn->points, double, 5), ==, 0.0);

  /* A tap is a dot, not nothing. */
  kt_signature_pad_draw_stroke (KT_SIGNATURE_PAD (pad), stroke + 2, 1);
  g_assert_cmpuint (((KtStroke *) g_ptr_array_index (strokes, 1))->points->len, ==, 4);

  kt_signature_pad_clear (KT_SIGNATURE_PAD (pad));
  g_assert_cmpuint (strokes->len, ==, 0);
  kt_app_test_close (window);
}

/* Issue 16: a plan without a question starts from the request's words,
 * which the coach can then change. */
static void
test_plan_question_starts_from_the_request (Fixture       *f,
                                            gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page;
  KtTextField *question;
  g_autofree char *shown = NULL;
  GtkTextBuffer *buffer;

  g_free (f->plan->question);
  f->plan->question = NULL;
  g_free (f->kase->request.question);
  f->kase->request.question = g_strdup ("We komen niet rond sinds de ontslagbrief");
  page = show_plan (f, &window, 1000, 800);
  question = KT_TEXT_FIELD (child (page, "question_field"));
  shown = kt_text_field_get_text (question);
  g_assert_cmpstr (shown, ==, "We komen niet rond sinds de ontslagbrief");
  g_assert_cmpstr (f->plan->question, ==, "We komen niet rond sinds de ontslagbrief");

  /* The coach sharpens it: typed at the end, as a user would. */
  buffer = gtk_text_view_get_buffer (kt_text_field_get_view (question));
  {
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_place_cursor (buffer, &end);
  }
  kt_app_test_type_text (kt_text_field_get_view (question), " en de schulden");
  kt_app_test_iterate (5);
  g_assert_cmpstr (f->plan->question, ==, "We komen niet rond sinds de ontslagbrief en de schulden");
  kt_app_test_close (window);
}

static void
test_plan_pages_clear_leaves_no_client_data (Fixture       *f,
                                             gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page = show_plan (f, &window, 1000, 800);
  GtkWidget *report = kt_report_page_new ();

  g_assert_nonnull (kt_app_test_find_row (page, g_dgettext (GETTEXT_PACKAGE, "Goal"), 0));
  kt_plan_page_clear (KT_PLAN_PAGE (page));
  g_assert_null (kt_plan_page_get_plan (KT_PLAN_PAGE (page)));
  {
    g_autofree char *question = kt_text_field_get_text (KT_TEXT_FIELD (child (page, "question_field")));
    g_autofree char *remarks = kt_text_field_get_text (KT_TEXT_FIELD (agreement_child (page, "remarks_field")));

    g_assert_cmpstr (question, ==, "");
    g_assert_cmpstr (remarks, ==, "");
  }
  g_assert_null (kt_app_test_find_row (page, g_dgettext (GETTEXT_PACKAGE, "Goal"), 0));
  g_assert_cmpuint (kt_signature_pad_get_n_strokes (KT_SIGNATURE_PAD (agreement_child (page, "signature_pad"))), ==, 0);
  g_assert_cmpuint (f->changes, ==, 0);
  kt_app_test_close (window);

  kt_report_page_set_documents (KT_REPORT_PAGE (report), f->catalogue, f->kase, f->conversation, f->plan);
  g_assert_cmpuint (kt_report_page_get_n_pages (KT_REPORT_PAGE (report)), >, 0);
  kt_report_page_clear (KT_REPORT_PAGE (report));
  g_assert_cmpuint (kt_report_page_get_n_pages (KT_REPORT_PAGE (report)), ==, 0);
  g_object_ref_sink (report);
  g_object_unref (report);
}

static GtkWidget *
find_report_page (GtkWidget *root)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found = KT_IS_REPORT_PAGE (w) ? w : find_report_page (w);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_report_page_follows_the_open_case (Fixture       *f,
                                        gconstpointer  data)
{
  GtkWidget *view = kt_case_view_new ();
  GtkWindow *window;
  KtReportPage *report;
  g_autoptr(KtReport) expected = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);

  kt_plan_pages_attach (KT_CASE_VIEW (view));
  kt_case_view_set_documents (KT_CASE_VIEW (view), NULL, f->catalogue, f->kase, f->conversation, f->plan);
  window = kt_app_test_show (view, 1280, 800, FALSE);
  report = KT_REPORT_PAGE (find_report_page (view));
  g_assert_nonnull (report);
  g_assert_cmpuint (kt_report_page_get_n_pages (report), ==, 0);

  /* Shown, the report is laid out from the view's documents. */
  kt_case_view_set_visible_page (KT_CASE_VIEW (view), "report");
  kt_app_test_iterate (100);
  g_assert_cmpuint (kt_report_page_get_n_pages (report), ==, kt_report_get_n_pages (expected));

  /* Cleared (an idle lock), nothing stays. */
  kt_case_view_clear (KT_CASE_VIEW (view));
  g_assert_cmpuint (kt_report_page_get_n_pages (report), ==, 0);
  kt_app_test_close (window);
}

static void
sign (KtSignaturePad *pad)
{
  double xy[200];
  int w = gtk_widget_get_width (GTK_WIDGET (pad));
  int h = gtk_widget_get_height (GTK_WIDGET (pad));

  /* A made-up signature: a loop and a long tail. */
  for (int i = 0; i < 100; i++)
    {
      double t = i / 99.0;
      xy[2 * i] = w * (0.12 + 0.7 * t) + 18 * sin (t * 14);
      xy[2 * i + 1] = h * (0.55 - 0.18 * sin (t * 9)) + 10 * cos (t * 14);
    }
  kt_signature_pad_draw_stroke (pad, xy, 100);
}

static void
test_plan_screenshots_and_report_preview (Fixture       *f,
                                          gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page;
  GtkWidget *report = kt_report_page_new ();
  g_autoptr(KtReport) expected = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);

  /* The preview shows every page of the report. */
  kt_report_page_set_documents (KT_REPORT_PAGE (report), f->catalogue, f->kase, f->conversation, f->plan);
  g_assert_cmpuint (kt_report_page_get_n_pages (KT_REPORT_PAGE (report)), ==, kt_report_get_n_pages (expected));
  window = kt_app_test_show (report, 1000, 1000, FALSE);
  g_free (kt_app_test_screenshot_widget (GTK_WIDGET (window), "report-preview"));
  kt_app_test_close (window);

  if (g_getenv ("KT_SCREENSHOT_DIR") == NULL)
    return;

  f->plan->agreement.form = KT_FORM_WRITTEN;
  g_ptr_array_set_size (f->plan->agreement.signature, 0);
  kt_conversation_find_entry (f->conversation, "relaties")->safety_flag = TRUE;
  page = show_plan (f, &window, 1100, 1300);
  g_free (kt_app_test_screenshot_widget (GTK_WIDGET (window), "plan-editor"));
  g_free (kt_app_test_screenshot_widget (GTK_WIDGET (gtk_widget_get_template_child (page, KT_TYPE_PLAN_PAGE, "content")),
                                  "plan-editor-whole"));
  sign (KT_SIGNATURE_PAD (agreement_child (page, "signature_pad")));
  kt_app_test_iterate (100);
  g_free (kt_app_test_screenshot_widget (agreement_child (page, "signature_box"), "signature-pad"));
  kt_app_test_close (window);
}

/* ---- members, regisseur, network map ------------------------------------ */

static KtMember *
add_member (KtCase     *kase,
            const char *name,
            int         birth_year,
            const char *relation)
{
  KtMember *member = kt_member_new ();

  member->name = g_strdup (name);
  member->birth_year = birth_year;
  member->relation = g_strdup (relation);
  g_ptr_array_add (kase->members, member);
  return member;
}

/* The first widget under @root of @type whose accessible label is @label. */
static GtkWidget *
find_labelled (GtkWidget  *root,
               GType       type,
               const char *label)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && g_strcmp0 (kt_a11y_get_label (w), label) == 0)
        return w;
      if ((found = find_labelled (w, type, label)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_check_with_label (GtkWidget  *root,
                       const char *label)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;

      if (GTK_IS_CHECK_BUTTON (w) && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (w)), label) == 0)
        return w;
      if ((found = find_check_with_label (w, label)) != NULL)
        return found;
    }
  return NULL;
}

static char *
pdf_text (KtReport *report)
{
  g_autofree char *dir = g_dir_make_tmp ("kt-plan-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "verslag.pdf", NULL);
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

static char *
report_text (Fixture *f)
{
  g_autoptr(KtReport) report = kt_report_new (f->catalogue, f->kase, f->conversation, f->plan);

  return pdf_text (report);
}

/* The case keeps its coach's account ("coach1"), by which the server
 * routes it; the resident's report names the coach as the resident knows
 * them, the signed-in coach's display name. */
static void
test_report_page_names_the_coach_not_the_account (Fixture       *f,
                                                  gconstpointer  data)
{
  GtkWidget *report = g_object_ref_sink (kt_report_page_new ());
  g_autofree char *text = NULL;

  g_free (f->kase->coach);
  f->kase->coach = g_strdup ("coach1");
  kt_report_page_set_coach (KT_REPORT_PAGE (report), "coach1", "Anna de Boer");
  kt_report_page_set_documents (KT_REPORT_PAGE (report), f->catalogue, f->kase, f->conversation, f->plan);
  text = pdf_text (kt_report_page_get_report (KT_REPORT_PAGE (report)));
  g_assert_nonnull (strstr (text, "Anna de Boer"));
  g_assert_null (strstr (text, "coach1"));
  g_assert_cmpstr (f->kase->coach, ==, "coach1");

  /* Another coach's case (a colleague's, read on this device): this
   * device knows only its own account's name, and the colleague's account
   * stays off the paper, which says "your coach". */
  g_clear_pointer (&text, g_free);
  g_free (f->kase->coach);
  f->kase->coach = g_strdup ("coach2");
  kt_report_page_set_documents (KT_REPORT_PAGE (report), f->catalogue, f->kase, f->conversation, f->plan);
  text = pdf_text (kt_report_page_get_report (KT_REPORT_PAGE (report)));
  g_assert_null (strstr (text, "Anna de Boer"));
  g_assert_null (strstr (text, "coach2"));
  g_assert_nonnull (strstr (text, g_dgettext (GETTEXT_PACKAGE, "your coach")));

  /* No one signed in: no name known, no account printed. */
  g_clear_pointer (&text, g_free);
  g_free (f->kase->coach);
  f->kase->coach = g_strdup ("coach1");
  kt_report_page_set_coach (KT_REPORT_PAGE (report), NULL, NULL);
  kt_report_page_set_documents (KT_REPORT_PAGE (report), f->catalogue, f->kase, f->conversation, f->plan);
  text = pdf_text (kt_report_page_get_report (KT_REPORT_PAGE (report)));
  g_assert_null (strstr (text, "coach1"));
  kt_report_page_clear (KT_REPORT_PAGE (report));
  g_object_unref (report);
}

/* Two adults and a 14-year-old at the table: Sem's own words in Wonen from
 * his row on the domain page, his own goal from the goal card, and the
 * report shows the goal under his name. */
static void
test_plan_young_persons_words_and_goal_under_their_name (Fixture       *f,
                                                         gconstpointer  data)
{
  KtMember *sem;
  GtkWidget *domain = kt_domain_page_new ();
  KtMemberVoiceRow *row;
  KtDomainEntry *wonen = kt_conversation_find_entry (f->conversation, "wonen");
  const KtMemberVoice *voice;
  GtkWindow *window;
  GtkWidget *page, *menu, *check;
  KtGoal *goal;
  g_autofree char *text = NULL;
  const char *found;

  add_member (f->kase, "Mirjam Bakker", 1984, "zelf");
  add_member (f->kase, "Kees Bakker", 1982, "partner");
  sem = add_member (f->kase, "Sem Bakker", 2012, "kind");

  kt_domain_page_set_entry (KT_DOMAIN_PAGE (domain), f->catalogue, f->kase, f->conversation, wonen);
  window = kt_app_test_show (domain, 1280, 800, FALSE);
  row = kt_domain_page_get_member_row (KT_DOMAIN_PAGE (domain), 2);
  g_assert_nonnull (row);
  g_assert_null (kt_domain_page_get_member_row (KT_DOMAIN_PAGE (domain), 3));
  g_assert_cmpstr (kt_a11y_get_label (GTK_WIDGET (kt_member_voice_row_get_words_row (row))), ==,
                   "Sem Bakker in their own words");
  gtk_check_button_set_active (kt_member_voice_row_get_about_check (row), TRUE);
  type_into (GTK_WIDGET (kt_member_voice_row_get_words_row (row)), "Ik heb geen plek voor mijn huiswerk");
  kt_app_test_iterate (50);
  g_assert_true (kt_domain_entry_is_about (wonen, sem->id));
  voice = kt_domain_entry_find_voice (wonen, sem->id);
  g_assert_nonnull (voice);
  g_assert_cmpstr (voice->words, ==, "Ik heb geen plek voor mijn huiswerk");
  g_assert_null (kt_domain_entry_find_voice (wonen, ((KtMember *) g_ptr_array_index (f->kase->members, 0))->id));
  kt_app_test_close (window);

  goal = kt_goal_new ();
  goal->title = g_strdup ("Ik wil rustig mijn huiswerk kunnen maken");
  g_ptr_array_add (f->plan->goals, goal);
  page = show_plan (f, &window, 1280, 800);
  /* The third goal's card: whose goal it is, ticked from its menu. */
  menu = NULL;
  for (GtkWidget *w = gtk_widget_get_first_child (child (page, "goals_box")); w != NULL; w = gtk_widget_get_next_sibling (w))
    if (KT_IS_GOAL_CARD (w) && kt_goal_card_get_goal (KT_GOAL_CARD (w)) == goal)
      menu = find_labelled (w, GTK_TYPE_MENU_BUTTON, "Choose whose own goal it is");
  g_assert_nonnull (menu);
  check = find_check_with_label (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu))), "Sem Bakker");
  g_assert_nonnull (check);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  kt_app_test_iterate (50);
  g_assert_true (kt_goal_is_for_member (goal, sem->id));
  g_assert_cmpuint (f->changes, >, 0);
  kt_app_test_close (window);

  text = report_text (f);
  g_assert_nonnull (strstr (text, "Ik heb geen plek voor mijn huiswerk"));
  found = strstr (text, "Goals of Sem Bakker");
  g_assert_nonnull (found);
  g_assert_nonnull (strstr (found, "Ik wil rustig mijn huiswerk kunnen maken"));
  g_assert_nonnull (strstr (text, "What we do together"));
  g_assert_true (strstr (text, "What we do together") < found);
}

static void
case_changed_cb (GtkWidget *page,
                 guint     *count)
{
  (*count)++;
}

/* The resident chosen as regisseur asks nothing more; a professional asks
 * why not the resident yet and whether the resident agreed. */
static void
test_plan_regisseur_resident_or_a_professional_with_a_reason (Fixture       *f,
                                                              gconstpointer  data)
{
  GtkWindow *window;
  GtkWidget *page = show_plan (f, &window, 1280, 800);
  AdwComboRow *lead = ADW_COMBO_ROW (child (page, "lead_row"));
  GListModel *names = adw_combo_row_get_model (lead);
  guint case_changes = 0, pieter = GTK_INVALID_LIST_POSITION;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_signal_connect (page, "case-changed", G_CALLBACK (case_changed_cb), &case_changes);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 1), ==, "The resident");
  adw_combo_row_set_selected (lead, 1);
  kt_app_test_iterate (50);
  g_assert_cmpstr (f->kase->lead_id, ==, KT_LEAD_RESIDENT);
  g_assert_false (gtk_widget_get_visible (child (page, "lead_reason_row")));
  g_assert_cmpuint (case_changes, ==, 1);

  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "Pieter Bos") == 0)
      pieter = i;
  g_assert_cmpuint (pieter, !=, GTK_INVALID_LIST_POSITION);
  adw_combo_row_set_selected (lead, pieter);
  kt_app_test_iterate (50);
  g_assert_cmpint (kt_case_get_lead_kind (f->kase), ==, KT_LEAD_KIND_PROFESSIONAL);
  g_assert_true (gtk_widget_get_visible (child (page, "lead_reason_row")));
  g_assert_true (gtk_widget_get_visible (child (page, "lead_agreed_row")));
  g_assert_false (kt_case_check_lead (f->kase, &error));
  g_clear_error (&error);
  type_into (child (page, "lead_reason_row"), "Eerst moet de rust terug zijn");
  gtk_switch_set_active (GTK_SWITCH (child (page, "lead_agreed_switch")), TRUE);
  kt_app_test_iterate (50);
  g_assert_cmpstr (f->kase->lead_reason, ==, "Eerst moet de rust terug zijn");
  g_assert_true (f->kase->lead_agreed);
  g_assert_true (kt_case_check_lead (f->kase, &error));
  g_assert_cmpuint (case_changes, >=, 3);
  kt_app_test_close (window);

  text = report_text (f);
  g_assert_nonnull (strstr (text, "Leads the plan (regisseur): Pieter Bos"));
  g_assert_null (strstr (strstr (text, "regisseur") + 1, "regisseur"));
}

/* Ans may not be approached: no role or action offers her; an action given
 * to her before says so; the report never names her. */
static void
test_plan_not_to_approach_is_never_offered_or_printed (Fixture       *f,
                                                       gconstpointer  data)
{
  KtNetworkPerson *ans = g_ptr_array_index (f->kase->network, 0);
  GtkWindow *window;
  GtkWidget *page;
  GPtrArray *combos = g_ptr_array_new ();
  guint with_pieter = 0, marked = 0;
  g_autofree char *text = NULL;

  g_assert_cmpstr (ans->name, ==, "Ans de Vries");
  ans->no_contact = TRUE;
  /* A second action for the first goal, with nobody chosen yet. */
  g_ptr_array_add (((KtGoal *) g_ptr_array_index (f->plan->goals, 0))->actions, kt_action_new ());
  page = show_plan (f, &window, 1280, 800);

  /* Every choice list on the page: roles and the actions' "who". */
  {
    g_autoptr(GPtrArray) stack = g_ptr_array_new ();

    g_ptr_array_add (stack, page);
    while (stack->len > 0)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (ADW_IS_COMBO_ROW (w))
          g_ptr_array_add (combos, w);
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
  }
  for (guint i = 0; i < combos->len; i++)
    {
      GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (g_ptr_array_index (combos, i)));

      for (guint j = 0; GTK_IS_STRING_LIST (model) && j < g_list_model_get_n_items (model); j++)
        {
          const char *item = gtk_string_list_get_string (GTK_STRING_LIST (model), j);

          if (g_str_has_prefix (item, "Pieter Bos"))
            with_pieter++;
          if (strstr (item, "Ans de Vries") == NULL)
            continue;
          /* Only the action already given to her shows her, marked. */
          g_assert_cmpstr (item, ==, "Ans de Vries · do not approach");
          marked++;
        }
    }
  g_assert_cmpuint (with_pieter, >=, 4);   /* three roles and the actions */
  g_assert_cmpuint (marked, ==, 1);
  g_ptr_array_unref (combos);
  kt_app_test_close (window);

  text = report_text (f);
  g_assert_null (strstr (text, "Ans de Vries"));
  g_assert_nonnull (strstr (text, "Samen de post openen"));
}

int
main (int argc, char *argv[])
{
  kt_app_test_init (&argc, &argv);

  g_test_add ("/plan/members/young-persons-words-and-goal-under-their-name", Fixture, NULL,
              fixture_set_up, test_plan_young_persons_words_and_goal_under_their_name, fixture_tear_down);
  g_test_add ("/plan/regisseur/resident-or-a-professional-with-a-reason", Fixture, NULL,
              fixture_set_up, test_plan_regisseur_resident_or_a_professional_with_a_reason, fixture_tear_down);
  g_test_add ("/plan/network/not-to-approach-is-never-offered-or-printed", Fixture, NULL,
              fixture_set_up, test_plan_not_to_approach_is_never_offered_or_printed, fixture_tear_down);
  g_test_add ("/plan/safety/section-is-required-when-flagged", Fixture, NULL,
              fixture_set_up, test_plan_safety_section_is_required_when_flagged, fixture_tear_down);
  g_test_add ("/plan/provision/tailored-requires-the-three-considerations", Fixture, NULL,
              fixture_set_up, test_plan_tailored_provision_requires_the_three_considerations, fixture_tear_down);
  g_test_add ("/plan/review/without-actions-or-agreement-question-cannot-be-submitted", Fixture, NULL,
              fixture_set_up, test_plan_without_actions_or_agreement_question_cannot_be_submitted,
              fixture_tear_down);
  g_test_add ("/plan/review/submitted-plan-is-read-only-until-a-new-version", Fixture, NULL,
              fixture_set_up, test_plan_submitted_plan_is_read_only_until_a_new_version, fixture_tear_down);
  g_test_add ("/plan/review/a-review-that-comes-in-is-brought-into-view", Fixture, NULL,
              fixture_set_up, test_plan_a_review_that_comes_in_is_brought_into_view, fixture_tear_down);
  g_test_add ("/plan/review/returned-comments-are-announced-but-hidden-while-watching", Fixture, NULL,
              fixture_set_up, test_plan_returned_comments_are_announced_but_hidden_while_watching,
              fixture_tear_down);
  g_test_add ("/plan/review/revised-draft-keeps-the-comments-and-lists-earlier-versions", Fixture, NULL,
              fixture_set_up, test_plan_revised_draft_keeps_the_comments_and_lists_earlier_versions,
              fixture_tear_down);
  g_test_add ("/plan/signature/keeps-strokes-normalised", Fixture, NULL,
              fixture_set_up, test_signature_pad_keeps_strokes_normalised, fixture_tear_down);
  g_test_add ("/plan/case-view/report-follows-the-open-case", Fixture, NULL,
              fixture_set_up, test_report_page_follows_the_open_case, fixture_tear_down);
  g_test_add ("/plan/question/starts-from-the-request", Fixture, NULL,
              fixture_set_up, test_plan_question_starts_from_the_request, fixture_tear_down);
  g_test_add ("/plan/clear/leaves-no-client-data", Fixture, NULL,
              fixture_set_up, test_plan_pages_clear_leaves_no_client_data, fixture_tear_down);
  g_test_add ("/plan/report/names-the-coach-not-the-account", Fixture, NULL,
              fixture_set_up, test_report_page_names_the_coach_not_the_account, fixture_tear_down);
  g_test_add ("/plan/report/preview-shows-every-page", Fixture, NULL,
              fixture_set_up, test_plan_screenshots_and_report_preview, fixture_tear_down);

  return g_test_run ();
}
