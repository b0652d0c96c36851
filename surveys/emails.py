"""Survey emails: one function per message. Survey emails carry RFC 8058 one-click unsubscribe."""

from django.template.loader import render_to_string
from django.urls import reverse

from prm.outbox.services import email_enqueue, email_render_and_enqueue
from prm.tenancy.links import tenant_url
from prm.tenancy.models import Membership, Role

from .texts import texts_for
from .tokens import answer_token, unsubscribe_token


def survey_email(invitation, reminder=False, send=True):
    """`send=None`: the unsaved outbox row, for the caller to bulk-create."""
    tenant, partner = invitation.tenant, invitation.partner
    texts = texts_for(invitation.survey, partner.name, tenant.name)
    answer_url = tenant_url(tenant, reverse("survey_answer", args=[answer_token(invitation)]))
    unsubscribe_url = tenant_url(tenant, reverse("survey_unsubscribe", args=[unsubscribe_token(tenant, invitation.email)]))
    context = {
        "texts": texts, "invitation": invitation, "tenant": tenant, "partner": partner,
        "scores": [(score, f"{answer_url}?score={score}") for score in range(11)],
        "answer_url": answer_url, "unsubscribe_url": unsubscribe_url,
    }
    subject = (texts["reminder"] if reminder else "") + texts["subject"]
    return email_enqueue(
        tenant=tenant,
        to=[invitation.email],
        subject=subject,
        body_text=render_to_string("surveys/email/survey_body.txt", context),
        body_html=render_to_string("surveys/email/survey_body.html", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        kind="surveys/reminder" if reminder else "surveys/invitation",
        send=send,
    )


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
    url = tenant_url(case.tenant, reverse("surveys:dashboard_follow_ups"))
    for email in _staff_emails():
        email_render_and_enqueue(template="surveys/email/follow_up_overdue", tenant=case.tenant, to=[email],
                                 context={"case": case, "answer": case.answer, "tenant": case.tenant, "url": url})
