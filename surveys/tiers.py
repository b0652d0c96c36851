"""Surveys' kind of tier requirement (registered from SurveysConfig.ready()): the end-customer NPS.

The figure is the partner's shrunk score (NPS with the program's overall mix added as ghost answers,
see surveys/statistics.py) of the trailing window in the latest nightly ranking; below the program's
minimum number of answers there is no figure (the requirement is not met), and the sample is the
number of answers either way. A ranking is not foreseen: as of a day ahead, the latest one stands."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from partners.tiers.requirements import Measure, RequirementKind, register

from .models import PartnerScore, RankingRun, SurveySettings

MANY = 200  # partners asked for at once above which the run's scores are read whole


def measure_nps(partner_ids: Iterable[int], as_of: date, requirement=None) -> dict[int, Measure]:
    """Three queries: the latest run, the minimum, and the run's window scores (of the partners asked)."""
    run = RankingRun.objects.order_by("-run_date").only("pk").first()
    if run is None:
        return dict.fromkeys(partner_ids, Measure(None, 0))
    settings = SurveySettings.objects.only("minimum_answers").first()
    minimum = settings.minimum_answers if settings else SurveySettings._meta.get_field("minimum_answers").default
    ids = list(partner_ids)
    scores = PartnerScore.objects.filter(run=run, period="window", partner__isnull=False)
    if len(ids) <= MANY:  # more: the run's every score, kept to those asked (see dealreg/tiers.py)
        scores = scores.filter(partner_id__in=ids)
    found = {pid: Measure(None if shrunk is None or n < minimum else Decimal(str(round(shrunk, 1))), n)
             for pid, shrunk, n in scores.values_list("partner_id", "shrunk", "n")}
    return {pid: found.get(pid, Measure(None, 0)) for pid in ids}


def nps_at(partner_ids: Iterable[int], days: tuple[date, ...], requirement=None) -> dict[date, dict[int, Measure]]:
    """The latest ranking stands on every day ahead: measured once."""
    measured = measure_nps(partner_ids, days[0], requirement)
    return dict.fromkeys(days, measured)


NPS = RequirementKind("nps", _("End-customer NPS (adjusted for the number of answers)"), measure_nps, unit="score",
                      measure_at=nps_at)


def register_all() -> None:
    register(NPS)
