"""Reads of partner onboarding, scoped to the tenant in force."""

from django.db.models import Q, QuerySet

from partners.models import Partner
from partners.names import normalize_company_name
from prm.tenancy.models import Tenant

from .models import OPEN_STATUSES, Application, ApplicationQuestion, ApplicationStatus, OnboardingSettings


def onboarding_settings_for(tenant: Tenant) -> OnboardingSettings:
    settings, _created = OnboardingSettings.objects.get_or_create(tenant=tenant)
    return settings


def active_questions() -> QuerySet[ApplicationQuestion]:
    return ApplicationQuestion.objects.filter(is_active=True)


def duplicates_for(application: Application) -> tuple[Partner | None, Application | None]:
    """The partner and the open application that look like the same company (same domain or same
    normalised name), for the review queue to flag."""
    partner = Partner.objects.filter(domain=application.domain).first() if application.domain else None
    if partner is None and application.name_normalized:
        # Partner names are not stored normalised; a program's partners are few enough to compare here.
        pk = next((pk for pk, name in Partner.objects.values_list("id", "name")
                   if normalize_company_name(name) == application.name_normalized), None)
        partner = Partner.objects.filter(pk=pk).first() if pk else None
    same = Q(name_normalized=application.name_normalized) if application.name_normalized else Q(pk__in=[])
    if application.domain:
        same |= Q(domain=application.domain)
    duplicate = (Application.objects.filter(same, status__in=OPEN_STATUSES).exclude(pk=application.pk)
                 .order_by("created_at").first())
    return partner, duplicate


def review_queue() -> QuerySet[Application]:
    """Applications waiting for a manager: confirmed and not decided, oldest first."""
    return (Application.objects.filter(status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO))
            .select_related("matched_partner", "duplicate_of").order_by("created_at"))
