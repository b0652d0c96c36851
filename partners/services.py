from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import Actor, audit_record
from prm.invitations.services import invitations_revoke_for_partner
from prm.tenancy.models import Tenant

from .audit_verbs import PartnerVerb
from .domains import domain_from_website
from .models import Partner, PartnerStatus
from .selectors import NAME_TAKEN, partner_name_taken

EDITABLE_FIELDS = (
    "name", "status", "tier", "country", "website",
    "primary_contact_name", "primary_contact_email", "notes",
)


def _check_unique_name(name: str, exclude_pk: int | None = None) -> None:
    if partner_name_taken(name, exclude_pk=exclude_pk):
        raise ValidationError({"name": NAME_TAKEN})


@transaction.atomic
def partner_create(*, tenant: Tenant, actor: Actor, **fields: Any) -> Partner:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown partner fields: {', '.join(sorted(unknown))}")
    if fields.get("status") == PartnerStatus.INACTIVE:
        raise ValidationError({"status": _("A new partner cannot start deactivated.")})
    _check_unique_name(fields.get("name", ""))
    partner = Partner(tenant=tenant, created_by=actor if isinstance(actor, get_user_model()) else None, **fields)
    partner.domain = domain_from_website(partner.website)
    partner.full_clean()
    partner.save()
    audit_record(tenant=tenant, actor=actor, verb=PartnerVerb.CREATED, target=partner, to_state=partner.status)
    return partner


def _check_status_change(partner: Partner, status: str) -> None:
    """Deactivation and reactivation are their own moves (side effects, audit verbs): an edit refuses them."""
    if status == partner.status:
        return
    if status == PartnerStatus.INACTIVE:
        raise ValidationError({"status": _("Use Deactivate to deactivate a partner.")})
    if partner.status == PartnerStatus.INACTIVE:
        raise ValidationError({"status": _("This partner is deactivated: use Reactivate to bring it back.")})


@transaction.atomic
def partner_update(*, partner: Partner, actor: Actor, **fields: Any) -> Partner:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown partner fields: {', '.join(sorted(unknown))}")
    _check_status_change(partner, fields.get("status", partner.status))
    if "name" in fields:
        _check_unique_name(fields["name"], exclude_pk=partner.pk)
    before = {name: getattr(partner, name) for name in fields}
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.domain = domain_from_website(partner.website)
    partner.full_clean()
    partner.save()
    changed = {name: [str(before[name]), str(getattr(partner, name))] for name in fields if before[name] != getattr(partner, name)}
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
