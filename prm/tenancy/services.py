from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from prm.accounts.models import User
from prm.audit.services import Actor, audit_record

from .audit_verbs import TenancyVerb
from .models import RESERVED_SLUGS, STAFF_ROLES, Membership, Role, Tenant


@transaction.atomic
def membership_grant(*, tenant: Tenant, user: User, role: str, partner: Model | None = None, actor: Actor) -> Membership:
    """Give `user` access to `tenant` in `role` (for `partner`): a new membership, or the old one back."""
    membership, _created = Membership.objects.update_or_create(
        tenant=tenant, user=user, defaults={"role": role, "partner": partner, "is_active": True},
    )
    audit_record(tenant=tenant, actor=actor, verb=TenancyVerb.MEMBERSHIP_GRANTED, target=membership,
                 to_state="active", data={"role": membership.role})
    return membership


def _may_manage(actor_membership: Membership, target: Membership) -> bool:
    """Tenant admins manage everyone; channel managers manage partner people; partner admins their own team."""
    if actor_membership.is_tenant_admin:
        return True
    if actor_membership.role == Role.CHANNEL_MANAGER:
        return target.is_partner_role
    if actor_membership.is_partner_admin:
        return target.is_partner_role and target.partner_id == actor_membership.partner_id
    return False


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor_membership: Membership) -> None:
    if not _may_manage(actor_membership, membership):
        raise PermissionDenied(_("You may not manage this person."))
    if membership.pk == actor_membership.pk:
        raise ValidationError(_("You cannot deactivate yourself; ask another admin."))
    if not membership.is_active:
        raise ValidationError(_("This person is already deactivated."))
    if membership.is_tenant_admin:
        other_admins = Membership.objects.select_for_update().filter(role=Role.TENANT_ADMIN, is_active=True).exclude(pk=membership.pk)
        if not other_admins.exists():
            raise ValidationError(_("A program needs at least one active tenant admin."))
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    audit_record(tenant=membership.tenant, actor=actor_membership.user, verb=TenancyVerb.MEMBERSHIP_DEACTIVATED,
                 target=membership, from_state="active", to_state="inactive")


@transaction.atomic
def membership_reactivate(*, membership: Membership, actor_membership: Membership) -> None:
    if not _may_manage(actor_membership, membership):
        raise PermissionDenied(_("You may not manage this person."))
    if membership.is_active:
        raise ValidationError(_("This person is already active."))
    if membership.partner_id and not membership.partner.is_active:
        raise ValidationError(_("Reactivate the partner first."))
    Membership.objects.filter(pk=membership.pk).update(is_active=True)
    audit_record(tenant=membership.tenant, actor=actor_membership.user, verb=TenancyVerb.MEMBERSHIP_REACTIVATED,
                 target=membership, from_state="inactive", to_state="active")


def staff_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(role__in=STAFF_ROLES).select_related("user").order_by("user__email")


@transaction.atomic
def tenant_create(*, slug: str, name: str, currency: str = "USD", time_zone: str = "UTC") -> Tenant:
    """A new vendor program. Platform operators call this (command or admin); no member exists yet."""
    tenant = Tenant(slug=slug.strip().lower(), name=name.strip(), currency=currency.upper(), time_zone=time_zone)
    if tenant.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("“%(slug)s” is reserved; choose another sub-domain.") % {"slug": tenant.slug}})
    tenant.full_clean()
    tenant.save()
    return tenant


@transaction.atomic
def tenant_settings_update(*, tenant: Tenant, actor: Actor, name: str, default_language: str, time_zone: str,
                           currency: str) -> Tenant:
    """Change the program-wide settings; one audit row names each change, old and new."""
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    wanted = {"name": name.strip(), "default_language": default_language, "time_zone": time_zone, "currency": currency.upper()}
    changes = {field: [getattr(locked, field), value] for field, value in wanted.items() if getattr(locked, field) != value}
    if not changes:
        return locked
    for field, (_old, value) in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save(update_fields=list(changes))
    audit_record(tenant=locked, actor=actor, verb=TenancyVerb.SETTINGS_CHANGED, target=locked, data=changes)
    return locked
