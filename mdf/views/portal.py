"""MDF in the partner portal: the partner's balances and what expires when, its requests, a new request,
answering a question, cancelling; claims with their proof after the activity, withdrawing one, the
proof files (the partner's own only)."""

from itertools import chain

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from prm.audit.selectors import audit_events_for
from prm.i18n.formatting import money
from prm.tenancy.actions import error_text, form_submit
from prm.tenancy.lists import paged
from prm.tenancy.views import PortalViewMixin

from .. import claims, services
from ..forms import AnswerForm, CancelForm, ClaimForm, FundRequestForm
from ..models import Claim, ClaimProof, ClaimStatus, FundRequest, RequestStatus
from ..selectors import (
    claim_deadline,
    claim_room,
    mdf_settings_for,
    partner_claimable,
    partner_funds,
    partner_open_claims,
    partner_requests,
    request_claims,
)
from ..states import allowed_actions
from .files import proof_response

REQUESTS_PER_PAGE = 25


class PortalFundsView(PortalViewMixin, View):
    """Balances (available, held, claimed, paid, expiring), the requests to claim against with their
    deadlines, the claims on their way, and every request."""

    def get(self, request):
        settings, today = mdf_settings_for(self.tenant), timezone.localdate()
        claimable = [(r, claim_deadline(r, settings, today)) for r in partner_claimable(self.partner)[:50]]
        listing = paged(request, partner_requests(self.partner), REQUESTS_PER_PAGE)
        context = {**listing, "funds": partner_funds(self.partner, settings, today),
                   "claimable": claimable, "open_claims": partner_open_claims(self.partner)[:50],
                   "requests": listing["page_obj"].object_list}
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

    def get(self, request, pk, answer_form=None, claim_form=None, status=200):
        fund_request = self.get_object()
        context = {"fund_request": fund_request, "actions": allowed_actions(fund_request.status),
                   "answer_form": answer_form or AnswerForm(), "cancel_form": CancelForm(),
                   "approved": money(fund_request.approved_amount, fund_request.currency) if fund_request.approved_amount else ""}
        context.update(claims_context(fund_request, claim_form, self.tenant))
        return render(request, "mdf/portal/request.html", context, status=status)


def claims_context(fund_request: FundRequest, claim_form, tenant) -> dict:
    """What the request page shows of claims: the deadline, what is left, the claims with their proof,
    one timeline of the request and its claims, and the claim form while claims are accepted."""
    claimed = fund_request.status in (RequestStatus.APPROVED, RequestStatus.CLOSED)
    if not claimed:
        return {"events": audit_events_for(fund_request)}
    rows = list(request_claims(fund_request))
    for claim in rows:
        claim.withdraw_form = CancelForm()  # a key of its own per claim
    room = claim_room(fund_request)
    deadline = claim_deadline(fund_request, mdf_settings_for(tenant), timezone.localdate())
    events = sorted(chain(audit_events_for(fund_request), *(audit_events_for(c) for c in rows)),
                    key=lambda e: (e.created_at, e.pk), reverse=True)[:50]
    # A last claim waiting for a decision admits no other claim (mdf.claims.claim_submit refuses one).
    last_waits = any(c.status == ClaimStatus.SUBMITTED and c.is_final for c in rows)
    open_for_claims = (fund_request.status == RequestStatus.APPROVED and not deadline.is_late
                       and not deadline.not_yet and room.left > 0 and not last_waits)
    left = money(room.left, fund_request.currency)
    return {"claims": rows, "room": room, "deadline": deadline, "events": events,
            "claim_form": (claim_form or ClaimForm(initial={"amount": room.left}, left_help=_(
                "At most %(left)s: what is left of the approved amount, less your claims waiting for a decision.")
                % {"left": left})) if open_for_claims or claim_form else None}


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


class PortalClaimView(PortalRequestView):
    """A claim against the approved request, with its proof files; nothing is kept of a refused one."""

    http_method_names = ["post"]

    def post(self, request, pk):
        fund_request = self.get_object()
        form = ClaimForm(request.POST, request.FILES)
        return (form_submit(request, form, lambda data: claims.claim_submit(
                    request=fund_request, actor=request.user, key=form.key, **form.values()),
                    message=_("Claim sent: your channel manager checks the proof."),
                    then=lambda claim: reverse("mdf:portal_request", kwargs={"pk": claim.fund_request_id}))
                or self.get(request, pk, claim_form=form, status=400))


class PortalClaimWithdrawView(PortalViewMixin, View):
    """The partner takes back a claim still waiting for a decision."""

    model = Claim
    http_method_names = ["post"]

    def post(self, request, pk):
        claim = self.get_object()
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                claims.claim_withdraw(claim=claim, actor=request.user, key=form.key)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Claim withdrawn."))
        else:
            messages.error(request, _("The page was out of date: try again."))
        return redirect("mdf:portal_request", pk=claim.fund_request_id)


class PortalProofView(PortalViewMixin, View):
    """A proof file of the partner's own claims, as a download; another partner's is the 404 of a missing one."""

    model = ClaimProof
    partner_field = "claim__partner"

    def get(self, request, pk):
        return proof_response(self.get_object())
