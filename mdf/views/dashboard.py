"""MDF on the dashboard: budgets by fiscal year (sub-budgets, allocations), the settings (activity types,
approval limits), and the review queue of fund requests with their decisions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.i18n.formatting import money
from prm.tenancy.actions import form_submit
from prm.tenancy.views import DashboardViewMixin, TenantAdminViewMixin

from .. import services
from ..forms import (
    ActivityTypeForm,
    AllocateForm,
    AmountForm,
    ApprovalLimitForm,
    ApproveForm,
    BudgetForm,
    MdfSettingsForm,
    QuestionForm,
    ReasonForm,
)
from ..models import ActivityType, Budget, FundRequest
from ..periods import fiscal_year_label, fiscal_year_of
from ..selectors import activity_types, allocations_of, approval_limits, budget_tree, ledger_of, mdf_settings_for, review_queue
from ..states import allowed_actions


def _this_year(tenant) -> int:
    return fiscal_year_of(timezone.localdate(), mdf_settings_for(tenant).fiscal_year_start_month)


class MdfDashboardView(DashboardViewMixin, View):
    """Budgets by fiscal year with funded, allocated, encumbered and available; a new budget."""

    def get(self, request, form=None, status=200):
        context = {"years": [(year, fiscal_year_label(year), rows) for year, rows in budget_tree().items()],
                   "form": form or BudgetForm(fiscal_year=_this_year(self.tenant)),
                   "waiting": review_queue().count(), "currency": self.tenant.currency}
        return render(request, "mdf/dashboard/home.html", context, status=status)

    def post(self, request):
        form = BudgetForm(request.POST, fiscal_year=_this_year(self.tenant))
        return (form_submit(request, form, lambda data: services.budget_create(
                    tenant=self.tenant, actor=request.user, key=form.key, name=data["name"],
                    fiscal_year=data["fiscal_year"], parent=data.get("parent"), amount=data.get("amount")),
                    message=_("Budget saved."), then=lambda budget: reverse("mdf:budget", kwargs={"pk": budget.pk}))
                or self.get(request, form=form, status=400))


class BudgetView(DashboardViewMixin, View):
    """One budget: its balance, sub-budgets, allocations to partners and ledger; fund it, allocate from it."""

    model = Budget

    def get(self, request, pk, fund_form=None, allocate_form=None, status=200):
        budget = self.get_object()
        context = {"budget": budget, "account": budget.account, "year_label": fiscal_year_label(budget.fiscal_year),
                   "children": budget.children.select_related("account"),
                   "allocations": allocations_of(budget), "entries": ledger_of(budget.account),
                   "fund_form": fund_form or AmountForm(), "allocate_form": allocate_form or AllocateForm(),
                   "currency": self.tenant.currency, "events": audit_events_for(budget)}
        return render(request, "mdf/dashboard/budget.html", context, status=status)


class BudgetFundView(BudgetView):
    http_method_names = ["post"]

    def post(self, request, pk):
        budget = self.get_object()
        form = AmountForm(request.POST)
        return (form_submit(request, form, lambda data: services.budget_fund(
                    budget=budget, actor=request.user, key=form.key, amount=data["amount"]),
                    message=_("Budget funded."), then=lambda b: reverse("mdf:budget", kwargs={"pk": b.pk}))
                or self.get(request, pk, fund_form=form, status=400))


class AllocateView(BudgetView):
    http_method_names = ["post"]

    def post(self, request, pk):
        budget = self.get_object()
        form = AllocateForm(request.POST)
        return (form_submit(request, form, lambda data: services.allocation_create(
                    budget=budget, partner=data["partner"], actor=request.user, key=form.key, amount=data["amount"]),
                    message=_("Funds allocated."), then=lambda a: reverse("mdf:budget", kwargs={"pk": budget.pk}))
                or self.get(request, pk, allocate_form=form, status=400))


class MdfSettingsView(TenantAdminViewMixin, View):
    """The program's MDF rules, its activity types and its managers' approval limits."""

    def get(self, request, form=None, type_form=None, limit_form=None, status=200):
        settings = mdf_settings_for(self.tenant)
        context = {"form": form or MdfSettingsForm(instance=settings), "types": activity_types(),
                   "type_form": type_form or ActivityTypeForm(), "limits": approval_limits(),
                   "limit_form": limit_form or ApprovalLimitForm(), "currency": self.tenant.currency,
                   "events": audit_events_for(settings) if settings.pk else []}
        return render(request, "mdf/dashboard/settings.html", context, status=status)

    def post(self, request):
        form = MdfSettingsForm(request.POST)
        return (form_submit(request, form, lambda data: services.mdf_settings_update(
                    tenant=self.tenant, actor=request.user, **data),
                    message=_("MDF settings saved."), then="mdf:settings")
                or self.get(request, form=form, status=400))


class ActivityTypeAddView(MdfSettingsView):
    http_method_names = ["post"]

    def post(self, request):
        form = ActivityTypeForm(request.POST)
        return (form_submit(request, form, lambda data: services.activity_type_create(
                    tenant=self.tenant, actor=request.user, name=data["name"]),
                    message=_("Activity type added."), then="mdf:settings")
                or self.get(request, type_form=form, status=400))


class ActivityTypeToggleView(TenantAdminViewMixin, View):
    model = ActivityType
    http_method_names = ["post"]

    def post(self, request, pk):
        activity = services.activity_type_toggle(activity_type=self.get_object(), actor=request.user)
        messages.success(request, (_("“%(name)s” is offered again.") if activity.is_active
                                   else _("“%(name)s” is no longer offered.")) % {"name": activity.name})
        return redirect("mdf:settings")


class ApprovalLimitView(MdfSettingsView):
    http_method_names = ["post"]

    def post(self, request):
        form = ApprovalLimitForm(request.POST)
        return (form_submit(request, form, lambda data: services.approval_limit_set(
                    membership=data["membership"], actor=request.user, max_amount=data.get("max_amount")),
                    message=_("Approval limit saved."), then="mdf:settings")
                or self.get(request, limit_form=form, status=400))


class RequestQueueView(DashboardViewMixin, View):
    """Requests waiting for a decision, the activity starting soonest first."""

    def get(self, request):
        return render(request, "mdf/dashboard/requests.html", {"requests": review_queue()[:200]})


class RequestView(DashboardViewMixin, View):
    """One request, its timeline, and the decisions it admits."""

    model = FundRequest

    def get(self, request, pk, forms=None, status=200):
        fund_request = self.get_object()
        forms = forms or {}
        context = {"fund_request": fund_request, "events": audit_events_for(fund_request),
                   "can_cancel": "cancel" in allowed_actions(fund_request.status),
                   "approve_form": forms.get("approve") or ApproveForm(fund_request=fund_request),
                   "reject_form": forms.get("reject") or ReasonForm(),
                   "question_form": forms.get("question") or QuestionForm(),
                   "cancel_form": forms.get("cancel") or ReasonForm(auto_id="cancel_%s")}
        return render(request, "mdf/dashboard/request.html", context, status=status)

    def decide(self, request, pk, name, form, perform, message):
        return (form_submit(request, form, perform, message=message,
                            then=lambda r: reverse("mdf:request", kwargs={"pk": r.pk}))
                or self.get(request, pk, forms={name: form}, status=400))


class RequestApproveView(RequestView):
    http_method_names = ["post"]

    def post(self, request, pk):
        fund_request = self.get_object()
        form = ApproveForm(request.POST, fund_request=fund_request)
        return self.decide(request, pk, "approve", form, lambda data: services.fund_request_approve(
            request=fund_request, actor=request.user, key=form.key, amount=data["amount"], allocation=data.get("allocation")),
            _("Request approved."))


class RequestRejectView(RequestView):
    http_method_names = ["post"]

    def post(self, request, pk):
        fund_request = self.get_object()
        form = ReasonForm(request.POST)
        return self.decide(request, pk, "reject", form, lambda data: services.fund_request_reject(
            request=fund_request, actor=request.user, key=form.key, reason=data["text"]), _("Request rejected."))


class RequestMoreInfoView(RequestView):
    http_method_names = ["post"]

    def post(self, request, pk):
        fund_request = self.get_object()
        form = QuestionForm(request.POST)
        return self.decide(request, pk, "question", form, lambda data: services.fund_request_more_info(
            request=fund_request, actor=request.user, key=form.key, question=data["text"]),
            _("Question sent to the partner."))


class RequestCancelView(RequestView):
    """The vendor withdraws a request (an approved one gives its encumbrance back to the allocation)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        fund_request = self.get_object()
        form = ReasonForm(request.POST)
        return self.decide(request, pk, "cancel", form, lambda data: services.fund_request_cancel(
            request=fund_request, actor=request.user, key=form.key, reason=data["text"]), _("Request cancelled."))


class AccrueView(DashboardViewMixin, View):
    """Accrue the partners' tier share of their won deals of the budget's year so far, out of this budget
    (again and again: only what new won deals add is accrued)."""

    model = Budget
    http_method_names = ["post"]

    def post(self, request, pk):
        budget = self.get_object()
        accrued = services.accrual_run(budget=budget, actor=request.user)
        if accrued:
            messages.success(request, _("Accrued %(amount)s to %(partners)s partners.") % {
                "amount": money(sum(accrued.values()), self.tenant.currency), "partners": len(accrued)})
        else:
            messages.success(request, _("Nothing new to accrue: no won deals since the last run."))
        return redirect("mdf:budget", pk=budget.pk)
