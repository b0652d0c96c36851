"""Survey data for the tests: surveys, invitations and answers, made with the tenant set explicitly.

Rows are written through the `unscoped` managers with the tenant named, so helpers work with or
without a tenant in force; answers that should behave like real ones go through the service.
"""

import itertools
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from django.utils import timezone

from prm.outbox.models import OutboundEmail
from prm.tenancy.context import tenant_context
from surveys.models import Answer, InvitationStatus, Survey, SurveyInvitation, SurveySettings

_SERIAL = itertools.count(1)

INVITATION_KIND = "surveys/invitation"
REMINDER_KIND = "surveys/reminder"
OPENED_KIND = "surveys/email/follow_up_opened"
OVERDUE_KIND = "surveys/email/follow_up_overdue"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def make_survey(tenant, name=None, **fields):
    with tenant_context(tenant):  # the row's own tenant, whichever is in force (row-level security)
        return Survey.unscoped.create(tenant=tenant, name=name or f"Survey {next(_SERIAL)}", **fields)


def make_invitation(survey, partner, email=None, *, status=InvitationStatus.SENT, send_after=None, **fields):
    with tenant_context(survey.tenant):
        return SurveyInvitation.unscoped.create(
            tenant=survey.tenant, survey=survey, partner=partner, email=email or f"customer{next(_SERIAL)}@example.com",
            status=status, send_after=send_after or timezone.now(), **fields,
        )


def set_settings(tenant, **fields):
    """The tenant's survey settings row, created or updated with `fields`."""
    row, _ = SurveySettings.unscoped.get_or_create(tenant=tenant)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def bulk_answers(survey, partner, scores, when):
    """Answered invitations with `scores`, all at `when` (fast: two bulk inserts, no follow-up cases)."""
    invitations = SurveyInvitation.unscoped.bulk_create([
        SurveyInvitation(tenant=survey.tenant, survey=survey, partner=partner, email=f"bulk{next(_SERIAL)}@example.com",
                         status=InvitationStatus.ANSWERED, send_after=when, sent_at=when, answered_at=when)
        for _ in scores
    ])
    if any(i.pk is None for i in invitations):  # backends without RETURNING on bulk insert
        emails = [i.email for i in invitations]
        invitations = list(SurveyInvitation.unscoped.filter(email__in=emails).order_by("pk"))
    return Answer.unscoped.bulk_create([
        Answer(tenant=survey.tenant, invitation=invitation, survey=survey, partner=partner, score=score, answered_at=when)
        for invitation, score in zip(invitations, scores, strict=True)
    ])


def outbound(kind, tenant=None):
    rows = OutboundEmail.objects.filter(kind=kind).order_by("pk")
    return list(rows.filter(tenant=tenant) if tenant is not None else rows)


def html_of(response):
    return response.content.decode()


class _FormAudit(HTMLParser):
    """Collects every form control, the labels around them or pointing at them, and fieldset legends."""

    def __init__(self):
        super().__init__()
        self.controls = []  # (tag, attrs, inside_label)
        self.label_for = set()
        self.label_depth = 0
        self.fieldsets = []  # one dict per fieldset: has a legend?
        self.open_fieldsets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "textarea", "select"):
            self.controls.append((tag, attrs, self.label_depth > 0))
        elif tag == "fieldset":
            entry = {"legend": False}
            self.fieldsets.append(entry)
            self.open_fieldsets.append(entry)
        elif tag == "legend" and self.open_fieldsets:
            self.open_fieldsets[-1]["legend"] = True

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1
        elif tag == "fieldset" and self.open_fieldsets:
            self.open_fieldsets.pop()


def unlabelled_controls(html):
    """Visible form controls with no <label> (around them or pointing at them), and fieldsets without a legend."""
    audit = _FormAudit()
    audit.feed(html)
    missing = [
        f"<{tag} name={attrs.get('name')!r}>"
        for tag, attrs, inside_label in audit.controls
        if attrs.get("type") not in ("hidden", "submit", "button") and not inside_label and attrs.get("id") not in audit.label_for
    ]
    missing += ["<fieldset> without <legend>" for entry in audit.fieldsets if not entry["legend"]]
    return missing, len(audit.controls)


def checked_values(html, name):
    """Values of the checked inputs called `name`."""
    found = []
    for tag in re.findall(r"<input\b[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\schecked\b", tag):
            found.append(re.search(r'value="([^"]*)"', tag).group(1))
    return found
