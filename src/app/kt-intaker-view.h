/* kt-intaker-view.h: KtIntakerView, "Nieuwe aanmelding" at the wijkpunt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-core.h"
#include "kt-key-controller.h"
#include "kt-sync-client.h"

G_BEGIN_DECLS

#define KT_TYPE_INTAKER_VIEW (kt_intaker_view_get_type ())
G_DECLARE_FINAL_TYPE (KtIntakerView, kt_intaker_view, KT, INTAKER_VIEW, AdwBin)

/* One short form, shortest path first, ending in two ways out:
 * "intake.close-at-desk" (with a short note) and "intake.assign" (string
 * parameter: the coach's account name).  Either builds the case and emits
 * ::registered with it; the handler stores it as shared, so it waits in the
 * outbox while offline and syncs (with the assignment) later. */
GtkWidget *kt_intaker_view_new         (void);
/* The signed-in intaker and their team, written into each new case. */
void       kt_intaker_view_set_account (KtIntakerView *self,
                                        const char    *username,
                                        const char    *team);
/* The team's coaches (element-type KtCoach): from the server, or the
 * offline copy. */
void       kt_intaker_view_set_coaches (KtIntakerView *self,
                                        GPtrArray     *coaches);
/* The periods for the deadlines, in days (settings). */
void       kt_intaker_view_set_periods (KtIntakerView *self,
                                        int            conversation_days,
                                        int            own_plan_days);
/* The case the form describes now, not yet registered (transfer full), or
 * NULL with a translated message when the shortest path is not filled in. */
KtCase    *kt_intaker_view_build_case  (KtIntakerView *self,
                                        GError       **error);
/* Follows @client in the header's sync button. */
void       kt_intaker_view_set_sync_client (KtIntakerView *self,
                                            KtSyncClient  *client);
/* And @keys' problems there (kt_sync_button_set_key_controller ()). */
void       kt_intaker_view_set_key_controller (KtIntakerView   *self,
                                               KtKeyController *keys);
/* The list of what this intaker registered: those of @cases (element-type
 * KtCase; NULL empties it) whose intaker is the signed-in one, newest first,
 * each "Waiting to be sent" when its id is in @pending, "Waiting for the
 * coach's first sign-in" when in @keyless (may be NULL), else "Sent". */
void       kt_intaker_view_set_registered (KtIntakerView *self,
                                           GPtrArray     *cases,
                                           GHashTable    *pending,
                                           GHashTable    *keyless);
/* Tells the intaker of a problem they must hear of, such as a queue of
 * assignments this device cannot write: a toast over the view that stays
 * until it is closed. */
void       kt_intaker_view_show_problem (KtIntakerView *self,
                                         const char    *message);
/* The server refused to assign a registered case to @coach (an account
 * name) for @reason (a sentence for the user): the intaker hears of it over
 * the view, with the household's name (may be NULL: not known here) and the
 * coach's as the team's list gives it, and what to do. */
void       kt_intaker_view_show_refused_assignment (KtIntakerView *self,
                                                    const char    *household,
                                                    const char    *coach,
                                                    const char    *reason);
/* A registration that could not be kept (on the device or in the queue to
 * the server) goes back into the form, so nothing typed is lost and the
 * intaker can register it again, under the same id.  Only into an empty
 * form: FALSE when the intaker started on the next one. */
gboolean   kt_intaker_view_take_back   (KtIntakerView *self,
                                        const KtCase  *kase);
/* Empties the form for the next request. */
void       kt_intaker_view_reset       (KtIntakerView *self);

G_END_DECLS
