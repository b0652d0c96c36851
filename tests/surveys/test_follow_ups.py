"""Detractor follow-ups: a case per answer from 0 to 6, due in business days in the program's time
zone, worked by the partner in the portal, escalated to channel managers when overdue."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from prm.audit.models import AuditEvent
from prm.i18n.formatting import when
from surveys import services, tasks
from surveys.models import FollowUpCase, FollowUpStatus

from .helpers import OPENED_KIND, OVERDUE_KIND, make_invitation, make_survey, outbound, set_settings, utc

BERLIN = ZoneInfo("Europe/Berlin")
NORTHWIND_PEOPLE = [["admin@northwind.example"], ["rep@northwind.example"]]


@pytest.fixture
def survey(acme):
    return make_survey(acme.acme, "Customer NPS")


def answer(world, survey, partner, score, *, now=None, email=None, **fields):
    invitation = make_invitation(survey, partner, email, name="Dana Whitfield", company="Fabrikam", **fields)
    return services.answer_record(invitation=invitation, score=score, comment="Nobody called back.", now=now)


def case_of(answer_row):
    return FollowUpCase.unscoped.get(answer=answer_row)


def stat(html, label):
    """The number shown above `label` in a row of stats."""
    match = re.search(rf'<span class="stat__value">([^<]*)</span><span class="stat__label">{re.escape(label)}</span>', html)
    assert match, f"no stat labelled {label!r}"
    return match.group(1).strip()


# --- opening -------------------------------------------------------------------------------------


def test_a_detractor_answer_on_friday_opens_a_case_due_on_tuesday_in_the_tenants_time_zone(
        acme, survey, django_capture_on_commit_callbacks, mailoutbox):
    acme.acme.time_zone = "Europe/Berlin"
    acme.acme.save()
    set_settings(acme.acme, follow_up_business_days=2)
    friday_morning = utc(2025, 3, 7, 9, 0)  # 10:00 in Berlin
    assert friday_morning.astimezone(BERLIN).strftime("%A %H:%M") == "Friday 10:00"

    with django_capture_on_commit_callbacks(execute=True):
        row = answer(acme, survey, acme.northwind, 4, now=friday_morning)

    case = case_of(row)
    assert (case.status, case.partner, case.tenant) == (FollowUpStatus.OPEN, acme.northwind, acme.acme)
    # 16 business hours: Friday 10–17 (7), Monday 9–17 (8), Tuesday 9–10 (1).
    assert case.due_at == utc(2025, 3, 11, 9, 0)
    assert case.due_at.astimezone(BERLIN).strftime("%A %H:%M") == "Tuesday 10:00"
    assert AuditEvent.unscoped.filter(verb="follow_up.opened", target_id=str(case.pk)).count() == 1

    emails = outbound(OPENED_KIND)
    assert sorted(e.to for e in emails) == NORTHWIND_PEOPLE  # the partner's people only: not Contoso, not Acme staff
    for email in emails:
        assert "score of 4" in email.body_text
        assert "Dana Whitfield <" in email.body_text
        assert f"http://acme.localhost/portal/follow-ups/{case.pk}/" in email.body_text
    assert sorted(m.to for m in mailoutbox) == NORTHWIND_PEOPLE


def test_the_due_date_counts_in_the_tenants_own_time_zone(acme, survey):
    """The same instant is 09:00 Friday in UTC but already in Berlin's business day: different due dates."""
    set_settings(acme.acme, follow_up_business_days=1)
    friday_nine_utc = utc(2025, 3, 7, 9, 0)
    utc_case = case_of(answer(acme, survey, acme.northwind, 2, now=friday_nine_utc))
    assert utc_case.due_at == utc(2025, 3, 7, 17, 0)  # 8 hours: Friday 9–17 UTC
    acme.acme.time_zone = "Europe/Berlin"
    acme.acme.save()
    berlin_case = case_of(answer(acme, survey, acme.northwind, 2, now=friday_nine_utc))
    assert berlin_case.due_at == utc(2025, 3, 10, 9, 0)  # Friday 10–17 (7) + Monday 9–10 (1), Berlin time


def test_a_weekend_answer_is_due_from_monday_morning(acme, survey):
    set_settings(acme.acme, follow_up_business_days=2)
    saturday = utc(2025, 3, 8, 15, 0)
    assert case_of(answer(acme, survey, acme.northwind, 0, now=saturday)).due_at == utc(2025, 3, 11, 17, 0)


@pytest.mark.parametrize("score", [0, 6])
def test_every_detractor_score_opens_a_case(acme, survey, score):
    row = answer(acme, survey, acme.northwind, score)
    assert case_of(row).status == FollowUpStatus.OPEN


@pytest.mark.parametrize("score", [7, 8, 9, 10])
def test_promoters_and_passives_open_no_case(acme, survey, score, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        answer(acme, survey, acme.northwind, score)
    assert not FollowUpCase.objects.exists()
    assert outbound(OPENED_KIND) == []
    assert mailoutbox == []


# --- the partner works the case in the portal ---------------------------------------------------


@pytest.fixture
def case(acme, survey):
    return case_of(answer(acme, survey, acme.northwind, 3))


def test_the_partner_records_contact_cause_and_action_then_closes(acme, case, client_as):
    rep = client_as(acme.northwind_rep)
    url = f"/portal/follow-ups/{case.pk}/"
    page = rep.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nobody called back." in html and "Dana Whitfield" in html and "3 / 10" in html
    for field in ("contacted", "root_cause", "action_taken"):
        assert f'for="id_{field}"' in html

    saved = rep.post(url, {"contacted": "on", "root_cause": "The installer missed the appointment.", "close": "0"})
    assert (saved.status_code, saved["Location"]) == (302, url)
    case.refresh_from_db()
    assert case.status == FollowUpStatus.OPEN
    assert case.contacted_at is not None
    assert case.root_cause == "The installer missed the appointment."

    closed = rep.post(url, {"action_taken": "New appointment, and a discount on the first year.", "close": "1"})
    assert closed.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_by) == (FollowUpStatus.CLOSED, acme.northwind_rep.user)
    assert case.closed_at is not None
    assert (case.root_cause, case.action_taken) == ("The installer missed the appointment.",
                                                    "New appointment, and a discount on the first year.")
    assert AuditEvent.unscoped.filter(verb="follow_up.closed", target_id=str(case.pk)).count() == 1

    after = rep.get(url).content.decode()
    assert "Closed" in after
    assert 'name="root_cause"' not in after  # a closed case is read-only
    # A stale tab posting again: refused, nothing changes.
    again = rep.post(url, {"contacted": "on", "root_cause": "x", "action_taken": "y", "close": "1"}, follow=True)
    assert "This case was already closed; nothing was changed." in again.content.decode()
    case.refresh_from_db()
    assert (case.root_cause, case.action_taken) == ("The installer missed the appointment.",
                                                    "New appointment, and a discount on the first year.")


def test_closing_without_all_three_gives_an_error_next_to_each_missing_field(acme, case, client_as):
    rep = client_as(acme.northwind_rep)
    url = f"/portal/follow-ups/{case.pk}/"
    response = rep.post(url, {"close": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="error" id="id_contacted_error">Record that you contacted the customer before closing.</p>' in html
    assert '<p class="error" id="id_root_cause_error">Say what caused the low score.</p>' in html
    assert '<p class="error" id="id_action_taken_error">Say what you did about it.</p>' in html

    response = rep.post(url, {"contacted": "on", "root_cause": "Late delivery", "close": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_action_taken_error"' in html
    assert 'id="id_contacted_error"' not in html and 'id="id_root_cause_error"' not in html
    case.refresh_from_db()
    assert case.status == FollowUpStatus.OPEN
    assert case.closed_at is None
    assert case.root_cause == ""  # the refused save changed nothing


def test_a_partner_cannot_open_another_partners_case(acme, case, client_as):
    contoso = client_as(acme.contoso_rep)
    url = f"/portal/follow-ups/{case.pk}/"
    missing = contoso.get("/portal/follow-ups/999999/")
    assert contoso.get(url).status_code == 404
    assert contoso.get(url).content == missing.content
    assert contoso.post(url, {"contacted": "on", "root_cause": "x", "action_taken": "y", "close": "1"}).status_code == 404
    case.refresh_from_db()
    assert case.status == FollowUpStatus.OPEN
    listing = contoso.get("/portal/follow-ups/").content.decode()
    assert "Dana Whitfield" not in listing
    assert "Dana Whitfield" in client_as(acme.northwind_rep).get("/portal/follow-ups/").content.decode()


# --- escalation ---------------------------------------------------------------------------------


def test_overdue_cases_are_escalated_to_channel_managers_once(acme, survey, django_capture_on_commit_callbacks,
                                                              mailoutbox):
    overdue = case_of(answer(acme, survey, acme.northwind, 1))
    not_due = case_of(answer(acme, survey, acme.contoso, 2))
    closed = case_of(answer(acme, survey, acme.contoso, 5))
    now = timezone.now()
    FollowUpCase.objects.filter(pk__in=[overdue.pk, closed.pk]).update(due_at=now - timedelta(hours=1))
    FollowUpCase.objects.filter(pk=not_due.pk).update(due_at=now + timedelta(hours=1))
    FollowUpCase.objects.filter(pk=closed.pk).update(status=FollowUpStatus.CLOSED, closed_at=now)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.escalate_follow_ups.delay()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.escalate_follow_ups.delay()
    assert services.escalate_overdue_follow_ups(tenant=acme.acme, now=now + timedelta(days=30)) == 1  # not_due, later

    overdue.refresh_from_db()
    assert overdue.escalated_at is not None
    assert FollowUpCase.objects.get(pk=closed.pk).escalated_at is None
    emails = outbound(OVERDUE_KIND)
    assert [e.to for e in emails] == [["manager@acme.example"], ["manager@acme.example"]]
    assert "Northwind Traders" in emails[0].subject
    assert "http://acme.localhost/manage/nps/follow-ups/" in emails[0].body_text
    assert [m.to for m in mailoutbox] == [["manager@acme.example"]]  # the one run by the task


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_shows_open_overdue_closed_and_average_time_to_close(acme, survey, client_as):
    now = timezone.now()
    cases = [case_of(answer(acme, survey, partner, 3)) for partner in
             (acme.northwind, acme.northwind, acme.contoso, acme.contoso, acme.northwind)]
    open_case, overdue_1, overdue_2, closed_10h, closed_30h = (c.pk for c in cases)
    FollowUpCase.objects.filter(pk=open_case).update(due_at=now + timedelta(days=1))
    FollowUpCase.objects.filter(pk__in=[overdue_1, overdue_2]).update(due_at=now - timedelta(hours=2))
    start = now - timedelta(days=5)
    FollowUpCase.objects.filter(pk=closed_10h).update(status=FollowUpStatus.CLOSED, created_at=start,
                                                      closed_at=start + timedelta(hours=10))
    FollowUpCase.objects.filter(pk=closed_30h).update(status=FollowUpStatus.CLOSED, created_at=start,
                                                      closed_at=start + timedelta(hours=30))

    response = client_as(acme.acme_manager).get("/manage/nps/follow-ups/")
    assert response.status_code == 200
    html = response.content.decode()
    assert [stat(html, label) for label in ("open", "overdue", "closed", "average time to close")] == [
        "1", "2", "2", "20 h"]
    assert html.count('<span class="status status--rejected">overdue</span>') == 2
    assert "Contoso Integration" in html and "Northwind Traders" in html

    portal = client_as(acme.northwind_rep).get("/portal/follow-ups/").content.decode()
    assert [stat(portal, label) for label in ("open", "overdue", "closed", "average time to close")] == [
        "1", "1", "1", "30 h"]


def test_the_average_time_to_close_is_exact_to_the_second_and_counts_closed_cases_only(acme, survey):
    """The database computes it (julianday on SQLite, EXTRACT(EPOCH) on PostgreSQL): 90 min and
    45 min 36 s average to 4,068 s = 1.13 h; an open case, however old, is not counted."""
    from prm.tenancy.context import tenant_context
    from surveys.selectors import follow_up_summary

    start = timezone.now() - timedelta(days=3)
    cases = [case_of(answer(acme, survey, acme.northwind, 2)) for _ in range(3)]
    for case, closed_after in zip(cases, (timedelta(minutes=90), timedelta(minutes=45, seconds=36), None), strict=True):
        FollowUpCase.objects.filter(pk=case.pk).update(
            created_at=start, status=FollowUpStatus.CLOSED if closed_after else FollowUpStatus.OPEN,
            closed_at=start + closed_after if closed_after else None)
    with tenant_context(acme.acme):
        summary = follow_up_summary(acme.northwind)
        assert follow_up_summary(acme.contoso)["avg_close_hours"] is None
    assert summary["closed"] == 2
    assert summary["avg_close_hours"] == pytest.approx(4068 / 3600, abs=1e-6)


def test_partners_cannot_see_the_dashboard_follow_ups(acme, client_as):
    assert client_as(acme.northwind_admin).get("/manage/nps/follow-ups/").status_code == 403


def test_each_row_of_the_managers_list_opens_the_case(acme, survey, client_as):
    case = case_of(answer(acme, survey, acme.northwind, 3, email="dana@fabrikam.example"))
    manager = client_as(acme.acme_manager)
    html = manager.get("/manage/nps/follow-ups/").content.decode()
    assert f'<a href="/manage/nps/follow-ups/{case.pk}/">Dana Whitfield</a>' in html
    # The partner's list opens the partner's own page for the same case.
    assert f'<a href="/portal/follow-ups/{case.pk}/">Dana Whitfield</a>' in client_as(acme.northwind_rep).get(
        "/portal/follow-ups/").content.decode()


def test_the_case_page_shows_the_answer_the_customer_the_partner_the_state_and_the_timeline(acme, survey, client_as):
    case = case_of(answer(acme, survey, acme.northwind, 3, email="dana@fabrikam.example"))
    services.follow_up_update(case=case, actor=acme.northwind_rep.user, contacted=True, root_cause="A late installer")
    manager = client_as(acme.acme_manager)
    response = manager.get(f"/manage/nps/follow-ups/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Follow-up: Fabrikam</h1>" in html
    assert '<span class="status status--submitted">open</span> Northwind Traders has until' in html
    for shown in ("3 / 10", "Nobody called back.", "Customer NPS", "Dana Whitfield", "dana@fabrikam.example",
                  f'href="/manage/partners/{acme.northwind.pk}/">Northwind Traders</a>', "A late installer"):
        assert shown in html, shown
    timeline = html[html.index("<h2>Timeline</h2>"):]
    assert "Follow-up opened" in timeline and "Follow-up updated" in timeline
    assert str(acme.northwind_rep.user) in timeline

    # Overdue, then closed: the state says so.
    FollowUpCase.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert '<span class="status status--rejected">overdue</span> Northwind Traders should have followed up by' in \
        manager.get(f"/manage/nps/follow-ups/{case.pk}/").content.decode()
    services.follow_up_update(case=case, actor=acme.northwind_rep.user, action_taken="Refunded the visit", close=True)
    closed = manager.get(f"/manage/nps/follow-ups/{case.pk}/").content.decode()
    assert '<span class="status status--approved">closed</span> The partner closed the case' in closed
    assert "Follow-up closed" in closed and "Refunded the visit" in closed


def test_partners_and_other_programs_cannot_open_the_managers_case_page(acme, survey, client_as):
    case = case_of(answer(acme, survey, acme.northwind, 3))
    assert client_as(acme.northwind_admin).get(f"/manage/nps/follow-ups/{case.pk}/").status_code == 403
    assert client_as(acme.globex_manager).get(f"/manage/nps/follow-ups/{case.pk}/").status_code == 404


def test_the_overdue_email_links_to_the_case(acme, survey, django_capture_on_commit_callbacks):
    case = case_of(answer(acme, survey, acme.northwind, 3))
    FollowUpCase.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.escalate_overdue_follow_ups(tenant=acme.acme)
    [email] = outbound(OVERDUE_KIND, acme.acme)
    assert f"http://acme.localhost/manage/nps/follow-ups/{case.pk}/" in email.body_text


def test_times_on_the_case_pages_carry_the_programs_zone(acme, survey, client_as):
    case = case_of(answer(acme, survey, acme.northwind, 3))
    with timezone.override(acme.acme.time_zone):
        due, answered = when(case.due_at), when(case.answer.answered_at)
    assert due.split()[-1].isalpha()  # "… 17:00 EST": the zone's abbreviation ends it
    for page in (client_as(acme.northwind_rep).get(f"/portal/follow-ups/{case.pk}/"),
                 client_as(acme.acme_manager).get(f"/manage/nps/follow-ups/{case.pk}/")):
        html = page.content.decode()
        assert f"<dd>{due}</dd>" in html and f"<dd>{answered}</dd>" in html
