"""What invitations record in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class InvitationVerb(TextChoices):
    CREATED = "invitation.created", _("Invitation sent")
    ACCEPTED = "invitation.accepted", _("Invitation accepted")
    REVOKED = "invitation.revoked", _("Invitation revoked")
