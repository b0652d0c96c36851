"""What training records in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class TrainingVerb(TextChoices):
    COURSE_CREATED = "course.created", _("Course created")
    COURSE_EDITED = "course.edited", _("Course edited")
    COURSE_ACTIVATED = "course.activated", _("Course switched on")
    COURSE_DEACTIVATED = "course.deactivated", _("Course switched off")
    COMPLETION_RECORDED = "completion.recorded", _("Certification recorded")
    COMPLETION_IMPORTED = "completion.imported", _("Certifications imported")
    COMPLETION_CLAIMED = "completion.claimed", _("Certification claimed")
    COMPLETION_APPROVED = "completion.approved", _("Certification approved")
    COMPLETION_REJECTED = "completion.rejected", _("Certification rejected")
    COMPLETION_REMINDED = "completion.reminded", _("Reminded of an expiring certification")
