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
    PROFILE_EDITED = "partner.profile_edited", _("Profile edited by the partner")
    CHANGE_REQUESTED = "partner.change_requested", _("Profile change requested")
    CHANGE_APPROVED = "partner.change_approved", _("Profile change approved")
    CHANGE_REJECTED = "partner.change_rejected", _("Profile change rejected")
    PROFILE_SETTINGS_UPDATED = "profile_settings.updated", _("Fields that wait for approval changed")
