from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django_countries.fields import CountryField

from prm.tenancy.managers import TenantOwnedModel


class PartnerStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"


class Partner(TenantOwnedModel):
    """A reseller or integrator in a tenant's program.

    Onboarding (applications, agreements, checklists) and tier rules arrive in a later issue;
    `status` and `tier` are the hooks they grow from.
    """

    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.ACTIVE)
    tier = models.CharField(max_length=60, blank=True, help_text="Tier label, e.g. Gold, Silver, Registered.")
    country = CountryField(blank=True)
    website = models.URLField(blank=True)
    domain = models.CharField(max_length=253, blank=True, help_text="Normalised from the website.")
    primary_contact_name = models.CharField(max_length=150, blank=True)
    primary_contact_email = models.EmailField(blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
