import zoneinfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .managers import TenantOwnedModel

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
    _("Use 1–40 lowercase letters, digits or hyphens; it becomes the sub-domain."),
)
TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]
RESERVED_SLUGS = {"www", "api", "admin", "static", "mail", "app"}


class Tenant(models.Model):
    """A vendor running a partner program. Later issues add their settings here."""

    slug = models.CharField(_("address"), max_length=40, unique=True, validators=[slug_validator])
    name = models.CharField(_("program name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="USD", help_text=_("ISO 4217 code, e.g. USD, EUR."))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", choices=TIME_ZONE_CHOICES)
    default_language = models.CharField(
        _("default language"), max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("For people who have not chosen their own language. Blank: the language of their browser."),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def host(self):
        return f"{self.slug}.{settings.PRM_DOMAIN}"


class TenantDomain(models.Model):
    """A custom domain (partners.acme.com) that serves a tenant once verified."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)
    is_verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    TENANT_ADMIN = "tenant_admin", _("Tenant admin")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_USER = "partner_user", _("Partner user")


STAFF_ROLES = frozenset({Role.TENANT_ADMIN, Role.CHANNEL_MANAGER})
PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_USER})


class Membership(TenantOwnedModel):
    """What one person may do in one tenant. Partner roles are tied to exactly one partner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    partner = models.ForeignKey(
        "partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_one_per_user_per_tenant"),
            models.CheckConstraint(
                condition=(
                    Q(role__in=[Role.PARTNER_ADMIN, Role.PARTNER_USER], partner__isnull=False)
                    | Q(role__in=[Role.TENANT_ADMIN, Role.CHANNEL_MANAGER], partner__isnull=True)
                ),
                name="membership_partner_iff_partner_role",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner", "role"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.tenant}"

    @property
    def is_staff_role(self):
        return self.role in STAFF_ROLES

    @property
    def is_partner_role(self):
        return self.role in PARTNER_ROLES

    @property
    def is_tenant_admin(self):
        return self.role == Role.TENANT_ADMIN

    @property
    def is_partner_admin(self):
        return self.role == Role.PARTNER_ADMIN
