from django.conf import settings
from django.db import models

from prm.tenancy.managers import TenantOwnedModel


class AuditEvent(TenantOwnedModel):
    """One row per state change made by a service: who, what, from which state to which."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True, help_text="Who acted when it was not a person: an API key, a rule, a task.")
    verb = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "target_type", "target_id", "created_at"])]

    def __str__(self):
        return f"{self.verb} {self.target_type}#{self.target_id}"
