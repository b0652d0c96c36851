"""The NPS pages: the leaderboard and its export, the partner's own page, leaders' practices,
survey definitions and the program's survey settings."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone
from openpyxl import load_workbook

from prm.tenancy.models import Role
from surveys import rankings, services
from surveys.models import PracticeNote, RankingRun, Survey, SurveySettings
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

from .helpers import make_invitation, make_survey, set_settings

TODAY = timezone.now().date()
# Answers a day or two ago: inside the current window whatever today's date.
WHEN = timezone.now() - timedelta(hours=1)


def answered(survey, partner, scores, prefix):
    rows = []
    for i, score in enumerate(scores):
        invitation = make_invitation(survey, partner, f"{prefix}{i}@{prefix}.example", name=f"{prefix.title()} Person {i}",
                                     company=f"{prefix.title()} Co")
        rows.append(services.answer_record(invitation=invitation, score=score, comment=f"{prefix} says {score}", now=WHEN))
    return rows


@pytest.fixture
def ranked(acme):
    """Litware NPS 50 (4 answers), Northwind 25 (4), Contoso −33 (3), Fabrikam 100 (2: not enough answers).

    Ghost answers 0, so ranks follow the raw NPS: Litware 1st, Northwind 2nd, Contoso 3rd of 3.
    """
    set_settings(acme.acme, minimum_answers=3, ghost_answers=0)
    litware = PartnerFactory(tenant=acme.acme, name="Litware")
    fabrikam = PartnerFactory(tenant=acme.acme, name="Fabrikam Partners")
    survey = make_survey(acme.acme, "NPS")
    answered(survey, litware, [10, 10, 10, 0], "litware")
    answered(survey, acme.northwind, [10, 9, 8, 2], "northwind")
    answered(survey, acme.contoso, [0, 3, 9], "contoso")
    answered(survey, fabrikam, [10, 10], "fabrikam")
    run = rankings.run_rankings(tenant=acme.acme, run_date=TODAY)
    litware_rep = MembershipFactory(tenant=acme.acme, user=UserFactory(email="rep@litware.example"),
                                    role=Role.PARTNER_USER, partner=litware)
    acme.litware, acme.fabrikam, acme.litware_rep, acme.run, acme.survey = litware, fabrikam, litware_rep, run, survey
    return acme


def rows_of(html):
    """The leaderboard's table rows as text cells."""
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append([" ".join(cell.split()) for cell in cells])
    return rows


def stat(html, label_start):
    match = re.search(rf'<span class="stat__value">([^<]*)</span><span class="stat__label">{re.escape(label_start)}', html)
    assert match, label_start
    return match.group(1)


# --- the leaderboard ----------------------------------------------------------------------------


def test_the_leaderboard_ranks_partners_with_intervals_and_marks_those_with_too_few_answers(ranked, client_as):
    response = client_as(ranked.acme_manager).get("/manage/nps/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(html)
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        ("1", "Litware", "50", "4"),
        ("2", "Northwind Traders", "25", "4"),
        ("3", "Contoso Integration", "-33", "3"),
        ("not enough answers", "Fabrikam Partners", "100", "2"),
    ]
    for row, partner in zip(rows, (ranked.litware, ranked.northwind, ranked.contoso, ranked.fabrikam), strict=True):
        score = ranked.run.scores.get(partner=partner, period="window")
        assert row[3] == f"{floatformat(score.ci_low, 0)} to {floatformat(score.ci_high, 0)}"
        assert (f'aria-label="NPS {score.nps:.0f} with 95% interval {score.ci_low:.0f} to {score.ci_high:.0f}"') in html
    assert 'title="fewer than 3 answers"' in html
    assert stat(html, "program NPS") == floatformat(ranked.run.tenant_nps, 0)
    assert "program NPS (13 answers)" in html


def test_the_leaderboard_before_any_run(acme, client_as):
    html = client_as(acme.acme_manager).get("/manage/nps/").content.decode()
    assert "No ranking has been computed yet." in html


def test_recompute_now_runs_the_rankings_after_the_commit(acme, client_as, django_capture_on_commit_callbacks):
    make_survey(acme.acme)
    manager = client_as(acme.acme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post("/manage/nps/run/")
    assert (response.status_code, response["Location"]) == (302, "/manage/nps/")
    assert RankingRun.objects.count() == 1


def test_partners_cannot_see_the_leaderboard(ranked, client_as):
    assert client_as(ranked.northwind_admin).get("/manage/nps/").status_code == 403
    assert client_as(ranked.northwind_rep).get("/manage/nps/export.csv").status_code == 403


def test_the_drill_down_shows_one_partners_answers(ranked, client_as):
    html = client_as(ranked.acme_manager).get(f"/manage/nps/partners/{ranked.northwind.pk}/").content.decode()
    assert "northwind0@northwind.example" in html
    assert "contoso0@contoso.example" not in html
    assert "2nd" in html and "of 3 ranked" in html


# --- export -------------------------------------------------------------------------------------


@pytest.fixture
def hostile(ranked):
    """Partner names a spreadsheet would run as formulas."""
    ranked.litware.name = "=HYPERLINK(\"http://evil.example\",\"Click\")"
    ranked.litware.save()
    ranked.fabrikam.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    ranked.fabrikam.save()
    return ranked


def test_the_csv_export_neutralises_formulas(hostile, client_as):
    response = client_as(hostile.acme_manager).get("/manage/nps/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="acme-nps-{TODAY.isoformat()}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_partner = {row["Partner"]: row for row in rows}
    assert set(by_partner) == {"'=HYPERLINK(\"http://evil.example\",\"Click\")", "Northwind Traders", "Contoso Integration",
                               "'@SUM(1+1)*cmd|' /C calc'!A0"}
    northwind = by_partner["Northwind Traders"]
    assert (northwind["Rank"], northwind["Answers"], northwind["NPS"]) == ("2", "4", "25.0")
    score = hostile.run.scores.get(partner=hostile.northwind, period="window")
    assert float(northwind["95% low"]) == pytest.approx(round(score.ci_low, 1))
    assert float(northwind["95% high"]) == pytest.approx(round(score.ci_high, 1))
    assert by_partner["'@SUM(1+1)*cmd|' /C calc'!A0"]["Rank"] == ""  # not ranked: blank, not "nan"
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for key, value in row.items()
                   if key in ("Partner", "Tier"))


def test_the_xlsx_export_neutralises_formulas(hostile, client_as):
    response = client_as(hostile.acme_manager).get("/manage/nps/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content))["NPS"]
    header = [cell.value for cell in sheet[1]]
    partner_column = header.index("Partner")
    cells = [row[partner_column] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in cells} >= {"'=HYPERLINK(\"http://evil.example\",\"Click\")", "'@SUM(1+1)*cmd|' /C calc'!A0"}
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula
    ranks = {row[partner_column].value: row[header.index("Rank")].value for row in sheet.iter_rows(min_row=2)}
    assert (ranks["Northwind Traders"], ranks["Contoso Integration"], ranks["'@SUM(1+1)*cmd|' /C calc'!A0"]) == (2, 3, None)


def test_an_unknown_export_format_is_not_found(ranked, client_as):
    assert client_as(ranked.acme_manager).get("/manage/nps/export.pdf").status_code == 404


# --- the partner's own page ---------------------------------------------------------------------


def test_the_portal_shows_the_partners_own_score_rank_and_the_benchmarks(ranked, client_as):
    response = client_as(ranked.northwind_rep).get("/portal/nps/")
    assert response.status_code == 200
    html = response.content.decode()
    score = ranked.run.scores.get(partner=ranked.northwind, period="window")
    assert stat(html, "your NPS") == "25"
    assert f"95% interval {floatformat(score.ci_low, 0)} to {floatformat(score.ci_high, 0)}" in html
    assert stat(html, "of 3 partners") == "2nd"
    assert stat(html, "median partner") == floatformat(ranked.run.median_nps, 0) == "25"
    assert stat(html, "top quartile starts at") == floatformat(ranked.run.top_quartile_nps, 0)
    assert ranked.run.top_quartile_nps == pytest.approx(37.5)  # 25 + 0.5 · (50 − 25)

    # Its own customers' answers, with who they are; nobody else's.
    for i in range(4):
        assert f"Northwind Person {i}" in html and f"northwind{i}@northwind.example" in html
    assert "Northwind Co" in html and "northwind says 2" in html
    for other in ("litware", "contoso", "fabrikam"):
        assert f"{other}0@{other}.example" not in html
        assert f"{other} says" not in html


def test_a_partner_below_the_minimum_sees_how_many_answers_it_needs(ranked, client_as):
    rep = MembershipFactory(tenant=ranked.acme, user=UserFactory(email="rep@fabrikam-partners.example"),
                            role=Role.PARTNER_USER, partner=ranked.fabrikam)
    html = client_as(rep).get("/portal/nps/").content.decode()
    assert "ranked from 3 answers (2 so far)" in html
    assert "northwind0@northwind.example" not in html


def test_a_partner_without_a_ranking_sees_its_answers_anyway(acme, client_as):
    survey = make_survey(acme.acme)
    answered(survey, acme.northwind, [9], "northwind")
    html = client_as(acme.northwind_rep).get("/portal/nps/").content.decode()
    assert "No ranking includes your customers' answers yet." in html
    assert "northwind0@northwind.example" in html


# --- leaders' practices --------------------------------------------------------------------------


def test_only_top_quartile_partners_can_publish_a_practice_note(ranked, client_as):
    northwind = client_as(ranked.northwind_rep)
    assert "Share what you do well" not in northwind.get("/portal/nps/").content.decode()
    refused = northwind.post("/portal/nps/", {"text": "We call every customer."}, follow=True)  # a crafted or stale form
    assert "Only partners in the top quartile" in refused.content.decode()
    assert not PracticeNote.objects.exists()

    litware = client_as(ranked.litware_rep)
    page = litware.get("/portal/nps/").content.decode()
    assert "Share what you do well" in page
    assert '<label for="id_text">What do you do well that others could learn from?' in page
    published = litware.post("/portal/nps/", {"text": "  We call every customer within a day.  "})
    assert (published.status_code, published["Location"]) == (302, "/portal/nps/")
    note = PracticeNote.objects.get()
    assert (note.partner, note.author, note.text) == (ranked.litware, ranked.litware_rep.user,
                                                      "We call every customer within a day.")
    assert "We call every customer within a day." in northwind.get("/portal/nps/").content.decode()
    assert "We call every customer within a day." in client_as(ranked.acme_manager).get("/manage/nps/").content.decode()


def test_an_empty_practice_note_is_refused_next_to_the_field(ranked, client_as):
    response = client_as(ranked.litware_rep).post("/portal/nps/", {"text": "   "})
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    assert not PracticeNote.objects.exists()


def test_channel_managers_hide_notes_and_hidden_notes_disappear(ranked, client_as):
    note = PracticeNote.objects.create(tenant=ranked.acme, partner=ranked.litware, author=ranked.litware_rep.user,
                                       text="We answer within the hour.")
    kept = PracticeNote.objects.create(tenant=ranked.acme, partner=ranked.litware, author=ranked.litware_rep.user,
                                       text="We train every new hire.")
    northwind = client_as(ranked.northwind_rep)
    assert northwind.post(f"/manage/nps/practices/{note.pk}/hide/").status_code == 403
    manager = client_as(ranked.acme_manager)
    assert "We answer within the hour." in manager.get("/manage/nps/").content.decode()

    response = manager.post(f"/manage/nps/practices/{note.pk}/hide/", follow=True)
    assert "The note is hidden from partners." in response.content.decode()
    note.refresh_from_db()
    assert (note.hidden_by, note.hidden_at is not None) == (ranked.acme_manager.user, True)
    for page in (northwind.get("/portal/nps/"), manager.get("/manage/nps/")):
        html = page.content.decode()
        assert "We answer within the hour." not in html
        assert "We train every new hire." in html

    again = manager.post(f"/manage/nps/practices/{note.pk}/hide/", follow=True)
    assert "This note is already hidden." in again.content.decode()
    kept.refresh_from_db()
    assert kept.hidden_at is None


# --- survey definitions and settings ------------------------------------------------------------


SURVEY_FORM = {"name": "Won deals", "language": "en", "nps_question": "", "ask_effort": "on", "for_won_deals": "on",
               "is_active": "on"}
WON_DEAL_ERROR = "Another active survey already goes to won deals; turn it off first."


def test_a_second_won_deal_survey_is_a_field_error_not_a_crash(acme, client_as):
    manager = client_as(acme.acme_manager)
    first = manager.post("/manage/surveys/", SURVEY_FORM)
    assert (first.status_code, first["Location"]) == (302, "/manage/surveys/")
    second = manager.post("/manage/surveys/", {**SURVEY_FORM, "name": "Also won deals"})
    assert second.status_code == 400
    assert f'<p class="error" id="id_for_won_deals_error">{WON_DEAL_ERROR}</p>' in second.content.decode()
    assert list(Survey.objects.values_list("name", flat=True)) == ["Won deals"]

    # An inactive one may exist beside it; editing another survey into a second active one is refused too.
    other = manager.post("/manage/surveys/", {**SURVEY_FORM, "name": "Quarterly", "for_won_deals": ""})
    assert other.status_code == 302
    quarterly = Survey.objects.get(name="Quarterly")
    edited = manager.post(f"/manage/surveys/{quarterly.pk}/", {**SURVEY_FORM, "name": "Quarterly"})
    assert edited.status_code == 400
    assert WON_DEAL_ERROR in edited.content.decode()
    quarterly.refresh_from_db()
    assert quarterly.for_won_deals is False
    retired = manager.post("/manage/surveys/", {**SURVEY_FORM, "name": "Retired", "is_active": ""})
    assert retired.status_code == 302


def test_the_survey_settings_page_is_for_tenant_admins_only(acme, client_as):
    url = "/manage/survey-settings/"
    for member in (acme.acme_manager, acme.northwind_admin, acme.northwind_rep):
        assert client_as(member).get(url).status_code == 403
        assert client_as(member).post(url, {"minimum_answers": "1"}).status_code == 403
    admin = client_as(acme.acme_admin)
    page = admin.get(url)
    assert page.status_code == 200
    assert '<label for="id_sends_per_minute">' in page.content.decode()

    values = {"days_after_won": "7", "quarantine_days": "60", "reminders": "1", "reminder_interval_days": "3",
              "sends_per_minute": "30", "minimum_answers": "10", "ghost_answers": "5", "window_months": "6",
              "follow_up_business_days": "3"}
    saved = admin.post(url, values)
    assert (saved.status_code, saved["Location"]) == (302, url)
    row = SurveySettings.objects.get()
    assert (row.days_after_won, row.quarantine_days, row.reminders, row.sends_per_minute, row.window_months) == (
        7, 60, 1, 30, 6)

    refused = admin.post(url, {**values, "reminders": "9", "window_months": "0"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="id_reminders_error"' in html and 'id="id_window_months_error"' in html
    assert SurveySettings.objects.get().reminders == 1
    assert SurveySettings.unscoped.filter(tenant=acme.globex).count() == 0  # acme's page wrote acme's row only
