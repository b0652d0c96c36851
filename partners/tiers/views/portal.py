from django.shortcuts import render
from django.views import View

from prm.tenancy.views import PortalViewMixin

from ..selectors import portal_tier


class PortalTierView(PortalViewMixin, View):
    """The partner's tier, its benefits, progress to the next tier and what puts its tier at risk."""

    def get(self, request):
        return render(request, "tiers/portal/tier.html", {"partner": self.partner, "standing": portal_tier(self.partner)})
