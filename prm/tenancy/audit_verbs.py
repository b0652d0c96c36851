"""What tenancy records in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class TenancyVerb(TextChoices):
    MEMBERSHIP_GRANTED = "membership.created", _("Joined")
    MEMBERSHIP_DEACTIVATED = "membership.deactivated", _("Access removed")
    MEMBERSHIP_REACTIVATED = "membership.reactivated", _("Access restored")
    SETTINGS_CHANGED = "tenant.settings_changed", _("Program settings changed")
