"""Partner imports: headers of our own and of Salesforce exports, encodings and separators, the
preview's counts and every bad row with its line, all-or-nothing at confirm, matching existing
partners by domain and by name, inviting or not, and the upload limits."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partners.imports import reading
from partners.imports.models import ImportStatus, PartnerImport
from partners.models import Partner
from partners.services import partner_deactivate
from prm.audit.models import AuditEvent
from prm.invitations.models import Invitation
from prm.outbox.models import OutboundEmail
from prm.tenancy.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.uploads.hostile import HOSTILE

from .helpers import SALESFORCE, UPLOAD, csv_file, latest, upload, xlsx_file


@pytest.fixture
def manager(world, client_as):
    return client_as(world.acme_manager)


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Confirm an import; what is queued after commit (the import task, its emails) runs then."""

    def post(manager, partner_import, invite=True):
        with django_capture_on_commit_callbacks(execute=True):
            return manager.post(f"{UPLOAD}{partner_import.pk}/confirm/", {"invite_users": "on"} if invite else {})

    return post


def preview(manager, file):
    response = upload(manager, file)
    assert response.status_code == 302, response.content.decode()[:2000]
    partner_import = latest(PartnerImport)
    return partner_import, manager.get(response["Location"])


def acme_partners():
    return Partner.unscoped.filter(tenant__slug="acme")


# --- reading: headers, encodings, separators ---------------------------------------------------


def test_a_salesforce_contact_export_is_read_one_row_per_user(world, manager):
    rows = [("0015g00000AbCdE", "Fabrikam Inc.", "www.fabrikam.example", "Germany", "Anna", "Becker", "anna@fabrikam.example"),
            ("0015g00000AbCdE", "Fabrikam Inc.", "", "", "Ben", "Kurz", "BEN@fabrikam.example"),
            ("0015g00000XyZ12", "Litware", "https://litware.example", "United States", "Cy", "Dunn", "cy@litware.example")]
    partner_import, page = preview(manager, xlsx_file(rows, header=SALESFORCE))
    assert partner_import.status == ImportStatus.CHECKED
    assert partner_import.summary | {} == {**partner_import.summary, "partners_new": 2, "users": 3, "bad_rows": 0}
    assert partner_import.columns == {"account_id": "Account ID", "partner": "Account Name", "website": "Website",
                                      "country": "Billing Country", "first_name": "First Name",
                                      "last_name": "Last Name", "email": "Email"}
    assert "Import the partners" in page.content.decode()


@pytest.mark.parametrize("header", [
    ["ACCOUNT NAME", "BillingCountry", "CONTACT: EMAIL"],
    ["account_name", "billing country", "contact email"],
    ["  Account:  Account Name ", "Billing Country/Territory", "E-Mail"],
])
def test_headers_are_recognised_whatever_their_case_spaces_and_punctuation(world, manager, header):
    partner_import, _page = preview(manager, csv_file([("Fabrikam", "France", "ana@fabrikam.example")], header=header))
    assert set(partner_import.columns) == {"partner", "country", "email"}
    assert partner_import.rows[0][1:3] == ["", "Fabrikam"]  # account_id, partner


def test_name_is_the_partner_in_an_account_export_and_the_person_beside_a_partner_column(world, manager):
    accounts, _page = preview(manager, csv_file([("Fabrikam", "fabrikam.example", "FR")], header=["NAME", "WEBSITE", "BILLINGCOUNTRY"]))
    assert accounts.columns["partner"] == "NAME"
    contacts, _page = preview(manager, csv_file([("Fabrikam", "Ana Ruiz", "ana@fabrikam.example")],
                                                header=["Account Name", "Name", "Email"]))
    assert contacts.columns == {"partner": "Account Name", "full_name": "Name", "email": "Email"}


def test_a_bom_semicolons_and_accents_are_read(world, manager, confirm):
    rows = [("Müller & Söhne GmbH", "mueller-soehne.example", "Österreich", "joerg@mueller-soehne.example", "Jörg", "Müller", "admin")]
    partner_import, _page = preview(manager, csv_file(rows, sep=";", bom=True))
    assert partner_import.status == ImportStatus.CHECKED
    assert partner_import.columns["partner"] == "Partner"  # the BOM is not part of the first header
    confirm(manager, partner_import)
    partner = acme_partners().get(name="Müller & Söhne GmbH")
    assert (partner.country.code, partner.domain) == ("AT", "mueller-soehne.example")
    invitation = Invitation.unscoped.get(email="joerg@mueller-soehne.example")
    assert (invitation.partner, invitation.role) == (partner, Role.PARTNER_ADMIN)


def test_a_windows_csv_in_cp1252_is_read_with_its_accents(world, manager, confirm):
    rows = [("Café Crème SARL", "cafe-creme.example", "France", "zoe@cafe-creme.example", "Zoé", "Lefèvre", "")]
    partner_import, _page = preview(manager, csv_file(rows, sep=";", encoding="cp1252"))
    assert partner_import.status == ImportStatus.CHECKED
    assert partner_import.rows[0][2] == "Café Crème SARL"
    confirm(manager, partner_import, invite=False)
    assert acme_partners().get(name="Café Crème SARL").primary_contact_name == "Zoé Lefèvre"


# --- preview counts and matching ----------------------------------------------------------------


def test_the_preview_counts_new_updated_and_unchanged_partners_and_the_users(world, manager, in_tenant):
    rows = [("Northwind Trading Ltd", "https://www.northwind.example/about", "DE", "new@northwind.example", "", "", ""),
            ("Contoso Integration GmbH", "", "", "", "", "", ""),
            ("Fabrikam", "fabrikam.example", "FR", "ana@fabrikam.example", "Ana", "Ruiz", ""),
            ("Fabrikam", "fabrikam.example", "FR", "rep@northwind.example", "", "", "")]
    partner_import, page = preview(manager, csv_file(rows[:3]))
    assert {k: partner_import.summary[k] for k in ("partners_new", "partners_updated", "partners_unchanged", "users")} == {
        "partners_new": 1, "partners_updated": 1, "partners_unchanged": 1, "users": 2}
    text = page.content.decode()
    assert re.search(r'stat__value">1</span><span class="stat__label">new partners', text)
    assert re.search(r'stat__value">2</span><span class="stat__label">users to invite', text)


def test_existing_partners_matched_by_domain_and_by_name_are_updated_not_duplicated(world, manager, confirm):
    before = acme_partners().count()
    rows = [("Northwind Trading Ltd", "northwind.example", "DE", "", "", "", ""),
            ("CONTOSO INTEGRATION GMBH", "contoso.example", "NL", "", "", "", "")]
    partner_import, _page = preview(manager, csv_file(rows))
    confirm(manager, partner_import)
    assert acme_partners().count() == before
    northwind, contoso = acme_partners().get(pk=world.northwind.pk), acme_partners().get(pk=world.contoso.pk)
    assert (northwind.name, northwind.country.code) == ("Northwind Traders", "DE")  # the name stays
    assert (contoso.name, contoso.country.code, contoso.domain) == ("Contoso Integration", "NL", "contoso.example")
    updated = AuditEvent.unscoped.filter(verb="partner.updated", target_id=str(contoso.pk)).get()
    assert updated.data["changed"]["country"] == [world.contoso.country.code, "NL"]
    assert updated.data["import"] == partner_import.pk


def test_a_business_type_column_sets_new_partners_and_updates_existing_ones(world, manager, confirm):
    """Our values and labels (English or German) and Salesforce's Account Type picklist are read."""
    header = ["Account Name", "Website", "Type", "Email"]
    rows = [("Fabrikam", "fabrikam.example", "Channel Partner / Reseller", ""),
            ("Litware", "litware.example", "Systemintegrator", ""),
            ("Adatum", "adatum.example", "msp", ""),
            ("Northwind Traders", "northwind.example", "Referral partner", "")]
    partner_import, _page = preview(manager, csv_file(rows, header=header))
    assert partner_import.status == ImportStatus.CHECKED
    confirm(manager, partner_import, invite=False)
    types = dict(acme_partners().filter(name__in=["Fabrikam", "Litware", "Adatum", "Northwind Traders"])
                 .values_list("name", "business_type"))
    assert types == {"Fabrikam": "reseller", "Litware": "integrator", "Adatum": "msp", "Northwind Traders": "referral"}


def test_an_unknown_business_type_is_a_problem_naming_the_types(world, manager):
    header = ["Partner", "Website", "Business type"]
    partner_import, page = preview(manager, csv_file([("Fabrikam", "fabrikam.example", "Spaceship")], header=header))
    assert partner_import.status == ImportStatus.PROBLEMS
    assert re.search(r"<td>2</td><td>Business type</td><td class=\"error\">Unknown business type “Spaceship”: use one of "
                     r"Reseller, Integrator", page.content.decode())


def test_a_tier_column_names_the_programs_tiers_in_any_case(world, manager, confirm):
    header = ["Partner", "Website", "Tier"]
    rows = [("Fabrikam", "fabrikam.example", "gold"), ("Northwind Traders", "northwind.example", " GOLD ")]
    partner_import, _page = preview(manager, csv_file(rows, header=header))
    assert partner_import.status == ImportStatus.CHECKED
    confirm(manager, partner_import, invite=False)
    tiers = dict(acme_partners().filter(name__in=["Fabrikam", "Northwind Traders"]).values_list("name", "tier__name"))
    assert tiers == {"Fabrikam": "Gold", "Northwind Traders": "Gold"}
    updated = AuditEvent.unscoped.get(verb="partner.updated", target_id=str(world.northwind.pk))
    assert updated.data["changed"]["tier"] == ["Silver", "Gold"]


def test_an_unknown_tier_is_a_problem_naming_the_tiers(world, manager):
    header = ["Partner", "Website", "Tier"]
    partner_import, page = preview(manager, csv_file([("Fabrikam", "fabrikam.example", "Platinum")], header=header))
    assert partner_import.status == ImportStatus.PROBLEMS
    assert re.search(r"<td>2</td><td>Tier</td><td class=\"error\">Unknown tier “Platinum”: use one of Registered, "
                     r"Silver, Gold", page.content.decode())
    assert not acme_partners().filter(name="Fabrikam").exists()


def test_a_user_already_in_the_same_partner_is_counted_and_not_invited(world, manager, confirm):
    rows = [("Northwind Traders", "", "", "rep@northwind.example", "", "", "")]
    partner_import, _page = preview(manager, csv_file(rows))
    assert (partner_import.summary["users"], partner_import.summary["users_members"]) == (0, 1)
    confirm(manager, partner_import)
    assert not Invitation.unscoped.filter(email="rep@northwind.example").exists()


# --- bad rows -----------------------------------------------------------------------------------

BAD = {
    "missing name": (("", "x.example", "", "", "", "", ""), "Partner", "The partner&#x27;s name is missing."),
    "bad email": (("Fabrikam", "", "", "ana(at)fabrikam", "", "", ""), "Email", "is not an email address."),
    "unknown country": (("Fabrikam", "", "Atlantis", "", "", "", ""), "Country", "Unknown country “Atlantis”"),
    "bad website": (("Fabrikam", "not a site", "", "", "", "", ""), "Website", "is not a website address."),
    "member of another partner": (("Fabrikam", "", "", "rep@contoso.example", "", "", ""), "Email",
                                  "is already a member of this program, for “Contoso Integration”."),
    "member of the staff": (("Fabrikam", "", "", "manager@acme.example", "", "", ""), "Email",
                            "is already a member of this program&#x27;s staff."),
    "unknown role": (("Fabrikam", "", "", "ana@fabrikam.example", "", "", "boss"), "Role", "Unknown role “boss”"),
    "user without email": (("Fabrikam", "", "", "", "Ana", "", ""), "Email", "A user without an email address"),
    "duplicate row": (("Litware", "", "", "cy@litware.example", "", "", ""), "Partner", "Duplicate of line 2."),
    "duplicate email": (("Adatum", "", "", "cy@litware.example", "", "", ""), "Email", "The same email as line 2."),
    "conflicting country": (("Litware", "litware.example", "FR", "", "", "", ""), "Country", "Differs from line 2"),
    "two lines for one partner": (("Northwind Traders", "", "", "", "", "", ""), "Partner",
                                  "Matches “Northwind Traders”, as line 2 does"),
}
FIRST = {"duplicate row": ("Litware", "", "", "cy@litware.example", "", "", ""),
         "duplicate email": ("Litware", "", "", "cy@litware.example", "", "", ""),
         "conflicting country": ("Litware", "litware.example", "DE", "", "", "", ""),
         "two lines for one partner": ("Other Name", "northwind.example", "", "", "", "", "")}


@pytest.mark.parametrize("reason", sorted(BAD))
def test_every_bad_row_is_previewed_with_its_line_and_why_and_nothing_can_be_imported(world, manager, reason, confirm):
    row, column, message = BAD[reason]
    rows = [FIRST.get(reason, ("Good Partner", "good.example", "DE", "good@good.example", "", "", "")), row]
    before = acme_partners().count()
    partner_import, page = preview(manager, csv_file(rows))
    assert partner_import.status == ImportStatus.PROBLEMS
    assert re.search(rf"<td>3</td><td>{column}</td><td class=\"error\">[^<]*{re.escape(message)}", page.content.decode())
    problems = manager.get(f"{UPLOAD}{partner_import.pk}/problems.csv")
    lines = list(csv.reader(io.StringIO(problems.content.decode())))
    assert lines[0][0] == "line" and lines[0][-1] == "problem"
    assert lines[1][0] == "3"
    response = confirm(manager, partner_import)
    assert response.status_code == 302
    assert PartnerImport.unscoped.get(pk=partner_import.pk).status == ImportStatus.PROBLEMS
    assert acme_partners().count() == before
    assert not Invitation.unscoped.filter(email__in=["good@good.example", "cy@litware.example"]).exists()


def test_a_row_matching_a_deactivated_partner_is_a_problem(world, manager, in_tenant):
    with in_tenant(world.acme):
        partner_deactivate(partner=world.contoso, actor=world.acme_admin.user)
    partner_import, page = preview(manager, csv_file([("Contoso Integration", "", "FR", "", "", "", "")]))
    assert partner_import.status == ImportStatus.PROBLEMS
    assert "is deactivated: reactivate it before importing into it." in page.content.decode()


# --- confirm ------------------------------------------------------------------------------------


def test_confirming_with_invitations_creates_partners_invitations_and_audit_rows(world, manager, confirm):
    rows = [("Fabrikam", "fabrikam.example", "FR", "ana@fabrikam.example", "Ana", "Ruiz", "admin"),
            ("Fabrikam", "fabrikam.example", "FR", "ben@fabrikam.example", "Ben", "Ode", ""),
            ("Litware", "", "US", "", "", "", "")]
    partner_import, _page = preview(manager, csv_file(rows))
    response = confirm(manager, partner_import)
    assert response.status_code == 302
    partner_import.refresh_from_db()
    assert partner_import.status == ImportStatus.DONE and partner_import.rows == []
    fabrikam = acme_partners().get(name="Fabrikam")
    assert (fabrikam.primary_contact_name, fabrikam.primary_contact_email) == ("Ana Ruiz", "ana@fabrikam.example")
    assert acme_partners().filter(name="Litware", country="US").exists()
    invitations = {i.email: (i.partner_id, i.role) for i in Invitation.unscoped.filter(partner=fabrikam)}
    assert invitations == {"ana@fabrikam.example": (fabrikam.pk, Role.PARTNER_ADMIN),
                           "ben@fabrikam.example": (fabrikam.pk, Role.PARTNER_USER)}
    assert all(i.email_message_id for i in Invitation.unscoped.filter(partner=fabrikam))
    assert sorted(email.to for email in OutboundEmail.objects.filter(kind="invitations/email/invite")) == [
        ["ana@fabrikam.example"], ["ben@fabrikam.example"]]
    verbs = list(AuditEvent.unscoped.filter(tenant=world.acme).values_list("verb", flat=True))
    assert verbs.count("partner.created") == 2 and verbs.count("invitation.created") == 2
    assert {"partner_import.confirmed", "partner_import.completed"} <= set(verbs)
    created = AuditEvent.unscoped.get(verb="partner.created", target_id=str(fabrikam.pk))
    assert (created.actor, created.data) == (world.acme_manager.user, {"import": partner_import.pk})
    page = manager.get(f"{UPLOAD}{partner_import.pk}/").content.decode()
    assert "the invitations are being emailed" in page


def test_confirming_without_invitations_imports_the_partners_only(world, manager, confirm):
    rows = [("Fabrikam", "fabrikam.example", "FR", "ana@fabrikam.example", "Ana", "Ruiz", "")]
    partner_import, _page = preview(manager, csv_file(rows))
    confirm(manager, partner_import, invite=False)
    assert acme_partners().filter(name="Fabrikam", primary_contact_email="ana@fabrikam.example").exists()
    assert not Invitation.unscoped.filter(email="ana@fabrikam.example").exists()
    assert PartnerImport.unscoped.get(pk=partner_import.pk).summary["invited"] == 0


def test_a_row_that_fails_at_confirm_leaves_nothing_written(world, manager, confirm):
    rows = [("Fabrikam", "fabrikam.example", "FR", "ana@fabrikam.example", "", "", ""),
            ("Northwind Traders", "", "NL", "", "", "", ""),
            ("Litware", "", "", "cy@litware.example", "", "", "")]
    partner_import, _page = preview(manager, csv_file(rows))
    assert partner_import.status == ImportStatus.CHECKED
    # Between the preview and the confirm, Cy joins Contoso.
    MembershipFactory(tenant=world.acme, user=UserFactory(email="cy@litware.example"), role=Role.PARTNER_USER,
                      partner=world.contoso)
    before = (acme_partners().count(), Invitation.unscoped.count(),
              AuditEvent.unscoped.filter(verb__startswith="partner.").count())
    confirm(manager, partner_import)
    partner_import.refresh_from_db()
    assert partner_import.status == ImportStatus.FAILED
    assert partner_import.problems[0]["line"] == 4
    assert (acme_partners().count(), Invitation.unscoped.count(),
            AuditEvent.unscoped.filter(verb__startswith="partner.").count()) == before
    assert not acme_partners().filter(name="Fabrikam").exists()
    assert acme_partners().get(pk=world.northwind.pk).country == world.northwind.country
    assert AuditEvent.unscoped.filter(verb="partner_import.failed", target_id=str(partner_import.pk)).exists()
    page = manager.get(f"{UPLOAD}{partner_import.pk}/").content.decode()
    assert "Nothing was imported" in page and "for “Contoso Integration”" in page
    lines = list(csv.reader(io.StringIO(manager.get(f"{UPLOAD}{partner_import.pk}/problems.csv").content.decode())))
    assert lines[1][0] == "4" and "cy@litware.example" in lines[1]


def test_an_import_is_confirmed_once(world, manager, confirm):
    partner_import, _page = preview(manager, csv_file([("Fabrikam", "", "", "", "", "", "")]))
    confirm(manager, partner_import)
    response = confirm(manager, partner_import)
    assert response.status_code == 302
    assert acme_partners().filter(name="Fabrikam").count() == 1
    assert AuditEvent.unscoped.filter(verb="partner_import.confirmed").count() == 1


def test_a_running_import_page_polls_its_progress(world, manager):
    partner_import, _page = preview(manager, csv_file([("Fabrikam", "", "", "", "", "", "")]))
    PartnerImport.unscoped.filter(pk=partner_import.pk).update(status=ImportStatus.QUEUED)
    url = f"{UPLOAD}{partner_import.pk}/"
    block = manager.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert block.startswith('<div id="import-progress" hx-get="') and "every 2s" in block
    assert "<progress" in manager.get(url).content.decode()


# --- upload limits ------------------------------------------------------------------------------

ACCEPTED_HERE = {"Latin-1 CSV"}  # read as cp1252 by this import


@pytest.mark.parametrize("label", sorted(set(HOSTILE) - ACCEPTED_HERE))
def test_a_hostile_file_gets_an_error_next_to_the_file_field_and_nothing_is_written(world, manager, label):
    name, data = HOSTILE[label]()
    response = upload(manager, SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert re.search(r'<p class="error" id="id_file_error">[^<]+</p>', response.content.decode())
    assert not PartnerImport.unscoped.exists()


def test_too_many_rows_and_too_large_files_are_refused(world, manager, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    response = upload(manager, csv_file([("A", "", "", "", "", "", "")] * 3))
    assert "import at most 2 at a time" in response.content.decode()
    monkeypatch.setattr(reading, "max_bytes", lambda: 100)
    response = upload(manager, csv_file([("A" * 200, "", "", "", "", "", "")]))
    assert response.status_code == 400
    assert "The file is larger than 100" in response.content.decode()
    assert not PartnerImport.unscoped.exists()


def test_a_file_without_a_partner_column_is_refused_next_to_the_file_field(world, manager):
    response = upload(manager, csv_file([("ana@fabrikam.example",)], header=["Email"]))
    assert response.status_code == 400
    assert '<p class="error" id="id_file_error">No column names the partners.' in response.content.decode()
