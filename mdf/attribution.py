"""Which MDF activity produced a deal. The partner names it on the deal registration form, a question
mdf adds through dealreg.deal_fields (registered in apps.py), and the ROI page (roi.py) counts each
activity's deals. Only the partner's own funded activities qualify: approved or closed requests; the
form offers those that started within the last year."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _, gettext_lazy

from dealreg.deal_fields import DealField
from dealreg.models import Deal
from partners.models import Partner
from prm.audit.services import Actor, audit_record

from .audit_verbs import MdfVerb
from .models import ActivityDeal, FundRequest, RequestStatus

FUNDED = (RequestStatus.APPROVED, RequestStatus.CLOSED)  # requests whose activity took (or takes) place
OFFERED_DAYS = 365  # the form offers activities that started this many days back, at most
FIELD_NAME = "mdf_activity"


def attributable_activities(partner: Partner, today: date) -> QuerySet[FundRequest]:
    """The partner's funded activities that started within the last OFFERED_DAYS days, latest first."""
    return (FundRequest.objects.filter(partner=partner, status__in=FUNDED, starts_on__lte=today,
                                       starts_on__gte=today - timedelta(days=OFFERED_DAYS))
            .order_by("-starts_on", "-pk"))


@transaction.atomic
def activity_deal_set(*, deal: Deal, fund_request: FundRequest | None, actor: Actor) -> ActivityDeal | None:
    """Name `fund_request` as the activity that produced `deal` (None: no activity), replacing an
    earlier choice. The activity must be one of the deal's partner's funded requests, in its tenant."""
    current = ActivityDeal.objects.select_related("fund_request").filter(deal=deal).first()
    if current is not None and fund_request is not None and current.fund_request_id == fund_request.pk:
        return current  # unchanged (an edit that keeps the activity is no new claim about it)
    if fund_request is not None:
        if fund_request.tenant_id != deal.tenant_id or fund_request.partner_id != deal.partner_id:
            raise ValidationError({"fund_request": _("Choose an activity of the partner that registered the deal.")})
        if fund_request.status not in FUNDED:
            raise ValidationError({"fund_request": _(
                "This fund request is not approved: only an approved or closed request's activity can be named.")})
    if current is not None:
        current.delete()
        audit_record(tenant=deal.tenant, actor=actor, verb=MdfVerb.DEAL_UNATTRIBUTED, target=current.fund_request,
                     data={"deal": deal.reference})
    if fund_request is None:
        return None
    link = ActivityDeal.objects.create(tenant=deal.tenant, fund_request=fund_request, deal=deal)
    audit_record(tenant=deal.tenant, actor=actor, verb=MdfVerb.DEAL_ATTRIBUTED, target=fund_request,
                 data={"deal": deal.reference})
    return link


# The deal form's question -------------------------------------------------------------------------

def activity_label(request: FundRequest) -> str:
    return _("%(title)s (%(starts)s – %(ends)s)") % {
        "title": request.title, "starts": date_format(request.starts_on, "SHORT_DATE_FORMAT"),
        "ends": date_format(request.ends_on, "SHORT_DATE_FORMAT")}


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return activity_label(obj)


def _field(partner: Partner, deal: Deal | None) -> forms.Field | None:
    """The question, when the partner has an activity to name (or the deal already names one)."""
    today = timezone.localdate(timezone=ZoneInfo(partner.tenant.time_zone))
    offered = attributable_activities(partner, today)
    current = ActivityDeal.objects.filter(deal=deal).values_list("fund_request", flat=True).first() if deal else None
    if current is not None:
        offered = FundRequest.objects.filter(pk__in=[current, *offered.values_list("pk", flat=True)]).order_by(
            "-starts_on", "-pk")
    if not offered.exists():
        return None
    return ActivityChoiceField(
        queryset=offered, required=False, initial=current, empty_label=gettext_lazy("None of them"),
        label=gettext_lazy("Marketing activity that produced this deal"),
        help_text=gettext_lazy("Optional: one of your activities funded by the program's market development funds."),
        error_messages={"invalid_choice": gettext_lazy(
            "Choose one of your approved activities of the last 12 months, or none of them.")})


def _save(*, deal: Deal, value: FundRequest | None, actor: Actor) -> None:
    try:
        activity_deal_set(deal=deal, fund_request=value, actor=actor)
    except ValidationError as exc:
        raise ValidationError({FIELD_NAME: exc.messages}) from None


def _describe(deal: Deal) -> tuple[str, str] | None:
    link = ActivityDeal.objects.select_related("fund_request").filter(deal=deal).first()
    return (_("MDF activity"), activity_label(link.fund_request)) if link else None


DEAL_FIELD = DealField(name=FIELD_NAME, field=_field, save=_save, describe=_describe)
