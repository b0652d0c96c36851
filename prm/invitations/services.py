from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.forms import BaseForm
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.accounts.models import User
from prm.audit.services import Actor, audit_build, audit_record, audit_store
from prm.bulk_insert import insert_objects, unsaved
from prm.i18n.languages import supported_or_none
from prm.outbox.services import email_render_and_enqueue, emails_send_later, emails_store
from prm.tenancy.links import tenant_url
from prm.tenancy.models import PARTNER_ROLES, Membership, Role, Tenant
from prm.tenancy.services import membership_grant

from .audit_verbs import InvitationVerb
from .bulk_emails import invitation_emails
from .models import Invitation
from .rules import can_invite, can_invite_to
from .signals import invitation_accepted
from .tokens import hash_token, new_token


class InvitationUnusable(Exception):
    """The link was already used, revoked, expired, or never existed."""


@transaction.atomic
def invitation_create(*, tenant: Tenant, actor_membership: Membership, email: str, role: str,
                      partner: Model | None = None) -> tuple[Invitation, str]:
    """Invite `email` to `tenant` as `role`; returns (invitation, raw_token). Emails the link."""
    email = email.strip().lower()
    if role in PARTNER_ROLES and partner is None:
        raise ValidationError({"partner": _("Choose the partner this person will work for.")})
    if role not in PARTNER_ROLES:
        partner = None
    if not can_invite(actor_membership, role, partner):
        raise PermissionDenied(_("You may not invite people in this role."))
    if partner is not None and not partner.is_active:
        raise ValidationError({"partner": _("This partner is deactivated; reactivate it before inviting users.")})
    if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": _("This person is already a member of this program.")})
    return _issue(tenant=tenant, inviter=actor_membership.user, email=email, role=role, partner=partner)


def _issue(*, tenant: Tenant, inviter: User | None, email: str, role: str, partner: Model | None) -> tuple[Invitation, str]:
    # A new invitation replaces any earlier pending one for the same address.
    Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = new_token()
    invitation = Invitation.objects.create(
        tenant=tenant,
        email=email,
        role=role,
        partner=partner,
        token_hash=hash_token(token),
        invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    audit_record(tenant=tenant, actor=inviter, verb=InvitationVerb.CREATED, target=invitation,
                 to_state="pending", data={"email": email, "role": role, "partner_id": partner.pk if partner else None})
    invitation.email_message = email_render_and_enqueue(
        template="invitations/email/invite",
        context={
            "tenant": tenant,
            "invitation": invitation,
            "inviter": inviter,
            "accept_url": tenant_url(tenant, reverse("invitation_accept", args=[token])),
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
        tenant=tenant,
        to=[email],
        sensitive=True,
    )
    invitation.save(update_fields=["email_message"])
    return invitation, token


@transaction.atomic
def invitations_create_many(*, tenant: Tenant, actor_membership: Membership,
                            invitees: list[tuple[str, str, int]]) -> int:
    """Invite many people at once, each (email, partner role, partner id), with one audit row and one
    email each, as invitation_create does one by one; the emails go out in batches after commit.

    The caller has checked the addresses (one each, none already a member here) and the partners
    (active); a role the inviting member may not grant is refused for the whole list.
    """
    if any(role not in PARTNER_ROLES or not can_invite_to(actor_membership, role, partner_id)
           for _email, role, partner_id in invitees):
        raise PermissionDenied(_("You may not invite people in this role."))
    now = timezone.now()
    emails = sorted({email for email, _role, _partner in invitees})
    pending = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    # Only these addresses, 2,000 at a time: a caller inviting in chunks (an import) would otherwise
    # read back every invitation its earlier chunks made, once per chunk.
    for start in range(0, len(emails), 2000):
        pending.annotate(address=Lower("email")).filter(address__in=emails[start:start + 2000]).update(revoked_at=now)
    for start in range(0, len(invitees), INVITE_CHUNK):  # rendered emails are held a chunk at a time
        _issue_chunk(tenant, actor_membership.user, invitees[start:start + INVITE_CHUNK], now)
    return len(invitees)


INVITE_CHUNK = 2000


def _issue_chunk(tenant: Tenant, inviter: User, invitees: list[tuple[str, str, int]], now: datetime) -> None:
    tokens = [new_token() for _invitee in invitees]
    expires = now + timedelta(days=settings.INVITATION_TTL_DAYS)
    partners = Invitation.partner.field.related_model.objects.in_bulk({partner_id for _e, _r, partner_id in invitees})
    invitations = [unsaved(Invitation, tenant=tenant, email=email, role=role, partner=partners[partner_id],
                           token_hash=hash_token(token), invited_by=inviter, expires_at=expires)
                   for (email, role, partner_id), token in zip(invitees, tokens, strict=True)]
    accounts = dict(User.objects.filter(email__in=[i.email for i in invitations]).values_list("email", "language"))
    program = supported_or_none(tenant.default_language) or settings.LANGUAGE_CODE
    languages = [supported_or_none(accounts.get(invitation.email)) or program for invitation in invitations]
    email_ids = emails_store(emails=invitation_emails(invitations=invitations, tokens=tokens, inviter=inviter,
                                                      languages=languages))
    for invitation, email_id in zip(invitations, email_ids, strict=True):
        invitation.email_message_id = email_id
    insert_objects(Invitation.objects, invitations)
    audit_store([audit_build(tenant=tenant, actor=inviter, verb=InvitationVerb.CREATED, target=invitation,
                             to_state="pending", data={"email": invitation.email, "role": invitation.role,
                                                       "partner_id": invitation.partner_id})
                 for invitation in invitations])
    emails_send_later(email_ids)


@transaction.atomic
def invitation_create_first_admin(*, tenant: Tenant, email: str) -> tuple[Invitation, str]:
    """Platform operators invite a new tenant's first admin (no member exists yet to do it)."""
    email = email.strip().lower()
    if Membership.objects.filter(role=Role.TENANT_ADMIN, is_active=True).exists():
        raise ValidationError({"email": _("This program already has an admin; they invite the rest of the team.")})
    return _issue(tenant=tenant, inviter=None, email=email, role=Role.TENANT_ADMIN, partner=None)


def invitation_find(*, token: str) -> Invitation | None:
    """The pending invitation for a raw token in the tenant in force, or None."""
    invitation = Invitation.objects.select_related("partner").filter(token_hash=hash_token(token)).first()
    return invitation if invitation is not None and invitation.is_usable else None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User | None = None, full_name: str = "", password: str = "",
                      second_factor: BaseForm | None = None) -> Membership:
    """Use the invitation once: create the account if needed and the membership. Returns the membership.
    `second_factor` is allauth's validated code form of an existing account with two-factor: saving it
    records the code's use, as after allauth's own two-factor step.

    The conditional update is the single-use guarantee: of two concurrent accepts, one wins.
    """
    now = timezone.now()
    used = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now)
    if used != 1:
        raise InvitationUnusable
    if user is None:
        user = _create_invited_user(invitation.email, full_name, password)
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(_("This invitation was sent to another address."))
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    audit_record(tenant=invitation.tenant, actor=user, verb=InvitationVerb.ACCEPTED, target=invitation,
                 from_state="pending", to_state="accepted")
    membership = membership_grant(tenant=invitation.tenant, user=user, role=invitation.role, partner=invitation.partner,
                                  actor=user)
    if second_factor is not None:
        second_factor.save()
    transaction.on_commit(lambda: invitation_accepted.send(sender=Invitation, invitation=invitation, membership=membership),
                          robust=True)
    return membership


def _create_invited_user(email: str, full_name: str, password: str) -> User:
    user = get_user_model().objects.create_user(email=email, password=password, full_name=full_name)
    # Following the emailed link proves the address.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor_membership: Membership) -> tuple[Invitation, str]:
    """A fresh link (the old one stops working) for an invitation not yet accepted."""
    if invitation.accepted_at:
        raise ValidationError(_("This invitation was already accepted."))
    if not can_invite(actor_membership, invitation.role, invitation.partner):
        raise PermissionDenied(_("You may not invite people in this role."))
    return invitation_create(tenant=invitation.tenant, actor_membership=actor_membership, email=invitation.email,
                             role=invitation.role, partner=invitation.partner)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor_membership: Membership) -> None:
    if not can_invite(actor_membership, invitation.role, invitation.partner):
        raise PermissionDenied(_("You may not revoke this invitation."))
    if invitation.status != "pending":
        raise ValidationError({
            "accepted": _("This invitation was already accepted."),
            "revoked": _("This invitation is already revoked."),
            "expired": _("This invitation has already expired."),
        }[invitation.status])
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    audit_record(tenant=invitation.tenant, actor=actor_membership.user, verb=InvitationVerb.REVOKED,
                 target=invitation, from_state="pending", to_state="revoked")


@transaction.atomic
def invitations_revoke_for_partner(*, partner: Model, actor: Actor, now: datetime | None = None) -> int:
    """Revoke every pending invitation to `partner` (it was deactivated); one audit row each."""
    pending = list(Invitation.objects.select_for_update().filter(partner=partner, accepted_at__isnull=True, revoked_at__isnull=True))
    Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(revoked_at=now or timezone.now())
    for invitation in pending:
        audit_record(tenant=invitation.tenant, actor=actor, verb=InvitationVerb.REVOKED, target=invitation,
                     from_state="pending", to_state="revoked", data={"reason": "partner deactivated"})
    return len(pending)
