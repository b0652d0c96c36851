"""What the surveys app records in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class SurveyVerb(TextChoices):
    SURVEY_CREATED = "survey.created", _("Survey created")
    SURVEY_UPDATED = "survey.updated", _("Survey edited")
    SETTINGS_UPDATED = "survey_settings.updated", _("Survey settings changed")
    CAMPAIGN_CREATED = "campaign.created", _("Campaign created")
    RELATIONSHIP_SURVEY_STARTED = "relationship_survey.started", _("Partner satisfaction survey started")
    FOLLOW_UP_OPENED = "follow_up.opened", _("Follow-up opened")
    FOLLOW_UP_UPDATED = "follow_up.updated", _("Follow-up updated")
    FOLLOW_UP_CLOSED = "follow_up.closed", _("Follow-up closed")
    PRACTICE_PUBLISHED = "practice.published", _("Practice shared")
    PRACTICE_HIDDEN = "practice.hidden", _("Practice hidden")
