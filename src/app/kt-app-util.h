/* kt-app-util.h: small helpers the app's pages share (no type of their own)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"

G_BEGIN_DECLS

/* "12 days left", "3 days overdue" or "Due today" for an ISO date (transfer
 * full); NULL when @iso_date is NULL or not a date.  @overdue may be NULL. */
char       *kt_app_deadline_text     (const char *iso_date,
                                      gboolean   *overdue);
/* The app's settings, or NULL where the schema is not installed (transfer
 * full). */
GSettings  *kt_app_get_settings      (void);
/* The periods from GSettings, or the defaults when the schema is missing. */
void        kt_app_get_periods       (int *conversation_days,
                                      int *own_plan_days);
/* The evaluation period (days) and the follow-up period (months) from
 * GSettings, or the defaults. */
void        kt_app_get_cycle_periods (int *evaluation_days,
                                      int *follow_up_months);
/* Days for the municipality's decision on a maatwerk request, indexed by
 * KtLegalBasis (KT_N_LEGAL_BASES elements), from GSettings or the defaults. */
void        kt_app_get_decision_terms (int *term_days);
/* Idle-lock minutes from GSettings, or the default. */
guint       kt_app_get_idle_minutes  (void);
/* The catalogue-file override from GSettings (transfer full), or NULL. */
char       *kt_app_get_catalogue_override (void);

/* How a domain stands, for icons and text that never rely on colour alone. */
typedef enum {
  KT_APP_MARK_NOT_YET,
  KT_APP_MARK_DISCUSSED,
  KT_APP_MARK_NOTHING_TO_DISCUSS,   /* goes well, nothing to discuss */
  KT_APP_MARK_SKIPPED,
  KT_APP_MARK_CONCERN,
  KT_APP_MARK_SAFETY,
} KtAppMark;

KtAppMark   kt_app_entry_mark        (const KtDomainEntry *entry);
/* The mark while the resident watches: a safety flag is not shown, so a
 * flagged domain reads as discussed, concern or not yet. */
KtAppMark   kt_app_entry_mark_watched (const KtDomainEntry *entry);
const char *kt_app_mark_icon         (KtAppMark mark);
const char *kt_app_mark_label        (KtAppMark mark);
const char *kt_app_mark_css_class    (KtAppMark mark);
/* "11 of 14 discussed, 1 skipped" (transfer full). */
char       *kt_app_coverage_text     (const KtConversation *conversation);

/* TRUE when the member is under 18 this year, or their relation says child. */
gboolean    kt_app_member_is_child   (const KtMember *member);
/* Household members, children first, then by birth year (transfer container). */
GPtrArray  *kt_app_members_children_first (const KtCase *kase);

/* Replaces *@field with a copy of @text, or NULL when @text is empty.
 * Returns TRUE when the value changed. */
gboolean    kt_app_set_text          (char      **field,
                                      const char *text);
/* The text of a GtkEditable, never NULL. */
const char *kt_app_editable_text     (gpointer editable);

/* A NULL-ended array of @n labels from the model's get_label function for
 * an enum (kt_channel_get_label …) (transfer container). */
typedef const char *(*KtAppLabelFunc) (int value);
const char **kt_app_enum_labels      (KtAppLabelFunc get_label,
                                      int            n);
/* A NULL-ended array of the translations of @labels (transfer container). */
const char **kt_app_translate_labels (const char * const *labels);

/* Appends @child to @flow_box so that focus goes to @child, not to the
 * flow box child around it. */
/* A flow box used only for layout (wrapping on a narrow window): its
 * children are not things to focus; the controls inside them are.  For
 * flow boxes filled from a template. */
void        kt_app_flow_box_for_layout (GtkFlowBox *flow_box);
void        kt_app_flow_box_append   (GtkFlowBox *flow_box,
                                      GtkWidget  *child);

/* A toggle button for a choice, big enough for a finger: @top in bold,
 * @bottom (or NULL) as a caption; both wrap on a narrow screen. */
GtkWidget  *kt_app_choice_button_new (const char *top,
                                      const char *bottom);

/* A new flat icon button with a tooltip and an accessible label. */
GtkWidget  *kt_app_icon_button_new   (const char *icon_name,
                                      const char *tooltip);

/* Rows bound to a field of a document.  @changed is called with @user_data
 * after the user changed the field (never while the row is being filled). */
typedef void (*KtAppChangedFunc) (gpointer user_data);

/* An AdwEntryRow editing the string *@field. */
GtkWidget  *kt_app_text_row_new      (const char       *title,
                                      char            **field,
                                      KtAppChangedFunc  changed,
                                      gpointer          user_data);
/* Points an existing text row at another field and shows its value. */
void        kt_app_text_row_bind     (GtkWidget        *row,
                                      char            **field);
/* An AdwActionRow with a switch editing the boolean *@field. */
GtkWidget  *kt_app_switch_row_new    (const char       *title,
                                      const char       *subtitle,
                                      gboolean         *field,
                                      KtAppChangedFunc  changed,
                                      gpointer          user_data);
void        kt_app_switch_row_bind   (GtkWidget        *row,
                                      gboolean         *field);
/* An AdwComboRow choosing the enum value *@field among @labels (NULL-ended,
 * translated already). */
GtkWidget  *kt_app_combo_row_new     (const char       *title,
                                      const char * const *labels,
                                      int              *field,
                                      KtAppChangedFunc  changed,
                                      gpointer          user_data);
void        kt_app_combo_row_bind    (GtkWidget        *row,
                                      int              *field);

/* Picks GTK's cairo renderer where there is no GPU, and with cairo keeps
 * GDK from setting up GL (before GTK starts); $GSK_RENDERER set by the
 * user wins. */
void        kt_app_choose_renderer   (void);
/* Whether the machine has a GPU GL could draw with (a DRM render node). */
gboolean    kt_app_has_render_node   (void);
/* Starts GTK (before the application does) without parsing a theme that
 * libadwaita replaces anyway. */
void        kt_app_start_gtk         (void);
/* Scrolls the nearest scrolled window around @widget, once it is laid
 * out, so that @widget (its top, if it is taller) is on screen: a new
 * card or row appears where the coach is looking (issue 21).  GTK 4.8 has
 * no gtk_viewport_scroll_to. */
void        kt_app_scroll_into_view  (GtkWidget *widget);
/* Sets @widget's tooltip only when @text differs from the one it has:
 * GTK 4.8 asks the display where the pointer is on every call (a round
 * trip to the X server), even for the same text. */
void        kt_app_set_tooltip       (GtkWidget  *widget,
                                      const char *text);

/* Where a household stands, for its row and its header: while the plan is
 * made and reviewed, the newest plan's review ("Plan waits to be sent"
 * until the server has a submitted plan, "Plan submitted", "Plan
 * approved", "Plan returned"); before a plan is submitted and once it is
 * carried out, the phase (transfer full).  @plan_version 0: no plan. */
char       *kt_app_describe_stage    (KtPhase        phase,
                                      int            plan_version,
                                      KtReviewState  review,
                                      gboolean       shared);
/* Whether that stage is "Plan waits to be sent". */
gboolean    kt_app_stage_waits       (KtPhase        phase,
                                      int            plan_version,
                                      KtReviewState  review,
                                      gboolean       shared);

/* A failure the user must act on, in a dialog over @near's window (or
 * over no window when @near is not in one yet): @heading says what did not
 * happen, @body (the GError's message) why.  A log line is not enough for
 * these: nobody reads it at the kitchen table. */
void        kt_app_show_error        (GtkWidget  *near,
                                      const char *heading,
                                      const char *body);

G_END_DECLS
