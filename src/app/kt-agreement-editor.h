/* kt-agreement-editor.h: KtAgreementEditor, the resident's agreement on a plan or an evaluation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "kt-agreement.h"

G_BEGIN_DECLS

#define KT_TYPE_AGREEMENT_EDITOR (kt_agreement_editor_get_type ())
G_DECLARE_FINAL_TYPE (KtAgreementEditor, kt_agreement_editor, KT, AGREEMENT_EDITOR, AdwBin)

GtkWidget *kt_agreement_editor_new             (void);
/* Shows and edits @agreement in place (borrowed: it must outlive the
 * editor's use of it, or be replaced first); NULL empties the editor.
 * Showing emits nothing; each edit emits ::changed. */
void       kt_agreement_editor_set_agreement   (KtAgreementEditor *self,
                                                KtAgreement       *agreement);
/* A read-only editor still shows the signature but takes no strokes. */
void       kt_agreement_editor_set_editable    (KtAgreementEditor *self,
                                                gboolean           editable);
/* The question above the rows: what the resident agrees to. */
void       kt_agreement_editor_set_description (KtAgreementEditor *self,
                                                const char        *description);

G_END_DECLS
