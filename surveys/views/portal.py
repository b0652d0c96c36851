"""Partners: their own NPS against the program, their customers' answers, follow-ups, imports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from prm.tenancy.actions import add_service_errors
from prm.tenancy.views import PartnerAdminViewMixin, PortalViewMixin

from .. import selectors, services
from ..forms import FollowUpFilterForm, FollowUpForm, PracticeForm
from ..models import Campaign, FollowUpCase, ImportBatch
from ..practices import practice_publish
from .dashboard import CampaignProgressMixin, CampaignsMixin, ImportBadRowsMixin, ImportConfirmMixin


class PortalNpsView(PortalViewMixin, View):
    def get(self, request, practice_form=None, status=200):
        run = selectors.latest_run()
        page = Paginator(selectors.answers(self.partner), 20).get_page(request.GET.get("page"))
        context = {
            "run": run, "score": selectors.partner_score(run, self.partner), "series": selectors.series(run, self.partner),
            "answers": page.object_list, "page_obj": page, "is_paginated": page.has_other_pages(), "paginator": page.paginator,
            "follow_ups": selectors.follow_up_summary(self.partner), "practices": selectors.visible_practices()[:20],
            "top_quartile": selectors.is_top_quartile(run, self.partner), "can_publish": self.membership.is_partner_admin,
            "practice_form": practice_form or PracticeForm(), "settings": services.settings_for(self.tenant),
        }
        return render(request, "surveys/portal/nps.html", context, status=status)

    def post(self, request):
        form = PracticeForm(request.POST)
        if form.is_valid():
            try:
                practice_publish(actor_membership=self.membership, text=form.cleaned_data["text"])
            except PermissionDenied as exc:
                # Say so even if the page no longer offers the form (the partner left the top quartile).
                messages.error(request, str(exc))
                return redirect("surveys:portal_home")
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your practice note is published to all partners."))
                return redirect("surveys:portal_home")
        return self.get(request, practice_form=form, status=400)


class PortalFollowUpsView(PortalViewMixin, View):
    def get(self, request):
        state = FollowUpFilterForm(request.GET).state_or_all()
        context = {"cases": selectors.follow_ups(self.partner, state), "summary": selectors.follow_up_summary(self.partner),
                   "now": timezone.now(), "state": state}
        return render(request, "surveys/portal/follow_ups.html", context)


class PortalFollowUpView(PortalViewMixin, View):
    model = FollowUpCase

    def narrow(self, queryset):
        return queryset.select_related("answer__invitation", "partner")

    def get(self, request, pk, form=None, status=200):
        case = self.get_object()
        form = form or FollowUpForm(initial={"contacted": bool(case.contacted_at), "root_cause": case.root_cause,
                                             "action_taken": case.action_taken})
        return render(request, "surveys/portal/follow_up.html", {"case": case, "form": form}, status=status)

    def post(self, request, pk):
        case = self.get_object()
        form = FollowUpForm(request.POST)
        if form.is_valid():
            if case.status == "closed":
                messages.error(request, _("This case was already closed; nothing was changed."))
                return redirect("surveys:portal_follow_up", pk=case.pk)
            try:
                services.follow_up_update(case=case, actor=request.user, close=request.POST.get("close") == "1",
                                          **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                closed = request.POST.get("close") == "1"
                messages.success(request, _("Case closed. Thank you for closing the loop.") if closed else _("Follow-up saved."))
                return redirect("surveys:portal_follow_up", pk=case.pk)
        return self.get(request, pk, form=form, status=400)


class PortalScopeMixin:
    """A partner admin's campaigns: their own partner's contacts only."""

    # The dashboard templates pick portal or dashboard links by the member's role.
    template_prefix = "surveys/dashboard"

    def dispatch(self, request, *args, **kwargs):
        membership = getattr(request, "membership", None)
        self.partner_scope = membership.partner if membership is not None else None
        return super().dispatch(request, *args, **kwargs)

    def campaigns_url(self):
        return reverse("surveys:portal_campaigns")

    def campaign_url(self, campaign):
        return reverse("surveys:portal_campaign", args=[campaign.pk])


class PortalCampaignsView(PartnerAdminViewMixin, PortalScopeMixin, CampaignsMixin, View):
    pass


class PortalImportConfirmView(PartnerAdminViewMixin, PortalScopeMixin, ImportConfirmMixin, View):
    http_method_names = ["post"]
    model = ImportBatch


class PortalImportBadRowsView(PartnerAdminViewMixin, PortalScopeMixin, ImportBadRowsMixin, View):
    model = ImportBatch


class PortalCampaignView(PartnerAdminViewMixin, PortalScopeMixin, CampaignProgressMixin, View):
    model = Campaign
