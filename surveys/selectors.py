from typing import Any

from django.db.models import Avg, Count, F, FloatField, Func, Q, QuerySet
from django.utils import timezone

from partners.models import Partner

from . import statistics
from .models import (
    Answer,
    Campaign,
    FollowUpCase,
    FollowUpStatus,
    InvitationStatus,
    PartnerScore,
    PracticeNote,
    RankingRun,
    Survey,
    SurveyInvitation,
)


def latest_run() -> RankingRun | None:
    return RankingRun.objects.order_by("-run_date").first()


def leaderboard(run: RankingRun | None) -> QuerySet[PartnerScore]:
    """The window's scores, ranked partners first (best first), then the rest by shrunk score."""
    if run is None:
        return PartnerScore.objects.none()
    return (PartnerScore.objects.filter(run=run, period="window", partner__isnull=False)
            .select_related("partner__tier").order_by(F("rank").asc(nulls_last=True), "-shrunk", "partner__name"))


def partner_score(run: RankingRun | None, partner: Partner) -> PartnerScore | None:
    if run is None:
        return None
    return PartnerScore.objects.filter(run=run, period="window", partner=partner).first()


def series(run: RankingRun | None, partner: Partner | None = None) -> list[PartnerScore]:
    """Monthly scores, oldest first: the whole program (partner=None) or one partner."""
    if run is None:
        return []
    scores = PartnerScore.objects.filter(run=run).exclude(period="window")
    scores = scores.filter(partner=partner) if partner is not None else scores.filter(partner__isnull=True)
    return list(scores.order_by("period"))


def answers(partner: Partner | None = None) -> QuerySet[Answer]:
    rows = Answer.objects.select_related("invitation", "partner").order_by("-answered_at")
    return rows.filter(partner=partner) if partner is not None else rows


class SecondsBetween(Func):
    """`end - start` in seconds, computed by the database itself. Django's own difference of two
    timestamps is, on SQLite, a Python function called once per row (both values parsed each time);
    julianday() is SQLite's native arithmetic, EXTRACT(EPOCH …) PostgreSQL's."""

    arity = 2
    arg_joiner = " - "
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"((julianday({end}) - julianday({start})) * 86400.0)", (*end_params, *start_params)


def follow_up_summary(partner: Partner | None = None) -> dict[str, Any]:
    now = timezone.now()
    cases = FollowUpCase.objects.all() if partner is None else FollowUpCase.objects.filter(partner=partner)
    totals = cases.aggregate(
        open=Count("id", filter=Q(status=FollowUpStatus.OPEN, due_at__gte=now)),
        overdue=Count("id", filter=Q(status=FollowUpStatus.OPEN, due_at__lt=now)),
        closed=Count("id", filter=Q(status=FollowUpStatus.CLOSED)),
        avg_close_seconds=Avg(SecondsBetween(F("closed_at"), F("created_at")), filter=Q(status=FollowUpStatus.CLOSED)),
    )
    seconds = totals.pop("avg_close_seconds")
    return {**totals, "avg_close_hours": seconds / 3600 if seconds is not None else None}


def _in_state(state: str) -> Q:
    """A case list's filter, counted the way the follow-up summary and the portal tiles count."""
    now = timezone.now()
    return {
        "open": Q(status=FollowUpStatus.OPEN),
        "overdue": Q(status=FollowUpStatus.OPEN, due_at__lt=now),
        "closed": Q(status=FollowUpStatus.CLOSED),
    }.get(state, Q())


def follow_ups(partner: Partner | None = None, state: str = "") -> QuerySet[FollowUpCase]:
    """Cases, open ones by due date first; `state` ("open", "overdue", "closed", or "" for all) narrows them."""
    cases = FollowUpCase.objects.select_related("answer__invitation", "partner").filter(_in_state(state)).order_by("status", "due_at")
    return cases.filter(partner=partner) if partner is not None else cases


def campaign_progress(campaign: Campaign) -> dict[str, Any]:
    counts = dict(campaign.invitations.values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    done = total - counts.get("queued", 0) - counts.get("scheduled", 0)
    return {"counts": counts, "total": total, "done": done, "running": done < total}


# An invitation in these states went out (an opt-out or a skip may not have).
SENT_STATES = (InvitationStatus.SENT, InvitationStatus.ANSWERED, InvitationStatus.BOUNCED)


def survey_statistics(survey: Survey) -> dict[str, Any]:
    """Invitations sent and waiting, answers, response rate, and the survey's NPS over all its answers
    with its adjusted-Wald interval (None without answers)."""
    invitations = SurveyInvitation.objects.filter(survey=survey).aggregate(
        sent=Count("id", filter=Q(sent_at__isnull=False) | Q(status__in=SENT_STATES)),
        waiting=Count("id", filter=Q(status__in=(InvitationStatus.SCHEDULED, InvitationStatus.QUEUED))),
    )
    answers = Answer.objects.filter(survey=survey).aggregate(
        n=Count("id"), promoters=Count("id", filter=Q(score__gte=9)), detractors=Count("id", filter=Q(score__lte=6)))
    n, promoters, detractors = answers["n"], answers["promoters"], answers["detractors"]
    score = statistics.nps(promoters, detractors, n)
    low, high = statistics.adjusted_wald(promoters, detractors, n) if n else (None, None)
    sent = invitations["sent"]
    return {**invitations, "answered": n, "response_rate": 100.0 * n / sent if sent else None,
            "nps": score, "ci_low": low, "ci_high": high, "n": n}


def survey_language_for(email: str) -> str | None:
    """The language of the last survey sent to `email`, for pages whose link names only the address."""
    invitations = SurveyInvitation.objects.filter(email=email, sent_at__isnull=False).order_by("-sent_at", "-pk")
    return invitations.values_list("survey__language", flat=True).first()


def visible_practices() -> QuerySet[PracticeNote]:
    return PracticeNote.objects.filter(hidden_at__isnull=True).select_related("partner")


def is_top_quartile(run: RankingRun, partner: Partner) -> bool:
    score = partner_score(run, partner)
    return bool(score and score.rank and run.top_quartile_nps is not None and score.nps is not None
                and score.nps >= run.top_quartile_nps)
