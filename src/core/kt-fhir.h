/* kt-fhir.h: the plan as an HL7 FHIR R4 Bundle, for other municipal systems
 *
 * A "collection" Bundle: the household (Group, the applicant as Patient,
 * the other members and the informal network as RelatedPerson,
 * professionals as Practitioner, volunteers and provisions as
 * Organization), the CarePlan with its activities (actions and
 * provisions), a Goal per goal, the CareTeam (regisseur and everyone who
 * acts), a Consent per consent, and Observations of the self-reliance per
 * domain and the participation wheel.  Every reference is a urn:uuid: that
 * resolves inside the bundle.  Safety notes, the safety plan and the notes
 * for the file stay out: the bundle carries what the plan says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kt-case.h"
#include "kt-catalogue.h"
#include "kt-conversation.h"
#include "kt-plan.h"

G_BEGIN_DECLS

/* The Bundle as JSON (transfer full); @conversation may be NULL. */
GBytes *kt_fhir_bundle_new (KtCatalogue          *catalogue,
                            const KtCase         *kase,
                            const KtConversation *conversation,
                            const KtPlan         *plan);

G_END_DECLS
