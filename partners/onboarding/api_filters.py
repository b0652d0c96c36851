"""Query parameters of the application list (parsed before `narrow()`, documented in the schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from prm.api.filters import ChoiceFilter

from .models import ApplicationStatus

# Staff see an application once its contact has confirmed the email address.
LISTED_STATUSES = [(value, label) for value, label in ApplicationStatus.choices if value != ApplicationStatus.UNCONFIRMED]
MAX_AGE_DAYS = 36500


class ApplicationListFilters(serializers.Serializer):
    status = ChoiceFilter(LISTED_STATUSES, help_text=_("Only applications in this state (empty: those waiting for review "
                                                        "or for more information)."))
    duplicate = serializers.BooleanField(required=False, allow_null=True, default=None,
                                         help_text=_("true: only those that look like a partner or another open "
                                                     "application; false: only those that do not."))
    min_age_days = serializers.IntegerField(required=False, min_value=0, max_value=MAX_AGE_DAYS,
                                            help_text=_("Only applications received at least this many days ago."))
    max_age_days = serializers.IntegerField(required=False, min_value=0, max_value=MAX_AGE_DAYS,
                                            help_text=_("Only applications received at most this many days ago."))
