from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prm.tenancy.models import PARTNER_ROLES, Membership, Tenant

from .models import Partner
from .profile_models import ChangeStatus, PartnerProfileSettings, ProfileChange


def partner_search(*, query: str = "", status: str = "", tier: str = "", base: QuerySet[Partner] | None = None) -> QuerySet[Partner]:
    """Partners of the tenant in force (or of `base`), filtered, each with its count of active users."""
    partners = (Partner.objects.all() if base is None else base).annotate(
        active_users=Count("memberships", filter=Q(memberships__is_active=True))
    )
    query = query.strip()
    if query:
        partners = partners.filter(
            Q(name__icontains=query)
            | Q(domain__icontains=query)
            | Q(primary_contact_email__icontains=query)
            | Q(primary_contact_name__icontains=query)
            | Q(tier__name__iexact=query)
            | Q(country__iexact=query)
        )
    if status:
        partners = partners.filter(status=status)
    if tier:
        partners = partners.filter(tier__name__iexact=tier)
    return partners.select_related("tier").order_by("name")


def partner_team(partner: Partner) -> QuerySet[Membership]:
    return Membership.objects.filter(partner=partner, role__in=PARTNER_ROLES).select_related("user").order_by("user__email")


NAME_TAKEN = _("Another partner in this program already has this name.")


def partner_name_taken(name: str, exclude_pk: int | None = None) -> bool:
    """Names are unique per tenant whatever their case, as the database constraint says."""
    clash = Partner.objects.annotate(lname=Lower("name")).filter(lname=(name or "").strip().lower())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    return clash.exists()


def profile_settings_for(tenant: Tenant) -> PartnerProfileSettings:
    """The tenant's row, or the default (legal name and country wait for approval) when it has none."""
    return PartnerProfileSettings.objects.filter(tenant=tenant).first() or PartnerProfileSettings(tenant=tenant)


def pending_profile_changes(partner: Partner) -> QuerySet[ProfileChange]:
    return ProfileChange.objects.filter(partner=partner, status=ChangeStatus.PENDING).select_related("requested_by")
