from django.shortcuts import render
from django.views import View

from prm.tenancy.views import PortalViewMixin

from ..benefits import benefits_of
from ..selectors import portal_tier


class PortalTierView(PortalViewMixin, View):
    """The partner's tier, its benefits, progress to the next tier and what puts its tier at risk."""

    def get(self, request):
        provided = benefits_of([self.partner.tier_id]).get(self.partner.tier_id, [])
        return render(request, "tiers/portal/tier.html", {"partner": self.partner, "standing": portal_tier(self.partner),
                                                          "provided_benefits": provided})
