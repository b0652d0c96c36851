"""The tier evaluation on the dashboard: every partner's latest evaluation (filtered, with "evaluate
now"), one partner's history of snapshots and changes, and a manager's decisions on it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from partners.models import Partner
from prm.tenancy.actions import ServiceActionView
from prm.tenancy.views import DashboardViewMixin

from .. import services
from ..forms_evaluations import EvaluationFilterForm, HoldForm, OverrideForm, RejectForm
from ..selectors import active_hold, figure_rows, ladder_maps, latest_evaluations, latest_run, open_change, open_changes_of, partner_history

PER_PAGE = 50


class EvaluationListView(DashboardViewMixin, View):
    def get(self, request):
        form = EvaluationFilterForm(request.GET)
        state = form.cleaned_data["state"] if form.is_valid() else ""
        page = Paginator(latest_evaluations(state), PER_PAGE).get_page(request.GET.get("page"))
        tiers, requirements = ladder_maps()
        changes = open_changes_of(row.partner_id for row in page)
        rows = [{"evaluation": row, "change": changes.get(row.partner_id),
                 "figures": _by_kind(figure_rows(row, tiers, requirements))} for row in page]
        context = {"rows": rows, "page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(),
                   "filter_form": form, "state": state, "querystring": f"state={state}" if state else "",
                   "run": latest_run()}
        return render(request, "tiers/evaluations/list.html", context)


def _by_kind(rows):
    """One figure per kind (a kind's value is the same for every tier; its target differs)."""
    seen, out = set(), []
    for row in rows:
        key = row.figure["kind"] if row.kind is None or row.kind.target is None else row.figure["requirement"]
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


class EvaluateNowView(DashboardViewMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.evaluation_request(tenant=self.tenant)
        messages.success(request, _("The evaluation runs now; its results appear here in a few minutes."))
        return redirect("tiers:evaluations")


class PartnerEvaluationView(DashboardViewMixin, View):
    """Why the partner is in its tier: its latest figures, every snapshot and change, the decisions."""

    model = Partner

    def get(self, request, pk):
        partner = self.get_object()
        evaluations, changes = partner_history(partner)
        tiers, requirements = ladder_maps()
        latest = next((e for e in evaluations if e.is_latest), None)
        context = {"partner": partner, "latest": latest, "changes": changes,
                   "history": [(e, figure_rows(e, tiers, requirements)) for e in evaluations],
                   "figures": figure_rows(latest, tiers, requirements) if latest else [],
                   "change": open_change(partner), "hold": active_hold(partner), "run": latest_run(),
                   "hold_form": HoldForm(), "override_form": OverrideForm(initial={"tier": partner.tier_id}),
                   "reject_form": RejectForm()}
        return render(request, "tiers/evaluations/partner.html", context)


class _PartnerAction(DashboardViewMixin, ServiceActionView):
    model = Partner

    def get_success_url(self, obj):
        return reverse("tiers:evaluation_partner", kwargs={"pk": obj.pk})


class ApproveView(_PartnerAction):
    def get_success_message(self, partner):
        return _("%(partner)s is now %(tier)s.") % {"partner": partner, "tier": partner.tier}

    def perform(self, partner):
        services.tier_upgrade_approve(partner=partner, actor=self.request.user)


class ReleaseView(_PartnerAction):
    def get_success_message(self, partner):
        return _("%(partner)s's tier is no longer held: the next evaluation proposes again.") % {"partner": partner}

    def perform(self, partner):
        services.tier_release(partner=partner, actor=self.request.user)


class _FormAction(_PartnerAction):
    """A decision with a form (reason, date): errors come back as a message on the partner's page."""

    form_class = None

    def perform(self, partner):
        form = self.form_class(self.request.POST)
        if not form.is_valid():
            raise ValidationError([f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
                                   for name, errors in form.errors.items()])
        self.act(partner, form.cleaned_data)


class RejectView(_FormAction):
    form_class = RejectForm

    def get_success_message(self, partner):
        return _("The upgrade of %(partner)s is rejected.") % {"partner": partner}

    def act(self, partner, data):
        services.tier_upgrade_reject(partner=partner, actor=self.request.user, reason=data["reason"])


class HoldView(_FormAction):
    form_class = HoldForm

    def get_success_message(self, partner):
        return _("%(partner)s's tier is held.") % {"partner": partner}

    def act(self, partner, data):
        services.tier_hold(partner=partner, actor=self.request.user, reason=data["reason"], until=data.get("until"))


class OverrideView(_FormAction):
    form_class = OverrideForm

    def get_success_message(self, partner):
        return _("%(partner)s is now %(tier)s, and held there.") % {"partner": partner, "tier": partner.tier or _("without a tier")}

    def act(self, partner, data):
        services.tier_override(partner=partner, actor=self.request.user, tier=data.get("tier"), reason=data["reason"],
                               until=data.get("until"))
