"""What the onboarding checklist records in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class ChecklistVerb(TextChoices):
    STEP_ADDED = "checklist_step.added", _("Checklist step added")
    STEP_EDITED = "checklist_step.edited", _("Checklist step edited")
    STEP_MOVED = "checklist_step.moved", _("Checklist step moved")
    STEP_REMOVED = "checklist_step.removed", _("Checklist step removed")
    SETTINGS_UPDATED = "checklist_settings.updated", _("Checklist settings changed")
    STEP_DONE = "checklist.step_done", _("Onboarding step done")
    STEP_TICKED = "checklist.step_ticked", _("Onboarding step ticked by a manager")
    STEP_UNTICKED = "checklist.step_unticked", _("Onboarding step unticked by a manager")
    FINISHED = "checklist.finished", _("Onboarding checklist finished: ready for activation")
    ACTIVATED = "checklist.activated", _("Onboarding finished: partner active")
    REMINDED = "checklist.reminded", _("Reminded of the onboarding checklist")
