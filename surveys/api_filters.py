"""Query parameters of the surveys app's API lists (parsed before `narrow()`, documented in the schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from prm.api.filters import ChoiceFilter, IdFilter

from .models import FollowUpStatus, InvitationStatus

WINDOW = "window"


class InvitationListFilters(serializers.Serializer):
    status = ChoiceFilter(InvitationStatus.choices)
    campaign = IdFilter(help_text=_("Only invitations of this campaign."))
    survey = IdFilter(help_text=_("Only invitations of this survey."))


class AnswerListFilters(serializers.Serializer):
    partner = IdFilter(help_text=_("Only answers about this partner."))
    since = serializers.DateField(required=False, help_text=_("Answered on or after this date (YYYY-MM-DD)."))


class RankingListFilters(serializers.Serializer):
    period = serializers.RegexField(
        r"^(window|[0-9]{4}-(0[1-9]|1[0-2]))$", required=False, default=WINDOW,
        help_text=_("'window' (the trailing window, default) or a month as YYYY-MM."),
        error_messages={"invalid": _("Give 'window' or a month as YYYY-MM.")},
    )


class FollowUpListFilters(serializers.Serializer):
    status = ChoiceFilter(FollowUpStatus.choices)
