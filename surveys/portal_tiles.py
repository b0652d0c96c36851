"""The partner's customer satisfaction on the portal home: NPS and rank, open and overdue follow-ups."""

from django.urls import reverse
from django.utils.translation import ngettext

from partners.portal_tiles import Tile

from . import selectors
from .statistics import ordinal


def satisfaction_tiles(partner):
    nps_page = reverse("surveys:portal_home")
    score = selectors.partner_score(selectors.latest_run(), partner)
    if score is None or score.nps is None:
        nps = Tile("—", "NPS: no answers in the window yet", nps_page)
    elif score.rank is None:
        nps = Tile(f"{score.nps:+.0f}", f"NPS from {score.n} answers (not ranked yet)", nps_page)
    else:
        nps = Tile(f"{score.nps:+.0f}", f"NPS, {ordinal(score.rank)} of {score.ranked_of}", nps_page)
    cases = selectors.follow_up_summary(partner)
    follow_ups = reverse("surveys:portal_follow_ups")
    still_open, overdue = cases["open"] + cases["overdue"], cases["overdue"]
    return [
        nps,
        Tile(str(still_open), ngettext("open follow-up with an unhappy customer",
                                       "open follow-ups with unhappy customers", still_open), follow_ups),
        Tile(str(overdue), ngettext("follow-up overdue", "follow-ups overdue", overdue), follow_ups,
             attention=overdue > 0),
    ]
