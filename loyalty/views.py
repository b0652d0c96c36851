"""The partner's points in the portal: the balance and the history with the source of every entry."""

from django.apps import apps
from django.shortcuts import render
from django.utils.text import capfirst
from django.views import View

from prm.tenancy.lists import paged
from prm.tenancy.views import PortalViewMixin

from .selectors import points_balance, points_history

PAGE_SIZE = 50


def source_label(source_type: str, source_id: int | None) -> str:
    """"Deal #42" for ("dealreg.deal", 42): the source's name as the partner reads it."""
    try:
        name = capfirst(apps.get_model(source_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return source_type
    return f"{name} #{source_id}" if source_id is not None else str(name)


class PortalPointsView(PortalViewMixin, View):
    def get(self, request):
        listing = paged(request, points_history(self.partner), PAGE_SIZE)
        history = listing["page_obj"]
        for entry in history:
            entry.source_label = source_label(entry.source_type, entry.source_id) if entry.source_type else ""
        return render(request, "loyalty/portal/points.html", {
            **listing, "balance": points_balance(self.partner), "entries": history})
