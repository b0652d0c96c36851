"""The NPS pages: the leaderboard and its export, the partner's own page, leaders' practices,
survey definitions and the program's survey settings."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from prm.audit.models import AuditEvent
from prm.i18n.formatting import when
from prm.tenancy.models import Role
from surveys import rankings, services
from surveys.models import PracticeNote, RankingRun, Survey, SurveySettings
from surveys.texts import texts_for
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

from .helpers import bulk_answers, make_invitation, make_survey, set_settings

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


def rows_of(html, table='<table class="leaderboard">'):
    """The rows of one of the leaderboard's tables (the ranked one unless `table` says otherwise) as text cells."""
    start = html.index(table)
    body = html[html.index("<tbody>", start):html.index("</tbody>", start)]
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
    # Ghost answers 0: the ranking score is the raw NPS.
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows] == [
        ("1", "Litware", "50", "50.0", "4"),
        ("2", "Northwind Traders", "25", "25.0", "4"),
        ("3", "Contoso Integration", "-33", "-33.3", "3"),
    ]
    unranked = rows_of(html, '<table class="leaderboard leaderboard--unranked">')
    assert [(r[0], r[1], r[3]) for r in unranked] == [("Fabrikam Partners not enough answers", "100", "2")]
    assert "Not ranked yet: fewer than 3 answers" in html
    for row, partner in zip(rows + unranked, (ranked.litware, ranked.northwind, ranked.contoso, ranked.fabrikam),
                            strict=True):
        score = ranked.run.scores.get(partner=partner, period="window")
        assert f"{floatformat(score.ci_low, 0)} to {floatformat(score.ci_high, 0)}" in row
        assert (f'aria-label="NPS {score.nps:.0f} with 95% interval {score.ci_low:.0f} to {score.ci_high:.0f}"') in html
    assert "Ranked by NPS: the ranking score is the partner" in html
    assert stat(html, "program NPS") == floatformat(ranked.run.tenant_nps, 0)
    assert "program NPS (13 answers)" in html


def row_of(html, partner_name):
    """The <tr> of one partner on the leaderboard, as HTML."""
    match = re.search(rf"<tr>(?:(?!</tr>).)*>{re.escape(partner_name)}</a>.*?</tr>", html, re.S)
    assert match, partner_name
    return match.group(0)


def test_the_ranking_score_is_shown_beside_the_nps_and_explains_the_order(acme, client_as):
    """Lots of answers at NPS 50 rank above ten answers at NPS 60: the table shows the score that ranks them."""
    set_settings(acme.acme, minimum_answers=3, ghost_answers=20)
    steady, lucky = PartnerFactory(tenant=acme.acme, name="Steady Partner"), PartnerFactory(tenant=acme.acme, name="Lucky Partner")
    survey = make_survey(acme.acme)
    bulk_answers(survey, steady, [10] * 60 + [8] * 30 + [3] * 10, WHEN)  # NPS 50, 100 answers
    bulk_answers(survey, lucky, [10] * 7 + [8] * 2 + [3], WHEN)  # NPS 60, 10 answers
    bulk_answers(survey, acme.contoso, [10] * 30 + [8] * 40 + [3] * 30, WHEN)  # NPS 0, 100 answers
    run = rankings.run_rankings(tenant=acme.acme, run_date=TODAY)
    html = client_as(acme.acme_manager).get("/manage/nps/").content.decode()
    assert '<th scope="col">NPS</th><th scope="col">Ranking score</th>' in html
    shrunk = {p: run.scores.get(partner=p, period="window").shrunk for p in (steady, lucky, acme.contoso)}
    assert [(r[0], r[1], r[2], r[3]) for r in rows_of(html)] == [
        ("1", "Steady Partner", "50", f"{shrunk[steady]:.1f}"),
        ("2", "Lucky Partner", "60", f"{shrunk[lucky]:.1f}"),
        ("3", "Contoso Integration", "0", f"{shrunk[acme.contoso]:.1f}"),
    ]
    assert shrunk[steady] > shrunk[lucky]
    assert (f"Ranked by NPS adjusted for the number of answers: the ranking score adds 20 answers in the program's "
            f"overall mix (NPS {run.tenant_nps:.0f}) to each partner's own") in html.replace("&#x27;", "'")


def test_a_significant_change_is_marked_on_its_row(acme, client_as):
    """From all detractors in the previous window to all promoters in this one: ● on that row, none on a steady one."""
    set_settings(acme.acme, minimum_answers=3)
    survey = make_survey(acme.acme)
    year_and_a_half_ago = timezone.now() - timedelta(days=540)
    bulk_answers(survey, acme.northwind, [2] * 40, year_and_a_half_ago)
    bulk_answers(survey, acme.northwind, [10] * 40, WHEN)
    bulk_answers(survey, acme.contoso, [10] * 40, year_and_a_half_ago)
    bulk_answers(survey, acme.contoso, [10] * 40, WHEN)
    run = rankings.run_rankings(tenant=acme.acme, run_date=TODAY)
    changed = run.scores.get(partner=acme.northwind, period="window")
    assert (changed.trend_delta, changed.trend_significant) == (200.0, True)
    html = client_as(acme.acme_manager).get("/manage/nps/").content.decode()
    marked = '<span role="img" aria-label="significant change" title="significant change">●</span>'
    assert marked in row_of(html, "Northwind Traders")
    assert '<span class="trend--up">+200 ' in row_of(html, "Northwind Traders")
    assert "●" not in row_of(html, "Contoso Integration")
    assert "● marks a change from the previous window that is statistically significant (95%)." in html


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


@pytest.fixture
def litware_admin(ranked):
    return MembershipFactory(tenant=ranked.acme, user=UserFactory(email="admin@litware.example"),
                             role=Role.PARTNER_ADMIN, partner=ranked.litware)


def test_only_top_quartile_partners_can_publish_a_practice_note(ranked, litware_admin, client_as):
    northwind = client_as(ranked.northwind_admin)
    assert "Share what you do well" not in northwind.get("/portal/nps/").content.decode()
    refused = northwind.post("/portal/nps/", {"text": "We call every customer."}, follow=True)  # a crafted or stale form
    assert "Only partners in the top quartile" in refused.content.decode()
    assert not PracticeNote.objects.exists()

    litware = client_as(litware_admin)
    page = litware.get("/portal/nps/").content.decode()
    assert "Share what you do well" in page
    assert '<label for="id_text">What do you do well that others could learn from?' in page
    published = litware.post("/portal/nps/", {"text": "  We call every customer within a day.  "})
    assert (published.status_code, published["Location"]) == (302, "/portal/nps/")
    note = PracticeNote.objects.get()
    assert (note.partner, note.author, note.text) == (ranked.litware, litware_admin.user,
                                                      "We call every customer within a day.")
    assert AuditEvent.objects.get(verb="practice.published").actor == litware_admin.user
    assert "We call every customer within a day." in northwind.get("/portal/nps/").content.decode()
    assert "We call every customer within a day." in client_as(ranked.acme_manager).get("/manage/nps/").content.decode()


def test_a_partner_user_of_a_top_quartile_partner_reads_the_notes_but_cannot_publish(ranked, litware_admin, client_as):
    PracticeNote.objects.create(tenant=ranked.acme, partner=ranked.litware, author=litware_admin.user,
                                text="We answer within the hour.")
    rep = client_as(ranked.litware_rep)
    page = rep.get("/portal/nps/").content.decode()
    assert "We answer within the hour." in page
    assert "Share what you do well" not in page and 'name="text"' not in page
    assert "your partner admins can share what you do well" in page
    refused = rep.post("/portal/nps/", {"text": "We call every customer."}, follow=True)  # a crafted form
    assert "Only your company&#x27;s partner admins can publish a practice note." in refused.content.decode()
    assert list(PracticeNote.objects.values_list("text", flat=True)) == ["We answer within the hour."]
    assert not AuditEvent.objects.filter(verb="practice.published").exists()


def test_an_empty_practice_note_is_refused_next_to_the_field(ranked, litware_admin, client_as):
    response = client_as(litware_admin).post("/portal/nps/", {"text": "   "})
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


# --- the survey page ----------------------------------------------------------------------------


def test_the_survey_page_shows_its_statistics(acme, client_as):
    survey = make_survey(acme.acme, "After the project")
    other = make_survey(acme.acme, "Other")
    answered(survey, acme.northwind, [10, 10, 9, 8, 3], "done")  # 5 sent and answered: NPS 40
    for i in range(3):
        make_invitation(survey, acme.northwind, f"quiet{i}@example.com", sent_at=WHEN)  # sent, not answered
    make_invitation(survey, acme.northwind, "later@example.com", status="scheduled")  # not sent yet
    answered(other, acme.contoso, [0, 0], "other")
    html = client_as(acme.acme_manager).get(f"/manage/surveys/{survey.pk}/").content.decode()
    low, high = services_interval(3, 1, 5)
    assert stat(html, "invitations sent (1 waiting to be sent)") == "8"
    assert stat(html, "answered") == "5"
    assert stat(html, "response rate") == "63%"  # 5 of 8
    assert stat(html, f"NPS · 95% interval {low} to {high} · n = 5") == "40"


def services_interval(promoters, detractors, n):
    from surveys.statistics import adjusted_wald

    low, high = adjusted_wald(promoters, detractors, n)
    return floatformat(low, 0), floatformat(high, 0)


def test_a_survey_without_answers_says_so(acme, client_as):
    survey = make_survey(acme.acme, "New")
    html = client_as(acme.acme_manager).get(f"/manage/surveys/{survey.pk}/").content.decode()
    assert stat(html, "invitations sent") == "0"
    assert stat(html, "response rate") == "—"
    assert stat(html, "NPS · no answers yet") == "—"


def test_the_survey_page_previews_its_email_in_the_surveys_language_in_a_sandboxed_frame(acme, client_as):
    survey = make_survey(acme.acme, "Kundenumfrage", language="de")
    manager = client_as(acme.acme_manager)
    html = manager.get(f"/manage/surveys/{survey.pk}/").content.decode()
    # The first active partner by name stands in for the partner.
    texts = texts_for(survey, "Contoso Integration", "Acme Networks")
    assert "As a customer of Contoso Integration gets it, in the survey&#x27;s language (Deutsch)." in html.replace(
        "survey's", "survey&#x27;s")
    assert f"Subject: <strong>{texts['subject']}</strong>" in html
    assert texts["subject"] == "Contoso Integration und Acme Networks: Wie war Ihre Erfahrung?"
    frame = re.search(r"<iframe [^>]*>", html).group(0)
    assert f'src="/manage/surveys/{survey.pk}/email-preview/"' in frame and " sandbox " in frame

    preview = manager.get(f"/manage/surveys/{survey.pk}/email-preview/")
    assert preview.status_code == 200
    body = preview.content.decode()
    assert '<html lang="de">' in body
    assert escape(texts["nps"]) in body and escape(texts["intro"]) in body
    assert body.count('href="#?score=') == 11 and "prm-slot" not in body  # inert links, no tokens
    # Its own policy: the email's inline styles and nothing else, framed by this program's pages only.
    policy = preview["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "frame-ancestors 'self'" in policy and "sandbox" in policy
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    # The page around it keeps the strict policy.
    page_policy = manager.get(f"/manage/surveys/{survey.pk}/")["Content-Security-Policy"]
    assert "style-src 'self'" in page_policy and "unsafe-inline" not in page_policy


def test_the_survey_page_shows_the_days_after_the_win_and_links_admins_to_the_setting(acme, client_as):
    set_settings(acme.acme, days_after_won=10)
    survey = make_survey(acme.acme, "Won deals", for_won_deals=True)
    admin = client_as(acme.acme_admin).get(f"/manage/surveys/{survey.pk}/").content.decode()
    assert "The customers of won deals get this survey 10 days after the win." in admin
    assert '<a href="/manage/survey-settings/">Change it in the survey settings</a>' in admin
    manager = client_as(acme.acme_manager).get(f"/manage/surveys/{survey.pk}/").content.decode()
    assert "A tenant admin can change it in the survey settings." in manager and "/manage/survey-settings/" not in manager
    campaign_survey = make_survey(acme.acme, "Campaigns only")
    html = client_as(acme.acme_manager).get(f"/manage/surveys/{campaign_survey.pk}/").content.decode()
    assert "The survey for won deals goes out 10 days after the win." in html


def test_the_survey_form_labels_are_written_for_people(acme, client_as):
    survey = make_survey(acme.acme, "Labels")
    html = client_as(acme.acme_manager).get(f"/manage/surveys/{survey.pk}/").content.decode()
    labels = re.findall(r'<label for="id_[a-z_]+">([^<*]+)', html)
    assert [label.strip() for label in labels] == ["Name", "Language", "NPS question", "Ask the effort question",
                                                   "For won deals", "Active"]


def test_the_portal_says_when_the_figures_were_computed(ranked, client_as):
    html = client_as(ranked.northwind_rep).get("/portal/nps/").content.decode()
    with timezone.override(ranked.acme.time_zone):
        computed = when(ranked.run.computed_at)
    assert (f"These figures were computed {computed}. Answers that arrive after that count from the next ranking, "
            "which runs every night.") in html


def test_a_partner_not_in_the_ranking_is_told_when_it_ran(ranked, client_as):
    newcomer = PartnerFactory(tenant=ranked.acme, name="Newcomer")
    rep = MembershipFactory(tenant=ranked.acme, user=UserFactory(email="rep@newcomer.example"),
                            role=Role.PARTNER_USER, partner=newcomer)
    html = client_as(rep).get("/portal/nps/").content.decode()
    with timezone.override(ranked.acme.time_zone):
        computed = when(ranked.run.computed_at)
    assert f"The latest ranking was computed {computed}. Answers that arrive after that count from the next ranking" in html
