"""The kinds of step partners itself checks: the agreement, the company profile, the team; and manual steps."""

from django.utils.translation import gettext_lazy as _, ngettext

from prm.tenancy.models import PARTNER_ROLES, Membership

from .kinds import Kind, register

# A company profile is complete when these fields are filled (the portal's profile page edits them).
PROFILE_FIELDS = ("website", "country", "street", "postcode", "city", "description", "specialisations")


def agreement_signed(partner, step) -> bool:
    from partners.agreements.selectors import partner_agreement_signed

    return partner_agreement_signed(partner)


def profile_complete(partner, step) -> bool:
    return all(str(getattr(partner, name) or "").strip() for name in PROFILE_FIELDS)


def colleagues_invited(partner, step) -> bool:
    """At least `threshold` colleagues have joined: the team counts that many active members beside the first."""
    team = Membership.objects.filter(partner=partner, role__in=PARTNER_ROLES, is_active=True).count()
    return team >= (step.threshold or 1) + 1


def _colleagues(count: int) -> str:
    return ngettext("Invite at least %(count)d colleague", "Invite at least %(count)d colleagues", count) % {"count": count}


def _partner_of_signature(partner=None, **kwargs):
    return partner


def _partner_of_invitation(invitation=None, **kwargs):
    return invitation.partner if invitation is not None else None


MANUAL = "manual"


def register_all() -> None:
    from partners.agreements.signals import agreement_signed as agreement_signed_signal
    from prm.invitations.signals import invitation_accepted

    register(Kind("agreement", _("Sign the partner agreement"), agreement_signed, url_name="agreements:portal_sign",
                  triggers=((agreement_signed_signal, _partner_of_signature),)))
    register(Kind("profile", _("Complete your company profile"), profile_complete, url_name="portal:profile"))
    register(Kind("colleagues", _("Invite colleagues"), colleagues_invited, url_name="portal:team",
                  uses_threshold=True, describe=_colleagues, triggers=((invitation_accepted, _partner_of_invitation),)))
    register(Kind(MANUAL, _("A step your channel manager ticks")))
