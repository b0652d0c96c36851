"""What loyalty records in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class LoyaltyVerb(TextChoices):
    EARNED = "points.earned", _("Points earned")
    REDEEMED = "points.redeemed", _("Points redeemed")
    REFUNDED = "points.refunded", _("Redeemed points returned")
    REVERSED = "points.reversed", _("Points taken back from their source")
    ADJUSTED = "points.adjusted", _("Points adjusted by a manager")
