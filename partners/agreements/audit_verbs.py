"""What partner agreements record in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class AgreementVerb(TextChoices):
    TEMPLATE_CREATED = "agreement.created", _("Agreement created")
    TEMPLATE_UPDATED = "agreement.updated", _("Agreement's partner types or countries changed")
    DRAFT_SAVED = "agreement.draft_saved", _("Agreement draft saved")
    PUBLISHED = "agreement.published", _("Agreement version published")
    SIGNED = "agreement.signed", _("Agreement signed")
    COUNTERSIGNED = "agreement.countersigned", _("Agreement counter-signed")
    SIGNATURE_REQUESTED = "agreement.signature_requested", _("Signature of the agreement requested")
    SETTINGS_UPDATED = "agreement_settings.updated", _("Agreement settings changed")
