"""Survey emails: one function per message. Survey emails carry RFC 8058 one-click unsubscribe."""

import re

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from prm.outbox.services import email_build, email_render_and_enqueue
from prm.tenancy.links import tenant_url
from prm.tenancy.models import Membership, Role

from .texts import texts_for
from .tokens import answer_token, unsubscribe_token

# Placeholders for what differs between the emails of one survey: lowercase letters and dashes
# only, so HTML escaping leaves them as they are and the values can be put in after rendering.
SLOTS = {name: f"prm-slot-{name}" for name in ("answer-link", "unsubscribe-link", "partner")}
_SLOT = re.compile("prm-slot-(" + "|".join(SLOTS) + ")")
TOKEN_SLOT = "prm-slot-token"


class SurveyEmails:
    """Survey emails for many invitations. Emails of one survey differ only by the partner's name
    and two signed links, so each (survey, reminder) is rendered once with slots and every email
    fills in its own values in one pass: rendering templates was most of the cost of a send."""

    def __init__(self):
        self._bodies = {}
        self._links = {}

    def _rendered(self, tenant, survey, reminder):
        key = (survey.pk, reminder)
        if key not in self._bodies:
            texts = texts_for(survey, SLOTS["partner"], tenant.name)
            context = {
                "texts": texts, "survey": survey, "tenant": tenant,
                "scores": [(score, f"{SLOTS['answer-link']}?score={score}") for score in range(11)],
                "answer_url": SLOTS["answer-link"], "unsubscribe_url": SLOTS["unsubscribe-link"],
            }
            with translation.override(survey.language):  # the survey's language, whoever triggers the send
                self._bodies[key] = (
                    texts["reminder_subject"] if reminder else texts["subject"],
                    render_to_string("surveys/email/survey_body.txt", context),
                    render_to_string("surveys/email/survey_body.html", context),
                )
        return self._bodies[key]

    def _link(self, tenant, url_name, token):
        """The URL of `url_name` with `token`: reversed once per tenant (reverse() is slow), then
        filled in. Signed tokens are URL-safe, so reverse() would not have quoted them."""
        key = (tenant.pk, url_name)
        if key not in self._links:
            self._links[key] = tenant_url(tenant, reverse(url_name, args=[TOKEN_SLOT]))
        return self._links[key].replace(TOKEN_SLOT, token)

    def email(self, invitation, reminder=False):
        """The unsaved outbox row of one invitation (the caller saves or bulk-creates it)."""
        tenant = invitation.tenant
        subject, text, html = self._rendered(tenant, invitation.survey, reminder)
        answer_url = self._link(tenant, "survey_answer", answer_token(invitation))
        unsubscribe_url = self._link(tenant, "survey_unsubscribe", unsubscribe_token(tenant, invitation.email))
        plain = {"answer-link": answer_url, "unsubscribe-link": unsubscribe_url, "partner": invitation.partner.name}
        escaped = {name: escape(value) for name, value in plain.items()}
        return email_build(
            tenant=tenant,
            to=[invitation.email],
            subject=_SLOT.sub(lambda m: plain[m.group(1)], subject),
            body_text=_SLOT.sub(lambda m: plain[m.group(1)], text),
            body_html=_SLOT.sub(lambda m: escaped[m.group(1)], html),
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            kind="surveys/reminder" if reminder else "surveys/invitation",
        )


    def preview(self, tenant, survey, partner_name):
        """The subject and HTML body of `survey`'s first email as a customer of `partner_name` would get it,
        with inert links (the page shows it in a sandboxed frame)."""
        subject, _text, html = self._rendered(tenant, survey, reminder=False)
        plain = {"answer-link": "#", "unsubscribe-link": "#", "partner": partner_name}
        escaped = {name: escape(value) for name, value in plain.items()}
        return _SLOT.sub(lambda m: plain[m.group(1)], subject), _SLOT.sub(lambda m: escaped[m.group(1)], html)


def _partner_emails(partner):
    return sorted({m.user.email for m in Membership.objects.filter(partner=partner, is_active=True).select_related("user")})


def _staff_emails():
    members = Membership.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).select_related("user")
    return sorted({m.user.email for m in members})


def follow_up_opened(case):
    url = tenant_url(case.tenant, reverse("surveys:portal_follow_up", args=[case.pk]))
    for email in _partner_emails(case.partner):
        email_render_and_enqueue(template="surveys/email/follow_up_opened", tenant=case.tenant, to=[email],
                                 context={"case": case, "answer": case.answer, "tenant": case.tenant, "url": url})


def follow_up_overdue(case):
    url = tenant_url(case.tenant, reverse("surveys:dashboard_follow_up", args=[case.pk]))
    for email in _staff_emails():
        email_render_and_enqueue(template="surveys/email/follow_up_overdue", tenant=case.tenant, to=[email],
                                 context={"case": case, "answer": case.answer, "tenant": case.tenant, "url": url})
