from django.shortcuts import render
from django.views import View

from prm.tenancy.views import PortalViewMixin

from ..services import checklist_refresh


class PortalChecklistView(PortalViewMixin, View):
    """The partner's own checklist, its automatic steps re-checked as it is shown."""

    def get(self, request):
        state = checklist_refresh(partner=self.partner)
        return render(request, "partners/checklist/portal/checklist.html", {"partner": self.partner, "state": state})
