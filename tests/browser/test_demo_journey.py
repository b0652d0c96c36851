"""In real Chromium, the demo's first minute at a phone's width and a laptop's: 127.0.0.1 explains the
addresses and leads to a program; the channel manager finds the significant change on the
leaderboard; the customer answers the survey email that loading the demo wrote."""

import email
import email.policy
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SURVEY_LINK = re.compile(r"https?://acme\.localhost:\d+/s/[^\s\"'<>?]+/\?score=9")
WIDTHS = (390, 1280)


def _scrolls_sideways(page):
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


def _newest_survey_email(folder):
    for path in sorted(folder.iterdir()):  # newest first
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        text = message.get_body(("plain",)).get_content()
        if SURVEY_LINK.search(text):
            return path.name, SURVEY_LINK.search(text).group(0)
    raise AssertionError("no survey email")


@pytest.fixture
def loaded(site, settings, tmp_path):
    settings.EMAIL_BACKEND = "prm.outbox.eml_backend.EmlEmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    call_command("load_demo", stdout=io.StringIO())
    return tmp_path / "mail"


def test_the_first_minute_of_the_demo(loaded, site, new_page):
    for width in WIDTHS:
        # 127.0.0.1 explains the *.localhost addresses and links to both programs at this port.
        visitor = new_page()
        visitor.set_viewport_size({"width": width, "height": 900})
        visitor.goto(f"http://127.0.0.1:{site.port}/")
        expect(visitor.get_by_role("heading", name="The programs on this computer")).to_be_visible()
        expect(visitor.get_by_role("link", name="Globex Systems")).to_have_attribute("href", site.url("globex"))
        assert not _scrolls_sideways(visitor), width
        visitor.get_by_role("link", name="Acme Networks").click()
        expect(visitor).to_have_url(site.url("acme", "/accounts/login/"))

        # The channel manager finds the significant change on Contoso's row, and the legend under it.
        sign_in(visitor, site.url("acme", "/accounts/login/"), "manager@acme.example", "prm-demo-2026")
        expect(visitor).to_have_url(site.url("acme", "/manage/"))
        visitor.goto(site.url("acme", "/manage/nps/"))
        contoso = visitor.get_by_role("row").filter(has=visitor.get_by_role("link", name="Contoso Integration", exact=True))
        expect(contoso).to_contain_text("●")
        expect(visitor.get_by_text("● marks a change from the previous window")).to_be_visible()

    # The customer of the won deal answers on a phone from the newest survey email: the score from
    # the link is chosen, one click sends it; the same link on a laptop then says it was answered.
    name, link = _newest_survey_email(loaded)
    assert name.endswith(".eml")
    phone = new_page()
    phone.set_viewport_size({"width": WIDTHS[0], "height": 900})
    phone.goto(link)
    expect(phone.get_by_text("How likely are you to recommend Northwind Traders to a friend or colleague?")).to_be_visible()
    assert not _scrolls_sideways(phone)
    expect(phone.get_by_role("radio", name="9", exact=True)).to_be_checked()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_role("heading", name="Thank you!")).to_be_visible()
    laptop = new_page()
    laptop.goto(link)
    expect(laptop.get_by_role("button", name="Send my answer")).to_have_count(0)
