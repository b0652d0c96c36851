"""The partner's customer satisfaction on the dashboard's partner page: its NPS with the interval,
sample and rank of the latest stored nightly ranking (the numbers the leaderboard and the NPS
drill-down show, never recomputed here), and its follow-up cases still open."""

from django.utils import timezone
from django.utils.translation import gettext as _

from partners.overview import Section

from . import selectors
from .services import settings_for

OPEN_CASES_SHOWN = 10


def nps_section(partner) -> Section:
    run = selectors.latest_run()
    return Section("nps", _("Customer satisfaction (NPS)"), "surveys/overview/nps.html", order=60, context={
        "run": run, "score": selectors.partner_score(run, partner),
        "minimum_answers": settings_for(partner.tenant).minimum_answers,
    })


def follow_up_section(partner) -> Section:
    return Section("follow-ups", _("Follow-ups"), "surveys/overview/follow_ups.html", order=70, context={
        "summary": selectors.follow_up_summary(partner),
        "open_cases": selectors.follow_ups(partner, state="open")[:OPEN_CASES_SHOWN],
        "now": timezone.now(),
    })
