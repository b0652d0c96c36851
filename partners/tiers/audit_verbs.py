"""What tiers record in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class TierVerb(TextChoices):
    CREATED = "tier.created", _("Tier created")
    UPDATED = "tier.updated", _("Tier changed")
    MOVED = "tier.moved", _("Tier moved in the ladder")
    DELETED = "tier.deleted", _("Tier deleted")
    REQUIREMENT_ADDED = "tier_requirement.added", _("Tier requirement added")
    REQUIREMENT_EDITED = "tier_requirement.edited", _("Tier requirement changed")
    REQUIREMENT_REMOVED = "tier_requirement.removed", _("Tier requirement removed")
    SETTINGS_UPDATED = "tier_settings.updated", _("Tier settings changed")
