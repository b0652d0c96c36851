"""Invitation emails for many invitees at once (a partner import invites up to 100,000).

Rendering the three templates costs ~2 ms an email, most of an import's time. So each (language,
role) is rendered once with stand-ins for the partner's name and the link's token, and each
email is that stencil with the invitee's values put in. The stencil is trusted only after it gave,
for the first invitee of its key, exactly what the full render gives; an invitee whose partner
name HTML escaping would change, and every invitee of a key whose check failed, get the full
render (`invitation_email`, the plain path, which invitation_create's emails also are).
Figures: bench/partner_import.py.
"""

import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from prm.outbox.models import OutboundEmail
from prm.outbox.services import email_build, email_render
from prm.tenancy.links import tenant_url

from .models import Invitation

TEMPLATE = "invitations/email/invite"


def invitation_email(*, invitation: Invitation, token: str, inviter, language: str) -> OutboundEmail:
    """The invitation's email, rendered in full (unsaved)."""
    tenant = invitation.tenant
    return email_render(
        template=TEMPLATE,
        context={"tenant": tenant, "invitation": invitation, "inviter": inviter,
                 "accept_url": tenant_url(tenant, reverse("invitation_accept", args=[token])),
                 "ttl_days": settings.INVITATION_TTL_DAYS},
        tenant=tenant, to=[invitation.email], sensitive=True, language=language)


class _Stencil:
    def __init__(self, invitation: Invitation, inviter, language: str):
        self.name, self.token = f"PRMSTANDIN{secrets.token_hex(8)}", f"PRMSTANDIN{secrets.token_hex(8)}"
        partner = type(invitation.partner)(name=self.name)
        stand_in = Invitation(tenant=invitation.tenant, email=invitation.email, role=invitation.role, partner=partner)
        self.email = invitation_email(invitation=stand_in, token=self.token, inviter=inviter, language=language)

    def fill(self, invitation: Invitation, token: str) -> OutboundEmail:
        def put(text: str) -> str:
            return text.replace(self.name, invitation.partner.name).replace(self.token, token)

        email = self.email
        return email_build(tenant=email.tenant, to=[invitation.email], subject=put(email.subject),
                           body_text=put(email.body_text), body_html=put(email.body_html), headers=email.headers,
                           kind=email.kind, sensitive=email.sensitive)


def _same(a: OutboundEmail, b: OutboundEmail) -> bool:
    return (a.subject, a.body_text, a.body_html, a.headers, a.to) == (b.subject, b.body_text, b.body_html, b.headers, b.to)


def invitation_emails(*, invitations: list[Invitation], tokens: list[str], inviter,
                      languages: list[str]) -> list[OutboundEmail]:
    """One unsaved email per invitation (each with its partner loaded), in the same order."""
    stencils: dict[tuple[str, str], _Stencil | None] = {}
    emails = []
    for invitation, token, language in zip(invitations, tokens, languages, strict=True):
        key = (language, invitation.role)
        if escape(invitation.partner.name) != invitation.partner.name:
            emails.append(invitation_email(invitation=invitation, token=token, inviter=inviter, language=language))
        elif key not in stencils:
            full = invitation_email(invitation=invitation, token=token, inviter=inviter, language=language)
            stencil = _Stencil(invitation, inviter, language)
            stencils[key] = stencil if _same(stencil.fill(invitation, token), full) else None
            emails.append(full)
        elif stencils[key] is None:
            emails.append(invitation_email(invitation=invitation, token=token, inviter=inviter, language=language))
        else:
            emails.append(stencils[key].fill(invitation, token))
    return emails
