/* test-roles.c: the intaker's and the supervisor's views, under Xvfb
 *
 * With KT_SCREENSHOT_DIR set, each view is also saved there as a PNG at
 * 1280×800 (run with LANGUAGE=nl for the Dutch screenshots).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "kt-core.h"
#include "kt-a11y.h"
#include "kt-coach-list.h"
#include "kt-intaker-view-private.h"
#include "kt-peer-keys.h"
#include "kt-review-history.h"
#include "kt-review-page-private.h"
#include "kt-role-format.h"
#include "kt-role-view.h"
#include "kt-supervisor-inbox-private.h"
#include "kt-supervisor-view.h"
#include "kt-test-util.h"

#define DAY ((gint64) 24 * 3600)

/* Made-up households of a made-up team; "today" is Wednesday 25 November 2026. */
typedef struct {
  KtCatalogue *catalogue;
  GPtrArray   *coaches;
  GPtrArray   *cases;
  GPtrArray   *conversations;
  GPtrArray   *plans;
  GDate        today;
  gint64       noon;
} Demo;

static KtCase *
demo_case (Demo       *demo,
           const char *household,
           const char *coach,
           const char *request_date,
           KtPhase     phase)
{
  KtCase *kase = kt_case_new ();

  kase->household = g_strdup (household);
  kase->coach = g_strdup (coach);
  kase->team = g_strdup ("noord");
  kase->request.date = g_strdup (request_date);
  kase->request.question = g_strdup ("Hulp gevraagd");
  kase->phase = phase;
  kt_case_compute_deadlines (kase, 42, 7);
  g_ptr_array_add (demo->cases, kase);
  return kase;
}

static void
demo_concern (KtConversation *conversation,
              const char     *domain_id,
              const char     *concern,
              int             level)
{
  KtDomainEntry *entry = kt_conversation_find_entry (conversation, domain_id);

  entry->state = KT_DOMAIN_DISCUSSED;
  entry->concern = g_strdup (concern);
  entry->going_well = g_strdup ("Gaat redelijk");
  entry->level = level;
}

/* A complete conversation: every domain discussed, one skipped, some concerns. */
static KtConversation *
demo_conversation (Demo                *demo,
                   KtCase              *kase,
                   const char * const  *concerns)
{
  KtConversation *conversation = kt_catalogue_new_conversation (demo->catalogue, kase->header.id);

  conversation->date = g_strdup ("2026-11-10");
  for (guint i = 0; i < conversation->entries->len; i++)
    {
      KtDomainEntry *entry = g_ptr_array_index (conversation->entries, i);

      entry->state = KT_DOMAIN_DISCUSSED;
      entry->level = 4;
    }
  kt_conversation_find_entry (conversation, "justitie")->state = KT_DOMAIN_SKIPPED;
  kt_conversation_find_entry (conversation, "justitie")->skip_reason = g_strdup ("Niet aan de orde");
  for (guint i = 0; concerns[i] != NULL; i++)
    demo_concern (conversation, concerns[i], "Zorgen", 2);
  for (KtSegment s = 0; s < KT_N_SEGMENTS; s++)
    {
      conversation->wheel[s].current = (int) (s % 4);
      conversation->wheel[s].target = MIN ((int) (s % 4) + 1, KT_WHEEL_MAX);
    }
  conversation->complete = TRUE;
  g_ptr_array_add (demo->conversations, conversation);
  return conversation;
}

static KtPlan *
demo_plan (Demo          *demo,
           KtCase        *kase,
           int            version,
           KtReviewState  state,
           int            days_ago)
{
  KtPlan *plan = kt_plan_new ();
  const char *titles[] = { "Rust in de financiën", "Weer contact met de buren" };

  plan->case_id = g_strdup (kase->header.id);
  plan->version = version;
  plan->header.rev = 3;
  plan->author = g_strdup (kase->coach);
  plan->question = g_strdup ("“Ik wil weer overzicht over mijn post en rekeningen.”");
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      KtGoal *goal = kt_goal_new ();
      KtAction *action = kt_action_new ();

      goal->title = g_strdup (titles[i]);
      goal->domains = g_strdupv ((char *[]) { (char *) (i == 0 ? "geldzaken" : "netwerk"), NULL });
      goal->difference = g_strdup ("De brieven liggen niet meer ongeopend op tafel.");
      goal->evaluation_date = g_strdup ("2027-02-01");
      action->what = g_strdup ("Samen de post openen");
      action->actor = i == 0 ? KT_ACTOR_VOLUNTEER : KT_ACTOR_RESIDENT;
      action->due = g_strdup ("2026-12-15");
      g_ptr_array_add (goal->actions, action);
      g_ptr_array_add (plan->goals, goal);
    }
  plan->agreement.state = KT_AGREEMENT_AGREED;
  plan->agreement.remarks = g_strdup ("Ik doe mee.");
  plan->review = state;
  plan->submitted_at = demo->noon - days_ago * DAY;
  plan->header.updated = plan->submitted_at;
  g_ptr_array_add (demo->plans, plan);
  return plan;
}

static Demo *
demo_new (void)
{
  Demo *demo = g_new0 (Demo, 1);
  g_autoptr(GDateTime) noon = g_date_time_new_local (2026, 11, 25, 12, 0, 0);
  const char * const money[] = { "geldzaken", "wonen", "psychisch", NULL };
  const char * const lonely[] = { "netwerk", "meedoen", NULL };
  const char * const debts[] = { "geldzaken", "opvoeding", NULL };
  const char * const health[] = { "lichamelijk", "huishouden", "geldzaken", NULL };
  KtCase *jansen, *devries, *yilmaz, *bakker, *smit;
  KtPlan *returned;
  KtReviewComment *comment;

  demo->catalogue = kt_catalogue_new_builtin ();
  demo->coaches = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
  g_ptr_array_add (demo->coaches, kt_coach_new ("anna", "Anna de Boer", 3));
  g_ptr_array_add (demo->coaches, kt_coach_new ("ruben", "Ruben Kok", 2));
  g_ptr_array_add (demo->coaches, kt_coach_new ("sanne", "Sanne Mulder", 1));
  demo->cases = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_case_unref);
  demo->conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_conversation_unref);
  demo->plans = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_plan_unref);
  g_date_clear (&demo->today, 1);
  g_date_set_dmy (&demo->today, 25, 11, 2026);
  demo->noon = g_date_time_to_unix (noon);

  jansen = demo_case (demo, "Familie Jansen", "anna", "2026-10-20", KT_PHASE_PLAN);
  devries = demo_case (demo, "M. de Vries", "ruben", "2026-11-02", KT_PHASE_PLAN);
  yilmaz = demo_case (demo, "A. Yilmaz", "sanne", "2026-10-22", KT_PHASE_PLAN);
  bakker = demo_case (demo, "Familie Bakker", "anna", "2026-10-28", KT_PHASE_PLAN);
  smit = demo_case (demo, "Familie Smit", "ruben", "2026-06-01", KT_PHASE_SUPPORT);
  smit->evaluation_date = g_strdup ("2026-11-27");
  demo_case (demo, "J. Pietersen", "anna", "2026-10-01", KT_PHASE_CONVERSATION);
  demo_case (demo, "Familie El Amrani", NULL, "2026-11-23", KT_PHASE_REGISTERED);
  demo_case (demo, "R. Visser", NULL, "2026-11-20", KT_PHASE_REGISTERED);

  demo_conversation (demo, jansen, money);
  demo_conversation (demo, devries, lonely);
  demo_conversation (demo, yilmaz, debts);
  demo_conversation (demo, bakker, health);
  demo_conversation (demo, smit, money);

  demo_plan (demo, jansen, 1, KT_REVIEW_SUBMITTED, 9);
  demo_plan (demo, devries, 1, KT_REVIEW_SUBMITTED, 0);
  returned = demo_plan (demo, yilmaz, 1, KT_REVIEW_RETURNED, 10);
  returned->reviewer = g_strdup ("super");
  comment = kt_review_comment_new ();
  comment->author = g_strdup ("super");
  comment->text = g_strdup ("Wie helpt bij de post? Noem een naam uit het netwerk.");
  g_ptr_array_add (returned->comments, comment);
  demo_plan (demo, yilmaz, 2, KT_REVIEW_SUBMITTED, 1);
  demo_plan (demo, bakker, 1, KT_REVIEW_SUBMITTED, 3);
  demo_plan (demo, smit, 1, KT_REVIEW_APPROVED, 60);
  return demo;
}

static void
demo_free (Demo *demo)
{
  g_clear_object (&demo->catalogue);
  g_ptr_array_unref (demo->coaches);
  g_ptr_array_unref (demo->cases);
  g_ptr_array_unref (demo->conversations);
  g_ptr_array_unref (demo->plans);
  g_free (demo);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Demo, demo_free)

static KtCase *
demo_find_case (Demo       *demo,
                const char *household)
{
  for (guint i = 0; i < demo->cases->len; i++)
    {
      KtCase *kase = g_ptr_array_index (demo->cases, i);

      if (g_strcmp0 (kase->household, household) == 0)
        return kase;
    }
  g_assert_not_reached ();
}

static const char *
entry_household (KtReviewInboxEntry *entry)
{
  return entry->kase != NULL ? entry->kase->household : NULL;
}

/* Windows and screenshots */

static void
wait_for_frames (void)
{
  /* Let layout happen; a few real frames only when taking screenshots. */
  guint n = g_getenv ("KT_SCREENSHOT_DIR") != NULL ? 20 : 2;

  for (guint i = 0; i < n; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10 * 1000);
    }
}

static void
wait_until_mapped (GtkWidget  *widget,
                   const char *what)
{
  for (guint i = 0; i < 10000 && !gtk_widget_get_mapped (widget); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  if (!gtk_widget_get_mapped (widget))
    g_error ("Not on screen: %s (window %d px wide)", what,
             gtk_widget_get_width (GTK_WIDGET (gtk_widget_get_root (widget))));
}

static GtkWindow *
show_in_window (GtkWidget *widget)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, 1280, 800);
  gtk_window_set_child (window, widget);
  gtk_window_present (window);
  /* Up to ten seconds, as the other waits for the screen here: the half
   * second this waited is little for a first window on two busy cores. */
  wait_until_mapped (widget, G_OBJECT_TYPE_NAME (widget));
  wait_for_frames ();
  return window;
}

/* Saves @window as $KT_SCREENSHOT_DIR/@name.png when the variable is set. */
static void
maybe_screenshot (GtkWindow  *window,
                  const char *name)
{
  const char *dir = g_getenv ("KT_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL || *dir == '\0')
    return;
  wait_for_frames ();
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);
  g_mkdir_with_parents (dir, 0755);
  file = g_strdup_printf ("%s.png", name);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%dx%d)", path, width, height);
}

static void
count_paint (GdkFrameClock *clock,
             guint         *paints)
{
  (*paints)++;
}

/* The screenshot tour (tests/app/take-screenshots): @window at a phone, a
 * tablet held upright, a laptop and a desktop, light, dark and with large
 * text (text scaling 1.5, gtk-xft-dpi in GTK 4.8), each laid out and drawn
 * before it is saved as NAME-WxH-LOOK.png. */
static void
screenshot_tour (GtkWindow  *window,
                 const char *name)
{
  static const int sizes[][2] = { { 360, 740 }, { 800, 1280 }, { 1280, 800 }, { 1920, 1080 } };
  static const char *looks[] = { "light", "dark", "large-text" };

  if (g_getenv ("KT_SCREENSHOT_DIR") == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint j = 0; j < G_N_ELEMENTS (looks); j++)
      {
        g_autofree char *shot = g_strdup_printf ("%s-%dx%d-%s", name, sizes[i][0], sizes[i][1], looks[j]);
        GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
        guint paints = 0;
        gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paint), &paints);

        adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                            j == 1 ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
        g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", (int) (96 * 1024 * (j == 2 ? 1.5 : 1.0)),
                      "gtk-decoration-layout", "appmenu:close", NULL);
        gtk_window_set_default_size (window, sizes[i][0], sizes[i][1]);
        gtk_widget_queue_resize (GTK_WIDGET (window));
        for (guint k = 0; k < 5000 && paints < 2; k++)
          {
            g_main_context_iteration (NULL, FALSE);
            g_usleep (1000);
          }
        g_signal_handler_disconnect (clock, id);
        maybe_screenshot (window, shot);
      }
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", 96 * 1024, NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (window, 1280, 800);
  wait_for_frames ();
}

/* Every editable widget under @widget (GtkEditable that is editable,
 * editable GtkTextView, and other input widgets) that lacks @allowed_class. */
static void
collect_inputs (GtkWidget  *widget,
                const char *allowed_class,
                GPtrArray  *found)
{
  gboolean input = FALSE;

  if (GTK_IS_TEXT_VIEW (widget))
    input = gtk_text_view_get_editable (GTK_TEXT_VIEW (widget));
  else if (GTK_IS_EDITABLE (widget) && gtk_editable_get_delegate (GTK_EDITABLE (widget)) == NULL)
    input = gtk_editable_get_editable (GTK_EDITABLE (widget));
  else if (GTK_IS_SWITCH (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_TOGGLE_BUTTON (widget)
           || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_SCALE (widget) || GTK_IS_DROP_DOWN (widget))
    input = TRUE;

  if (input && gtk_widget_is_sensitive (widget)
      && (allowed_class == NULL || !gtk_widget_has_css_class (widget, allowed_class)))
    {
      /* The text inside an allowed entry is part of it. */
      GtkWidget *parent = gtk_widget_get_parent (widget);

      if (parent == NULL || allowed_class == NULL || !gtk_widget_has_css_class (parent, allowed_class))
        g_ptr_array_add (found, widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_inputs (child, allowed_class, found);
}

static void
set_text_view (GtkTextView *view,
               const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

/* Tests */

static void
test_role_chooses_the_main_view (void)
{
  GtkWidget *coach_view = g_object_ref_sink (gtk_label_new ("coach"));
  GtkWidget *intaker = g_object_ref_sink (kt_role_view_new_for_role ("intaker", coach_view, "ilse", "noord"));
  GtkWidget *supervisor = g_object_ref_sink (kt_role_view_new_for_role ("supervisor", coach_view, "super", "noord"));
  GtkWidget *admin = g_object_ref_sink (kt_role_view_new_for_role ("admin", coach_view, "root", NULL));

  g_assert_true (kt_role_view_new_for_role ("wijkcoach", coach_view, "anna", "noord") == coach_view);
  g_assert_true (KT_IS_INTAKER_VIEW (intaker));
  g_assert_true (KT_IS_SUPERVISOR_VIEW (supervisor));
  g_assert_true (ADW_IS_STATUS_PAGE (admin));
  g_assert_cmpint (kt_role_from_string ("wijkcoach"), ==, KT_ROLE_COACH);
  g_assert_cmpint (kt_role_from_string ("intaker"), ==, KT_ROLE_INTAKER);
  g_assert_cmpint (kt_role_from_string ("supervisor"), ==, KT_ROLE_SUPERVISOR);
  g_assert_cmpint (kt_role_from_string ("admin"), ==, KT_ROLE_NONE);
  g_assert_cmpint (kt_role_from_string (NULL), ==, KT_ROLE_NONE);

  /* The supervisor's view holds the inbox and the team view. */
  g_assert_nonnull (adw_view_stack_get_child_by_name (kt_supervisor_view_get_stack (KT_SUPERVISOR_VIEW (supervisor)),
                                                      "inbox"));
  g_assert_nonnull (adw_view_stack_get_child_by_name (kt_supervisor_view_get_stack (KT_SUPERVISOR_VIEW (supervisor)),
                                                      "team"));

  g_object_unref (intaker);
  g_object_unref (supervisor);
  g_object_unref (admin);
  g_object_unref (coach_view);
}

static void
test_inbox_sorts_overdue_first (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *view = kt_supervisor_view_new ();
  KtSupervisorInbox *inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (view));
  GtkWindow *window;
  GPtrArray *entries;
  GtkListBoxRow *first;
  KtReviewInboxFilter filter;

  kt_supervisor_view_set_catalogue (KT_SUPERVISOR_VIEW (view), demo->catalogue);
  kt_supervisor_view_set_coaches (KT_SUPERVISOR_VIEW (view), demo->coaches);
  kt_supervisor_view_set_today (KT_SUPERVISOR_VIEW (view), &demo->today);
  kt_supervisor_view_set_records (KT_SUPERVISOR_VIEW (view), demo->cases, demo->conversations, demo->plans);
  window = show_in_window (view);

  entries = kt_supervisor_inbox_get_entries (inbox);
  /* Four plans wait; the approved one and Yilmaz's returned first version do not show. */
  g_assert_cmpuint (entries->len, ==, 4);
  g_assert_cmpstr (entry_household (g_ptr_array_index (entries, 0)), ==, "Familie Jansen");
  g_assert_true (((KtReviewInboxEntry *) g_ptr_array_index (entries, 0))->overdue);
  g_assert_cmpstr (entry_household (g_ptr_array_index (entries, 1)), ==, "M. de Vries");
  g_assert_cmpstr (entry_household (g_ptr_array_index (entries, 2)), ==, "A. Yilmaz");
  g_assert_cmpint (((KtReviewInboxEntry *) g_ptr_array_index (entries, 2))->plan->version, ==, 2);
  g_assert_cmpstr (entry_household (g_ptr_array_index (entries, 3)), ==, "Familie Bakker");
  /* The list shows them in that order. */
  first = gtk_list_box_get_row_at_index (kt_supervisor_inbox_get_list (inbox), 0);
  g_assert_true (g_object_get_data (G_OBJECT (first), "entry") == g_ptr_array_index (entries, 0));
  g_assert_cmpuint (kt_supervisor_inbox_get_n_waiting (inbox), ==, 4);

  /* Open the one that waits longest, as the supervisor would. */
  g_assert_true (kt_supervisor_inbox_open (inbox, ((KtReviewInboxEntry *) g_ptr_array_index (entries, 0))->plan->header.id));
  maybe_screenshot (window, "supervisor-inbox");
  screenshot_tour (window, "supervisor-inbox");

  /* Filter by coach: Anna's two plans, the overdue one first. */
  kt_review_inbox_filter_init_default (&filter);
  filter.coach = "anna";
  kt_supervisor_inbox_set_filter (inbox, &filter);
  entries = kt_supervisor_inbox_get_entries (inbox);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (entry_household (g_ptr_array_index (entries, 0)), ==, "Familie Jansen");
  g_assert_cmpstr (entry_household (g_ptr_array_index (entries, 1)), ==, "Familie Bakker");

  /* Only late ones. */
  kt_review_inbox_filter_init_default (&filter);
  filter.deadline = KT_REVIEW_INBOX_DEADLINE_OVERDUE;
  kt_supervisor_inbox_set_filter (inbox, &filter);
  g_assert_cmpuint (kt_supervisor_inbox_get_entries (inbox)->len, ==, 1);

  /* The team view, same records. */
  adw_view_stack_set_visible_child_name (kt_supervisor_view_get_stack (KT_SUPERVISOR_VIEW (view)), "team");
  maybe_screenshot (window, "supervisor-team");

  gtk_window_destroy (window);
}

/* Issue 22: records that come by sync add their rows to the inbox; the
 * rows of the plans already listed stay the same widgets, not the whole
 * list made again for every batch. */
static void
test_inbox_updates_only_the_rows_that_changed (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *view = kt_supervisor_view_new ();
  KtSupervisorInbox *inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (view));
  GtkListBox *list = kt_supervisor_inbox_get_list (inbox);
  g_autoptr(GPtrArray) before = g_ptr_array_new ();
  GPtrArray *entries;
  KtCase *kase;
  KtPlan *plan;
  guint kept = 0;

  kt_supervisor_view_set_catalogue (KT_SUPERVISOR_VIEW (view), demo->catalogue);
  kt_supervisor_view_set_coaches (KT_SUPERVISOR_VIEW (view), demo->coaches);
  kt_supervisor_view_set_today (KT_SUPERVISOR_VIEW (view), &demo->today);
  kt_supervisor_view_set_records (KT_SUPERVISOR_VIEW (view), demo->cases, demo->conversations, demo->plans);
  g_object_ref_sink (view);
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (list, before->len)) != NULL;)
    g_ptr_array_add (before, row);
  g_assert_cmpuint (before->len, ==, 4);

  /* A new household's plan, submitted today, and the same records again. */
  kase = demo_case (demo, "Familie Nieuw", "anna", "2026-11-30", KT_PHASE_PLAN);
  plan = demo_plan (demo, kase, 1, KT_REVIEW_SUBMITTED, 0);
  kt_supervisor_view_set_records (KT_SUPERVISOR_VIEW (view), demo->cases, demo->conversations, demo->plans);

  entries = kt_supervisor_inbox_get_entries (inbox);
  g_assert_cmpuint (entries->len, ==, 5);
  for (guint i = 0; i < entries->len; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);
      KtReviewInboxEntry *entry = g_object_get_data (G_OBJECT (row), "entry");

      /* Every row points at the entry of the new list in its place. */
      g_assert_true (entry == g_ptr_array_index (entries, i));
      if (g_ptr_array_find (before, row, NULL))
        kept++;
      else
        g_assert_true (entry->plan == plan);
    }
  g_assert_cmpuint (kept, ==, 4);
  g_assert_null (gtk_list_box_get_row_at_index (list, 5));

  g_object_unref (view);
}

/* Eighty households with a plan submitted for review, and what the
 * supervisor's view needs to show them. */
static void
fill_eighty_plans (Demo      *demo,
                   GtkWidget *view)
{
  for (guint i = 0; i < 80; i++)
    {
      g_autofree char *name = g_strdup_printf ("Familie %u", i);
      KtCase *kase = demo_case (demo, name, "anna", "2026-11-30", KT_PHASE_PLAN);

      demo_plan (demo, kase, 1, KT_REVIEW_SUBMITTED, i % 20);
    }
  kt_supervisor_view_set_catalogue (KT_SUPERVISOR_VIEW (view), demo->catalogue);
  kt_supervisor_view_set_coaches (KT_SUPERVISOR_VIEW (view), demo->coaches);
  kt_supervisor_view_set_today (KT_SUPERVISOR_VIEW (view), &demo->today);
}

/* Issue 22: the records the role controller brings (the whole team's)
 * are built into the inbox on a thread and their rows come a slice at a
 * time (off screen, as here, a slice an idle turn); until the last row is
 * in, the view says it is not done, and then every row points at its
 * entry, in order. */
static void
test_inbox_fills_a_slice_a_turn (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *view = kt_supervisor_view_new ();
  KtSupervisorInbox *inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (view));
  GtkListBox *list = kt_supervisor_inbox_get_list (inbox);
  gboolean seen_part = FALSE;
  GPtrArray *entries;
  guint n_rows = 0;

  fill_eighty_plans (demo, view);
  g_object_ref_sink (view);
  kt_supervisor_view_update_records (KT_SUPERVISOR_VIEW (view), demo->cases, demo->conversations, demo->plans);
  /* Built on a thread: not there yet, and not done. */
  g_assert_true (kt_supervisor_view_get_loading (KT_SUPERVISOR_VIEW (view)));
  g_assert_null (gtk_list_box_get_row_at_index (list, 0));
  for (guint i = 0; i < 20000 && kt_supervisor_view_get_loading (KT_SUPERVISOR_VIEW (view)); i++)
    {
      guint rows = 0;

      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
      while (gtk_list_box_get_row_at_index (list, rows) != NULL)
        rows++;
      entries = kt_supervisor_inbox_get_entries (inbox);
      seen_part |= rows > 0 && rows < entries->len;
    }
  g_assert_false (kt_supervisor_view_get_loading (KT_SUPERVISOR_VIEW (view)));
  g_assert_true (seen_part);

  entries = kt_supervisor_inbox_get_entries (inbox);
  g_assert_cmpuint (entries->len, ==, 84);   /* the demo's 4 waiting, and the 80 */
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (list, n_rows)) != NULL; n_rows++)
    g_assert_true (g_object_get_data (G_OBJECT (row), "entry") == g_ptr_array_index (entries, n_rows));
  g_assert_cmpuint (n_rows, ==, entries->len);

  g_object_unref (view);
}

typedef struct {
  GtkListBox *list;
  guint       rows;         /* at the frame before */
  guint       most;         /* the most rows a frame took */
  guint       n_frames;
} FrameRows;

static void
count_frame_rows (GdkFrameClock *clock,
                  FrameRows     *seen)
{
  guint rows = 0;

  while (gtk_list_box_get_row_at_index (seen->list, rows) != NULL)
    rows++;
  seen->most = MAX (seen->most, rows > seen->rows ? rows - seen->rows : 0);
  seen->rows = rows;
  seen->n_frames++;
}

static void
iterate_while_loading (KtSupervisorView *view)
{
  for (guint i = 0; i < 20000 && kt_supervisor_view_get_loading (view); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  g_assert_false (kt_supervisor_view_get_loading (view));
}

/* Issue 22: on screen, the inbox's new rows come a slice a drawn frame,
 * so no frame measures more of them (idle turns come several times between
 * two frames); taken off screen half-way, where no frame comes, the rest
 * still comes.  Either way every row points at its entry, in order. */
static void
test_inbox_fills_a_slice_a_frame (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *view = kt_supervisor_view_new ();
  KtSupervisorInbox *inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (view));
  GtkListBox *list = kt_supervisor_inbox_get_list (inbox);
  FrameRows seen = { .list = list };
  GdkFrameClock *clock;
  GtkWindow *window;
  GPtrArray *entries;
  gulong handler;
  guint n_rows = 0;

  fill_eighty_plans (demo, view);
  window = show_in_window (view);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame_rows), &seen);

  kt_supervisor_view_update_records (KT_SUPERVISOR_VIEW (view), demo->cases, demo->conversations, demo->plans);
  iterate_while_loading (KT_SUPERVISOR_VIEW (view));
  entries = kt_supervisor_inbox_get_entries (inbox);
  g_assert_cmpuint (entries->len, ==, 84);
  g_assert_cmpuint (seen.most, >, 0);
  g_assert_cmpuint (seen.most, <=, KT_SUPERVISOR_INBOX_ROW_SLICE);
  g_assert_cmpuint (seen.n_frames, >=, 84 / KT_SUPERVISOR_INBOX_ROW_SLICE);
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (list, n_rows)) != NULL; n_rows++)
    g_assert_true (g_object_get_data (G_OBJECT (row), "entry") == g_ptr_array_index (entries, n_rows));
  g_assert_cmpuint (n_rows, ==, entries->len);
  g_clear_signal_handler (&handler, clock);

  /* Forty more, and the view taken off screen once their first slice is in
   * (the entries taken), the rest waiting for frames. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("Familie Nieuw %u", i);
      KtCase *kase = demo_case (demo, name, "anna", "2026-11-30", KT_PHASE_PLAN);

      demo_plan (demo, kase, 1, KT_REVIEW_SUBMITTED, 0);
    }
  kt_supervisor_view_update_records (KT_SUPERVISOR_VIEW (view), demo->cases, demo->conversations, demo->plans);
  for (guint i = 0; i < 20000 && kt_supervisor_inbox_get_entries (inbox)->len < 124; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
  g_assert_true (kt_supervisor_view_get_loading (KT_SUPERVISOR_VIEW (view)));
  g_object_ref (view);
  gtk_window_set_child (window, NULL);
  g_assert_false (gtk_widget_get_mapped (view));
  iterate_while_loading (KT_SUPERVISOR_VIEW (view));
  entries = kt_supervisor_inbox_get_entries (inbox);
  g_assert_cmpuint (entries->len, ==, 124);
  for (n_rows = 0; gtk_list_box_get_row_at_index (list, n_rows) != NULL; n_rows++)
    g_assert_true (g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (list, n_rows)), "entry") ==
                   g_ptr_array_index (entries, n_rows));
  g_assert_cmpuint (n_rows, ==, entries->len);

  g_object_unref (view);
  gtk_window_destroy (window);
}

/* On a tablet held upright the inbox folds: an opened plan takes the
 * screen and All Plans brings the list back (issue 21). */
static void
test_inbox_folds_on_a_tablet (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *view = kt_supervisor_view_new ();
  KtSupervisorInbox *inbox = kt_supervisor_view_get_inbox (KT_SUPERVISOR_VIEW (view));
  GtkWidget *list = GTK_WIDGET (kt_supervisor_inbox_get_list (inbox));
  GtkWidget *back;
  GtkWindow *window;
  GPtrArray *entries;

  kt_supervisor_view_set_catalogue (KT_SUPERVISOR_VIEW (view), demo->catalogue);
  kt_supervisor_view_set_coaches (KT_SUPERVISOR_VIEW (view), demo->coaches);
  kt_supervisor_view_set_today (KT_SUPERVISOR_VIEW (view), &demo->today);
  kt_supervisor_view_set_records (KT_SUPERVISOR_VIEW (view), demo->cases, demo->conversations, demo->plans);
  window = show_in_window (view);
  gtk_window_set_default_size (window, 800, 1280);
  back = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (inbox), KT_TYPE_SUPERVISOR_INBOX, "back_button"));
  entries = kt_supervisor_inbox_get_entries (inbox);
  g_assert_true (kt_supervisor_inbox_open (inbox, ((KtReviewInboxEntry *) g_ptr_array_index (entries, 0))->plan->header.id));
  wait_until_mapped (back, "the way back to the list");
  g_assert_true (gtk_widget_is_sensitive (back));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, 800);
  g_assert_true (gtk_widget_activate (back));
  wait_until_mapped (list, "the list");

  /* Side by side on a laptop: no way back needed. */
  gtk_window_set_default_size (window, 1280, 800);
  wait_until_mapped (GTK_WIDGET (kt_supervisor_inbox_get_review_page (inbox)), "the plan beside the list");
  wait_for_frames ();
  g_assert_true (gtk_widget_get_mapped (list));
  gtk_window_destroy (window);
}

typedef struct {
  guint            n_decided;
  KtReviewDecision decision;
  char            *comment;
  guint            n_goal_comments;
} Decided;

static void
on_decided (KtReviewPage *page,
            KtPlan       *plan,
            KtReview     *review,
            Decided      *decided)
{
  decided->n_decided++;
  decided->decision = review->decision;
  g_free (decided->comment);
  decided->comment = g_strdup (review->comment);
  decided->n_goal_comments = review->goal_comments->len;
}

static KtPlan *
find_plan (Demo       *demo,
           const char *household,
           int         version)
{
  KtCase *kase = demo_find_case (demo, household);

  for (guint i = 0; i < demo->plans->len; i++)
    {
      KtPlan *plan = g_ptr_array_index (demo->plans, i);

      if (g_strcmp0 (plan->case_id, kase->header.id) == 0 && plan->version == version)
        return plan;
    }
  g_assert_not_reached ();
}

static void
test_return_without_comment_is_refused (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *inbox_widget = kt_supervisor_inbox_new ();
  KtSupervisorInbox *inbox = KT_SUPERVISOR_INBOX (inbox_widget);
  KtReviewPage *page = kt_supervisor_inbox_get_review_page (inbox);
  KtPlan *plan = find_plan (demo, "A. Yilmaz", 2);
  Decided decided = { 0 };
  GtkWindow *window;
  GPtrArray *goal_entries;

  kt_supervisor_inbox_set_catalogue (inbox, demo->catalogue);
  kt_supervisor_inbox_set_coaches (inbox, demo->coaches);
  kt_supervisor_inbox_set_today (inbox, &demo->today);
  kt_supervisor_inbox_set_records (inbox, demo->cases, demo->conversations, demo->plans);
  g_signal_connect (page, "decided", G_CALLBACK (on_decided), &decided);
  window = show_in_window (inbox_widget);
  g_assert_true (kt_supervisor_inbox_open (inbox, plan->header.id));
  wait_for_frames ();
  maybe_screenshot (window, "supervisor-review");

  /* Returning with nothing written: refused, said why, nothing sent. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.return", NULL));
  g_assert_cmpuint (decided.n_decided, ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (kt_review_page_get_error_label (page))));
  g_assert_cmpstr (gtk_label_get_label (kt_review_page_get_error_label (page)), !=, "");

  /* Blank lines are still no comment. */
  set_text_view (kt_review_page_get_comment_view (page), "  \n  ");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.return", NULL));
  g_assert_cmpuint (decided.n_decided, ==, 0);

  /* A comment on one goal is enough. */
  goal_entries = kt_review_page_get_goal_entries (page);
  g_assert_cmpuint (goal_entries->len, ==, plan->goals->len);
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (goal_entries, 1)), "Wie uit het netwerk helpt?");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.return", NULL));
  g_assert_cmpuint (decided.n_decided, ==, 1);
  g_assert_cmpint (decided.decision, ==, KT_REVIEW_DECISION_RETURN);
  g_assert_null (decided.comment);
  g_assert_cmpuint (decided.n_goal_comments, ==, 1);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kt_review_page_get_error_label (page))));

  /* Approving needs no comment. */
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (goal_entries, 1)), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.approve", NULL));
  g_assert_cmpuint (decided.n_decided, ==, 2);
  g_assert_cmpint (decided.decision, ==, KT_REVIEW_DECISION_APPROVE);

  gtk_window_destroy (window);
  g_free (decided.comment);
}

/* The texts of the labels under @widget, appended to @texts. */
static void
collect_label_texts (GtkWidget *widget,
                     GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_label_texts (child, texts);
}

/* An action without a date says so in words on the supervisor's page, not
 * with a dash at the end of the sentence. */
static void
test_review_page_says_an_action_has_no_date (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *inbox_widget = kt_supervisor_inbox_new ();
  KtSupervisorInbox *inbox = KT_SUPERVISOR_INBOX (inbox_widget);
  KtReviewPage *page = kt_supervisor_inbox_get_review_page (inbox);
  KtPlan *plan = find_plan (demo, "Familie Jansen", 1);
  KtAction *action = g_ptr_array_index (((KtGoal *) g_ptr_array_index (plan->goals, 1))->actions, 0);
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  GtkWindow *window;
  gboolean said = FALSE;

  g_clear_pointer (&action->due, g_free);
  kt_supervisor_inbox_set_catalogue (inbox, demo->catalogue);
  kt_supervisor_inbox_set_today (inbox, &demo->today);
  kt_supervisor_inbox_set_records (inbox, demo->cases, demo->conversations, demo->plans);
  window = show_in_window (inbox_widget);
  g_assert_true (kt_supervisor_inbox_open (inbox, plan->header.id));
  wait_for_frames ();

  collect_label_texts (GTK_WIDGET (page), texts);
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);

      g_assert_false (g_str_has_prefix (text, "• ") && g_str_has_suffix (text, ", —"));
      if (g_strcmp0 (text, "• Samen de post openen — the resident, no date") == 0)
        said = TRUE;
    }
  g_assert_true (said);

  gtk_window_destroy (window);
}

static void
on_decided_apply (KtReviewPage *page,
                  KtPlan       *plan,
                  KtReview     *review,
                  guint        *n_applied)
{
  g_autoptr(GError) error = NULL;

  (*n_applied)++;

  /* What the server does with the request, done here on the record. */
  g_assert_true (kt_review_apply (review, plan, "super", g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

static void
test_review_page_cannot_edit_the_plan (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *inbox_widget = kt_supervisor_inbox_new ();
  KtSupervisorInbox *inbox = KT_SUPERVISOR_INBOX (inbox_widget);
  KtReviewPage *page = kt_supervisor_inbox_get_review_page (inbox);
  KtPlan *plan = find_plan (demo, "Familie Jansen", 1);
  g_autoptr(KtPlan) before = kt_plan_copy (plan);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new ();
  g_autoptr(GPtrArray) comments = g_ptr_array_new ();
  GtkWindow *window;
  guint n_applied = 0;

  kt_supervisor_inbox_set_catalogue (inbox, demo->catalogue);
  kt_supervisor_inbox_set_today (inbox, &demo->today);
  kt_supervisor_inbox_set_records (inbox, demo->cases, demo->conversations, demo->plans);
  window = show_in_window (inbox_widget);
  g_assert_true (kt_supervisor_inbox_open (inbox, plan->header.id));
  wait_for_frames ();

  /* The only things a supervisor can type into are the review comments:
   * one per goal and one for the whole plan. */
  collect_inputs (GTK_WIDGET (page), "review-comment", inputs);
  for (guint i = 0; i < inputs->len; i++)
    g_test_message ("editable widget on the review page: %s", G_OBJECT_TYPE_NAME (g_ptr_array_index (inputs, i)));
  g_assert_cmpuint (inputs->len, ==, 0);
  collect_inputs (GTK_WIDGET (page), NULL, comments);
  g_assert_cmpuint (comments->len, >=, plan->goals->len + 1);

  /* The wheel is read-only: tapping all over it changes no level. */
  {
    GtkWidget *wheel = GTK_WIDGET (kt_review_page_get_wheel (page));
    KtConversation *conversation = NULL;
    int before_levels[KT_N_SEGMENTS][2];

    for (guint i = 0; i < demo->conversations->len; i++)
      if (g_strcmp0 (((KtConversation *) g_ptr_array_index (demo->conversations, i))->case_id, plan->case_id) == 0)
        conversation = g_ptr_array_index (demo->conversations, i);
    g_assert_nonnull (conversation);
    for (KtSegment s = 0; s < KT_N_SEGMENTS; s++)
      {
        before_levels[s][0] = conversation->wheel[s].current;
        before_levels[s][1] = conversation->wheel[s].target;
      }
    g_assert_cmpint (gtk_widget_get_width (wheel), >, 0);
    for (int x = 0; x < gtk_widget_get_width (wheel); x += 7)
      for (int y = 0; y < gtk_widget_get_height (wheel); y += 7)
        kt_wheel_tap (KT_WHEEL (wheel), x, y);
    for (KtSegment s = 0; s < KT_N_SEGMENTS; s++)
      {
        g_assert_cmpint (conversation->wheel[s].current, ==, before_levels[s][0]);
        g_assert_cmpint (conversation->wheel[s].target, ==, before_levels[s][1]);
      }
  }

  /* Deciding changes the review, never the content. */
  g_signal_connect (page, "decided", G_CALLBACK (on_decided_apply), &n_applied);
  set_text_view (kt_review_page_get_comment_view (page), "Graag de afspraken met de buurvrouw opnemen.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "review.return", NULL));
  g_assert_cmpuint (n_applied, ==, 1);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_RETURNED);
  g_assert_true (kt_review_check_content_unchanged (before, plan, NULL));

  /* Once decided, the page shows the result and offers no more decisions. */
  kt_supervisor_inbox_set_records (inbox, demo->cases, demo->conversations, demo->plans);
  kt_review_page_set_plan (page, plan, demo_find_case (demo, "Familie Jansen"), NULL, NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "review.approve", NULL);
  g_assert_cmpuint (n_applied, ==, 1);
  g_assert_cmpint (plan->review, ==, KT_REVIEW_RETURNED);
  g_ptr_array_set_size (inputs, 0);
  collect_inputs (GTK_WIDGET (page), NULL, inputs);
  for (guint i = 0; i < inputs->len; i++)
    g_assert_false (gtk_widget_is_drawable (g_ptr_array_index (inputs, i)));

  gtk_window_destroy (window);
}

typedef struct {
  guint   n_registered;
  KtCase *kase;
} Registered;

static void
on_registered (KtIntakerView *view,
               KtCase        *kase,
               Registered    *registered)
{
  registered->n_registered++;
  g_clear_pointer (&registered->kase, kt_case_unref);
  registered->kase = kt_case_ref (kase);
}

static void
fill_intake (KtIntakerView *view)
{
  gtk_editable_set_text (kt_intaker_view_get_household_row (view), "Familie Demir");
  set_text_view (kt_intaker_view_get_question_view (view),
                 "Ik krijg steeds aanmaningen en durf de post niet meer open te maken.");
}

/* Whether a label under @widget reads @text. */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

/* Resizes @window and waits until the view took the new width (the
 * header changes on the next idle after the allocation). */
static void
resize_and_wait (GtkWindow *window,
                 int        width,
                 int        height)
{
  gtk_window_set_default_size (window, width, height);
  gtk_widget_queue_resize (GTK_WIDGET (window));
  for (guint i = 0; i < 5000 && gtk_widget_get_width (GTK_WIDGET (window)) != width; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  for (guint i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10 * 1000);
    }
}

/* On a tablet held upright (800 px) the intaker's page switcher goes to a
 * bar at the bottom, with the title in the header; on the laptop (1280 px)
 * it is in the header.  Its pages are named for a screen reader there too. */
static void
test_intaker_switcher_moves_to_the_bottom_when_narrow (void)
{
  GtkWidget *widget = kt_intaker_view_new ();
  KtIntakerView *view = KT_INTAKER_VIEW (widget);
  GtkWindow *window;
  AdwViewSwitcherBar *bar;
  g_autofree char *layout = NULL;

  /* The window's buttons as the walk had them: three of them. */
  g_object_get (gtk_settings_get_default (), "gtk-decoration-layout", &layout, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "appmenu:minimize,maximize,close", NULL);
  kt_intaker_view_set_account (view, "ilse", "noord");
  window = show_in_window (widget);
  bar = ADW_VIEW_SWITCHER_BAR (gtk_widget_get_template_child (widget, KT_TYPE_INTAKER_VIEW, "switcher_bar"));
  g_assert_true (kt_intaker_view_get_switcher_in_header (view));
  g_assert_false (adw_view_switcher_bar_get_reveal (bar));

  resize_and_wait (window, 800, 1280);
  g_assert_false (kt_intaker_view_get_switcher_in_header (view));
  g_assert_true (adw_view_switcher_bar_get_reveal (bar));
  maybe_screenshot (window, "intaker-800x1280");

  resize_and_wait (window, 1280, 800);
  g_assert_true (kt_intaker_view_get_switcher_in_header (view));
  g_assert_false (adw_view_switcher_bar_get_reveal (bar));
  maybe_screenshot (window, "intaker-1280x800");
  gtk_window_destroy (window);
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", layout, NULL);
}

static void
test_intaker_registers_and_assigns (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *widget = kt_intaker_view_new ();
  KtIntakerView *view = KT_INTAKER_VIEW (widget);
  Registered registered = { 0 };
  g_autofree char *today = kt_date_today ();
  g_autoptr(KtCase) assigned = NULL;
  g_autoptr(GPtrArray) listed = g_ptr_array_new ();
  g_autoptr(GHashTable) keyless = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWindow *window;

  kt_intaker_view_set_account (view, "ilse", "noord");
  kt_intaker_view_set_coaches (view, demo->coaches);
  kt_intaker_view_set_periods (view, 42, 7);
  g_signal_connect (view, "registered", G_CALLBACK (on_registered), &registered);
  window = show_in_window (widget);

  /* How the request came in, in the words the coach's request page uses
   * (it said "Telefoon" where the intaker said "Telefonisch"). */
  {
    AdwComboRow *channel_row = ADW_COMBO_ROW (gtk_widget_get_template_child (widget, KT_TYPE_INTAKER_VIEW,
                                                                             "channel_row"));
    GListModel *channels = adw_combo_row_get_model (channel_row);

    g_assert_cmpuint (g_list_model_get_n_items (channels), ==, KT_N_CHANNELS);
    for (guint i = 0; i < KT_N_CHANNELS; i++)
      g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (channels), i), ==,
                       kt_channel_get_label ((KtChannel) i));
  }

  /* An empty form registers nothing. */
  g_assert_true (gtk_widget_activate_action (widget, "intake.assign", "s", "anna"));
  g_assert_cmpuint (registered.n_registered, ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (kt_intaker_view_get_error_label (view))));

  fill_intake (view);
  /* Filling in what was missing takes the complaint away. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kt_intaker_view_get_error_label (view))));
  gtk_switch_set_active (kt_intaker_view_get_safety_switch (view), TRUE);
  g_assert_true (gtk_widget_activate_action (widget, "intake.show-coaches", NULL));
  wait_for_frames ();
  maybe_screenshot (window, "intaker-registration");
  {
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (kt_intaker_view_get_scroller (view));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    maybe_screenshot (window, "intaker-assign");
  }

  /* A name that is not in the team's list is refused. */
  g_assert_true (gtk_widget_activate_action (widget, "intake.assign", "s", "mallory"));
  g_assert_cmpuint (registered.n_registered, ==, 0);

  g_assert_true (gtk_widget_activate_action (widget, "intake.assign", "s", "anna"));
  g_assert_cmpuint (registered.n_registered, ==, 1);
  g_assert_cmpstr (registered.kase->household, ==, "Familie Demir");
  g_assert_cmpstr (registered.kase->coach, ==, "anna");
  g_assert_cmpstr (registered.kase->team, ==, "noord");
  g_assert_cmpstr (registered.kase->request.intaker, ==, "ilse");
  g_assert_cmpstr (registered.kase->request.date, ==, today);
  g_assert_nonnull (registered.kase->request.question);
  g_assert_true (registered.kase->request.safety_concern);
  g_assert_cmpint (registered.kase->phase, ==, KT_PHASE_REGISTERED);
  g_assert_false (registered.kase->solved_at_desk);
  g_assert_nonnull (registered.kase->conversation_deadline);
  assigned = kt_case_ref (registered.kase);
  /* The form is empty again for the next resident. */
  g_assert_cmpstr (gtk_editable_get_text (kt_intaker_view_get_household_row (view)), ==, "");

  /* Solved at the desk needs its short note. */
  fill_intake (view);
  g_assert_true (gtk_widget_activate_action (widget, "intake.close-at-desk", NULL));
  g_assert_cmpuint (registered.n_registered, ==, 1);
  set_text_view (kt_intaker_view_get_desk_note_view (view), "Doorverwezen naar de formulierenbrigade.");
  g_assert_true (gtk_widget_activate_action (widget, "intake.close-at-desk", NULL));
  g_assert_cmpuint (registered.n_registered, ==, 2);
  g_assert_true (registered.kase->solved_at_desk);
  g_assert_nonnull (registered.kase->desk_note);
  g_assert_null (registered.kase->coach);
  g_assert_cmpint (registered.kase->phase, ==, KT_PHASE_CLOSED);

  /* Sent, but sealed before anna ever signed in: the row says what it
   * waits for, and "Sent" once her key is there. */
  g_ptr_array_add (listed, assigned);
  g_hash_table_add (keyless, assigned->header.id);
  kt_intaker_view_set_registered (view, listed, NULL, keyless);
  g_assert_true (shows_label (widget, "Waiting for the coach’s first sign-in"));
  g_assert_false (shows_label (widget, "Sent"));
  kt_intaker_view_set_registered (view, listed, NULL, NULL);
  g_assert_false (shows_label (widget, "Waiting for the coach’s first sign-in"));
  g_assert_true (shows_label (widget, "Sent"));

  gtk_window_destroy (window);
  g_clear_pointer (&registered.kase, kt_case_unref);
}

/* A coach's display name goes into the toast as it is written: libadwaita
 * 1.2 reads a toast's title as markup, and "&" or "<" broke it (GTK warned
 * that the markup could not be parsed and showed no text). */
static void
test_intaker_a_coach_named_with_markup_shows_as_written (void)
{
  g_autoptr(GPtrArray) coaches = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_coach_free);
  GtkWidget *widget = kt_intaker_view_new ();
  KtIntakerView *view = KT_INTAKER_VIEW (widget);
  GtkWindow *window;

  kt_intaker_view_set_account (view, "ilse", "noord");
  g_ptr_array_add (coaches, kt_coach_new ("jansen", "Jansen & Zn <b>", 0));
  kt_intaker_view_set_coaches (view, coaches);
  window = show_in_window (widget);

  fill_intake (view);
  g_assert_true (gtk_widget_activate_action (widget, "intake.assign", "s", "jansen"));
  wait_for_frames ();
  g_assert_true (shows_label (widget, "Kept for Jansen & Zn <b>; the coach gets it once the server has it"));
  gtk_window_destroy (window);
}

static void
test_intaker_view_has_no_approve_action (void)
{
  GtkWidget *view = g_object_ref_sink (kt_role_view_new_for_role ("intaker", NULL, "ilse", "noord"));
  GtkWindow *window = show_in_window (view);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_assert_false (gtk_widget_activate_action (view, "review.approve", NULL));
  g_assert_false (gtk_widget_activate_action (view, "review.return", NULL));
  /* No button anywhere in it points at a review action. */
  g_ptr_array_add (stack, view);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_ACTIONABLE (widget))
        {
          const char *name = gtk_actionable_get_action_name (GTK_ACTIONABLE (widget));

          g_assert_false (name != NULL && g_str_has_prefix (name, "review."));
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (stack, child);
    }
  gtk_window_destroy (window);
  g_object_unref (view);
}

static guint
count_rows (GtkWidget *widget)
{
  guint n = GTK_IS_LIST_BOX_ROW (widget) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_rows (child);
  return n;
}

/* The rows that are neither an action row nor an expander row (which say
 * their title) below @widget whose accessible name holds @text. */
static guint
count_rows_named (GtkWidget  *widget,
                  const char *text)
{
  guint n = 0;

  if (GTK_IS_LIST_BOX_ROW (widget) && !ADW_IS_PREFERENCES_ROW (widget))
    {
      const char *name = kt_a11y_get_label (widget);

      g_assert_nonnull (name);
      n += strstr (name, text) != NULL ? 1 : 0;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_rows_named (child, text);
  return n;
}

/* The history only shows the versions and their reviews: a new version
 * is made on the plan page (plan.new-version, test-plan). */
static void
test_coach_sees_history (void)
{
  g_autoptr(Demo) demo = demo_new ();
  GtkWidget *widget = kt_review_history_new ();
  KtReviewHistory *history = KT_REVIEW_HISTORY (widget);
  KtPlan *v1 = find_plan (demo, "A. Yilmaz", 1);
  KtPlan *v2 = find_plan (demo, "A. Yilmaz", 2);
  g_autoptr(GPtrArray) both = g_ptr_array_new ();
  g_autoptr(GPtrArray) first = g_ptr_array_new ();
  GtkWindow *window;

  g_ptr_array_add (both, v2);
  g_ptr_array_add (first, v1);
  g_ptr_array_add (both, v1);
  kt_review_history_set_coaches (history, demo->coaches);
  /* Version 2 waits for its review: both versions listed, the returned one
   * with its comment. */
  kt_review_history_set_plans (history, both);
  window = show_in_window (widget);
  g_assert_cmpuint (count_rows (widget), ==, 3);
  g_assert_false (gtk_widget_activate_action (widget, "history.revise", NULL));
  /* The row of comments takes the focus: a screen reader says them
   * (walking the cycle over AT-SPI it said nothing). */
  g_assert_cmpuint (count_rows_named (widget, ((KtReviewComment *) v1->comments->pdata[0])->text), ==, 1);

  /* Right after the return: the returned version, with its comment. */
  kt_review_history_set_plans (history, first);
  wait_for_frames ();
  maybe_screenshot (window, "coach-review-history");
  g_assert_cmpuint (count_rows (widget), ==, 2);
  g_assert_true (gtk_widget_get_visible (widget));

  gtk_window_destroy (window);
}

/* The team's keys as GET /team/keys gives them: the supervisor "super"
 * with @display_name (NULL: a server that gives no names). */
static GPtrArray *
team_with_supervisor (const char *display_name)
{
  GPtrArray *team = g_ptr_array_new_with_free_func ((GDestroyNotify) kt_peer_key_free);
  KtPeerKey *key = g_new0 (KtPeerKey, 1);

  key->username = g_strdup ("super");
  key->display_name = g_strdup (display_name);
  key->role = g_strdup ("supervisor");
  g_ptr_array_add (team, key);
  return team;
}

/* The supervisor who returned a plan is named by her display name, which
 * the team's keys give (she is no coach, so not in the coaches' list), on
 * the review history and on the review page, her comment too; her account
 * name only when the server gives no name. */
static void
test_reviewer_is_named_by_display_name (void)
{
  g_autoptr(Demo) demo = demo_new ();
  KtPlan *v1 = find_plan (demo, "A. Yilmaz", 1);
  g_autoptr(GPtrArray) first = g_ptr_array_new ();
  g_autoptr(GPtrArray) named = team_with_supervisor ("Sam Supervisor");
  g_autoptr(GPtrArray) unnamed = team_with_supervisor (NULL);
  g_autofree char *date = kt_role_format_unix_date (v1->header.updated);
  g_autofree char *by_name = g_strdup_printf ("Returned by Sam Supervisor on %s", date);
  g_autofree char *by_account = g_strdup_printf ("Returned by super on %s", date);
  g_autofree char *comment_by_name = g_strdup_printf ("“%s” — Sam Supervisor",
                                                      ((KtReviewComment *) v1->comments->pdata[0])->text);
  GtkWidget *history = kt_review_history_new ();
  GtkWidget *page = kt_review_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWindow *window;

  gtk_box_append (GTK_BOX (box), history);
  gtk_box_append (GTK_BOX (box), page);
  window = show_in_window (box);
  g_ptr_array_add (first, v1);
  kt_review_history_set_coaches (KT_REVIEW_HISTORY (history), demo->coaches);
  kt_review_history_set_plans (KT_REVIEW_HISTORY (history), first);
  kt_review_page_set_coaches (KT_REVIEW_PAGE (page), demo->coaches);
  kt_review_page_set_catalogue (KT_REVIEW_PAGE (page), demo->catalogue);
  kt_review_page_set_plan (KT_REVIEW_PAGE (page), v1, demo_find_case (demo, "A. Yilmaz"), NULL, NULL);
  g_assert_true (shows_label (history, by_account));
  g_assert_true (shows_label (page, "Returned by super"));

  kt_review_history_set_team (KT_REVIEW_HISTORY (history), named);
  kt_review_page_set_team (KT_REVIEW_PAGE (page), named);
  g_assert_true (shows_label (history, by_name));
  g_assert_true (shows_label (page, "Returned by Sam Supervisor"));
  g_assert_true (shows_label (page, comment_by_name));
  g_assert_false (shows_label (page, "Returned by super"));

  /* an older server: no names, the account name */
  kt_review_history_set_team (KT_REVIEW_HISTORY (history), unnamed);
  kt_review_page_set_team (KT_REVIEW_PAGE (page), unnamed);
  g_assert_true (shows_label (history, by_account));
  g_assert_true (shows_label (page, "Returned by super"));

  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_assert_true (kt_core_init ());
  /* The translations as built, so that LANGUAGE=nl screenshots are Dutch. */
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/roles/role-chooses-the-main-view", test_role_chooses_the_main_view);
  g_test_add_func ("/roles/supervisor/inbox-sorts-overdue-first", test_inbox_sorts_overdue_first);
  g_test_add_func ("/roles/supervisor/inbox-updates-only-the-rows-that-changed",
                   test_inbox_updates_only_the_rows_that_changed);
  g_test_add_func ("/roles/supervisor/inbox-fills-a-slice-a-turn", test_inbox_fills_a_slice_a_turn);
  g_test_add_func ("/roles/supervisor/inbox-fills-a-slice-a-frame", test_inbox_fills_a_slice_a_frame);
  g_test_add_func ("/roles/supervisor/inbox-folds-on-a-tablet", test_inbox_folds_on_a_tablet);
  g_test_add_func ("/roles/supervisor/return-without-comment-is-refused", test_return_without_comment_is_refused);
  g_test_add_func ("/roles/supervisor/review-page-cannot-edit-the-plan", test_review_page_cannot_edit_the_plan);
  g_test_add_func ("/roles/supervisor/review-page-says-an-action-has-no-date",
                   test_review_page_says_an_action_has_no_date);
  g_test_add_func ("/roles/reviewer-is-named-by-display-name", test_reviewer_is_named_by_display_name);
  g_test_add_func ("/roles/intaker/registers-and-assigns", test_intaker_registers_and_assigns);
  g_test_add_func ("/roles/intaker/has-no-approve-action", test_intaker_view_has_no_approve_action);
  g_test_add_func ("/roles/intaker/a-coach-named-with-markup-shows-as-written",
                   test_intaker_a_coach_named_with_markup_shows_as_written);
  g_test_add_func ("/roles/intaker/switcher-moves-to-the-bottom-when-narrow",
                   test_intaker_switcher_moves_to_the_bottom_when_narrow);
  g_test_add_func ("/roles/coach/sees-history", test_coach_sees_history);

  return g_test_run ();
}
