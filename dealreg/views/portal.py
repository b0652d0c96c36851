"""Partner users register and follow their own partner's deals."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import ListView

from prm.audit.selectors import audit_events_for
from prm.i18n.formatting import when
from prm.tenancy.actions import ServiceActionView, add_service_errors
from prm.tenancy.views import PortalViewMixin

from .. import deal_fields, services
from ..conflicts import find_conflicts, key_for, verdict_for
from ..forms import AnswerForm, ConflictCheckForm, DealFilterForm, DealForm
from ..models import Deal, DealStatus
from ..rules import rules_for
from ..selectors import deal_search, with_clocks
from ..states import allowed_actions, not_editable_message
from .lists import DealClocksMixin


class PortalDealListView(PortalViewMixin, DealClocksMixin, ListView):
    model = Deal
    paginate_by = 25
    template_name = "dealreg/portal/list.html"
    context_object_name = "deals"

    def narrow(self, queryset):
        self.filter_form = DealFilterForm(self.request.GET or None)
        self.filter_form.is_valid()  # an invalid filter is ignored; the valid ones still apply
        data = getattr(self.filter_form, "cleaned_data", {})
        return deal_search(queryset.prefetch_related("products").order_by("-created_at"),
                           query=data.get("q", ""), status=data.get("status", ""), protection=data.get("protection", ""))



class DealFormMixin:
    template_name = "dealreg/portal/form.html"

    def render_form(self, form, deal=None, status=200, answer_form=None):
        context = {"form": form, "deal": deal, "answer_form": answer_form}
        return render(self.request, self.template_name, context, status=status)

    def save_and_maybe_submit(self, form, write, deal=None, answer_form=None):
        """`write(submit)` saves the form; 'Save draft' keeps it a draft, 'Submit' also submits.

        All or nothing: when the submit is refused, the write is rolled back too (no stray draft).
        Service errors land next to fields (the answer's next to the answer)."""
        submit = self.request.POST.get("submit") == "1"
        try:
            saved = write(submit)
        except ValidationError as exc:
            errors = getattr(exc, "error_dict", {})
            if answer_form is not None and "info_answer" in errors:
                answer_form.add_error("info_answer", errors.pop("info_answer"))
            if not hasattr(exc, "error_dict") or errors:
                add_service_errors(form, exc)
            return self.render_form(form, deal, status=400, answer_form=answer_form)
        messages.success(self.request, _submitted_message(saved) if submit else _saved_message(saved))
        return redirect("dealreg:portal_detail", pk=saved.pk)


def _saved_message(deal):
    if deal.status == DealStatus.MORE_INFO:
        return _("%(reference)s saved. Submit it again when your answer is ready.") % {"reference": deal.reference}
    return _("%(reference)s saved as a draft.") % {"reference": deal.reference}


def _submitted_message(deal):
    if deal.status == DealStatus.APPROVED:
        return _("%(reference)s was approved automatically and is protected until %(date)s.") % {
            "reference": deal.reference, "date": date_format(timezone.localtime(deal.protected_until), "DATE_FORMAT"),
        }
    # Pages run in the program's time zone (TenantMiddleware); `when` names the zone.
    return _("%(reference)s is submitted. %(program)s will decide by %(moment)s.") % {
        "reference": deal.reference, "program": deal.tenant.name, "moment": when(deal.sla_due_at),
    }


class PortalDealCreateView(PortalViewMixin, DealFormMixin, View):
    def get(self, request):
        return self.render_form(DealForm(tenant=self.tenant, partner=self.partner))

    def post(self, request):
        form = DealForm(request.POST, tenant=self.tenant, partner=self.partner)
        if not form.is_valid():
            return self.render_form(form, status=400)
        fields, products, extra = form.service_fields()
        return self.save_and_maybe_submit(
            form, lambda submit: services.deal_create(partner=self.partner, actor=request.user, products=products, submit=submit,
                                                      extra=extra, **fields)
        )


class PortalDealObjectMixin(PortalViewMixin):
    """Views of one deal of the member's own partner: another partner's is the 404 of a missing one."""

    model = Deal

    def narrow(self, queryset):
        return queryset.select_related("partner", "tenant").prefetch_related("products")


class PortalDealEditView(PortalDealObjectMixin, DealFormMixin, View):
    """Edit a draft, or a deal sent back for more information: then the vendor's question comes
    first, with a field of its own for the answer."""

    def get(self, request, pk):
        deal = self.get_object()
        if not deal.is_editable:
            messages.info(request, not_editable_message(deal.status))
            return redirect("dealreg:portal_detail", pk=deal.pk)
        return self.render_form(DealForm(instance=deal, tenant=self.tenant), deal, answer_form=self._answer_form(deal))

    def post(self, request, pk):
        deal = self.get_object()
        # The form validates a copy: the service must still see the old values to audit what changed.
        form = DealForm(request.POST, instance=copy.copy(deal), tenant=self.tenant)
        answer_form = self._answer_form(deal, request.POST)
        if not (form.is_valid() and (answer_form is None or answer_form.is_valid())):
            return self.render_form(form, deal, status=400, answer_form=answer_form)
        fields, products, extra = form.service_fields()
        answer = None if answer_form is None else answer_form.cleaned_data["info_answer"]
        return self.save_and_maybe_submit(
            form, lambda submit: services.deal_update(deal=deal, actor=request.user, products=products, submit=submit,
                                                      answer=answer, extra=extra, **fields),
            deal, answer_form,
        )

    @staticmethod
    def _answer_form(deal, data=None):
        if deal.status != DealStatus.MORE_INFO:
            return None
        return AnswerForm(data, initial={"info_answer": deal.info_answer})


class PortalDealDetailView(PortalDealObjectMixin, View):
    def get(self, request, pk):
        deal = self.get_object()
        with_clocks([deal], self.tenant.time_zone)
        rules = rules_for(self.tenant)
        context = {
            "deal": deal,
            "actions": allowed_actions(deal.status),
            "extensions_left": rules.max_extensions - deal.extensions_used,
            "rules": rules,
            "events": audit_events_for(deal),
            "extra_facts": deal_fields.described(deal),
        }
        return render(request, "dealreg/portal/detail.html", context)


PORTAL_ACTIONS = {
    "submit": (services.deal_submit, gettext_lazy("%(reference)s is submitted for approval.")),
    "withdraw": (services.deal_withdraw, gettext_lazy("%(reference)s is withdrawn.")),
    "extend": (services.deal_extend_protection, gettext_lazy("%(reference)s's protection is extended.")),
    "win": (services.deal_mark_won, gettext_lazy("%(reference)s is marked won. Congratulations!")),
    "lose": (services.deal_mark_lost, gettext_lazy("%(reference)s is marked lost.")),
}


class PortalDealActionView(PortalDealObjectMixin, ServiceActionView):
    def post(self, request, *args, **kwargs):
        # urls.py admits only the keys of PORTAL_ACTIONS.
        self.service, self.success_message = PORTAL_ACTIONS[kwargs["action"]]
        return super().post(request, *args, **kwargs)

    def perform(self, deal):
        self.service(deal=deal, actor=self.request.user)

    def get_success_message(self, deal):
        return str(self.success_message) % {"reference": deal.reference}

    def get_success_url(self, deal):
        return reverse("dealreg:portal_detail", args=[deal.pk])


class PortalConflictCheckView(PortalViewMixin, View):
    """The live check on the registration form: free, protected until a date, or possible match.

    It never says who holds the customer."""

    def post(self, request):
        form = ConflictCheckForm(request.POST)
        verdict = None
        if form.is_valid() and form.cleaned_data["customer_name"].strip():
            key = key_for(**form.cleaned_data)
            # When editing, the deal itself is not a conflict; only the partner's own deal may be excluded.
            deal_id = request.POST.get("deal", "")
            own = self.scope(Deal.objects.all()).filter(pk=deal_id).values_list("pk", flat=True).first() if deal_id.isdigit() else None
            verdict = verdict_for(find_conflicts(key, exclude_deal_id=own), own_partner_id=self.partner.pk)
        return render(request, "dealreg/portal/_verdict.html", {"verdict": verdict})
