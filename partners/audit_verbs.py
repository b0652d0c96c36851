"""What the partners app records in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class PartnerVerb(TextChoices):
    CREATED = "partner.created", _("Partner added")
    UPDATED = "partner.updated", _("Profile edited")
    DEACTIVATED = "partner.deactivated", _("Deactivated")
    REACTIVATED = "partner.reactivated", _("Reactivated")
