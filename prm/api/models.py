from django.conf import settings
from django.db import models

from prm.tenancy.managers import TenantOwnedModel


class ApiKey(TenantOwnedModel):
    """A tenant-scoped key for integrations. The secret is shown once; only its hash is stored."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True, help_text="Public part, used to find the key.")
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"API key “{self.name}” ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
