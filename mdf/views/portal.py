"""MDF in the partner portal: the partner's balances and what expires when, its requests, a new request,
answering a question, cancelling."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.i18n.formatting import money
from prm.tenancy.actions import form_submit
from prm.tenancy.views import PortalViewMixin

from .. import services
from ..forms import AnswerForm, CancelForm, FundRequestForm
from ..models import FundRequest
from ..selectors import mdf_settings_for, partner_funds, partner_requests
from ..states import allowed_actions


class PortalFundsView(PortalViewMixin, View):
    def get(self, request):
        settings = mdf_settings_for(self.tenant)
        context = {"funds": partner_funds(self.partner, settings, timezone.localdate()),
                   "requests": partner_requests(self.partner)[:100]}
        return render(request, "mdf/portal/funds.html", context)


def _request_form(tenant, data=None):
    settings = mdf_settings_for(tenant)
    notice = _("At least %(days)s business days ahead: %(date)s or later.") % {
        "days": settings.notice_business_days, "date": date_format(services.earliest_start(tenant), "DATE_FORMAT")}
    share = _("At most %(percent)s %% of the total cost (the vendor's share); you pay the rest.") % {
        "percent": f"{settings.vendor_share_percent.normalize():f}"}
    return FundRequestForm(data, notice_help=notice, share_help=share)


class PortalNewRequestView(PortalViewMixin, View):
    def get(self, request, form=None, status=200):
        return render(request, "mdf/portal/new.html", {"form": form or _request_form(self.tenant)}, status=status)

    def post(self, request):
        form = _request_form(self.tenant, request.POST)
        return (form_submit(request, form, lambda data: services.fund_request_create(
                    partner=self.partner, actor=request.user, key=form.key, **form.values()),
                    message=_("Request submitted: your channel manager decides."),
                    then=lambda r: reverse("mdf:portal_request", kwargs={"pk": r.pk}))
                or self.get(request, form=form, status=400))


class PortalRequestView(PortalViewMixin, View):
    model = FundRequest

    def get(self, request, pk, answer_form=None, status=200):
        fund_request = self.get_object()
        context = {"fund_request": fund_request, "events": audit_events_for(fund_request),
                   "actions": allowed_actions(fund_request.status), "answer_form": answer_form or AnswerForm(),
                   "cancel_form": CancelForm(),
                   "approved": money(fund_request.approved_amount, fund_request.currency) if fund_request.approved_amount else ""}
        return render(request, "mdf/portal/request.html", context, status=status)


class PortalAnswerView(PortalRequestView):
    http_method_names = ["post"]

    def post(self, request, pk):
        fund_request = self.get_object()
        form = AnswerForm(request.POST)
        return (form_submit(request, form, lambda data: services.fund_request_answer(
                    request=fund_request, actor=request.user, key=form.key, answer=data["text"]),
                    message=_("Answer sent: the request is back with your channel manager."),
                    then=lambda r: reverse("mdf:portal_request", kwargs={"pk": r.pk}))
                or self.get(request, pk, answer_form=form, status=400))


class PortalCancelView(PortalRequestView):
    http_method_names = ["post"]

    def post(self, request, pk):
        fund_request = self.get_object()
        form = CancelForm(request.POST)
        return (form_submit(request, form, lambda data: services.fund_request_cancel(
                    request=fund_request, actor=request.user, key=form.key),
                    message=_("Request cancelled."), then=lambda r: reverse("mdf:portal_request", kwargs={"pk": r.pk}))
                or self.get(request, pk, status=400))
