"""In real Chromium: a contact list with mistakes is no dead end.

The Acme manager uploads a list with a bad address and an unknown partner. The preview lists the
bad lines, offers the lines as a CSV download, and shows the upload form again right there, with the
campaign's name and survey kept. Nothing is imported. The manager uploads the corrected file in that
form and starts the campaign. On a phone the preview does not scroll sideways.
"""

import csv
import io

import pytest
from playwright.sync_api import expect

from prm.tenancy.context import tenant_context
from surveys.models import Campaign, SurveyInvitation
from tests.factories import PASSWORD
from tests.surveys.helpers import make_survey

from .helpers import sign_in

pytestmark = pytest.mark.browser

HEADER = "name,email,company,partner\n"
MESSY = (HEADER + "Dana Whitfield,dana@fabrikam.example,Fabrikam,Northwind Traders\n"
         "Lee Park,lee-at-litware,Litware,Northwind Traders\n"
         "Ana Ruiz,ana@adatum.example,Adatum,Nobody Inc\n")
FIXED = (HEADER + "Dana Whitfield,dana@fabrikam.example,Fabrikam,Northwind Traders\n"
         "Lee Park,lee@litware.example,Litware,Northwind Traders\n"
         "Ana Ruiz,ana@adatum.example,Adatum,Contoso Integration\n")


def csv_upload(name, text):
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


@pytest.mark.parametrize("width", [1280, 390])
def test_a_file_with_problems_is_corrected_and_uploaded_again_on_the_same_page(world, site, new_page, width):
    with tenant_context(world.acme):
        survey = make_survey(world.acme, "After the project")
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, site.url(world.acme, "/accounts/login/"), "manager@acme.example", PASSWORD)
    expect(page).to_have_url(site.url(world.acme, "/manage/"))
    page.goto(site.url(world.acme, "/manage/surveys/campaigns/"))
    page.get_by_label("Campaign name").fill("Spring campaign")
    page.get_by_label("Survey").select_option(label="After the project")
    page.get_by_label("File").set_input_files(csv_upload("contacts.csv", MESSY))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check “Spring campaign”")
    expect(page.get_by_text("2 problems found.")).to_be_visible()
    problems = page.locator("section[role=alert] table tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("3")
    expect(problems.nth(0)).to_contain_text("“lee-at-litware” is not an email address.")
    expect(problems.nth(1)).to_contain_text("No partner called “Nobody Inc” in this program.")
    expect(page.get_by_role("button", name="Import 1 contact and start sending")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth")

    # The bad lines as a file, as they were in the upload, with what is wrong.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the 2 lines with problems (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-problems.csv")
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows == [["line", "name", "email", "company", "partner", "problem"],
                    ["3", "Lee Park", "lee-at-litware", "Litware", "Northwind Traders", "“lee-at-litware” is not an email address."],
                    ["4", "Ana Ruiz", "ana@adatum.example", "Adatum", "Nobody Inc", "No partner called “Nobody Inc” in this program."]]

    # The form is right there, with the name and the survey kept: only the file is chosen again.
    again = page.locator("section.card", has=page.get_by_role("heading", name="Upload the corrected file"))
    expect(again.get_by_label("Campaign name")).to_have_value("Spring campaign")
    expect(again.get_by_label("Survey")).to_have_value(str(survey.pk))
    with tenant_context(world.acme):
        assert not Campaign.objects.exists() and not SurveyInvitation.objects.exists()  # all or nothing
    again.get_by_label("File").set_input_files(csv_upload("contacts-fixed.csv", FIXED))
    again.get_by_role("button", name="Check the file").click()

    expect(page.get_by_text("contacts-fixed.csv: 3 contacts ready.")).to_be_visible()
    page.get_by_role("button", name="Import 3 contacts and start sending").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring campaign")
    with tenant_context(world.acme):
        campaign = Campaign.objects.get()
        assert sorted(campaign.invitations.values_list("email", flat=True)) == [
            "ana@adatum.example", "dana@fabrikam.example", "lee@litware.example"]
    expect(page).to_have_url(site.url(world.acme, f"/manage/surveys/campaigns/{campaign.pk}/"))
