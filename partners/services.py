from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import Actor, audit_record
from prm.invitations.services import invitations_revoke_for_partner
from prm.tenancy.models import STAFF_ROLES, Membership, Tenant

from .audit_verbs import PartnerVerb
from .domains import domain_from_website
from .logos import logo_replace
from .models import Partner, PartnerStatus
from .profile_models import SENSITIVE_CHOICES, ChangeStatus, PartnerProfileSettings, ProfileChange
from .selectors import NAME_TAKEN, partner_name_taken, profile_settings_for

EDITABLE_FIELDS = (
    "name", "status", "business_type", "tier", "owner", "country", "website", "street", "postcode", "city", "description",
    "specialisations", "regions", "primary_contact_name", "primary_contact_email", "notes",
)


def _check_unique_name(name: str, exclude_pk: int | None = None) -> None:
    if partner_name_taken(name, exclude_pk=exclude_pk):
        raise ValidationError({"name": NAME_TAKEN})


@transaction.atomic
def partner_create(*, tenant: Tenant, actor: Actor, logo: Any = None, **fields: Any) -> Partner:
    """`logo` is an upload already checked by prm.uploads (the forms' clean_logo)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown partner fields: {', '.join(sorted(unknown))}")
    if fields.get("status") == PartnerStatus.INACTIVE:
        raise ValidationError({"status": _("A new partner cannot start deactivated.")})
    _check_unique_name(fields.get("name", ""))
    _check_owner(tenant, fields.get("owner"))
    partner = Partner(tenant=tenant, created_by=actor if isinstance(actor, get_user_model()) else None, **fields)
    if logo is not None:
        logo_replace(partner, logo)
    partner.domain = domain_from_website(partner.website)
    partner.full_clean()
    partner.save()
    audit_record(tenant=tenant, actor=actor, verb=PartnerVerb.CREATED, target=partner, to_state=partner.status)
    return partner


def _check_owner(tenant: Tenant, owner: Membership | None) -> None:
    if owner is not None and (owner.tenant_id != tenant.pk or owner.role not in STAFF_ROLES or not owner.is_active):
        raise ValidationError({"owner": _("Choose an active channel manager of this program.")})


def _check_status_change(partner: Partner, status: str) -> None:
    """Deactivation and reactivation are their own moves (side effects, audit verbs): an edit refuses them."""
    if status == partner.status:
        return
    if status == PartnerStatus.INACTIVE:
        raise ValidationError({"status": _("Use Deactivate to deactivate a partner.")})
    if partner.status == PartnerStatus.INACTIVE:
        raise ValidationError({"status": _("This partner is deactivated: use Reactivate to bring it back.")})


@transaction.atomic
def partner_update(*, partner: Partner, actor: Actor, logo: Any = None, **fields: Any) -> Partner:
    """A channel manager's edit. `logo` is an upload already checked by prm.uploads; the file it
    replaces is deleted once the transaction commits."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown partner fields: {', '.join(sorted(unknown))}")
    _check_status_change(partner, fields.get("status", partner.status))
    if "tier" in fields and fields["tier"] != partner.tier:
        # The evaluation moves tiers; a manager overrides it with a reason, and the tier is then held.
        raise ValidationError({"tier": _("A partner's tier changes through its tier evaluation: override it there, "
                                         "with a reason.")})
    if "name" in fields:
        _check_unique_name(fields["name"], exclude_pk=partner.pk)
    if "owner" in fields:
        _check_owner(partner.tenant, fields["owner"])
    before = {name: getattr(partner, name) for name in fields}
    for name, value in fields.items():
        setattr(partner, name, value)
    old_logo = logo_replace(partner, logo) if logo is not None else None
    partner.domain = domain_from_website(partner.website)
    partner.full_clean()
    partner.save()
    changed = {name: [_shown(before[name]), _shown(getattr(partner, name))]
               for name in fields if before[name] != getattr(partner, name)}
    if logo is not None:
        changed["logo"] = [old_logo or "", partner.logo.name]
    if changed:
        audit_record(tenant=partner.tenant, actor=actor, verb=PartnerVerb.UPDATED, target=partner,
                     from_state=str(before.get("status", partner.status)), to_state=partner.status, data={"changed": changed})
    return partner


@transaction.atomic
def partner_deactivate(*, partner: Partner, actor: Actor, reason: str = "") -> Partner:
    """Deactivated partners' users lose portal access at once; pending invitations are revoked."""
    if partner.status == PartnerStatus.INACTIVE:
        raise ValidationError(_("This partner is already deactivated."))
    previous = partner.status
    now = timezone.now()
    Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.INACTIVE, deactivated_at=now, updated_at=now)
    invitations_revoke_for_partner(partner=partner, actor=actor, now=now)
    partner.status, partner.deactivated_at = PartnerStatus.INACTIVE, now
    audit_record(tenant=partner.tenant, actor=actor, verb=PartnerVerb.DEACTIVATED, target=partner,
                 from_state=previous, to_state=PartnerStatus.INACTIVE, data={"reason": reason})
    return partner


@transaction.atomic
def partner_reactivate(*, partner: Partner, actor: Actor) -> Partner:
    if partner.status != PartnerStatus.INACTIVE:
        raise ValidationError(_("This partner is not deactivated."))
    now = timezone.now()
    Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.ACTIVE, deactivated_at=None, updated_at=now)
    partner.status, partner.deactivated_at = PartnerStatus.ACTIVE, None
    audit_record(tenant=partner.tenant, actor=actor, verb=PartnerVerb.REACTIVATED, target=partner,
                 from_state=PartnerStatus.INACTIVE, to_state=PartnerStatus.ACTIVE)
    return partner


PROFILE_FIELDS = ("name", "country", "website", "street", "postcode", "city", "description", "specialisations", "regions")


def _shown(value: Any) -> str:
    """A value as the timeline records it: a country by its code, a channel manager by their email."""
    if isinstance(value, Membership):
        return value.user.email
    return str(getattr(value, "code", value) or "")


@transaction.atomic
def partner_profile_update(*, partner: Partner, actor: Actor, logo: Any = None, **fields: Any) -> list[ProfileChange]:
    """A partner admin's edit: plain fields change at once, the tenant's sensitive ones wait for a manager.

    Returns the changes that now wait. `logo` is an upload already checked by prm.uploads.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    sensitive = profile_settings_for(partner.tenant).fields
    waiting = {name: value for name, value in fields.items()
               if name in sensitive and _shown(value) != _shown(getattr(partner, name))}
    if "name" in waiting:
        _check_unique_name(waiting["name"], exclude_pk=partner.pk)
    before = {name: _shown(getattr(partner, name)) for name in fields if name not in waiting}
    for name in before:
        setattr(partner, name, fields[name])
    old_logo = logo_replace(partner, logo) if logo is not None else None
    partner.domain = domain_from_website(partner.website)
    partner.full_clean()
    partner.save()
    changed = {name: [old, _shown(getattr(partner, name))] for name, old in before.items() if old != _shown(getattr(partner, name))}
    if logo is not None:
        changed["logo"] = [old_logo or "", partner.logo.name]
    if changed:
        audit_record(tenant=partner.tenant, actor=actor, verb=PartnerVerb.PROFILE_EDITED, target=partner,
                     data={"changed": changed})
    requests = []
    for name, value in waiting.items():
        ProfileChange.objects.filter(partner=partner, field=name, status=ChangeStatus.PENDING).update(
            status=ChangeStatus.REJECTED, decided_at=timezone.now())  # superseded by the newer request
        requests.append(ProfileChange.objects.create(
            tenant=partner.tenant, partner=partner, field=name, old_value=_shown(getattr(partner, name)),
            new_value=_shown(value), requested_by=actor if isinstance(actor, get_user_model()) else None))
        audit_record(tenant=partner.tenant, actor=actor, verb=PartnerVerb.CHANGE_REQUESTED, target=partner,
                     data={"field": name, "old": _shown(getattr(partner, name)), "new": _shown(value)})
    return requests


def _decide(change: ProfileChange, actor: Actor, status: str) -> None:
    claimed = ProfileChange.objects.filter(pk=change.pk, status=ChangeStatus.PENDING).update(
        status=status, decided_at=timezone.now(), decided_by=actor if isinstance(actor, get_user_model()) else None)
    if not claimed:
        raise ValidationError(_("This change was already decided."))
    change.status = status


@transaction.atomic
def profile_change_approve(*, change: ProfileChange, actor: Actor) -> Partner:
    partner = Partner.objects.select_for_update().get(pk=change.partner_id)
    _decide(change, actor, ChangeStatus.APPROVED)
    if change.field == "name":
        _check_unique_name(change.new_value, exclude_pk=partner.pk)
    setattr(partner, change.field, change.new_value)
    partner.domain = domain_from_website(partner.website)
    partner.full_clean()
    partner.save()
    audit_record(tenant=partner.tenant, actor=actor, verb=PartnerVerb.CHANGE_APPROVED, target=partner,
                 data={"field": change.field, "old": change.old_value, "new": change.new_value})
    return partner


@transaction.atomic
def profile_change_reject(*, change: ProfileChange, actor: Actor) -> ProfileChange:
    _decide(change, actor, ChangeStatus.REJECTED)
    audit_record(tenant=change.tenant, actor=actor, verb=PartnerVerb.CHANGE_REJECTED, target=change.partner,
                 data={"field": change.field, "old": change.old_value, "new": change.new_value})
    return change


@transaction.atomic
def profile_settings_update(*, tenant: Tenant, actor: Actor, sensitive_fields: list[str]) -> PartnerProfileSettings:
    """Which profile fields a partner admin's change waits for a manager's approval (none: every change
    applies at once). Changes already waiting stay until a manager decides them."""
    allowed = [name for name, _label in SENSITIVE_CHOICES]
    unknown = sorted(set(sensitive_fields) - set(allowed))
    if unknown:
        raise ValidationError({"sensitive_fields": _("%(names)s cannot wait for approval; choose among legal name, "
                                                     "country and website.") % {"names": ", ".join(unknown)}})
    settings, _created = PartnerProfileSettings.objects.get_or_create(tenant=tenant)
    before = [name for name in allowed if name in settings.fields]
    after = [name for name in allowed if name in sensitive_fields]
    if after != before:
        settings.sensitive_fields = ",".join(after)
        settings.save(update_fields=["sensitive_fields"])
        audit_record(tenant=tenant, actor=actor, verb=PartnerVerb.PROFILE_SETTINGS_UPDATED, target=settings,
                     data={"before": before, "after": after})
    return settings
