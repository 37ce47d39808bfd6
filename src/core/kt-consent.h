/* kt-consent.h: what a consent's history means: recording events, what a
 * consent covers, and with whom the app may offer to share
 *
 * A consent (KtConsent, in kt-case.h) is never deleted and never edited
 * back: every change is a new event at the end of its history.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case.h"
#include "kt-plan.h"

G_BEGIN_DECLS

/* Appends an event (@date NULL: today) and sets the consent's current state
 * from it; returns the new event, owned by @consent. */
KtConsentEvent *kt_consent_record       (KtConsent          *consent,
                                         KtConsentEventKind  kind,
                                         const char         *date,
                                         KtForm              form,
                                         const char         *recorded_by);
/* Sets status, date and form from the last event that decided something
 * (given, refused, withdrawn); not asked when there is none. */
void            kt_consent_update_state (KtConsent          *consent);
/* A consent stored before consents had a history (no events) gets one
 * event made from its status, date and form; nothing else changes. */
void            kt_consent_migrate      (KtConsent          *consent);

/* Whether the network person or provision with @id receives information
 * under @consent. */
gboolean        kt_consent_has_receiver (const KtConsent    *consent,
                                         const char         *id);
/* Links or unlinks a receiver (a network person or provision id). */
void            kt_consent_set_receiver (KtConsent          *consent,
                                         const char         *id,
                                         gboolean            receives);

/* What @consent covers, one line each, in the user's language: its linked
 * network persons and provisions (@plan may be NULL), and the plan's
 * actions done by them or by its party (element-type utf8, transfer full). */
GPtrArray      *kt_consent_describe_affected (const KtCase    *kase,
                                              const KtPlan    *plan,
                                              const KtConsent *consent);

/* The consents under which the app may offer to share: given, not
 * withdrawn since, and not a share without consent (element-type KtConsent,
 * owned by @kase; transfer container). */
GPtrArray      *kt_case_share_choices   (const KtCase       *kase);

G_END_DECLS
