"""Contact imports: every problem previewed with its line, nothing created from a bad file, a clean
file confirmed all-or-nothing, partner admins limited to their own contacts, and the progress page."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from prm.tenancy.models import Role
from surveys.models import Campaign, ImportBatch, InvitationStatus, SurveyInvitation
from tests.factories import MembershipFactory, UserFactory
from tests.uploads.hostile import HOSTILE

from .helpers import make_invitation, make_survey

HEADER = ["name", "email", "company", "partner"]
CAMPAIGNS = "/manage/surveys/campaigns/"
PORTAL_CAMPAIGNS = "/portal/surveys/campaigns/"


def csv_file(rows, header=HEADER, name="contacts.csv", sep=","):
    lines = [sep.join(header)] + [sep.join(row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, header=HEADER, name="contacts.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


MESSY = [
    ("Dana Whitfield", "dana@fabrikam.example", "Fabrikam", "Northwind Traders"),   # line 2: fine
    ("Lee Park", "not-an-email", "Litware", "Northwind Traders"),                      # line 3: bad email
    ("Ana Ruiz", "ana@adatum.example", "Adatum", "Nobody Inc"),                       # line 4: unknown partner
    ("Dana W.", "DANA@fabrikam.example", "Fabrikam", "northwind traders"),            # line 5: duplicate of line 2
    ("Sam Cole", "sam@tailspin.example", "Tailspin", "Contoso Integration"),          # line 6: already invited
]
MESSY_PROBLEMS = [
    {"line": 3, "column": "email", "message": "“not-an-email” is not an email address."},
    {"line": 4, "column": "partner", "message": "No partner called “Nobody Inc” in this program."},
    {"line": 5, "column": "email", "message": "Duplicate of line 2."},
    {"line": 6, "column": "email", "message": "Already invited to this survey."},
]
CLEAN = [
    ("Dana Whitfield", "dana@fabrikam.example", "Fabrikam", "Northwind Traders"),
    ("Ana Ruiz", "ana@adatum.example", "Adatum", "Contoso Integration"),
    ("Lee Park", "lee@litware.example", "Litware", "northwind traders"),
]


@pytest.fixture
def survey(world):
    survey = make_survey(world.acme, "After the project")
    make_invitation(survey, world.contoso, "sam@tailspin.example")
    return survey


@pytest.fixture
def manager(world, client_as):
    return client_as(world.acme_manager)


def upload(client, url, survey, file, name="Spring campaign"):
    return client.post(url, {"name": name, "survey": survey.pk, "file": file})


def invitation_emails():
    return sorted(SurveyInvitation.unscoped.values_list("email", flat=True))


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_the_preview_lists_every_problem_with_its_line_and_creates_nothing(world, survey, manager, make_file):
    response = upload(manager, CAMPAIGNS, survey, make_file(MESSY))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 problems" in html
    assert "Nothing is imported while the file has problems: correct these lines in your file" in html
    for problem in MESSY_PROBLEMS:
        assert (f'<tr><td>{problem["line"]}</td><td>{problem["column"]}</td>'
                f'<td class="error">{problem["message"]}</td></tr>') in html.replace("&#x27;", "'")
    assert "start sending" not in html  # no confirm button

    batch = ImportBatch.unscoped.get()
    # The upload form again, right there, for the same campaign name and survey; and the bad lines as a file.
    again = html[html.index("Upload the corrected file"):]
    assert f'action="{CAMPAIGNS}" enctype="multipart/form-data"' in again
    assert 'name="name" value="Spring campaign"' in again
    assert f'<option value="{survey.pk}" selected>' in again
    assert 'type="file" name="file"' in again
    assert f'href="/manage/surveys/imports/{batch.pk}/problems.csv" download>Download the 4 lines with problems (CSV)' in html
    assert batch.problems == MESSY_PROBLEMS
    assert [row["email"] for row in batch.rows] == ["dana@fabrikam.example"]
    assert not Campaign.unscoped.exists()
    assert invitation_emails() == ["sam@tailspin.example"]

    # Confirming it anyway (a crafted POST) is refused, and still creates nothing.
    refused = manager.post(f"/manage/surveys/imports/{batch.pk}/confirm/", follow=True)
    assert "Fix the problems in the file and upload it again: nothing was imported." in refused.content.decode()
    assert not Campaign.unscoped.exists()
    assert invitation_emails() == ["sam@tailspin.example"]


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_the_lines_with_problems_download_as_the_file_had_them_with_what_is_wrong(world, survey, manager, make_file):
    rows = [*MESSY, ("+HYPERLINK(\"http://evil.example\")", "x@", "@SUM(1)", "Northwind Traders")]  # line 7: bad email
    upload(manager, CAMPAIGNS, survey, make_file(rows, header=["Name", "Email", "Company", "Partner"]))
    batch = ImportBatch.unscoped.get()
    response = manager.get(f"/manage/surveys/imports/{batch.pk}/problems.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="import-{batch.pk}-problems.csv"'
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table == [
        ["line", "Name", "Email", "Company", "Partner", "problem"],
        ["3", "Lee Park", "not-an-email", "Litware", "Northwind Traders", "“not-an-email” is not an email address."],
        ["4", "Ana Ruiz", "ana@adatum.example", "Adatum", "Nobody Inc", "No partner called “Nobody Inc” in this program."],
        ["5", "Dana W.", "DANA@fabrikam.example", "Fabrikam", "northwind traders", "Duplicate of line 2."],
        ["6", "Sam Cole", "sam@tailspin.example", "Tailspin", "Contoso Integration", "Already invited to this survey."],
        # A spreadsheet would run these as formulas: written as text.
        ["7", "'+HYPERLINK(\"http://evil.example\")", "x@", "'@SUM(1)", "Northwind Traders",
         "“x@” is not an email address."],
    ]


def test_a_clean_file_has_no_lines_with_problems_to_download(world, survey, manager):
    upload(manager, CAMPAIGNS, survey, csv_file(CLEAN))
    batch = ImportBatch.unscoped.get()
    assert "problems.csv" not in manager.post(CAMPAIGNS, {"name": "x", "survey": survey.pk,
                                                          "file": csv_file(CLEAN)}).content.decode()
    table = list(csv.reader(io.StringIO(manager.get(f"/manage/surveys/imports/{batch.pk}/problems.csv").content.decode())))
    assert table == [["line", "name", "email", "company", "partner", "problem"]]


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_clean_file_confirmed_creates_the_campaign_and_every_invitation(world, survey, manager, make_file,
                                                                         django_capture_on_commit_callbacks, mailoutbox):
    preview = upload(manager, CAMPAIGNS, survey, make_file(CLEAN))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Import 3 contacts and start sending" in html
    assert not Campaign.unscoped.exists()
    batch = ImportBatch.unscoped.get()
    assert batch.problems == []

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = manager.post(f"/manage/surveys/imports/{batch.pk}/confirm/")
    campaign = Campaign.unscoped.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/manage/surveys/campaigns/{campaign.pk}/"
    assert (campaign.name, campaign.survey, campaign.partner, campaign.created_by) == (
        "Spring campaign", survey, None, world.acme_manager.user)
    rows = {i.email: i for i in SurveyInvitation.unscoped.filter(campaign=campaign)}
    assert sorted(rows) == ["ana@adatum.example", "dana@fabrikam.example", "lee@litware.example"]
    assert (rows["dana@fabrikam.example"].partner, rows["dana@fabrikam.example"].name,
            rows["dana@fabrikam.example"].company) == (world.northwind, "Dana Whitfield", "Fabrikam")
    assert rows["ana@adatum.example"].partner == world.contoso
    assert rows["lee@litware.example"].partner == world.northwind  # partner names match case-insensitively
    # Sending started after the commit: the dispatch task ran.
    assert {i.status for i in rows.values()} == {InvitationStatus.SENT}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(rows)

    # Confirming twice does not import twice.
    again = manager.post(f"/manage/surveys/imports/{batch.pk}/confirm/", follow=True)
    assert "This import was already confirmed." in again.content.decode()
    assert Campaign.unscoped.count() == 1
    assert SurveyInvitation.unscoped.filter(campaign__isnull=False).count() == 3


def test_a_contact_invited_between_preview_and_confirm_means_nothing_is_imported(world, survey, manager):
    upload(manager, CAMPAIGNS, survey, csv_file(CLEAN))
    batch = ImportBatch.unscoped.get()
    assert batch.problems == []
    make_invitation(survey, world.contoso, "lee@litware.example")  # someone else, meanwhile

    response = manager.post(f"/manage/surveys/imports/{batch.pk}/confirm/", follow=True)
    assert response.redirect_chain[-1][0] == CAMPAIGNS
    assert ("Some of these contacts were invited to this survey meanwhile; nothing was imported. "
            "Upload the file again to see which.") in response.content.decode()
    assert not Campaign.unscoped.exists()
    assert invitation_emails() == ["lee@litware.example", "sam@tailspin.example"]
    batch.refresh_from_db()
    assert batch.campaign is None

    # Uploading again shows which contact it was.
    upload(manager, CAMPAIGNS, survey, csv_file(CLEAN))
    assert ImportBatch.unscoped.latest("pk").problems == [
        {"line": 4, "column": "email", "message": "Already invited to this survey."}]


def test_a_semicolon_separated_export_with_untidy_headers_is_read(world, survey, manager):
    file = csv_file([("Dana", "dana@fabrikam.example", "Fabrikam", "Northwind Traders")],
                    header=[" Name", "EMAIL ", "Company", "Partner"], sep=";")
    upload(manager, CAMPAIGNS, survey, file)
    batch = ImportBatch.unscoped.get()
    assert batch.problems == []
    assert [(r["email"], r["partner"]) for r in batch.rows] == [("dana@fabrikam.example", "Northwind Traders")]


@pytest.mark.parametrize(("file", "message"), [
    (SimpleUploadedFile("contacts.txt", b"name,email\n"), "Upload a .csv or .xlsx file."),
    (csv_file([("Dana", "dana@fabrikam.example")], header=["name", "email"]),
     "Missing columns: company, partner. The first row must name the columns name, email, company, partner."),
    (csv_file([]), "The file has no contacts."),
], ids=["type", "columns", "empty"])
def test_an_unusable_file_is_refused_next_to_the_file_field(world, survey, manager, file, message):
    response = upload(manager, CAMPAIGNS, survey, file)
    assert response.status_code == 400
    assert f'<p class="error" id="id_file_error">{message}</p>' in response.content.decode()
    assert not ImportBatch.unscoped.exists()
    assert not Campaign.unscoped.exists()


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_a_hostile_file_gets_an_error_next_to_the_file_field_and_nothing_is_written(world, survey, manager, label):
    name, data = HOSTILE[label]()
    response = upload(manager, CAMPAIGNS, survey, SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert re.search(r'<p class="error" id="id_file_error">[^<]+</p>', response.content.decode())
    assert not ImportBatch.unscoped.exists()
    assert not Campaign.unscoped.exists()
    assert invitation_emails() == ["sam@tailspin.example"]


# --- partner admins -----------------------------------------------------------------------------


def test_a_partner_admin_imports_only_their_own_contacts(world, survey, client_as):
    admin = client_as(world.northwind_admin)
    rows = [
        ("Dana Whitfield", "dana@fabrikam.example", "Fabrikam", ""),
        ("Ana Ruiz", "ana@adatum.example", "Adatum", "Northwind Traders"),
        ("Lee Park", "lee@litware.example", "Litware", "Contoso Integration"),
    ]
    response = upload(admin, PORTAL_CAMPAIGNS, survey, csv_file(rows))
    assert response.status_code == 200
    batch = ImportBatch.unscoped.get()
    assert batch.partner == world.northwind
    assert batch.problems == [{"line": 4, "column": "partner",
                               "message": "You can import contacts of Northwind Traders only, not “Contoso Integration”."}]
    html = response.content.decode()
    assert f'action="{PORTAL_CAMPAIGNS}" enctype="multipart/form-data"' in html  # the form again, in the portal
    problems = f"/portal/surveys/imports/{batch.pk}/problems.csv"
    assert f'href="{problems}"' in html
    assert "Contoso Integration" in admin.get(problems).content.decode()

    # Without the partner column, every contact is the importer's own.
    upload(admin, PORTAL_CAMPAIGNS, survey, csv_file([r[:3] for r in rows], header=HEADER[:3]))
    clean = ImportBatch.unscoped.latest("pk")
    assert clean.problems == []
    confirmed = admin.post(f"/portal/surveys/imports/{clean.pk}/confirm/")
    campaign = Campaign.unscoped.get()
    assert confirmed["Location"] == f"/portal/surveys/campaigns/{campaign.pk}/"
    assert campaign.partner == world.northwind
    assert set(SurveyInvitation.unscoped.filter(campaign=campaign).values_list("partner_id", flat=True)) == {world.northwind.pk}

    # Another partner's admin cannot confirm or see it; partner users cannot import at all.
    contoso_admin = client_as(MembershipFactory(tenant=world.acme, user=UserFactory(email="admin@contoso.example"),
                                                role=Role.PARTNER_ADMIN, partner=world.contoso))
    assert contoso_admin.get(f"/portal/surveys/campaigns/{campaign.pk}/").status_code == 404
    assert contoso_admin.post(f"/portal/surveys/imports/{batch.pk}/confirm/").status_code == 404
    assert contoso_admin.get(problems).status_code == 404
    assert client_as(world.northwind_rep).get(PORTAL_CAMPAIGNS).status_code == 403


# --- progress -----------------------------------------------------------------------------------


def stat(html, label):
    match = re.search(rf'<span class="stat__value">([^<]*)</span><span class="stat__label">{re.escape(label)}', html)
    assert match, label
    return match.group(1)


def test_the_campaign_page_shows_progress_and_polls_only_while_sending(world, survey, manager):
    campaign = Campaign.unscoped.create(tenant=world.acme, survey=survey, name="Spring campaign")
    statuses = [InvitationStatus.QUEUED] * 2 + [InvitationStatus.SENT, InvitationStatus.ANSWERED, InvitationStatus.SKIPPED]
    invitations = [make_invitation(survey, world.northwind, status=status, campaign=campaign) for status in statuses]
    url = f"/manage/surveys/campaigns/{campaign.pk}/"

    html = manager.get(url).content.decode()
    assert [stat(html, label) for label in ("queued", "sent", "answered", "skipped")] == ["2", "1", "1", "1"]
    assert '<progress max="5" value="3"' in html
    assert "3 of 5 processed — sending…" in html
    assert f'hx-get="{url}" hx-trigger="every 2s"' in html

    # htmx polls get the progress block only.
    partial = manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="progress"')
    assert "<html" not in partial

    SurveyInvitation.unscoped.filter(pk__in=[i.pk for i in invitations[:2]]).update(status=InvitationStatus.SENT)
    done = manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done  # finished: the poll stops
    assert "5 of 5 processed — done" in done
    assert stat(done, "sent") == "3"
