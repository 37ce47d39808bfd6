/* test-wheel.c: the participation wheel widget and its page under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kt-core.h"
#include "kt-wheel.h"
#include "kt-wheel-geometry.h"
#include "kt-wheel-page.h"
#include "kt-evaluation.h"
#include "kt-app-test.h"
#include "kt-test-household.h"

typedef struct {
  KtCatalogue    *catalogue;
  KtCase         *kase;
  KtConversation *conversation;
  KtPlan         *plan;
  guint           changes;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->catalogue = kt_catalogue_new_builtin ();
  kt_test_household_new (f->catalogue, &f->kase, &f->conversation, &f->plan);
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
wheel_changed_cb (KtWheel *wheel,
                  int      segment,
                  Fixture *f)
{
  g_assert_cmpint (segment, >=, 0);
  g_assert_cmpint (segment, <, KT_N_SEGMENTS);
  f->changes++;
}

static void
page_changed_cb (KtWheelPage *page,
                 Fixture     *f)
{
  f->changes++;
}

static void
point_for (KtWheel *wheel,
           int      segment,
           int      level,
           double  *x,
           double  *y)
{
  KtWheelGeometry geo;
  double mid;

  kt_wheel_geometry_init (&geo, 0, 0, gtk_widget_get_width (GTK_WIDGET (wheel)),
                          gtk_widget_get_height (GTK_WIDGET (wheel)));
  mid = kt_wheel_geometry_segment_mid (&geo, segment) + 0.2;
  kt_wheel_geometry_point (&geo, mid, (geo.level_radius[level] + geo.level_radius[level + 1]) / 2, x, y);
}

static void
test_wheel_keyboard_moves_between_segments_and_changes_levels (Fixture       *f,
                                                              gconstpointer  data)
{
  g_autoptr(KtConversation) fresh = kt_catalogue_new_conversation (f->catalogue, f->kase->header.id);
  GtkWidget *wheel = kt_wheel_new ();
  GtkWindow *window;

  kt_wheel_set_documents (KT_WHEEL (wheel), f->catalogue, f->kase, fresh);
  g_signal_connect (wheel, "changed", G_CALLBACK (wheel_changed_cb), f);
  window = kt_app_test_show (wheel, 700, 600, FALSE);
  gtk_widget_grab_focus (wheel);
  g_assert_true (gtk_widget_has_focus (wheel));
  g_assert_true (gtk_widget_get_focusable (wheel));

  /* Arrows walk the segments clockwise and wrap around. */
  g_assert_cmpint (kt_wheel_get_selected (KT_WHEEL (wheel)), ==, -1);
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_Right, 0));
  g_assert_cmpint (kt_wheel_get_selected (KT_WHEEL (wheel)), ==, KT_SEGMENT_ZELFSTANDIG);
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_Left, 0));
  g_assert_cmpint (kt_wheel_get_selected (KT_WHEEL (wheel)), ==, KT_SEGMENT_WERK);
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_Down, 0));
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_Right, 0));
  g_assert_cmpint (kt_wheel_get_selected (KT_WHEEL (wheel)), ==, KT_SEGMENT_SOCIAAL);

  /* + and - change the current level, from "not set" up and never past 0..4. */
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].current, ==, KT_WHEEL_UNSET);
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_plus, 0));
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].current, ==, 0);
  for (int i = 0; i < 6; i++)
    kt_app_test_press_key (wheel, GDK_KEY_KP_Add, 0);
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].current, ==, KT_WHEEL_MAX);
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_minus, 0));
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].current, ==, 3);
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].target, ==, KT_WHEEL_UNSET);

  /* Shift, or T for target mode, changes the target instead. */
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_plus, GDK_SHIFT_MASK));
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].target, ==, 0);
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_t, 0));
  g_assert_true (kt_wheel_get_editing_target (KT_WHEEL (wheel)));
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_4, 0));
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].target, ==, 4);
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].current, ==, 3);
  g_assert_true (kt_app_test_press_key (wheel, GDK_KEY_Delete, 0));
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_SOCIAAL].target, ==, KT_WHEEL_UNSET);

  /* Other segments were not touched; every edit was announced for saving. */
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    if (s != KT_SEGMENT_SOCIAAL)
      g_assert_cmpint (fresh->wheel[s].current, ==, KT_WHEEL_UNSET);
  g_assert_cmpuint (f->changes, ==, 9);
  /* Keys it does not know go on to others. */
  g_assert_false (kt_app_test_press_key (wheel, GDK_KEY_a, 0));

  kt_app_test_close (window);
}

static void
test_wheel_tap_sets_the_segment_and_level_under_it (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autoptr(KtConversation) fresh = kt_catalogue_new_conversation (f->catalogue, f->kase->header.id);
  GtkWidget *wheel = kt_wheel_new ();
  GtkWindow *window;
  double x, y;

  kt_wheel_set_documents (KT_WHEEL (wheel), f->catalogue, f->kase, fresh);
  window = kt_app_test_show (wheel, 900, 700, FALSE);

  for (int segment = 0; segment < KT_N_SEGMENTS; segment++)
    {
      int level = (segment + 2) % (KT_WHEEL_MAX + 1);

      point_for (KT_WHEEL (wheel), segment, level, &x, &y);
      g_assert_true (kt_wheel_tap (KT_WHEEL (wheel), x, y));
      g_assert_cmpint (kt_wheel_get_selected (KT_WHEEL (wheel)), ==, segment);
      g_assert_cmpint (fresh->wheel[segment].current, ==, level);
      g_assert_cmpint (fresh->wheel[segment].target, ==, KT_WHEEL_UNSET);
    }

  /* In target mode a tap sets the target. */
  kt_wheel_set_editing_target (KT_WHEEL (wheel), TRUE);
  point_for (KT_WHEEL (wheel), KT_SEGMENT_WERK, 4, &x, &y);
  g_assert_true (kt_wheel_tap (KT_WHEEL (wheel), x, y));
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_WERK].target, ==, 4);
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_WERK].current, ==, (KT_SEGMENT_WERK + 2) % 5);

  /* The resident's disc and the corners change nothing. */
  g_assert_false (kt_wheel_tap (KT_WHEEL (wheel), gtk_widget_get_width (wheel) / 2.0,
                                gtk_widget_get_height (wheel) / 2.0));
  g_assert_false (kt_wheel_tap (KT_WHEEL (wheel), 1, 1));

  /* A read-only wheel only selects. */
  kt_wheel_set_editable (KT_WHEEL (wheel), FALSE);
  kt_wheel_set_editing_target (KT_WHEEL (wheel), FALSE);
  point_for (KT_WHEEL (wheel), KT_SEGMENT_ZELFSTANDIG, 0, &x, &y);
  g_assert_true (kt_wheel_tap (KT_WHEEL (wheel), x, y));
  g_assert_cmpint (fresh->wheel[KT_SEGMENT_ZELFSTANDIG].current, ==, 2);

  kt_app_test_close (window);
}

static void
test_wheel_page_list_and_wheel_stay_in_step (Fixture       *f,
                                             gconstpointer  data)
{
  GtkWidget *page = kt_wheel_page_new ();
  KtWheel *wheel = kt_wheel_page_get_wheel (KT_WHEEL_PAGE (page));
  GtkWindow *window;
  const KtNetworkPerson *professional = g_ptr_array_index (f->kase->network, 2);
  const KtNetworkPerson *volunteer = g_ptr_array_index (f->kase->network, 1);
  GPtrArray *supporters = f->conversation->wheel[KT_SEGMENT_WERK].supporters;
  double x, y;

  kt_wheel_page_set_documents (KT_WHEEL_PAGE (page), f->catalogue, f->kase, f->conversation, f->plan);
  g_signal_connect (page, "changed", G_CALLBACK (page_changed_cb), f);
  window = kt_app_test_show (page, 1280, 800, FALSE);

  /* The list shows what the wheel shows. */
  for (int s = 0; s < KT_N_SEGMENTS; s++)
    {
      g_assert_cmpuint (adw_combo_row_get_selected (kt_wheel_page_get_level_row (KT_WHEEL_PAGE (page), s, FALSE)),
                        ==, f->conversation->wheel[s].current + 1);
      g_assert_cmpuint (adw_combo_row_get_selected (kt_wheel_page_get_level_row (KT_WHEEL_PAGE (page), s, TRUE)),
                        ==, f->conversation->wheel[s].target + 1);
    }

  /* A tap on the wheel selects the row and moves its level. */
  point_for (wheel, KT_SEGMENT_BIJDRAGEN, 3, &x, &y);
  g_assert_true (kt_wheel_tap (wheel, x, y));
  g_assert_true (adw_expander_row_get_expanded (kt_wheel_page_get_segment_row (KT_WHEEL_PAGE (page), KT_SEGMENT_BIJDRAGEN)));
  g_assert_false (adw_expander_row_get_expanded (kt_wheel_page_get_segment_row (KT_WHEEL_PAGE (page), KT_SEGMENT_SOCIAAL)));
  g_assert_cmpuint (adw_combo_row_get_selected (kt_wheel_page_get_level_row (KT_WHEEL_PAGE (page), KT_SEGMENT_BIJDRAGEN, FALSE)), ==, 4);
  g_assert_cmpuint (f->changes, ==, 1);

  /* The list sets the wheel. */
  adw_combo_row_set_selected (kt_wheel_page_get_level_row (KT_WHEEL_PAGE (page), KT_SEGMENT_WERK, TRUE), 3);
  g_assert_cmpint (f->conversation->wheel[KT_SEGMENT_WERK].target, ==, 2);
  adw_combo_row_set_selected (kt_wheel_page_get_level_row (KT_WHEEL_PAGE (page), KT_SEGMENT_WERK, FALSE), 0);
  g_assert_cmpint (f->conversation->wheel[KT_SEGMENT_WERK].current, ==, KT_WHEEL_UNSET);
  g_assert_cmpuint (f->changes, ==, 3);

  /* Opening a row selects its segment on the wheel. */
  adw_expander_row_set_expanded (kt_wheel_page_get_segment_row (KT_WHEEL_PAGE (page), KT_SEGMENT_VAARDIGHEDEN), TRUE);
  g_assert_cmpint (kt_wheel_get_selected (wheel), ==, KT_SEGMENT_VAARDIGHEDEN);

  /* Supporters from the network map land in the ring of their kind, once. */
  g_assert_cmpuint (supporters->len, ==, 0);
  g_assert_true (gtk_widget_activate_action (page, "wheel-page.add-supporter", "(is)",
                                             KT_SEGMENT_WERK, professional->id));
  kt_wheel_page_add_supporter (KT_WHEEL_PAGE (page), KT_SEGMENT_WERK, volunteer->id);
  kt_wheel_page_add_supporter (KT_WHEEL_PAGE (page), KT_SEGMENT_WERK, "self");
  kt_wheel_page_add_supporter (KT_WHEEL_PAGE (page), KT_SEGMENT_WERK, "self");
  g_assert_cmpuint (supporters->len, ==, 3);
  g_assert_cmpint (((KtSupporter *) g_ptr_array_index (supporters, 0))->ring, ==, KT_RING_PROFESSIONALS);
  g_assert_cmpint (((KtSupporter *) g_ptr_array_index (supporters, 1))->ring, ==, KT_RING_VOLUNTEERS);
  g_assert_cmpint (((KtSupporter *) g_ptr_array_index (supporters, 2))->ring, ==, KT_RING_OWN);
  g_assert_true (gtk_widget_activate_action (page, "wheel-page.remove-supporter", "(is)",
                                             KT_SEGMENT_WERK, volunteer->id));
  g_assert_cmpuint (supporters->len, ==, 2);
  g_assert_cmpuint (f->changes, ==, 7);

  kt_app_test_close (window);
}

static void
collect_supporter_chips (GtkWidget *widget,
                         GPtrArray *chips)
{
  if (gtk_widget_has_css_class (widget, "supporter-chip") && gtk_widget_get_mapped (widget))
    g_ptr_array_add (chips, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_supporter_chips (child, chips);
}

static gboolean
shows_supporter_chips (gpointer data)
{
  g_autoptr(GPtrArray) chips = g_ptr_array_new ();

  collect_supporter_chips (data, chips);
  return chips->len > 0;
}

/* On a tablet held upright (800×1280) the wheel's smallest text is readable
 * across the table and every supporter chip is a touch target (issue 21):
 * chips on the wheel only where they are 44 px, otherwise their names in
 * the list beside it, as buttons of 44 px. */
static void
test_wheel_text_and_chips_are_large_enough_on_a_tablet (Fixture       *f,
                                                        gconstpointer  data)
{
  GtkWidget *page = kt_wheel_page_new ();
  KtWheel *wheel = kt_wheel_page_get_wheel (KT_WHEEL_PAGE (page));
  g_autoptr(GPtrArray) chips = g_ptr_array_new ();
  KtWheelMetrics metrics;
  GtkWindow *window;

  kt_wheel_page_set_documents (KT_WHEEL_PAGE (page), f->catalogue, f->kase, f->conversation, f->plan);
  window = kt_app_test_show (page, 800, 1280, FALSE);
  kt_app_test_resize (window, 800, 1280);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, 800);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), ==, 1280);
  kt_app_test_iterate (300);
  kt_wheel_get_metrics (wheel, &metrics);
  g_test_message ("smallest text %.1f px, smallest chip %.1f px", metrics.smallest_text, metrics.smallest_chip);
  g_assert_cmpfloat (metrics.smallest_text, >=, 11.0);
  g_assert_true (metrics.smallest_chip == 0 || metrics.smallest_chip >= 44.0);

  /* The names of who helps: one chip per supporter in the open rows. */
  adw_expander_row_set_expanded (kt_wheel_page_get_segment_row (KT_WHEEL_PAGE (page), KT_SEGMENT_SOCIAAL), TRUE);
  kt_app_test_wait_for (shows_supporter_chips, page, 10000, "the supporters to be shown");
  collect_supporter_chips (page, chips);
  g_assert_cmpuint (chips->len, ==, f->conversation->wheel[KT_SEGMENT_SOCIAAL].supporters->len);
  for (guint i = 0; i < chips->len; i++)
    {
      g_assert_cmpint (gtk_widget_get_height (g_ptr_array_index (chips, i)), >=, 44);
      g_assert_cmpint (gtk_widget_get_width (g_ptr_array_index (chips, i)), >=, 44);
    }
  kt_app_test_close (window);
}

static void
take_wheel_screenshots (Fixture *f)
{
  const struct { int w, h; gboolean dark; const char *name; } shots[] = {
    { 1280, 800, FALSE, "wheel-1280x800-light" },
    { 1280, 800, TRUE, "wheel-1280x800-dark" },
    { 800, 1280, FALSE, "wheel-800x1280-light" },
    { 800, 1280, TRUE, "wheel-800x1280-dark" },
    { 360, 720, FALSE, "wheel-360x720-light" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shots); i++)
    {
      GtkWidget *page = kt_wheel_page_new ();
      GtkWindow *window;
      g_autofree char *path = NULL;

      kt_wheel_page_set_documents (KT_WHEEL_PAGE (page), f->catalogue, f->kase, f->conversation, f->plan);
      window = kt_app_test_show (page, shots[i].w, shots[i].h, shots[i].dark);
      kt_wheel_set_selected (kt_wheel_page_get_wheel (KT_WHEEL_PAGE (page)), KT_SEGMENT_SOCIAAL);
      kt_app_test_iterate (400);
      path = kt_app_test_screenshot_widget (GTK_WIDGET (window), shots[i].name);
      g_assert_nonnull (path);
      kt_app_test_close (window);
    }
}

static void
test_wheel_page_evaluation_shows_how_things_moved (Fixture       *f,
                                                   gconstpointer  data)
{
  g_autoptr(KtConversation) evaluation = kt_evaluation_new (f->catalogue, f->conversation, f->plan);
  GtkWidget *page = kt_wheel_page_new ();
  GtkWidget *movement;
  GtkWindow *window;
  g_autofree char *was = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "was %d · "), 1);

  kt_wheel_page_set_documents (KT_WHEEL_PAGE (page), f->catalogue, f->kase, evaluation, f->plan);
  g_signal_connect (page, "changed", G_CALLBACK (page_changed_cb), f);
  window = kt_app_test_show (page, 1280, 800, FALSE);
  movement = GTK_WIDGET (gtk_widget_get_template_child (page, KT_TYPE_WHEEL_PAGE, "movement_group"));
  g_assert_true (gtk_widget_get_visible (movement));

  /* A new level at the evaluation: the old one stays as "was". */
  adw_combo_row_set_selected (kt_wheel_page_get_level_row (KT_WHEEL_PAGE (page), KT_SEGMENT_SOCIAAL, FALSE), 3);
  g_assert_cmpint (evaluation->wheel[KT_SEGMENT_SOCIAAL].current, ==, 2);
  g_assert_cmpint (evaluation->wheel[KT_SEGMENT_SOCIAAL].previous, ==, 1);
  g_assert_true (g_str_has_prefix (adw_expander_row_get_subtitle (
      kt_wheel_page_get_segment_row (KT_WHEEL_PAGE (page), KT_SEGMENT_SOCIAAL)), was));

  /* Progress per goal is recorded in the evaluation. */
  {
    KtGoal *goal = g_ptr_array_index (f->plan->goals, 0);
    GtkWidget *row = kt_app_test_find_row (movement, goal->title, 0);

    g_assert_nonnull (row);
    adw_combo_row_set_selected (ADW_COMBO_ROW (row), KT_GOAL_ACHIEVED);
    g_assert_cmpint (((KtGoalProgress *) g_ptr_array_index (evaluation->progress, 0))->status, ==, KT_GOAL_ACHIEVED);
  }
  g_assert_cmpuint (f->changes, ==, 2);

  kt_app_test_iterate (300);
  g_free (kt_app_test_screenshot_widget (GTK_WIDGET (window), "wheel-evaluation"));
  kt_app_test_close (window);

  if (g_getenv ("KT_SCREENSHOT_DIR") != NULL)
    take_wheel_screenshots (f);
}

int
main (int argc, char *argv[])
{
  kt_app_test_init (&argc, &argv);

  g_test_add ("/wheel/keyboard/moves-between-segments-and-changes-levels", Fixture, NULL,
              fixture_set_up, test_wheel_keyboard_moves_between_segments_and_changes_levels, fixture_tear_down);
  g_test_add ("/wheel/tap/sets-the-segment-and-level-under-it", Fixture, NULL,
              fixture_set_up, test_wheel_tap_sets_the_segment_and_level_under_it, fixture_tear_down);
  g_test_add ("/wheel/page/list-and-wheel-stay-in-step", Fixture, NULL,
              fixture_set_up, test_wheel_page_list_and_wheel_stay_in_step, fixture_tear_down);
  g_test_add ("/wheel/page/text-and-chips-are-large-enough-on-a-tablet", Fixture, NULL,
              fixture_set_up, test_wheel_text_and_chips_are_large_enough_on_a_tablet, fixture_tear_down);
  g_test_add ("/wheel/page/evaluation-shows-how-things-moved", Fixture, NULL,
              fixture_set_up, test_wheel_page_evaluation_shows_how_things_moved, fixture_tear_down);

  return g_test_run ();
}
