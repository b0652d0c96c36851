"""The partner's customer satisfaction on the portal home: NPS and rank, open and overdue follow-ups."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _, ngettext

from partners.portal_tiles import Tile
from prm.i18n.formatting import number

from . import selectors
from .statistics import ordinal


def satisfaction_tiles(partner):
    nps_page = reverse("surveys:portal_home")
    score = selectors.partner_score(selectors.latest_run(), partner)
    if score is None or score.nps is None:
        nps = Tile("—", _("NPS: no answers in the window yet"), nps_page)
    elif score.rank is None:
        nps = Tile(f"{score.nps:+.0f}", ngettext("NPS from %(count)s answer (not ranked yet)",
                                                 "NPS from %(count)s answers (not ranked yet)", score.n)
                   % {"count": number(score.n)}, nps_page)
    else:
        rank = ordinal(score.rank, translation.get_language() or "en")
        nps = Tile(f"{score.nps:+.0f}", _("NPS, %(rank)s of %(count)s") % {"rank": rank, "count": number(score.ranked_of)},
                   nps_page)
    cases = selectors.follow_up_summary(partner)
    follow_ups = reverse("surveys:portal_follow_ups")
    still_open, overdue = cases["open"] + cases["overdue"], cases["overdue"]
    return [
        nps,
        Tile(number(still_open), ngettext("open follow-up with an unhappy customer",
                                       "open follow-ups with unhappy customers", still_open), f"{follow_ups}?state=open"),
        Tile(number(overdue), ngettext("follow-up overdue", "follow-ups overdue", overdue), f"{follow_ups}?state=overdue",
             attention=overdue > 0),
    ]
