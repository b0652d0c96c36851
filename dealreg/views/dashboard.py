"""Channel managers review, decide and export deals; tenant admins set the rules of engagement."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView

from partners.models import Partner
from prm.audit.selectors import audit_events_for
from prm.tenancy.actions import ServiceActionView, add_service_errors
from prm.tenancy.views import DashboardViewMixin, TenantAdminViewMixin

from .. import deal_fields, services
from ..approval import approval_refusal, queue_approval_refusal
from ..conflicts import find_conflicts, key_of
from ..export import export_response
from ..forms import DealFilterForm, ProductLineForm, QuestionForm, ReasonForm, RulesForm
from ..models import Deal, ProductLine
from ..rules import rules_for
from ..selectors import deal_search, review_queue, with_clocks
from ..states import allowed_actions
from .lists import DealClocksMixin


def _filtered(request, queryset):
    form = DealFilterForm(request.GET or None, partners=Partner.objects.all())
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if "partner" in form.errors:
        # A partner that does not exist here matches nothing (never "all deals", e.g. in an export).
        return form, queryset.none()
    deals = deal_search(queryset, query=data.get("q", ""), status=data.get("status", ""),
                        protection=data.get("protection", ""), partner=data.get("partner"))
    if data.get("partner_name"):
        deals = deals.filter(partner__name__icontains=data["partner_name"])
    return form, deals


class DealQueueView(DashboardViewMixin, View):
    """Submitted deals, most urgent approval clock first, each with its conflicts beside it."""

    page_size = 25

    def get(self, request):
        # Conflicts come from each deal's snapshot (kept fresh by the services): no search per row.
        deals = with_clocks(list(review_queue()[: self.page_size]), self.tenant.time_zone)
        rules = rules_for(self.tenant)
        for deal in deals:
            # Not offered for (bulk) approval when the rules refuse it, with the reason beside it.
            deal.approval_refusal = queue_approval_refusal(deal, rules)
        context = {"deals": deals, "waiting": review_queue().count(), "page_size": self.page_size}
        return render(request, "dealreg/dashboard/queue.html", context)


class DealListView(DashboardViewMixin, DealClocksMixin, ListView):
    model = Deal
    paginate_by = 25
    template_name = "dealreg/dashboard/list.html"
    context_object_name = "deals"

    def narrow(self, queryset):
        self.filter_form, deals = _filtered(self.request, queryset.select_related("partner").prefetch_related("products"))
        return deals.order_by("-created_at")



class DealExportView(DashboardViewMixin, View):
    formats = ("csv", "xlsx")  # urls.py admits only these

    def get(self, request, fmt):
        _, deals = _filtered(request, Deal.objects.select_related("partner").prefetch_related("products"))
        return export_response(deals.order_by("-created_at"), fmt, tenant=self.tenant)


class DealObjectMixin(DashboardViewMixin):
    """Views of one deal of the tenant in force, with what its pages show."""

    model = Deal

    def narrow(self, queryset):
        return queryset.select_related("partner", "tenant").prefetch_related("products")


class DealDetailView(DealObjectMixin, View):
    def get(self, request, pk, reason_form=None, question_form=None, status=200):
        deal = self.get_object()
        with_clocks([deal], self.tenant.time_zone)
        conflicts = find_conflicts(key_of(deal), exclude_deal_id=deal.pk)
        actions = allowed_actions(deal.status)
        context = {
            "deal": deal,
            "conflicts": conflicts,
            "actions": actions,
            # The service's own check: the page withholds Approve exactly when deal_approve would refuse.
            "approval_refusal": approval_refusal(deal, rules_for(self.tenant), conflicts) if "approve" in actions else "",
            "reason_form": reason_form or ReasonForm(),
            "question_form": question_form or QuestionForm(),
            "events": audit_events_for(deal),
            "extra_facts": deal_fields.described(deal),
        }
        return render(request, "dealreg/dashboard/detail.html", context, status=status)


class DealApproveView(DealObjectMixin, ServiceActionView):
    def get_success_message(self, deal):
        return _("%(reference)s is approved and protected.") % {"reference": deal.reference}

    def perform(self, deal):
        services.deal_approve(deal=deal, actor=self.request.user)

    def get_success_url(self, deal):
        return reverse("dealreg:dashboard_detail", args=[deal.pk])


# decision in the URL → (form, its text field, service, message); urls.py admits only these keys.
DECISIONS = {
    "reject": (ReasonForm, "reason", services.deal_reject,
               gettext_lazy("%(reference)s is rejected; the partner sees your reason.")),
    "request-info": (QuestionForm, "question", services.deal_request_info,
                     gettext_lazy("%(reference)s went back to the partner with your question.")),
}


class DealDecisionWithTextView(DealObjectMixin, View):
    """Reject (with a reason) or ask for more information (with a question): the text is required."""

    http_method_names = ["post"]

    def post(self, request, pk, decision):
        form_class, field, service, message = DECISIONS[decision]  # the URL converter admits only these
        deal = self.get_object()
        form = form_class(request.POST)
        if form.is_valid():
            try:
                service(deal=deal, actor=request.user, **{field: form.cleaned_data[field]})
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, str(message) % {"reference": deal.reference})
                return redirect("dealreg:dashboard_detail", pk=deal.pk)
        key = "reason_form" if field == "reason" else "question_form"
        return DealDetailView.get(self, request, pk, status=400, **{key: form})


class BulkApproveView(DashboardViewMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("deal") if i.isdigit()]
        deals = list(review_queue().filter(pk__in=ids).prefetch_related("products"))
        approved, skipped = services.deals_bulk_approve(deals=deals, actor=request.user)
        if approved:
            messages.success(request, ngettext("Approved %(count)d deal.", "Approved %(count)d deals.", len(approved))
                             % {"count": len(approved)})
        for deal, reason in skipped:
            messages.warning(request, _("%(reference)s not approved: %(reason)s.") % {"reference": deal.reference, "reason": reason})
        if not ids:
            messages.error(request, _("Select the deals to approve first."))
        return redirect("dealreg:dashboard_queue")


class RulesView(TenantAdminViewMixin, View):
    def get(self, request, form=None, status=200):
        rules = rules_for(self.tenant)
        form = form or RulesForm(instance=rules)
        return render(request, "dealreg/dashboard/rules.html", {"form": form, "events": audit_events_for(rules)}, status=status)

    def post(self, request):
        rules = rules_for(self.tenant)
        # The form validates its own copy: validating sets the new values on its instance, and the
        # service must still see the old ones to audit what changed.
        form = RulesForm(request.POST, instance=rules_for(self.tenant))
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        services.rules_update(rules=rules, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Rules of engagement saved. They apply to decisions from now on."))
        return redirect("dealreg:rules")


class ProductLinesView(DashboardViewMixin, View):
    def get(self, request, form=None, status=200):
        context = {"product_lines": ProductLine.objects.all(), "form": form or ProductLineForm()}
        return render(request, "dealreg/dashboard/product_lines.html", context, status=status)

    def post(self, request):
        form = ProductLineForm(request.POST)
        if form.is_valid():
            try:
                services.product_line_create(tenant=self.tenant, actor=request.user, name=form.cleaned_data["name"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s added.") % {"name": form.cleaned_data["name"]})
                return redirect("dealreg:product_lines")
        return self.get(request, form=form, status=400)


class ProductLineToggleView(DashboardViewMixin, ServiceActionView):
    model = ProductLine

    def get_success_message(self, product_line):
        return _("%(name)s updated.") % {"name": product_line.name}

    def perform(self, product_line):
        services.product_line_toggle(product_line=product_line, actor=self.request.user)

    def get_success_url(self, obj):
        return reverse("dealreg:product_lines")
