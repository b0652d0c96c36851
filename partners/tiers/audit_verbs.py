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
    # The evaluation (services.py): moves of a partner's tier, proposals and a manager's decisions, on the partner.
    UPGRADED = "tier.upgraded", _("Moved up a tier")
    DOWNGRADED = "tier.downgraded", _("Moved down a tier")
    OVERRIDDEN = "tier.overridden", _("Tier set by a manager")
    UPGRADE_PROPOSED = "tier.upgrade_proposed", _("Qualified for a higher tier: waiting for approval")
    UPGRADE_REJECTED = "tier.upgrade_rejected", _("Tier upgrade rejected")
    GRACE_STARTED = "tier.grace_started", _("No longer qualifies for its tier: grace period started")
    CHANGE_CANCELLED = "tier.change_cancelled", _("Proposed tier change cancelled")
    HELD = "tier.held", _("Tier held by a manager")
    RELEASED = "tier.released", _("Tier hold released")
    WARNED = "tier.warned", _("Warned of a tier change ahead")
