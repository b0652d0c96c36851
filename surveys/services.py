"""Every write of the survey app: scheduling, sending, reminding, answering, unsubscribing, following up."""

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dealreg.selectors import won_deals
from prm.audit.services import Actor, audit_record
from prm.business_hours import add_business_hours
from prm.enqueue import enqueue_on_commit
from prm.outbox.services import BATCH_SIZE as OUTBOX_BATCH, emails_send_later, emails_store
from prm.tenancy.models import Tenant

from . import emails, imports, throttle
from .audit_verbs import SurveyVerb
from .models import (
    Answer,
    Campaign,
    FollowUpCase,
    FollowUpStatus,
    ImportBatch,
    InvitationStatus,
    Suppression,
    Survey,
    SurveyInvitation,
    SurveySettings,
)

PENDING = (InvitationStatus.SCHEDULED, InvitationStatus.QUEUED)
BUSINESS_DAY_HOURS = 8


class AlreadyAnswered(Exception):
    """The invitation has its answer; a second one is refused by the database."""


def settings_for(tenant: Tenant) -> SurveySettings:
    settings, _ = SurveySettings.objects.get_or_create(tenant=tenant)
    return settings


def won_deal_survey() -> Survey | None:
    return Survey.objects.filter(for_won_deals=True, is_active=True).first()


# --- Survey definitions and settings -----------------------------------------------------------

SURVEY_FIELDS = frozenset({"name", "language", "nps_question", "ask_effort", "for_won_deals", "is_active"})
SETTINGS_FIELDS = frozenset({"days_after_won", "quarantine_days", "reminders", "reminder_interval_days", "sends_per_minute",
                             "minimum_answers", "ghost_answers", "window_months", "follow_up_business_days"})
ONE_WON_DEAL_SURVEY = gettext_lazy("Another active survey already goes to won deals; turn it off first.")


def _set_fields(obj: Survey | SurveySettings, fields: dict[str, Any], allowed: frozenset[str]) -> dict[str, list[str]]:
    """Assign `fields` (names outside `allowed` are refused) and return what changed, as text."""
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(gettext("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    changed = {name: [str(getattr(obj, name)), str(value)] for name, value in fields.items() if getattr(obj, name) != value}
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    return changed


def _save_survey(survey: Survey) -> None:
    """Save, turning the one-active-won-deal-survey constraint into an error on its field."""
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:
        raise ValidationError({"for_won_deals": ONE_WON_DEAL_SURVEY}) from None


@transaction.atomic
def survey_create(*, tenant: Tenant, actor: Actor, **fields: Any) -> Survey:
    """A new survey definition; at most one active survey goes to the customers of won deals."""
    survey = Survey(tenant=tenant)
    _set_fields(survey, fields, SURVEY_FIELDS)
    _save_survey(survey)
    audit_record(tenant=tenant, actor=actor, verb=SurveyVerb.SURVEY_CREATED, target=survey,
                 to_state="active" if survey.is_active else "inactive")
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, actor: Actor, **fields: Any) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    was_active = survey.is_active
    changed = _set_fields(survey, fields, SURVEY_FIELDS)
    if changed:
        _save_survey(survey)
        audit_record(tenant=survey.tenant, actor=actor, verb=SurveyVerb.SURVEY_UPDATED, target=survey,
                     from_state="active" if was_active else "inactive", to_state="active" if survey.is_active else "inactive",
                     data={"changed": changed})
    return survey


@transaction.atomic
def survey_settings_update(*, tenant: Tenant, actor: Actor, **fields: Any) -> SurveySettings:
    settings = SurveySettings.objects.select_for_update().get(pk=settings_for(tenant).pk)
    changed = _set_fields(settings, fields, SETTINGS_FIELDS)
    if changed:
        settings.save()
        audit_record(tenant=tenant, actor=actor, verb=SurveyVerb.SETTINGS_UPDATED, target=settings, data={"changed": changed})
    return settings


def rankings_refresh(*, tenant: Tenant) -> None:
    """Compute today's rankings for `tenant` in a task (the dashboard's "run now")."""
    enqueue_on_commit("surveys.tasks.compute_rankings", tenant_id=tenant.pk)


def campaign_confirm(*, batch: ImportBatch, actor: Actor, now: datetime) -> Campaign:
    """Create the campaign of a previewed import and start sending it once committed."""
    try:
        campaign = imports.confirm_batch(batch=batch, actor=actor, now=now)
    except IntegrityError:
        raise ValidationError(gettext("Some of these contacts were invited to this survey meanwhile; nothing was imported. "
                                      "Upload the file again to see which.")) from None
    enqueue_on_commit("surveys.tasks.dispatch_surveys", tenant_id=batch.tenant_id)
    return campaign


# --- Scheduling -------------------------------------------------------------------------------


def schedule_won_deals(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Invite the customer contact of every won deal not yet invited, `days_after_won` after the win."""
    survey = won_deal_survey()
    if survey is None:
        return 0
    delay = timedelta(days=settings_for(tenant).days_after_won)
    invited_deals = SurveyInvitation.objects.filter(survey=survey, deal__isnull=False).values("deal_id")
    invited_emails = SurveyInvitation.objects.filter(survey=survey).values("email")
    # A contact who already has this survey (another deal, a campaign) is not invited again.
    candidates = won_deals().exclude(pk__in=invited_deals).annotate(email=Lower("contact_email")).exclude(email__in=invited_emails)
    created = 0
    for deal in candidates.iterator(chunk_size=500):
        invitation = SurveyInvitation(
            tenant=tenant, survey=survey, partner_id=deal.partner_id, deal=deal, email=deal.contact_email.lower(),
            name=deal.contact_name, company=deal.customer_name, send_after=(deal.closed_at or now or timezone.now()) + delay,
        )
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:
            continue  # this contact already has this survey (another deal, or a campaign)
        created += 1
    return created


# --- Sending ----------------------------------------------------------------------------------


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=email.lower()).exists()


@transaction.atomic
def invitations_send(*, tenant: Tenant, invitation_ids: Iterable[int], now: datetime | None = None,
                     survey_emails: emails.SurveyEmails | None = None) -> tuple[Counter, list[int]]:
    """Send a batch of due invitations, or skip them: the decisions (claim, suppression, quarantine, one email
    per contact) with a fixed number of queries per batch, one transaction and one bulk insert.
    Idempotent: rows are claimed under a lock and only while pending, so a second call for the
    same ids does nothing. Returns (outcomes, outbox ids to deliver)."""
    now = now or timezone.now()
    settings = settings_for(tenant)
    ids = list(invitation_ids)
    emails_of = list(SurveyInvitation.objects.filter(pk__in=ids).values_list("email", flat=True))
    if connection.vendor == "postgresql" and emails_of:
        keys = sorted({f"prm-survey:{tenant.pk}:{e.lower()}" for e in emails_of})
        with connection.cursor() as cursor:  # in hash order, so two batches cannot deadlock
            cursor.execute("SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT hashtext(k) AS h "
                           "FROM unnest(%s::text[]) AS k ORDER BY h) AS locks", [keys])
    rows = list(SurveyInvitation.objects.select_for_update(of=("self",)).select_related("tenant", "partner", "survey")
                .filter(pk__in=ids, status__in=PENDING).order_by("send_after", "pk"))
    outcomes = Counter(noop=len(ids) - len(rows))
    if not rows:
        return outcomes, []
    SurveyInvitation.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=InvitationStatus.SENT, sent_at=now,
        next_reminder_at=now + timedelta(days=settings.reminder_interval_days) if settings.reminders else None,
    )
    suppressed = set(Suppression.objects.filter(email__in={r.email.lower() for r in rows}).values_list("email", flat=True))
    recent = set(SurveyInvitation.objects.filter(email__in={r.email for r in rows},
                                                 sent_at__gte=now - timedelta(days=settings.quarantine_days))
                 .exclude(pk__in=[r.pk for r in rows]).values_list("email", flat=True))
    skipped, to_send = {}, []
    for row in rows:
        if row.email.lower() in suppressed:
            reason = "the address unsubscribed or bounced"
        elif row.email in recent:
            reason = f"surveyed in the last {settings.quarantine_days} days"
        else:
            recent.add(row.email)  # a second invitation to this address in the batch is quarantined
            to_send.append(row)
            continue
        skipped.setdefault(reason, []).append(row.pk)
    for reason, pks in skipped.items():
        SurveyInvitation.objects.filter(pk__in=pks).update(
            status=InvitationStatus.SKIPPED, skip_reason=reason, sent_at=None, next_reminder_at=None)
        outcomes["skipped"] += len(pks)
    survey_emails = survey_emails or emails.SurveyEmails()
    created = emails_store(emails=[survey_emails.email(row) for row in to_send])
    outcomes["sent"] += len(created)
    return outcomes, created


def dispatch_due(*, tenant: Tenant, now: datetime | None = None) -> dict[str, int]:
    """Send what is due, within the tenant's shared per-minute budget. Returns counts by outcome."""
    now = now or timezone.now()
    settings = settings_for(tenant)
    due = SurveyInvitation.objects.filter(status__in=PENDING, send_after__lte=now).order_by("send_after", "pk")
    ids = list(due.values_list("pk", flat=True)[: settings.sends_per_minute])
    granted = throttle.take(tenant.pk, settings.sends_per_minute, len(ids))
    outcomes = {"sent": 0, "skipped": 0, "noop": 0, "deferred": len(ids) - granted}
    survey_emails = emails.SurveyEmails()  # each survey rendered once for the whole dispatch, not per batch
    for start in range(0, granted, OUTBOX_BATCH):
        batch_outcomes, to_deliver = invitations_send(tenant=tenant, invitation_ids=ids[start:min(granted, start + OUTBOX_BATCH)],
                                                      now=now, survey_emails=survey_emails)
        for key, value in batch_outcomes.items():
            outcomes[key] += value
        # Each batch goes to the workers as soon as it is committed: sending overlaps the loop.
        emails_send_later(to_deliver)
    return outcomes


def send_reminders(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Up to `reminders` reminders, `reminder_interval_days` apart; an answer or opt-out stops them."""
    now = now or timezone.now()
    settings = settings_for(tenant)
    due = SurveyInvitation.objects.filter(
        status=InvitationStatus.SENT, reminders_sent__lt=settings.reminders, next_reminder_at__lte=now
    ).order_by("next_reminder_at", "pk")
    rows = list(due.values_list("pk", "reminders_sent")[: settings.sends_per_minute])
    granted = throttle.take(tenant.pk, settings.sends_per_minute, len(rows))
    to_deliver = [email_id for invitation_id, count in rows[:granted]
                  if (email_id := _remind(invitation_id, count, settings, now))]
    emails_send_later(to_deliver)
    return len(to_deliver)


@transaction.atomic
def _remind(invitation_id: int, count: int, settings: SurveySettings, now: datetime) -> int | None:
    last = count + 1 >= settings.reminders
    claimed = SurveyInvitation.objects.filter(pk=invitation_id, status=InvitationStatus.SENT, reminders_sent=count).update(
        reminders_sent=F("reminders_sent") + 1,
        next_reminder_at=None if last else now + timedelta(days=settings.reminder_interval_days),
    )
    if not claimed:
        return None
    invitation = SurveyInvitation.objects.select_related("tenant", "partner", "survey").get(pk=invitation_id)
    if is_suppressed(invitation.email):
        SurveyInvitation.objects.filter(pk=invitation_id).update(status=InvitationStatus.OPTED_OUT, next_reminder_at=None)
        return None
    reminder = emails.SurveyEmails().email(invitation, reminder=True)
    return emails_store(emails=[reminder])[0]


# --- Answering and opting out -----------------------------------------------------------------


@transaction.atomic
def answer_record(*, invitation: SurveyInvitation, score: int, effort: int | None = None, comment: str = "",
                  now: datetime | None = None) -> Answer:
    """Record the one answer of an invitation; a detractor answer opens a follow-up case."""
    now = now or timezone.now()
    if not 0 <= int(score) <= 10:
        raise ValidationError({"score": gettext("Choose a score from 0 to 10.")})
    if effort is not None and not 1 <= int(effort) <= 7:
        raise ValidationError({"effort": gettext("Choose a value from 1 to 7.")})
    try:
        with transaction.atomic():
            answer = Answer.objects.create(
                tenant=invitation.tenant, invitation=invitation, survey_id=invitation.survey_id,
                partner_id=invitation.partner_id, score=score, effort=effort, comment=(comment or "").strip(),
                answered_at=now,
            )
    except IntegrityError:
        raise AlreadyAnswered from None
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.ANSWERED, answered_at=now, next_reminder_at=None
    )
    if answer.category == "detractor":
        _open_follow_up(answer, now)
    return answer


def _open_follow_up(answer: Answer, now: datetime) -> FollowUpCase:
    tenant = answer.tenant
    days = settings_for(tenant).follow_up_business_days
    case = FollowUpCase.objects.create(
        tenant=tenant, answer=answer, partner_id=answer.partner_id,
        due_at=add_business_hours(now, days * BUSINESS_DAY_HOURS, tenant.time_zone),
    )
    audit_record(tenant=tenant, actor="Detractor answer", verb=SurveyVerb.FOLLOW_UP_OPENED, target=case, to_state="open",
                 data={"score": answer.score})
    emails.follow_up_opened(case)
    return case


@transaction.atomic
def unsubscribe(*, tenant: Tenant, email: str, reason: str = "unsubscribe") -> int:
    """Add the address to the tenant's suppression list and stop everything still to be sent to it."""
    email = email.strip().lower()
    Suppression.objects.get_or_create(tenant=tenant, email=email, defaults={"reason": reason})
    return SurveyInvitation.objects.filter(
        email=email, status__in=(*PENDING, InvitationStatus.SENT)
    ).update(status=InvitationStatus.OPTED_OUT if reason == "unsubscribe" else InvitationStatus.BOUNCED, next_reminder_at=None)


# --- Following up -----------------------------------------------------------------------------


@transaction.atomic
def follow_up_update(*, case: FollowUpCase, actor: Actor, contacted: bool = False, root_cause: str = "",
                     action_taken: str = "", close: bool = False) -> FollowUpCase:
    """Partners record the call, the cause and what they did; closing needs all three."""
    case = FollowUpCase.objects.select_for_update().get(pk=case.pk)
    if case.status == FollowUpStatus.CLOSED:
        raise ValidationError(gettext("This case is closed."))
    now = timezone.now()
    if contacted and case.contacted_at is None:
        case.contacted_at = now
    case.root_cause = (root_cause or case.root_cause).strip()
    case.action_taken = (action_taken or case.action_taken).strip()
    if close:
        errors = {}
        if case.contacted_at is None:
            errors["contacted"] = gettext("Record that you contacted the customer before closing.")
        if not case.root_cause:
            errors["root_cause"] = gettext("Say what caused the low score.")
        if not case.action_taken:
            errors["action_taken"] = gettext("Say what you did about it.")
        if errors:
            raise ValidationError(errors)
        case.status, case.closed_at = FollowUpStatus.CLOSED, now
        case.closed_by = actor if isinstance(actor, get_user_model()) else None
    case.save()
    audit_record(tenant=case.tenant, actor=actor, verb=SurveyVerb.FOLLOW_UP_CLOSED if close else SurveyVerb.FOLLOW_UP_UPDATED, target=case,
                 from_state="open", to_state=case.status)
    return case


def escalate_overdue_follow_ups(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Open cases past their due date are escalated to the channel managers, once."""
    now = now or timezone.now()
    escalated = 0
    for case in FollowUpCase.objects.filter(status=FollowUpStatus.OPEN, due_at__lt=now, escalated_at__isnull=True):
        if FollowUpCase.objects.filter(pk=case.pk, escalated_at__isnull=True).update(escalated_at=now):
            emails.follow_up_overdue(case)
            escalated += 1
    return escalated
