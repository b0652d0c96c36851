from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from prm.tenancy.managers import TenantOwnedModel

from .business_types import BusinessType


class PartnerStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class Partner(TenantOwnedModel):
    """A reseller or integrator in a tenant's program.

    Its business type chooses the agreement it signs (and, with its tier, what it may see); an
    approved application sets it, staff set it for partners they add.
    """

    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE)
    business_type = models.CharField(_("business type"), max_length=20, choices=BusinessType.choices, blank=True)
    tier = models.ForeignKey("tiers.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="partners",
                             verbose_name=_("tier"))
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(_("logo"), upload_to="partner-logos/", blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    specialisations = models.CharField(_("specialisations"), max_length=500, blank=True,
                                       help_text=_("Comma-separated, e.g. cloud migration, security."))
    regions = models.CharField(_("regions served"), max_length=500, blank=True,
                               help_text=_("Comma-separated, e.g. Bavaria, Austria."))
    domain = models.CharField(_("domain"), max_length=253, blank=True, help_text=_("Normalised from the website."))
    primary_contact_name = models.CharField(_("primary contact name"), max_length=150, blank=True)
    primary_contact_email = models.EmailField(_("primary contact email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        "tenancy.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("channel manager"), help_text=_("The program's manager who looks after this partner."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("tenant", Lower("name"), name="partner_name_unique_per_tenant"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "name"]),
            models.Index(fields=["tenant", "domain"]),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.status != PartnerStatus.INACTIVE

    @property
    def specialisation_list(self):
        return tags(self.specialisations)

    @property
    def region_list(self):
        return tags(self.regions)


def tags(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


from .onboarding.models import Application, ApplicationQuestion, OnboardingSettings  # noqa: E402, F401 — the onboarding tables
from .profile_models import PartnerProfileSettings, ProfileChange  # noqa: E402, F401 — the profile tables
