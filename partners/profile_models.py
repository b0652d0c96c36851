"""Self-service profile: which fields wait for a manager, and the changes that wait."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy.managers import TenantOwnedModel

# Fields a partner admin may ask to change; the tenant marks some of them as sensitive.
SENSITIVE_CHOICES = (("name", _("Legal name")), ("country", _("Country")), ("website", _("Website")))
DEFAULT_SENSITIVE = "name,country"


class PartnerProfileSettings(TenantOwnedModel):
    """One row per tenant (none means the default): fields whose change a manager approves first."""

    sensitive_fields = models.CharField(
        _("fields changed only after approval"), max_length=200, default=DEFAULT_SENSITIVE,
        help_text=_("Comma-separated field names: name, country, website."),
    )

    class Meta:
        verbose_name = _("partner profile settings")
        verbose_name_plural = _("partner profile settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="profile_settings_one_per_tenant")]

    def __str__(self):
        return str(self._meta.verbose_name)

    @property
    def fields(self) -> set[str]:
        allowed = {name for name, _label in SENSITIVE_CHOICES}
        return {part.strip() for part in self.sensitive_fields.split(",") if part.strip() in allowed}


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ProfileChange(TenantOwnedModel):
    """A partner admin's change to a sensitive field, waiting for a manager."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="profile_changes")
    field = models.CharField(_("field"), max_length=30, choices=SENSITIVE_CHOICES)
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "partner", "status"])]

    def __str__(self):
        return f"{self.field}: {self.new_value}"
