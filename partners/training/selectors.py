"""Reads of training that more than one view needs, scoped to the tenant in force."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from partners.content.selectors import visible_items
from partners.models import Partner
from partners.tiers.models import Tier
from prm.tenancy.models import PARTNER_ROLES, Membership

from .models import Completion, CompletionStatus, Course, active_on, certification_pair

EXPIRING_DAYS = 90  # "expiring soon" on the partner page, the portal and the coverage list


def courses() -> QuerySet[Course]:
    return Course.objects.prefetch_related("required_for_tiers").order_by("name", "pk")


def partner_people(partner: Partner) -> QuerySet:
    """The partner's people: users with an active partner membership of it."""
    return (get_user_model().objects.filter(memberships__partner=partner, memberships__role__in=PARTNER_ROLES,
                                            memberships__is_active=True).order_by("email").distinct())


def membership_of_email(email: str) -> Membership | None:
    """The active partner membership of the person with this email in the tenant, if any."""
    return (Membership.objects.filter(user__email__iexact=email.strip(), role__in=PARTNER_ROLES, is_active=True)
            .select_related("user", "partner").first())


def completions(*, status: str = "", course: int | None = None, partner: int | None = None, q: str = "") -> QuerySet[Completion]:
    rows = Completion.objects.select_related("course", "user", "partner").order_by("-completed_on", "-pk")
    if status:
        rows = rows.filter(status=status)
    if course:
        rows = rows.filter(course_id=course)
    if partner:
        rows = rows.filter(partner_id=partner)
    if q:
        rows = rows.filter(Q(user__email__icontains=q) | Q(user__full_name__icontains=q)
                           | Q(partner__name__icontains=q) | Q(course__name__icontains=q))
    return rows


def pending_claims() -> QuerySet[Completion]:
    return completions(status=CompletionStatus.PENDING).order_by("recorded_at", "pk")


def next_tier(tier: Tier | None) -> Tier | None:
    tiers = Tier.objects.order_by("rank")
    return (tiers.filter(rank__gt=tier.rank) if tier is not None else tiers).first()


def needed_courses(tier: Tier | None) -> list[Course]:
    if tier is None:
        return []
    return list(Course.objects.filter(is_active=True, required_for_tiers=tier).order_by("name", "pk"))


def _covered_course_ids(partner_ids: list[int], day: date) -> dict[int, set[int]]:
    covered: dict[int, set[int]] = {}
    for partner_id, course_id in (Completion.objects.filter(active_on(day), partner_id__in=partner_ids, course__is_active=True)
                                  .values_list("partner_id", "course_id").distinct()):
        covered.setdefault(partner_id, set()).add(course_id)
    return covered


@dataclass
class PersonCertifications:
    user: object
    completions: list = field(default_factory=list)


@dataclass
class PartnerTraining:
    partner: Partner
    day: date
    people: list[PersonCertifications]
    active: int
    expiring: list  # active completions expiring within EXPIRING_DAYS
    gaps: list[Course]  # courses the current tier needs that nobody at the partner holds
    next_tier: Tier | None
    next_gaps: list[Course]
    pending: list


def partner_training(partner: Partner, day: date) -> PartnerTraining:
    """The partner's people with their certifications, and what its current and next tier need."""
    rows = list(Completion.objects.filter(partner=partner).select_related("course", "user")
                .order_by("user__email", "course__name", "-completed_on"))
    people = {user.pk: PersonCertifications(user) for user in partner_people(partner)}
    for row in rows:
        if row.status == CompletionStatus.REJECTED:
            continue
        people.setdefault(row.user_id, PersonCertifications(row.user)).completions.append(row)
    active = [row for row in rows if row.is_active_on(day) and row.course.is_active]
    covered = {row.course_id for row in active}
    upcoming = next_tier(partner.tier)
    soon = day + timedelta(days=EXPIRING_DAYS)
    return PartnerTraining(
        partner=partner, day=day, people=list(people.values()),
        active=len({(row.user_id, row.course_id) for row in active}),
        expiring=[row for row in active if row.expires_on is not None and row.expires_on < soon],
        gaps=[course for course in needed_courses(partner.tier) if course.pk not in covered],
        next_tier=upcoming, next_gaps=[course for course in needed_courses(upcoming) if course.pk not in covered],
        pending=[row for row in rows if row.status == CompletionStatus.PENDING],
    )


def with_visible_content(partner: Partner, courses: Iterable[Course], now: datetime | None = None) -> None:
    """Give each course `visible_content`: its linked items that `partner` may see now, by title (one
    query; an item hidden from the partner is never among them)."""
    courses = list(courses)
    links = (Course.content.through.objects
             .filter(course_id__in={course.pk for course in courses}, contentitem__in=visible_items(partner, now))
             .select_related("contentitem").order_by("contentitem__title", "contentitem_id"))
    by_course: dict[int, list] = {}
    for link in links:
        by_course.setdefault(link.course_id, []).append(link.contentitem)
    for course in courses:
        course.visible_content = by_course.get(course.pk, [])


@dataclass
class CoverageRow:
    partner: Partner
    people_certified: int
    active: int
    expiring: int
    needed: list[Course]
    gaps: list[Course]


def coverage(partners: list[Partner], day: date) -> list[CoverageRow]:
    """Per partner of a page: people certified, active certifications, those expiring within
    EXPIRING_DAYS, and the courses its tier needs that nobody there holds (a fixed number of queries)."""
    ids = [partner.pk for partner in partners]
    soon = day + timedelta(days=EXPIRING_DAYS)
    active = Completion.objects.filter(active_on(day), partner_id__in=ids, course__is_active=True)
    figures = {row["partner_id"]: row for row in active.values("partner_id").annotate(
        people=Count("user_id", distinct=True), n=Count(certification_pair(), distinct=True),
        expiring=Count("pk", filter=Q(expires_on__isnull=False, expires_on__lt=soon)))}
    covered = _covered_course_ids(ids, day)
    needed_by_tier: dict[int, list[Course]] = {}
    links = (Course.required_for_tiers.through.objects.filter(tier_id__in={p.tier_id for p in partners if p.tier_id},
                                                              course__is_active=True)
             .select_related("course").order_by("course__name", "course_id"))
    for link in links:
        needed_by_tier.setdefault(link.tier_id, []).append(link.course)
    result = []
    for partner in partners:
        needed = needed_by_tier.get(partner.tier_id, [])
        row = figures.get(partner.pk, {})
        result.append(CoverageRow(partner=partner, people_certified=row.get("people", 0), active=row.get("n", 0),
                                  expiring=row.get("expiring", 0), needed=needed,
                                  gaps=[c for c in needed if c.pk not in covered.get(partner.pk, set())]))
    return result
