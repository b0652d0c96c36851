from django.db import models


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundEmail(models.Model):
    """One row per message. Written in the same transaction as the change that causes it, sent by a task.

    Not a tenant-scoped model: the sender task claims rows by id across tenants, and platform
    emails (an operator's password reset) have no tenant. Nothing in a tenant's UI lists it.
    """

    tenant = models.ForeignKey("tenancy.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=80, help_text="Template that produced it, e.g. invitations/invite.")
    to = models.JSONField(help_text="List of recipient addresses.")
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    sensitive = models.BooleanField(default=False, help_text="The body holds a secret link: erase it once delivered.")
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"
