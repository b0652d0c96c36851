"""The partner's customer satisfaction on the portal home: NPS and rank, open and overdue follow-ups."""

from django.urls import reverse

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
    return [
        nps,
        Tile(str(cases["open"] + cases["overdue"]), "open follow-ups with unhappy customers", follow_ups),
        Tile(str(cases["overdue"]), "follow-ups overdue", follow_ups, attention=cases["overdue"] > 0),
    ]
