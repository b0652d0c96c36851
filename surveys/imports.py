"""Contact imports (CSV or XLSX): parsed with pandas, checked row by row, previewed, then
confirmed all-or-nothing. Nothing is created from a file that has a single bad row."""

import pandas as pd
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _, ngettext

from partners.models import Partner
from prm.audit.services import audit_record
from prm.imports import bad_rows_frame as _bad_rows_frame
from prm.uploads import read_table

from .audit_verbs import SurveyVerb
from .models import Campaign, ImportBatch, InvitationStatus, Suppression, SurveyInvitation

REQUIRED = ["name", "email", "company", "partner"]
MAX_ROWS = 20000


def _check_columns(frame, partner_scope):
    needed = [c for c in REQUIRED if not (c == "partner" and partner_scope is not None)]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        message = ngettext("Missing column: %(missing)s. The first row must name the columns %(required)s.",
                           "Missing columns: %(missing)s. The first row must name the columns %(required)s.",
                           len(missing))
        raise ValidationError({"file": message % {"missing": ", ".join(missing), "required": ", ".join(REQUIRED)}})
    if len(frame) == 0:
        raise ValidationError({"file": _("The file has no contacts.")})


def build_batch(*, tenant, actor, survey, name, upload, partner_scope=None):
    """Read and check the file; the batch keeps the clean rows and every problem, for the preview."""
    frame = read_table(upload, max_rows=MAX_ROWS)
    columns = list(frame.columns)  # as the file names them, for the file of bad rows
    frame.columns = [column.lower() for column in frame.columns]
    _check_columns(frame, partner_scope)
    partners = {p.lname: p for p in Partner.objects.annotate(lname=Lower("name"))}
    suppressed = set(Suppression.objects.values_list("email", flat=True))
    already = set(SurveyInvitation.objects.filter(survey=survey).values_list("email", flat=True))
    rows, problems, bad, seen = [], [], [], {}
    for index, record in zip(frame.index, frame.to_dict("records"), strict=True):  # the row's number in the file
        email = str(record.get("email", "")).strip().lower()
        row_problems = []
        try:
            validate_email(email)
        except ValidationError:
            row_problems.append(("email", _("“%(email)s” is not an email address.") % {"email": email or _("(empty)")}))
        if partner_scope is not None:
            partner = partner_scope
            named = str(record.get("partner", "")).strip()
            if named and named.lower() != partner.name.lower():
                row_problems.append(("partner", _("You can import contacts of %(partner)s only, not “%(named)s”.")
                                     % {"partner": partner.name, "named": named}))
        else:
            partner = partners.get(str(record.get("partner", "")).strip().lower())
            if partner is None:
                row_problems.append(("partner", _("No partner called “%(named)s” in this program.")
                                     % {"named": record.get("partner", "")}))
            elif not partner.is_active:
                row_problems.append(("partner", _("%(partner)s is deactivated.") % {"partner": partner.name}))
        if email in seen:
            row_problems.append(("email", _("Duplicate of line %(line)s.") % {"line": seen[email]}))
        elif email in already:
            row_problems.append(("email", _("Already invited to this survey.")))
        seen.setdefault(email, index)
        problems += [{"line": index, "column": column, "message": message} for column, message in row_problems]
        if row_problems:
            bad.append({"line": index, "values": list(record.values()), "problems": [m for _column, m in row_problems]})
        else:
            rows.append({"line": index, "email": email, "name": str(record.get("name", "")).strip()[:150],
                         "company": str(record.get("company", "")).strip()[:200], "partner_id": partner.pk,
                         "partner": partner.name, "suppressed": email in suppressed})
    return ImportBatch.objects.create(tenant=tenant, survey=survey, name=name, partner=partner_scope,
                                      filename=upload.name[:255], rows=rows, problems=problems,
                                      bad_rows={"columns": columns, "rows": bad}, created_by=actor)


def bad_rows_frame(batch: ImportBatch) -> pd.DataFrame:
    """The rows of `batch` that have problems, as the file had them, with their line and what is wrong:
    a file to correct and upload again."""
    return _bad_rows_frame(batch.bad_rows)


@transaction.atomic
def confirm_batch(*, batch, actor, now):
    """Create the campaign and its invitations in one transaction; refuse a batch with problems."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.campaign_id:
        raise ValidationError(_("This import was already confirmed."))
    if batch.problems:
        raise ValidationError(_("Fix the problems in the file and upload it again: nothing was imported."))
    campaign = Campaign.objects.create(tenant=batch.tenant, survey=batch.survey, name=batch.name,
                                       partner=batch.partner, created_by=actor)
    SurveyInvitation.objects.bulk_create([
        SurveyInvitation(tenant=batch.tenant, survey=batch.survey, partner_id=row["partner_id"], campaign=campaign,
                         email=row["email"], name=row["name"], company=row["company"],
                         status=InvitationStatus.QUEUED, send_after=now)
        for row in batch.rows
    ], batch_size=1000)
    batch.campaign = campaign
    batch.save(update_fields=["campaign"])
    audit_record(tenant=batch.tenant, actor=actor, verb=SurveyVerb.CAMPAIGN_CREATED, target=campaign,
                 data={"contacts": len(batch.rows), "file": batch.filename})
    return campaign
