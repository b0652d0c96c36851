"""Courses and completions: who records what, the expiry from the validity, claims waiting for a
manager, approval and rejection, the signal, one audit row per change."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners.training import services
from partners.training.models import Completion, CompletionStatus, Course, Source
from partners.training.signals import certification_completed
from partners.training.validity import add_months, expiry_of
from prm.audit.models import AuditEvent

PDF = b"%PDF-1.4\n%%EOF\n"


def _pdf(name="certificate.pdf", data=PDF):
    return SimpleUploadedFile(name, data, "application/pdf")


def _verbs(obj):
    return list(AuditEvent.unscoped.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))
                .order_by("id").values_list("verb", flat=True))


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 3, 15), 12, date(2027, 3, 15)), (date(2026, 11, 30), 3, date(2027, 2, 28))])
def test_validity_adds_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


def test_a_course_name_is_unique_in_any_case_and_its_changes_are_audited(world, in_tenant, courses):
    with in_tenant(world.acme):
        course = services.course_create(tenant=world.acme, actor=world.acme_manager.user, name="  Partner   Basics ",
                                        validity_months=6, required_for_tiers=[courses["gold"]])
        assert course.name == "Partner Basics" and list(course.required_for_tiers.all()) == [courses["gold"]]
        with pytest.raises(ValidationError) as exc:
            services.course_create(tenant=world.acme, actor=world.acme_manager.user, name="partner basics")
        assert "name" in exc.value.message_dict
        services.course_update(course=course, actor=world.acme_manager.user, validity_months=None, required_for_tiers=[])
        services.course_toggle(course=course, actor=world.acme_manager.user)
        assert not Course.objects.get(pk=course.pk).is_active
    with in_tenant(world.globex):  # another program may use the same name
        services.course_create(tenant=world.globex, actor=world.globex_admin.user, name="Partner Basics")
    assert _verbs(course) == ["course.created", "course.edited", "course.deactivated"]


def test_a_recorded_completion_is_approved_expires_by_the_validity_and_announces_itself(world, in_tenant, courses,
                                                                                       django_capture_on_commit_callbacks):
    heard = []
    certification_completed.connect(lambda sender, completion, **kw: heard.append(completion.pk), weak=False,
                                    dispatch_uid="test-heard")
    try:
        with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
            done = services.completion_record(tenant=world.acme, actor=world.acme_manager.user, course=courses["sales"],
                                              user=world.northwind_rep.user, completed_on=date(2026, 1, 31))
    finally:
        certification_completed.disconnect(dispatch_uid="test-heard")
    assert (done.partner, done.status, done.source, done.expires_on) == (
        world.northwind, CompletionStatus.APPROVED, Source.MANAGER, date(2027, 1, 31))
    assert done.recorded_by == world.acme_manager.user and heard == [done.pk]
    assert _verbs(done) == ["completion.recorded"]
    assert done.is_active_on(date(2027, 1, 30)) and not done.is_active_on(date(2027, 1, 31))
    assert not done.is_active_on(date(2026, 1, 30))


def test_recording_refuses_staff_switched_off_courses_future_days_bad_expiries_and_duplicates(world, in_tenant, courses):
    today = timezone.localdate()
    with in_tenant(world.acme):
        record = lambda **kw: services.completion_record(tenant=world.acme, actor=world.acme_manager.user, **{  # noqa: E731
            "course": courses["cloud"], "user": world.northwind_rep.user, "completed_on": today, **kw})
        cases = [({"user": world.acme_manager.user}, "user"), ({"course": courses["retired"]}, "course"),
                 ({"completed_on": today + timedelta(days=1)}, "completed_on"), ({"expires_on": today}, "expires_on")]
        for changes, field in cases:
            with pytest.raises(ValidationError) as exc:
                record(**changes)
            assert field in exc.value.message_dict, changes
        assert record().expires_on is None  # Cloud never expires
        with pytest.raises(ValidationError) as exc:
            record()
        assert "completed_on" in exc.value.message_dict
        assert Completion.objects.count() == 1
    with in_tenant(world.globex), pytest.raises(ValidationError):  # Northwind's rep is nobody at Globex
        services.completion_record(tenant=world.globex, actor=world.globex_admin.user, course=courses["cloud"],
                                   user=world.northwind_rep.user, completed_on=today)


def test_a_claim_waits_for_a_manager_who_approves_it_once(world, in_tenant, courses, django_capture_on_commit_callbacks):
    heard = []
    certification_completed.connect(lambda sender, completion, **kw: heard.append(completion.pk), weak=False,
                                    dispatch_uid="test-claim")
    try:
        with in_tenant(world.acme), django_capture_on_commit_callbacks(execute=True):
            claim = services.completion_claim(membership=world.northwind_rep, course=courses["firewall"],
                                              completed_on=date(2026, 2, 1), certificate=_pdf())
            assert claim.status == CompletionStatus.PENDING and claim.source == Source.CLAIM and heard == []
            assert claim.certificate.name.startswith("certificates/") and claim.certificate.read() == PDF
            services.completion_approve(completion=claim, actor=world.acme_manager.user)
            with pytest.raises(ValidationError):
                services.completion_approve(completion=claim, actor=world.acme_manager.user)
            with pytest.raises(ValidationError):
                services.completion_reject(completion=claim, actor=world.acme_manager.user, reason="late")
    finally:
        certification_completed.disconnect(dispatch_uid="test-claim")
    claim.refresh_from_db()
    assert claim.status == CompletionStatus.APPROVED and claim.decided_by == world.acme_manager.user
    assert claim.expires_on == date(2028, 2, 1) and heard == [claim.pk]
    assert _verbs(claim) == ["completion.claimed", "completion.approved"]


def test_a_rejection_needs_a_reason_and_never_counts(world, in_tenant, courses):
    with in_tenant(world.acme):
        claim = services.completion_claim(membership=world.northwind_rep, course=courses["cloud"],
                                          completed_on=date(2026, 2, 1), certificate=_pdf("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10))
        with pytest.raises(ValidationError) as exc:
            services.completion_reject(completion=claim, actor=world.acme_manager.user, reason="  ")
        assert "reason" in exc.value.message_dict
        services.completion_reject(completion=claim, actor=world.acme_manager.user, reason="Not our course")
        claim.refresh_from_db()
    assert (claim.status, claim.decision_note) == (CompletionStatus.REJECTED, "Not our course")
    assert not claim.is_active_on(date(2026, 3, 1))
    assert _verbs(claim) == ["completion.claimed", "completion.rejected"]


def test_claims_are_for_ones_own_company_and_need_a_real_certificate(world, in_tenant, courses):
    with in_tenant(world.acme):
        claim = lambda membership, **kw: services.completion_claim(  # noqa: E731
            membership=membership, course=courses["cloud"], completed_on=date(2026, 2, 1), **{"certificate": _pdf(), **kw})
        cases = [
            (world.northwind_rep, {"user": world.northwind_admin.user}, "user"),  # a partner user claims for themselves
            (world.northwind_admin, {"user": world.contoso_rep.user}, "user"),  # not for another partner's people
            (world.northwind_rep, {"certificate": _pdf("fake.pdf", b"MZ\x90\x00 not a pdf")}, "certificate"),
            (world.northwind_rep, {"certificate": _pdf("cert.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))}, "certificate"),
            (world.northwind_rep, {"certificate": None}, "certificate"),
        ]
        for membership, changes, field in cases:
            with pytest.raises(ValidationError) as exc:
                claim(membership, **changes)
            assert field in exc.value.message_dict, changes
        assert not Completion.objects.exists()
        mine = claim(world.northwind_admin, user=world.northwind_rep.user)  # a partner admin claims for a colleague
    assert mine.user == world.northwind_rep.user and mine.recorded_by == world.northwind_admin.user


def test_expiry_of_a_course_without_validity_is_never():
    assert expiry_of(Course(validity_months=None), date(2026, 1, 1)) is None
