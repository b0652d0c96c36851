"""The tier requirement kinds training registers (from TrainingConfig.ready()) in partners.tiers.requirements.

- `certifications`: how many active certifications the partner's people hold on the day (one per
  person and course: a renewal taken before the old one expires does not count twice);
- `required_courses`: of the active courses the tier needs, how many the partner covers on the day
  (someone there holds an active certification of it); the target is every such course.

Each measures all given partners in one aggregate query. `lapses` lists the certifications that
expire between two days and that no other certification of the same person and course outlasts."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _, gettext_lazy

from partners.tiers.requirements import Measure, RequirementKind

from .models import Completion, CompletionStatus, Course, active_on, certification_pair

MANY = 200  # partners asked for at once above which the program's completions are counted whole


def _ids(partner_ids: Iterable[int]) -> list[int]:
    return list(partner_ids)


def _needed_courses(requirement):
    return Course.objects.filter(is_active=True, required_for_tiers=requirement.tier)


def _active_counts(partner_ids: Iterable[int], days: tuple[date, ...], counted, **narrower) -> dict[date, dict[int, Measure]]:
    """One GROUP BY over the completions active on any of the days, a filtered distinct count per day."""
    ids = _ids(partner_ids)
    active_any = Q(status=CompletionStatus.APPROVED, completed_on__lte=max(days)) & (
        Q(expires_on__isnull=True) | Q(expires_on__gt=min(days)))
    counts = {f"n{i}": Count(counted, distinct=True, filter=active_on(day)) for i, day in enumerate(days)}
    completions = Completion.objects.filter(active_any, course__is_active=True, **narrower)
    if len(ids) <= MANY:  # more (the nightly evaluation asks for all): the whole program, see dealreg/tiers.py
        completions = completions.filter(partner_id__in=ids)
    rows = completions.values("partner_id").annotate(**counts).values("partner_id", *counts)
    found = {row["partner_id"]: row for row in rows}
    return {day: {pk: Measure(Decimal(found[pk][f"n{i}"] if pk in found else 0)) for pk in ids}
            for i, day in enumerate(days)}


def certifications_at(partner_ids: Iterable[int], days: tuple[date, ...], requirement=None) -> dict[date, dict[int, Measure]]:
    return _active_counts(partner_ids, days, certification_pair())


def measure_certifications(partner_ids: Iterable[int], as_of: date, requirement=None) -> dict[int, Measure]:
    return certifications_at(partner_ids, (as_of,))[as_of]


def target_required_courses(requirement) -> Decimal:
    return Decimal(_needed_courses(requirement).count())


def required_courses_at(partner_ids: Iterable[int], days: tuple[date, ...], requirement) -> dict[date, dict[int, Measure]]:
    return _active_counts(partner_ids, days, "course_id", course__required_for_tiers=requirement.tier)


def measure_required_courses(partner_ids: Iterable[int], as_of: date, requirement) -> dict[int, Measure]:
    return required_courses_at(partner_ids, (as_of,), requirement)[as_of]


def _lapses(partner_ids: Iterable[int], start: date, end: date, courses: Q) -> dict[int, list[tuple[date, str]]]:
    outlasted = Completion.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")),
        status=CompletionStatus.APPROVED, user_id=OuterRef("user_id"), course_id=OuterRef("course_id"),
        completed_on__lte=OuterRef("expires_on"),
    ).exclude(pk=OuterRef("pk"))
    rows = (Completion.objects.filter(courses, partner_id__in=_ids(partner_ids), status=CompletionStatus.APPROVED,
                                      course__is_active=True, expires_on__gte=start, expires_on__lt=end)
            .exclude(Exists(outlasted)).select_related("course", "user").order_by("expires_on", "pk"))
    found: dict[int, list[tuple[date, str]]] = {}
    for row in rows:
        text = _("Certification “%(course)s” of %(person)s expires") % {"course": row.course.name, "person": person_name(row.user)}
        found.setdefault(row.partner_id, []).append((row.expires_on, text))
    return found


def lapses_certifications(partner_ids, start: date, end: date, requirement=None) -> dict[int, list[tuple[date, str]]]:
    return _lapses(partner_ids, start, end, Q())


def lapses_required_courses(partner_ids, start: date, end: date, requirement) -> dict[int, list[tuple[date, str]]]:
    return _lapses(partner_ids, start, end, Q(course__required_for_tiers=requirement.tier))


def person_name(user) -> str:
    return user.get_full_name() or user.email


CERTIFICATIONS = RequirementKind(
    key="certifications", label=gettext_lazy("Active certifications"), measure=measure_certifications,
    unit="count", lapses=lapses_certifications, measure_at=certifications_at)
REQUIRED_COURSES = RequirementKind(
    key="required_courses", label=gettext_lazy("Certifications the tier needs"), measure=measure_required_courses,
    unit="count", target=target_required_courses, uses_threshold=False, lapses=lapses_required_courses,
    measure_at=required_courses_at)
