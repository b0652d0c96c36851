"""What partner onboarding records in the audit trail, and how a timeline names it.

A lifecycle move (an action of states.TRANSITIONS) records its verb, `of_move(action)`."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class OnboardingVerb(TextChoices):
    APPLICATION_RECEIVED = "application.received", _("Application received")
    APPLICATION_CONFIRMED = "application.confirmed", _("Email address confirmed")
    APPLICATION_APPROVED = "application.approved", _("Approved")
    APPLICATION_REJECTED = "application.rejected", _("Rejected")
    APPLICATION_INFO_REQUESTED = "application.info_requested", _("More information requested")
    APPLICATION_INFO_PROVIDED = "application.info_provided", _("More information provided")
    SETTINGS_UPDATED = "onboarding_settings.updated", _("Application settings changed")
    QUESTION_CREATED = "application_question.created", _("Application question added")
    QUESTION_TOGGLED = "application_question.toggled", _("Application question retired or restored")

    @classmethod
    def of_move(cls, action: str) -> "OnboardingVerb":
        """The verb of a lifecycle move (an action of states.TRANSITIONS)."""
        return {"confirm": cls.APPLICATION_CONFIRMED, "approve": cls.APPLICATION_APPROVED,
                "reject": cls.APPLICATION_REJECTED, "request_info": cls.APPLICATION_INFO_REQUESTED,
                "provide_info": cls.APPLICATION_INFO_PROVIDED}[action]
