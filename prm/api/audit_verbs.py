"""What the API app records in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class ApiVerb(TextChoices):
    KEY_CREATED = "api_key.created", _("API key created")
    KEY_REVOKED = "api_key.revoked", _("API key revoked")
