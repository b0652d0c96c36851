"""The tier's section on the dashboard's partner page (registered from TiersConfig.ready())."""

from django.utils.translation import gettext as _

from partners.overview import Section

from .models import TierEvaluation
from .selectors import active_hold, open_change


def tier_section(partner) -> Section:
    """The partner's tier, what it qualifies for and any open change or hold (three queries), linking to
    the partner's evaluation history."""
    evaluation = (TierEvaluation.objects.filter(partner=partner, is_latest=True).select_related("qualified_tier")
                  .first())
    return Section(key="tier", title=_("Tier"), template="tiers/evaluations/overview_section.html",
                   context={"tier_section": {"partner": partner, "evaluation": evaluation, "change": open_change(partner),
                                             "held": active_hold(partner) is not None}}, order=35)
