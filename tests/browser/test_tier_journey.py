"""In real Chromium, on a phone: a Northwind rep sees Gold's progress bars and the at-risk notice (a
certification expires within 60 days), downloads a Gold-only price list, and the download is counted; a
rep of Contoso, a Registered partner, gets the same 404 for that item as for one that does not exist, and
does not see it in the library."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from dealreg.models import Deal, DealStatus
from partners.content.demo import simple_pdf
from partners.content.models import Category, ContentDownload, Visibility
from partners.content.services import item_create
from partners.models import Partner
from partners.tiers.management import requirement_add
from partners.tiers.models import TierEvaluation
from partners.tiers.services import evaluate_tenant
from partners.training.services import completion_record, course_create
from prm.tenancy.context import tenant_context
from tests.factories import PASSWORD, tier_named

from .helpers import sign_in

pytestmark = pytest.mark.browser

TITLE = "Acme price list 2027 (Gold)"
FILENAME = "acme-price-list-2027-gold.pdf"
PDF = simple_pdf([TITLE, "", "Firewall F200   4,900 USD   3,920 USD", "Confidential: for Acme Gold partners only."])
EXPIRING = "Wireless Specialist"


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _phone(new_page):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def _gold_program(world):
    """Northwind in Gold, meeting it today (120,000 USD won, 2 certifications) but one certification
    expires in 20 days; Contoso in Registered; a price list only Gold sees. Returns (item, expiry day)."""
    admin = world.acme_admin
    today = timezone.localdate()
    expires_on = today + timedelta(days=20)
    with tenant_context(world.acme):
        registered, silver, gold = (tier_named(world.acme, name) for name in ("Registered", "Silver", "Gold"))
        Partner.unscoped.filter(pk=world.northwind.pk).update(tier=gold)
        Partner.unscoped.filter(pk=world.contoso.pk).update(tier=registered)
        # Silver asks for won value too, so Contoso (no deals) stays where it is.
        requirement_add(tier=silver, actor=admin, kind="won_value", threshold=Decimal("50000"))
        requirement_add(tier=gold, actor=admin, kind="won_value", threshold=Decimal("100000"))
        requirement_add(tier=gold, actor=admin, kind="certifications", threshold=Decimal("2"))
        for value, days_ago, customer in (("70000", 30, "Fabrikam"), ("50000", 90, "Tailspin Toys")):
            closed = timezone.now() - timedelta(days=days_ago)
            Deal.unscoped.create(
                tenant=world.acme, partner=world.northwind, status=DealStatus.WON, customer_name=customer,
                contact_name="Pat Doe", contact_email="pat@customer.example", value=Decimal(value), currency="USD",
                expected_close_date=closed.date(), closed_at=closed)
        lasting = course_create(tenant=world.acme, actor=admin, name="Firewall Expert")
        expiring = course_create(tenant=world.acme, actor=admin, name=EXPIRING)
        rep = world.northwind_rep.user
        completion_record(tenant=world.acme, actor=admin, course=lasting, user=rep, completed_on=today - timedelta(days=40))
        completion_record(tenant=world.acme, actor=admin, course=expiring, user=rep,
                          completed_on=today - timedelta(days=345), expires_on=expires_on)
        evaluate_tenant(tenant=world.acme)
        item = item_create(
            tenant=world.acme, actor=admin, title=TITLE, category=Category.PRICE_LISTS, language="en",
            visibility=Visibility.TIERS, tiers=[gold], publish_at=timezone.now() - timedelta(days=1),
            upload=SimpleUploadedFile(FILENAME, PDF, content_type="application/pdf"))
    return item, expires_on


def test_a_gold_partner_sees_its_standing_and_downloads_what_only_gold_gets(world, site, new_page, tmp_path):
    item, expires_on = _gold_program(world)
    snapshot = TierEvaluation.unscoped.get(partner=world.northwind, is_latest=True)
    assert snapshot.at_risk_on == expires_on  # the day the second certification lapses
    assert Partner.unscoped.get(pk=world.northwind.pk).tier.name == "Gold"
    assert Partner.unscoped.get(pk=world.contoso.pk).tier.name == "Registered"
    with translation.override("en"):
        at_risk_on = formats.date_format(snapshot.at_risk_on, "DATE_FORMAT")

    rep = _phone(new_page)
    sign_in(rep, site.url(world.acme, "/accounts/login/"), "rep@northwind.example", PASSWORD)
    expect(rep).to_have_url(site.url(world.acme, "/portal/"))
    rep.goto(site.url(world.acme, "/portal/tier/"))
    expect(rep.get_by_role("heading", level=1)).to_have_text("Your tier: Gold")
    notice = rep.locator('section[aria-labelledby="at-risk"]')
    expect(notice.get_by_role("heading")).to_have_text(f"Gold at risk on {at_risk_on}")
    expect(notice).to_contain_text(f"Certification “{EXPIRING}” of")
    expect(notice).to_contain_text("expires")
    bars = rep.locator("li.tier-progress")
    expect(bars).to_have_count(2)
    value_bar = bars.filter(has_text="Won deal value")
    expect(value_bar).to_contain_text("$120,000 of $100,000")
    expect(value_bar.locator("progress")).to_have_attribute("value", "100")
    certs_bar = bars.filter(has_text="Active certifications")
    expect(certs_bar).to_contain_text("2 of 2")
    expect(certs_bar.locator("progress")).to_have_attribute("value", "100")
    expect(rep.locator("li.tier-progress--met")).to_have_count(2)
    _no_sideways_scroll(rep)

    rep.goto(site.url(world.acme, "/portal/content/"))
    row = rep.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_have_count(1)
    _no_sideways_scroll(rep)
    with rep.expect_download() as info:
        row.get_by_role("link", name="Download").click()
    download = info.value
    assert download.suggested_filename == FILENAME
    saved = tmp_path / FILENAME
    download.save_as(saved)
    assert Path(saved).read_bytes() == PDF
    downloads = ContentDownload.unscoped.filter(item_id=item.pk)
    assert list(downloads.values_list("partner_id", "user_id")) == [(world.northwind.pk, world.northwind_rep.user_id)]

    other = _phone(new_page)
    sign_in(other, site.url(world.acme, "/accounts/login/"), "rep@contoso.example", PASSWORD)
    expect(other).to_have_url(site.url(world.acme, "/portal/"))
    missing = other.goto(site.url(world.acme, "/portal/content/999999/")).status
    assert missing == 404
    for path in (f"/portal/content/{item.pk}/", f"/portal/content/{item.pk}/download/"):
        response = other.goto(site.url(world.acme, path))
        assert response.status == missing, path
    other.goto(site.url(world.acme, "/portal/content/"))
    expect(other.get_by_role("heading", level=1)).to_have_text("Content library")
    expect(other.get_by_text(TITLE)).to_have_count(0)
    _no_sideways_scroll(other)
    assert ContentDownload.unscoped.filter(item_id=item.pk).count() == 1
