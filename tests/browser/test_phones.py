"""In real Chromium at phone widths: no page scrolls sideways, and links and buttons are big enough to tap.

Each role of Acme (tenant admin, channel manager, partner admin, partner user) signs in and opens
every page it may see, read from the tenancy matrix's page table (tests/tenancy/matrix/pages.py:
every GET handler the role is allowed), plus the account pages everyone has, plus the public
pages a visitor without an account sees. A page added to the table is visited here without
anyone touching this file. The program holds real rows for every page: deals in every state,
with long addresses and websites, a survey with months of answers and rankings, a follow-up
case, campaigns, invitations and an API key, all made through the apps' services.

Each page is laid out at 360, 390 and 414 px and fails when `document.documentElement.scrollWidth`
exceeds `window.innerWidth`, naming the page, the width and the element that sticks out furthest.
Links and buttons in navigation and forms, and every button, must be at least 24 px high (WCAG 2.2,
2.5.8 Target Size (Minimum)). No request a page makes, the favicon included, may answer 4xx/5xx.
All problems are collected and reported together, so one run lists everything to fix.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dealreg import services as deals
from dealreg.models import Deal, DealStatus
from partners.services import partner_create, partner_deactivate
from prm.api.services import api_key_create
from prm.invitations.services import invitation_create
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Role
from surveys import services as surveys
from surveys.imports import build_batch
from surveys.models import FollowUpCase, InvitationStatus, SurveyInvitation
from surveys.rankings import run_rankings
from surveys.relationship import relationship_survey_start
from surveys.tokens import answer_token
from tests.factories import PASSWORD, MembershipFactory, UserFactory, tier_named
from tests.tenancy.matrix.handlers import choice_of, pattern_of
from tests.tenancy.matrix.pages import ACCOUNT, CM, PA, PAGES, PU, PUBLIC, TA

from .helpers import sign_in

pytestmark = pytest.mark.browser

WIDTHS = (360, 390, 414)
MIN_TARGET_PX = 24

# Handlers that answer with a file rather than a page: there is nothing to lay out. And the survey
# email's preview: the email's own HTML for the frame on the survey page (measured with that page),
# served sandboxed, so that no script, a measuring one included, can run in it.
DOWNLOADS = {
    "surveys:dashboard_survey_preview": "the survey email's HTML inside the survey page's sandboxed frame",
    "dealreg:dashboard_export": "the deal list as a CSV or XLSX file",
    "surveys:dashboard_export": "the leaderboard as a CSV or XLSX file",
    "surveys:dashboard_import_problems": "an import's bad rows as a CSV file",
    "surveys:portal_import_problems": "an import's bad rows as a CSV file",
    "partner_imports:problems": "a partner import's bad rows as a CSV file",
    "mfa_download_recovery_codes": "the recovery codes as a text file",
    "api_schema": "the OpenAPI schema as YAML",
    "api_not_found": "the API's JSON 404 for unmatched URLs",
    "partners:dashboard_logo": "a partner's logo, an image",
    "portal:logo": "the partner's own logo, an image",
    "agreements:signature_pdf": "a signed agreement as a PDF file",
    "agreements:portal_signature_pdf": "the partner's signed agreement as a PDF file",
    "content:version_download": "a content item's file, for staff",
    "content:portal_download": "a content item's file, for the partner (counted)",
    "training:certificate": "a completion's certificate file, for staff",
    "training:portal_certificate": "a certificate file of the partner's own people",
    "mdf:portal_proof": "a proof file of the partner's own fund claim",
    "mdf:proof": "a fund claim's proof file, for staff",
    "mdf:proof_image": "a fund claim's proof image, shown inside the claim's review page",
    "mdf:payments_export": "the MDF payments as a CSV or XLSX file",
    "mdf:utilisation_export": "the MDF utilisation table as a CSV or XLSX file",
    "mdf:roi_export": "the MDF return on investment per activity as a CSV or XLSX file",
    "favicon": "the site's icon (test_the_icon_is_served_wherever_a_browser_looks_for_it)",
}

# Account pages that exist only once the person has a second factor: visited after one is set up.
NEEDS_AUTHENTICATOR = ("mfa_deactivate_totp", "mfa_view_recovery_codes")

LONG_EMAIL = "alexandra.konstantinopoulou-vandenberghe@northwind-enterprise-solutions.example"
LONG_WEBSITE = "https://www.fabrikam-international-holdings-and-subsidiaries.example/partners/emea/registrations"


# --- The program's rows -------------------------------------------------------------------------

def _deal(world, partner, user, customer, website, email, value="48000", **extra):
    return deals.deal_create(
        partner=partner, actor=user, customer_name=customer, customer_website=website, customer_country="DE",
        contact_name="Alexandra Konstantinopoulou", contact_email=email, value=Decimal(value), currency="USD",
        expected_close_date=timezone.localdate() + timedelta(days=45), products=world.products,
        notes="Three sites in the first phase; the second phase depends on the pilot at the Hamburg warehouse.", **extra,
    )


def _deals(world):
    """Northwind's deals in every state (the one the detail pages show has a conflict, a question and long addresses)."""
    rep, manager = world.northwind_rep.user, world.acme_manager.user
    held = _deal(world, world.contoso, world.contoso_rep.user, "Fabrikam International Holdings", LONG_WEBSITE,
                 "procurement.department@fabrikam-international-holdings-and-subsidiaries.example")
    deals.deal_submit(deal=held, actor=world.contoso_rep.user)

    deal = _deal(world, world.northwind, rep, "Fabrikam International Holdings and Subsidiaries", LONG_WEBSITE, LONG_EMAIL)
    deal = deals.deal_submit(deal=deal, actor=rep)
    # Sent back with a question: the partner's page shows the question and the form to answer it.
    world.northwind_deal = deals.deal_request_info(deal=deal, actor=manager,
                                                   question="Which of the three sites is in the first phase, and who signs?")

    def moved(customer, *steps):
        domain = customer.split()[0].lower().replace("'", "") + ".example"
        d = _deal(world, world.northwind, rep, customer, domain, f"buyer@{domain}")
        for step in steps:
            d = step(d)
        return d

    submit = lambda d: deals.deal_submit(deal=d, actor=rep)  # noqa: E731
    approve = lambda d: deals.deal_approve(deal=d, actor=manager)  # noqa: E731
    moved("Tailspin Toys")  # draft
    moved("Litware Inc", submit, lambda d: deals.deal_request_info(deal=d, actor=manager, question="Is this a renewal?"))
    moved("Adventure Works", submit, lambda d: deals.deal_reject(deal=d, actor=manager, reason="Direct account of ours."))
    moved("Wingtip Toys", submit, approve)
    moved("Proseware", submit, approve, lambda d: deals.deal_mark_won(deal=d, actor=rep))
    moved("Lucerne Publishing", submit, approve, lambda d: deals.deal_mark_lost(deal=d, actor=rep))
    moved("Margie's Travel", submit, lambda d: deals.deal_withdraw(deal=d, actor=rep))
    expired = moved("Trey Research", submit, approve)
    Deal.objects.filter(pk=expired.pk).update(protected_until=F("protected_until") - timedelta(days=400))
    deals.deal_expire(deal=Deal.objects.get(pk=expired.pk))
    assert set(Deal.objects.values_list("status", flat=True)) == set(DealStatus.values)


def _answers(world, survey):
    """Five months of answers for both partners; detractor answers open follow-up cases."""
    now = timezone.now()
    scores = {world.northwind: [10, 9, 9, 8, 7, 10, 3, 9, 6, 10, 9, 2], world.contoso: [9, 7, 8, 10, 5, 9, 9, 8]}
    for partner, partner_scores in scores.items():
        for k, score in enumerate(partner_scores):
            invitation = SurveyInvitation.objects.create(
                tenant=world.acme, survey=survey, partner=partner, email=f"customer{k}@{partner.name.split()[0].lower()}-customers.example",
                name=f"Customer {k}", company=f"Customer Company {k}", status=InvitationStatus.SENT,
                send_after=now - timedelta(days=150), sent_at=now - timedelta(days=150),
            )
            comment = "The installer came a week late and nobody called us back." if score <= 6 else ""
            surveys.answer_record(invitation=invitation, score=score, comment=comment, now=now - timedelta(days=3 + k * 12))
    world.answer_token = answer_token(SurveyInvitation.objects.create(
        tenant=world.acme, survey=survey, partner=world.northwind, email="waiting@northwind-customers.example",
        status=InvitationStatus.SENT, send_after=now, sent_at=now))


def build_program(world):
    manager = world.acme_manager
    with tenant_context(world.acme):
        world.products = [deals.product_line_create(tenant=world.acme, actor=manager.user, name=name)
                          for name in ("Firewalls", "SD-WAN", "Wi-Fi access points")]
        long_partner = partner_create(tenant=world.acme, actor=manager.user, name="Fabrikam Reseller and Systems Integration Group",
                                      status="active", website=LONG_WEBSITE, primary_contact_name="Alexandra Konstantinopoulou",
                                      primary_contact_email=LONG_EMAIL, tier=tier_named(world.acme, "Gold"), country="DE")
        gone = partner_create(tenant=world.acme, actor=manager.user, name="Coho Winery Networks", status="active")
        partner_deactivate(partner=gone, actor=manager.user, reason="Contract ended")
        MembershipFactory(tenant=world.acme, user=UserFactory(email=LONG_EMAIL), role=Role.PARTNER_USER, partner=world.northwind)
        MembershipFactory(tenant=world.acme, user=UserFactory(email="partners@fabrikam-reseller-and-systems-integration.example"),
                          role=Role.PARTNER_ADMIN, partner=long_partner)
        _, world.invitation_token = invitation_create(
            tenant=world.acme, actor_membership=world.northwind_admin, role=Role.PARTNER_USER, partner=world.northwind,
            email="maximilian.oberhuber-schwarzenegger@northwind-enterprise-solutions.example")
        invitation_create(tenant=world.acme, actor_membership=world.acme_admin, role=Role.CHANNEL_MANAGER,
                          email="channel.manager.for.central.europe@acme-networks-international.example")
        api_key_create(tenant=world.acme, actor=world.acme_admin.user, name="CRM integration (Salesforce production org)")
        _deals(world)

        survey = surveys.survey_create(tenant=world.acme, actor=manager.user, name="Customer satisfaction after a won deal",
                                       language="en", nps_question="How likely are you to recommend {partner} to a friend or colleague?")
        world.acme_survey = survey
        _answers(world, survey)
        world.northwind_case = FollowUpCase.objects.filter(partner=world.northwind).order_by("pk").first()
        surveys.follow_up_update(case=world.northwind_case, actor=world.northwind_rep.user, contacted=True,
                                 root_cause="The installation was booked for the wrong week.")
        csv = ("name,email,company,partner\n"
               f"Alexandra Konstantinopoulou,{LONG_EMAIL},Fabrikam International Holdings,Northwind Traders\n"
               "Kim Ro,kim@initrode.example,Initrode,Northwind Traders\n").encode()
        batch = build_batch(tenant=world.acme, actor=world.northwind_admin.user, survey=survey, name="Spring customers",
                            upload=SimpleUploadedFile("contacts.csv", csv, "text/csv"), partner_scope=world.northwind)
        world.northwind_campaign = surveys.campaign_confirm(batch=batch, actor=world.northwind_admin.user, now=timezone.now())
        bad = b"name,email,company,partner\nBo,not-an-address,Bo Inc,Nobody Ltd\n"
        build_batch(tenant=world.acme, actor=manager.user, survey=survey, name="Autumn customers (with mistakes)",
                    upload=SimpleUploadedFile("autumn.csv", bad, "text/csv"))
        world.acme_pulse = relationship_survey_start(tenant=world.acme, actor=manager.user, name="Partner satisfaction, spring",
                                                     closes_on=timezone.localdate() + timedelta(days=14))
        run_rankings(tenant=world.acme, run_date=timezone.localdate())
    return world


@pytest.fixture
def program(world):
    return build_program(world)


# --- What the pages are -------------------------------------------------------------------------

def pages_of(role, w):
    """[(label, path)] of every GET page of `role`: the matrix's table, then the account pages."""
    found = []
    for (name, method, choice), page in sorted(PAGES.items()):
        if method != "get" or role not in page.allowed or name in DOWNLOADS:
            continue
        kwargs = {"pk": page.own(w).pk} if page.own else {}
        kwarg, _ = choice_of(pattern_of(name))
        if kwarg:
            kwargs[kwarg] = choice
        found.append((name, reverse(name, kwargs=kwargs)))
    found += [(name, reverse(name)) for name in ACCOUNT if name not in DOWNLOADS and name not in NEEDS_AUTHENTICATOR]
    found.append(("account_logout", reverse("account_logout")))  # its GET asks to confirm
    found.append(("api_docs", reverse("api_docs")))  # public, and in the app's header for everyone signed in
    return found


def public_pages(w):
    """[(label, path)] of the pages without an account (their links forged), and a real invitation and survey link."""
    found = [(name, reverse(name, kwargs=kwargs)) for name, kwargs in PUBLIC.items() if name not in DOWNLOADS]
    found.append(("invitation_accept (a real link)", reverse("invitation_accept", kwargs={"token": w.invitation_token})))
    found.append(("survey_answer (a real link)", reverse("survey_answer", kwargs={"token": w.answer_token})))
    return found


# What the page measures: the document's width, the element that sticks out furthest (not counting
# those inside a container that scrolls or clips on its own), and targets under the minimum height.
MEASURE = """(minTarget) => {
  const vw = window.innerWidth;
  // The box that clips an element is an ancestor in its chain of containing blocks: a scrolling
  // table does not clip an absolutely positioned child whose containing block lies outside it.
  const containerOf = (el) => {
    const position = getComputedStyle(el).position;
    if (position === 'fixed') return null;
    let p = el.parentElement;
    if (position === 'absolute') {
      while (p && p !== document.body && getComputedStyle(p).position === 'static') p = p.parentElement;
    }
    return p;
  };
  const clippedByAncestor = (el) => {
    for (let p = containerOf(el); p && p !== document.body; p = containerOf(p)) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (el.classList.length) name += '.' + [...el.classList].join('.');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return text ? `${name} “${text}”` : name;
  };
  let widest = null, widestRight = vw;
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (!rect.width && !rect.height) continue;
    // Text that runs out of its box widens the page too, unless the box scrolls or clips it.
    const spills = getComputedStyle(el).overflowX === 'visible' ? rect.left + el.scrollWidth : rect.right;
    const right = Math.max(rect.right, spills);
    if (right > vw + 0.5 && right >= widestRight && !clippedByAncestor(el)) { widest = el; widestRight = right; }
  }
  const small = [];
  const targets = document.querySelectorAll(
    'nav a, nav button, form a, form button, form input[type=submit], button, .button, summary');
  for (const el of targets) {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!rect.width || !rect.height || style.visibility === 'hidden' || rect.right < 0 || el.closest('.visually-hidden')) continue;
    if (rect.height < minTarget - 0.5) small.push(`${describe(el)} is ${rect.height.toFixed(1)} px high`);
  }
  // A table that scrolls inside its .table-wrap hides columns off to the side (Answers, Deactivate…).
  const cut = [...document.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth + 1)
    .map((w) => `a table hides columns beyond ${w.clientWidth} px (its content is ${w.scrollWidth} px): ` +
      [...w.querySelectorAll('thead th')].map((th) => th.textContent.trim()).join(' | '));
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, cut,
    widest: widest ? `${describe(widest)} reaches ${Math.round(widestRight)} px` : null,
    small: [...new Set(small)],
  };
}"""


# Two animation frames: what the page's own scripts do after a resize has been done.
SETTLE = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


class Audit:
    """Visits pages in one browser page and collects every problem."""

    def __init__(self, page, base):
        self.page, self.base, self.problems, self.visited = page, base, [], []
        self._failed = []
        page.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document" and self._failed.append(
            f"{r.status} {r.url}"))

    def visit(self, label, path, expect_status=(200,)):
        self._failed.clear()
        self.page.set_viewport_size({"width": max(WIDTHS), "height": 800})
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        where = f"{label} ({path})"
        self.visited.append(label)
        if response.status not in expect_status:
            self.problems.append(f"{where}: answered {response.status}")
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith("text/html"):
            self.problems.append(f"{where}: answered {content_type}, not a page: if it is a download, add it to DOWNLOADS with why")
            return
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 800})
            self.page.evaluate(SETTLE)
            found = self.page.evaluate(MEASURE, MIN_TARGET_PX)
            if found["scrollWidth"] > found["innerWidth"]:
                self.problems.append(f"{where} at {width} px: {found['scrollWidth']} px wide; widest: {found['widest']}")
            self.problems += [f"{where} at {width} px: {cut}" for cut in found["cut"]]
            if width == WIDTHS[0]:
                self.problems += [f"{where}: tap target {small}" for small in found["small"]]
        self.problems += [f"{where}: a request failed: {failed}" for failed in self._failed]

    def assert_clean(self):
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems)


def _signed_in(new_page, site, world, member):
    page = new_page()
    sign_in(page, site.url(world.acme, "/accounts/login/"), member.user.email, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


@pytest.mark.parametrize("role", [TA, CM, PA, PU])
def test_every_page_of_each_role_fits_a_phone(role, program, site, new_page):
    member = {TA: program.acme_admin, CM: program.acme_manager, PA: program.northwind_admin, PU: program.northwind_rep}[role]
    audit = Audit(_signed_in(new_page, site, program, member), site.url(program.acme, ""))
    pages = pages_of(role, program)
    assert len(pages) > len(ACCOUNT) + 3, pages
    for label, path in pages:
        # Pages that want something first (a recent password) send the person there: that page is measured.
        audit.visit(label, path)
    TOTP.activate(member.user, generate_totp_secret())
    RecoveryCodes.activate(member.user)
    for name in NEEDS_AUTHENTICATOR:
        audit.visit(name, reverse(name))
    audit.assert_clean()


def test_every_public_page_fits_a_phone(program, site, new_page):
    audit = Audit(new_page(), site.url(program.acme, ""))
    for label, path in public_pages(program):
        # Forged links show their "this link does not work" page, with its status; signing out sends to sign in.
        audit.visit(label, path, expect_status=(200, 302, 400, 404, 410))
    audit.assert_clean()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_api_keys_page_copies_the_address_and_a_new_key(world, site, new_page, width):
    page = _signed_in(new_page, site, world, world.acme_admin)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site.url(world.acme, "/manage/api-keys/"))
    address = site.url(world.acme, "/api/v1/")  # http, and the live server's port: as served
    expect(page.locator("#api-base-url")).to_have_text(address)
    page.get_by_role("button", name="Copy address").click()
    expect(page.locator('[data-copy-status="api-base-url"]')).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == address

    page.get_by_label("Key name").fill("Salesforce sync")
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_label("Key", exact=True).input_value()
    assert key.startswith("prm_")
    page.get_by_role("button", name="Copy key").click()
    expect(page.locator('[data-copy-status="new-key"]')).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == key


@pytest.mark.parametrize("width", [1280, 390])
def test_the_api_docs_run_inside_the_app_with_a_way_back(world, site, new_page, width):
    page = _signed_in(new_page, site, world, world.acme_manager)
    page.set_viewport_size({"width": width, "height": 900})
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    page.goto(site.url(world.acme, "/api/docs/"))
    # Swagger UI ran (its scripts were allowed) once the schema, generated per request, arrived: seconds when busy.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=60_000)
    # Measured once Swagger UI has drawn the operations, one of them opened (the page audit measures at load).
    page.locator(".swagger-ui .opblock-summary").first.click()
    expect(page.locator(".swagger-ui .opblock-body").first).to_be_visible()
    found = page.evaluate(MEASURE, MIN_TARGET_PX)
    assert found["scrollWidth"] <= found["innerWidth"], found["widest"]
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="API docs")).to_have_attribute("aria-current", "page")
    assert not refused, refused  # no script or style refused by the content security policy
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_url(site.url(world.acme, "/manage/"))


def test_the_icon_is_served_wherever_a_browser_looks_for_it(world, site, new_page):
    """Pages name their icons; where nothing names one (a JSON answer, a file), browsers ask for /favicon.ico."""
    page = new_page()
    for url in (site.url(world.acme, "/favicon.ico"), f"http://localhost:{site.port}/favicon.ico"):
        response = page.goto(url)
        assert response.ok, url
        assert response.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon"), response.headers
        assert response.body()[:4] == b"\x00\x00\x01\x00"  # an icon file
    page.goto(site.url(world.acme, "/accounts/login/"))
    icons = page.eval_on_selector_all('link[rel="icon"]', "links => links.map((link) => link.href)")
    assert len(icons) == 2, icons
    for href in icons:
        response = page.goto(href)
        assert response.ok and response.headers["content-type"].startswith("image/"), href
