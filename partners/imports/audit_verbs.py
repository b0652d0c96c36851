"""What partner imports record in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class PartnerImportVerb(TextChoices):
    CONFIRMED = "partner_import.confirmed", _("Partner import confirmed")
    COMPLETED = "partner_import.completed", _("Partners imported")
    FAILED = "partner_import.failed", _("Partner import failed")
