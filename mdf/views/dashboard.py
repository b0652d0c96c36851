"""MDF on the dashboard: budgets by fiscal year (sub-budgets, allocations), the settings (activity types,
approval limits), the review queue of fund requests with their decisions, the claims queue and a
claim's review beside its proof, payments and their export for finance."""

from django.contrib import messages
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.i18n.formatting import money
from prm.tenancy.actions import form_submit
from prm.tenancy.lists import paged
from prm.tenancy.views import DashboardViewMixin, TenantAdminViewMixin

from .. import claims, services
from ..exports import payments_export
from ..forms import (
    ActivityTypeForm,
    AllocateForm,
    AmountForm,
    ApprovalLimitForm,
    ApproveForm,
    BudgetForm,
    ClaimApproveForm,
    ClaimFilterForm,
    ClaimRejectForm,
    MdfSettingsForm,
    PaymentFilterForm,
    PaymentForm,
    QuestionForm,
    ReasonForm,
)
from ..models import ActivityType, Budget, Claim, ClaimProof, ClaimStatus, FundRequest, Payment
from ..periods import fiscal_year_label, fiscal_year_of
from ..selectors import (
    activity_types,
    allocations_of,
    approval_limits,
    budget_tree,
    claim_deadline,
    claim_room,
    claims_queue,
    ledger_of,
    mdf_settings_for,
    overdue_requests,
    payments_list,
    request_claims,
    review_queue,
)
from ..states import CLAIM_TRANSITIONS, allowed_actions
from .files import INLINE, proof_response


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
        rows = list(request_claims(fund_request))
        context = {"fund_request": fund_request, "events": audit_events_for(fund_request),
                   "can_cancel": "cancel" in allowed_actions(fund_request.status),
                   "claims": rows, "room": claim_room(fund_request),
                   "deadline": claim_deadline(fund_request, mdf_settings_for(self.tenant), timezone.localdate()),
                   "can_close": ("close" in allowed_actions(fund_request.status)
                                 and not any(c.status == ClaimStatus.SUBMITTED for c in rows)),
                   "close_form": forms.get("close") or ReasonForm(auto_id="close_%s"),
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


class RequestCloseView(RequestView):
    """No more claims against an approved request: what is left of it goes back to the partner's allocation."""

    http_method_names = ["post"]

    def post(self, request, pk):
        fund_request = self.get_object()
        form = ReasonForm(request.POST, auto_id="close_%s")
        return self.decide(request, pk, "close", form, lambda data: claims.fund_request_close(
            request=fund_request, actor=request.user, key=form.key, reason=data["text"]),
            _("Request closed: what was left of it is available to the partner again."))


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


# Claims and payments -----------------------------------------------------------------------------

class ClaimQueueView(DashboardViewMixin, View):
    """Claims by age (oldest first), waiting ones unless a status is asked for; and the approved requests
    whose activity has ended with nothing claimed and a claim deadline that has passed or is near."""

    def get(self, request):
        form = ClaimFilterForm(request.GET or None)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        settings, today = mdf_settings_for(self.tenant), timezone.localdate()
        overdue = [(r, claim_deadline(r, settings, today)) for r in overdue_requests(settings, today)[:100]]
        context = {"form": form if form.is_bound else ClaimFilterForm(), "claims": claims_queue(status)[:200],
                   "status": status, "overdue": overdue, "waiting": claims_queue().count(), "today": today}
        return render(request, "mdf/dashboard/claims.html", context)


class ClaimView(DashboardViewMixin, View):
    """One claim beside its proof and the request's facts; approve (maybe less, with a reason), reject,
    record a payment."""

    model = Claim

    def narrow(self, queryset):
        return queryset.select_related("partner", "fund_request__activity_type", "fund_request__partner")

    def get(self, request, pk, forms=None, status=200):
        claim = self.get_object()
        fund_request, forms, today = claim.fund_request, forms or {}, timezone.localdate()
        proofs = list(claim.proofs.order_by("pk"))
        context = {"claim": claim, "fund_request": fund_request, "room": claim_room(fund_request),
                   "deadline": claim_deadline(fund_request, mdf_settings_for(self.tenant), today),
                   "images": [p for p in proofs if p.kind in INLINE],
                   "files": [p for p in proofs if p.kind not in INLINE],
                   "others": [c for c in request_claims(fund_request) if c.pk != claim.pk],
                   "payments": claim.payments.order_by("-paid_on", "-pk"),
                   "actions": allowed_actions(claim.status, CLAIM_TRANSITIONS),
                   "approve_form": forms.get("approve") or ClaimApproveForm(claim=claim),
                   "reject_form": forms.get("reject") or ClaimRejectForm(),
                   "pay_form": forms.get("pay") or PaymentForm(claim=claim, today=today),
                   "events": audit_events_for(claim)}
        return render(request, "mdf/dashboard/claim.html", context, status=status)

    def decide(self, request, pk, name, form, perform, message):
        return (form_submit(request, form, perform, message=message,
                            then=lambda result: reverse("mdf:claim", kwargs={"pk": pk}))
                or self.get(request, pk, forms={name: form}, status=400))


class ClaimApproveView(ClaimView):
    http_method_names = ["post"]

    def post(self, request, pk):
        claim = self.get_object()
        form = ClaimApproveForm(request.POST, claim=claim)
        return self.decide(request, pk, "approve", form, lambda data: claims.claim_approve(
            claim=claim, actor=request.user, key=form.key, amount=data.get("amount"), reason=data.get("reason", "")),
            _("Claim approved."))


class ClaimRejectView(ClaimView):
    http_method_names = ["post"]

    def post(self, request, pk):
        claim = self.get_object()
        form = ClaimRejectForm(request.POST)
        return self.decide(request, pk, "reject", form, lambda data: claims.claim_reject(
            claim=claim, actor=request.user, key=form.key, reason=data["reason"]), _("Claim rejected."))


class PaymentRecordView(ClaimView):
    http_method_names = ["post"]

    def post(self, request, pk):
        claim = self.get_object()
        form = PaymentForm(request.POST, claim=claim, today=timezone.localdate())
        return self.decide(request, pk, "pay", form, lambda data: claims.payment_record(
            claim=claim, actor=request.user, key=form.key, amount=data.get("amount"), paid_on=data["paid_on"],
            method=data["method"], reference=data.get("reference", "")), _("Payment recorded."))


class ProofView(DashboardViewMixin, View):
    """A claim's proof file as a download, for the program's staff."""

    model = ClaimProof

    def get(self, request, pk):
        return proof_response(self.get_object())


class ProofImageView(ProofView):
    """A PNG or JPEG proof shown inline on the review page (same origin, so the CSP's img-src allows it);
    any other kind is a 404 here and a download link on the page."""

    def get(self, request, pk):
        return proof_response(self.get_object(), inline=True)


PAYMENTS_PER_PAGE = 50  # the export has them all


def _payments(request):
    """The payments the filter asks for; a partner not of this tenant, or a bad date, matches nothing."""
    form = PaymentFilterForm(request.GET or None)
    if not form.is_bound:
        return PaymentFilterForm(), payments_list()
    if not form.is_valid():
        return form, Payment.objects.none()
    data = form.cleaned_data
    return form, payments_list(paid_from=data.get("paid_from"), paid_to=data.get("paid_to"), partner=data.get("partner"))


class PaymentListView(DashboardViewMixin, View):
    """Payments of claims with a period and partner filter; the same selection exports for finance."""

    def get(self, request):
        form, payments = _payments(request)
        listing = paged(request, payments, PAYMENTS_PER_PAGE)
        totals = payments.order_by().values("currency").annotate(total=Sum("amount"), count=Count("pk")).order_by("currency")
        context = {**listing, "form": form, "payments": listing["page_obj"].object_list, "totals": list(totals)}
        return render(request, "mdf/dashboard/payments.html", context)


class PaymentExportView(DashboardViewMixin, View):
    def get(self, request, fmt):
        _form, payments = _payments(request)
        return payments_export(payments, fmt, tenant=self.tenant)
