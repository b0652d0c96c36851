from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy

from prm.tenancy.managers import TenantOwnedModel
from prm.tenancy.models import Role

STATUS_LABELS = {
    "pending": pgettext_lazy("invitation", "Pending"),
    "accepted": pgettext_lazy("invitation", "Accepted"),
    "revoked": pgettext_lazy("invitation", "Revoked"),
    "expired": pgettext_lazy("invitation", "Expired"),
}


class Invitation(TenantOwnedModel):
    """An emailed, expiring, single-use invitation to join a tenant in one role.

    Only a hash of the token is stored; the link in the email is the only copy of the token.
    """

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    email_message = models.ForeignKey("outbox.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "email", "accepted_at", "revoked_at"])]

    def __str__(self):
        return gettext("%(email)s as %(role)s") % {"email": self.email, "role": self.get_role_display()}

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def delivery_problem(self):
        """Why the invitation email has not arrived yet, if sending failed; '' otherwise."""
        message = self.email_message
        if message is None or message.status == "sent":
            return ""
        if message.status == "failed":
            return ngettext(
                "The email failed after %(attempts)d attempt: %(error)s",
                "The email failed after %(attempts)d attempts: %(error)s",
                message.attempts,
            ) % {"attempts": message.attempts, "error": message.last_error}
        if message.last_error:
            return gettext("The email is not delivered yet; retrying: %(error)s") % {"error": message.last_error}
        return ""

    @property
    def is_usable(self):
        return self.status == "pending"
