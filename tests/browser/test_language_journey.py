"""In real Chromium: a Northwind rep who chose German, and a customer answering a French survey.

The rep's browser asks for English, but his account says German: the portal home, the deal form
with its errors and the satisfaction page are German, and so is the page's `lang`. Acme surveys
won deals in French: the customer's email (through a real SMTP server on loopback) and the page
it opens are French, whatever her browser says.
"""

import re

import pytest
from playwright.sync_api import expect

from prm.tenancy.context import tenant_context
from surveys import tasks
from surveys.models import Answer, Survey, SurveySettings
from tests.factories import PASSWORD

from .helpers import sign_in, wait_for
from .test_survey_journey import CUSTOMER, messages_to, northwind_wins_fabrikam, smtp_inbox  # noqa: F401 — a fixture

pytestmark = pytest.mark.browser


def english_browser(new_page):
    page = new_page()
    page.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})
    return page


def test_a_rep_who_chose_german_works_in_german(world, site, new_page):
    rep_user = world.northwind_rep.user
    rep_user.language = "de"
    rep_user.save(update_fields=["language"])
    rep = english_browser(new_page)
    sign_in(rep, site.url(world.acme, "/accounts/login/"), rep_user.email, PASSWORD)
    expect(rep).to_have_url(site.url(world.acme, "/portal/"))
    expect(rep.locator("html")).to_have_attribute("lang", "de")
    expect(rep.get_by_role("heading", level=1)).to_have_text(f"Willkommen, {rep_user.get_short_name()}")
    expect(rep.get_by_role("heading", name="Ihr Unternehmensprofil")).to_be_visible()
    expect(rep.get_by_role("button", name="Abmelden")).to_be_visible()

    # Register a deal, leaving everything empty: the errors are German, beside their fields.
    nav = rep.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Deals", exact=True).click()
    expect(rep.get_by_role("heading", level=1)).to_have_text("Deal-Registrierungen")
    rep.get_by_role("link", name="Deal registrieren").click()
    expect(rep.get_by_role("heading", level=1)).to_have_text("Deal registrieren")
    expect(rep.get_by_role("heading", name="Ist dieser Kunde bereits registriert?")).to_be_visible()
    rep.get_by_label("E-Mail des Kundenkontakts").fill("not-an-address")
    rep.get_by_role("button", name="Zur Genehmigung einreichen").click()
    expect(rep.locator("#id_customer_name_error")).to_have_text("Dieses Feld ist zwingend erforderlich.")
    expect(rep.locator("#id_contact_email_error")).to_have_text("Bitte gültige E-Mail-Adresse eingeben.")
    expect(rep.get_by_label("E-Mail des Kundenkontakts")).to_have_value("not-an-address")  # nothing typed is lost

    nav.get_by_role("link", name="Zufriedenheit").click()
    expect(rep.get_by_role("heading", level=1)).to_have_text("Was Ihre Kunden sagen")
    assert "Customer" not in rep.title() and "Kundenzufriedenheit" in rep.title()


def test_a_customer_answers_a_french_survey_in_french(world, site, smtp_inbox, new_page):  # noqa: F811 — the fixture
    with tenant_context(world.acme):
        SurveySettings.objects.create(tenant=world.acme, days_after_won=0)
        Survey.objects.create(tenant=world.acme, name="Affaires gagnées", for_won_deals=True, language="fr")
        northwind_wins_fabrikam(world)
    tasks.schedule_won_deal_surveys.delay()
    tasks.dispatch_surveys.delay()

    [received] = wait_for(lambda: messages_to(smtp_inbox, CUSTOMER), message="the French survey email")
    message = received.message
    # Non-ASCII makes the header an encoded, folded one; its unfolded value starts after the fold.
    assert str(message["Subject"]).strip() == "Northwind Traders et Acme Networks : comment s'est passée votre expérience ?"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Ne plus recevoir d'enquêtes de Acme Networks" in text
    link = dict(re.findall(r"^(\d+): (http[^\s]+)", text, re.M))["9"]

    customer = english_browser(new_page)
    assert customer.goto(link).status == 200
    expect(customer.locator("html")).to_have_attribute("lang", "fr")
    expect(customer.get_by_role("heading", level=1)).to_have_text(
        "Quelle est la probabilité que vous recommandiez Northwind Traders à un ami ou un collègue ?")
    customer.get_by_label("Quelle est la principale raison de votre note ?").fill("Installation rapide et soignée.")
    customer.get_by_role("button", name="Envoyer ma réponse").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Merci !")
    answer = Answer.unscoped.get()
    assert (answer.score, answer.comment) == (9, "Installation rapide et soignée.")
