"""Conflict detection against active registrations, the verdict partners see, and the check endpoints."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from rest_framework.test import APIClient

from dealreg import matching
from dealreg.conflicts import Verdict, active_registrations, find_conflicts, key_for, key_of, verdict_for
from dealreg.models import Deal, ProductLine
from prm.api.services import api_key_create

from .helpers import end_protection, make_deal, postgres_only, refresh

CHECK_PAGE = "/portal/deals/check/"
CHECK_API = "/api/v1/deals/conflict-check/"


def _fabrikam(world, partner=None, by=None, **kwargs):
    """Northwind's registration of Fabrikam, Inc. (fabrikam.example) unless told otherwise."""
    return make_deal(partner or world.northwind, by=by or world.northwind_rep.user, customer_name="Fabrikam, Inc.",
                     customer_website="https://www.fabrikam.example", contact_email="buyer@fabrikam.example", **kwargs)


def _kinds(conflicts):
    return [[r.kind for r in c.reasons] for c in conflicts]


# --- reasons ---------------------------------------------------------------------------------------

def test_same_domain(acme, staff):
    deal = _fabrikam(acme, status="submitted")
    [conflict] = find_conflicts(key_for(customer_name="Contoso Pharmaceuticals", customer_website="fabrikam.example"))
    assert conflict.deal == deal
    assert [(r.kind, r.detail) for r in conflict.reasons] == [("same_domain", "same domain fabrikam.example")]
    assert conflict.strong


def test_similar_name_with_its_score(acme):
    deal = make_deal(acme.northwind, by=acme.northwind_rep.user, status="submitted", customer_name="Northwind Traders",
                     customer_website="", contact_email="ann@nwt.example")
    [conflict] = find_conflicts(key_for(customer_name="Northwind Trader"))
    assert conflict.deal == deal
    assert [(r.kind, r.detail) for r in conflict.reasons] == [("similar_name", "similar name (score 0.84)")]
    assert conflict.reasons[0].score == pytest.approx(16 / 19)
    assert not conflict.strong
    [identical] = find_conflicts(key_for(customer_name="Northwind Traders Ltd"))
    assert identical.reasons[0].score == 1.0 and identical.strong


def test_same_email_domain(acme):
    deal = _fabrikam(acme, status="submitted")
    [conflict] = find_conflicts(key_for(customer_name="Unrelated Name", contact_email="cfo@fabrikam.example"))
    assert conflict.deal == deal
    assert [(r.kind, r.detail) for r in conflict.reasons] == [("same_email_domain", "contact email domain fabrikam.example")]
    assert not conflict.strong


def test_free_mail_domains_are_no_evidence(acme):
    make_deal(acme.northwind, by=acme.northwind_rep.user, status="submitted", customer_name="Joe's Plumbing",
              customer_website="", contact_email="joe@gmail.com")
    assert find_conflicts(key_for(customer_name="Rita's Bakery", contact_email="rita@gmail.com")) == []


def test_overlapping_products_only_alongside_another_reason(acme):
    wifi = ProductLine.objects.create(tenant=acme.acme, name="Wi-Fi")
    firewalls = ProductLine.objects.create(tenant=acme.acme, name="Firewalls")
    _fabrikam(acme, status="submitted", products=[wifi, firewalls])

    [conflict] = find_conflicts(key_for(customer_name="Fabrikam", products=[firewalls]))
    assert _kinds([conflict]) == [["similar_name", "overlapping_products"]]
    assert conflict.reasons[-1].detail == "products: Firewalls"
    # Shared products with a different customer are no conflict at all.
    assert find_conflicts(key_for(customer_name="Tailspin Toys", customer_website="tailspin.example", products=[wifi, firewalls])) == []


def test_strong_matches_come_first(acme):
    weak = make_deal(acme.contoso, by=acme.contoso_rep.user, status="submitted", customer_name="Fabrikam Europe",
                     customer_website="", contact_email="x@fabrikam.eu.example")
    strong = _fabrikam(acme, status="submitted")
    conflicts = find_conflicts(key_for(customer_name="Fabrikam", customer_website="fabrikam.example"))
    assert [(c.deal, c.strong) for c in conflicts] == [(strong, True), (weak, False)]


def test_the_deal_itself_is_excluded(acme):
    deal = _fabrikam(acme, status="submitted")
    assert find_conflicts(key_of(deal), exclude_deal_id=deal.pk) == []
    assert [c.deal for c in find_conflicts(key_of(deal))] == [deal]


def test_other_tenants_registrations_never_conflict(acme, in_tenant):
    with in_tenant(acme.globex):
        _fabrikam(acme, partner=acme.initech, by=acme.initech_admin.user, status="submitted")
    assert find_conflicts(key_for(customer_name="Fabrikam, Inc.", customer_website="fabrikam.example")) == []


# --- which registrations are active ----------------------------------------------------------------

@pytest.mark.parametrize(("status", "counts"), [
    ("submitted", True), ("more_info", True), ("approved", True),
    ("draft", False), ("withdrawn", False), ("rejected", False), ("won", False), ("lost", False), ("expired", False),
])
def test_only_active_registrations_count(acme, staff, status, counts):
    deal = _fabrikam(acme, status=status, staff=staff)
    assert refresh(deal).status == status
    conflicts = find_conflicts(key_for(customer_name="Fabrikam", customer_website="fabrikam.example"))
    assert [c.deal.pk for c in conflicts] == ([deal.pk] if counts else [])


def test_approved_deal_whose_protection_lapsed_does_not_count(acme, staff):
    deal = _fabrikam(acme, status="approved", staff=staff)
    key = key_for(customer_name="Fabrikam", customer_website="fabrikam.example")
    protected_until = refresh(deal).protected_until
    assert find_conflicts(key, now=protected_until - timedelta(seconds=1)) != []
    assert find_conflicts(key, now=protected_until) == []
    end_protection(deal)  # the nightly expiry has not run yet: still "approved" in the table
    assert refresh(deal).status == "approved"
    assert find_conflicts(key) == []
    assert not active_registrations().filter(pk=deal.pk).exists()


# --- verdicts --------------------------------------------------------------------------------------

def test_verdict_protected_gives_the_holders_protection_end(acme, staff):
    deal = refresh(_fabrikam(acme, status="approved", staff=staff))
    verdict = verdict_for(find_conflicts(key_for(customer_name="Someone", customer_website="www.fabrikam.example")))
    assert verdict == Verdict("protected", deal.protected_until)
    assert verdict.message == f"Already registered: protected until {date_format(timezone.localtime(deal.protected_until))}."


def test_verdict_protected_takes_the_latest_protection(acme, staff):
    first = refresh(_fabrikam(acme, status="approved", staff=staff))
    Deal.unscoped.filter(pk=first.pk).update(protected_until=timezone.now() + timedelta(days=5))
    second = refresh(_fabrikam(acme, partner=acme.contoso, by=acme.contoso_rep.user, status="submitted"))
    Deal.unscoped.filter(pk=second.pk).update(status="approved", protected_until=timezone.now() + timedelta(days=50))
    verdict = verdict_for(find_conflicts(key_for(customer_name="Fabrikam", customer_website="fabrikam.example")))
    assert verdict.kind == "protected"
    assert verdict.protected_until == refresh(second).protected_until


def test_verdict_possible_for_a_weak_match_against_an_approved_deal(acme, staff):
    make_deal(acme.northwind, by=acme.northwind_rep.user, status="approved", staff=staff,
              customer_name="Northwind Traders", customer_website="", contact_email="a@nwt.example")
    verdict = verdict_for(find_conflicts(key_for(customer_name="Northwind Trader")))  # 0.84: not strong
    assert verdict == Verdict("possible")
    assert verdict.message == "Possible match with an existing registration: the vendor will review it."


def test_verdict_possible_for_a_strong_match_that_is_only_submitted(acme):
    _fabrikam(acme, status="submitted")
    assert verdict_for(find_conflicts(key_for(customer_name="Fabrikam, Inc.", customer_website="fabrikam.example"))) == Verdict("possible")


def test_verdict_free(acme):
    _fabrikam(acme, status="submitted")
    verdict = verdict_for(find_conflicts(key_for(customer_name="Tailspin Toys", customer_website="tailspin.example")))
    assert verdict == Verdict("free")
    assert verdict.message == "Free: no active registration matches this customer."


# --- the portal's live check -----------------------------------------------------------------------

@pytest.fixture
def held(world, in_tenant):
    """Northwind holds Fabrikam (approved); its reference and protection end."""
    with in_tenant(world.acme):
        deal = refresh(_fabrikam(world, status="approved", staff=world.acme_manager.user))
    return deal


def _never_reveals(content, deal):
    text = content.decode()
    assert "Northwind" not in text
    assert deal.reference not in text and f"D-{deal.pk}" not in text
    assert "buyer@fabrikam.example" not in text


def test_portal_check_protected(world, client_as, held):
    response = client_as(world.contoso_rep).post(CHECK_PAGE, {"customer_name": "Fabrikam GmbH", "customer_website": "fabrikam.example"})
    assert response.status_code == 200
    assert f"Already registered: protected until {date_format(timezone.localtime(held.protected_until))}." in response.content.decode()
    assert b"verdict--protected" in response.content
    _never_reveals(response.content, held)


def test_portal_check_possible_and_free(world, client_as, held):
    client = client_as(world.contoso_rep)
    possible = client.post(CHECK_PAGE, {"customer_name": "Someone Else", "contact_email": "it@fabrikam.example"})
    assert b"Possible match with an existing registration: the vendor will review it." in possible.content
    _never_reveals(possible.content, held)
    free = client.post(CHECK_PAGE, {"customer_name": "Tailspin Toys", "customer_website": "tailspin.example"})
    assert b"Free: no active registration matches this customer." in free.content
    empty = client.post(CHECK_PAGE, {"customer_name": "  "})
    assert b"Enter the customer" in empty.content and b"verdict" not in empty.content


def test_portal_check_excludes_only_the_partners_own_deal(world, client_as, held):
    payload = {"customer_name": "Fabrikam", "customer_website": "fabrikam.example"}
    # Northwind editing its own deal: the deal itself is no conflict.
    own = client_as(world.northwind_rep).post(CHECK_PAGE, {**payload, "deal": held.pk})
    assert b"Free: no active registration" in own.content
    # Contoso cannot exclude Northwind's deal by sending its id.
    other = client_as(world.contoso_rep).post(CHECK_PAGE, {**payload, "deal": held.pk})
    assert b"Already registered" in other.content
    _never_reveals(other.content, held)


def test_portal_check_is_for_partner_users(world, client_as):
    assert client_as(world.acme_manager).post(CHECK_PAGE, {"customer_name": "Fabrikam"}).status_code == 403


# --- the API check ---------------------------------------------------------------------------------

def _api(world, who, in_tenant):
    client = APIClient(HTTP_HOST="acme.localhost")
    if who == "key":
        with in_tenant(world.acme):
            _, raw = api_key_create(tenant=world.acme, actor=world.acme_admin.user, name="CRM")
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    else:
        client.force_login(getattr(world, who).user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_api_check_gives_partners_the_verdict_only(world, in_tenant, held):
    body = {"customer_name": "Fabrikam", "customer_website": "fabrikam.example"}
    response = _api(world, "contoso_rep", in_tenant).post(CHECK_API, body, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"verdict", "message", "protected_until"}
    assert body["verdict"] == "protected"
    assert body["message"].startswith("Already registered: protected until")
    _never_reveals(response.content, held)


def test_api_check_tells_the_holder_it_is_its_own_registration(world, in_tenant, held):
    body = {"customer_name": "Fabrikam", "customer_website": "fabrikam.example"}
    response = _api(world, "northwind_admin", in_tenant).post(CHECK_API, body, format="json")
    body = response.json()
    assert body["verdict"] == "own"
    assert body["message"].startswith("Your company already registered this customer")
    assert "conflicts" not in body


@pytest.mark.parametrize("who", ["acme_manager", "acme_admin", "key"])
def test_api_check_gives_staff_and_keys_the_conflicts(world, in_tenant, held, who):
    response = _api(world, who, in_tenant).post(
        CHECK_API, {"customer_name": "Fabrikam", "customer_website": "fabrikam.example"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "protected"
    [conflict] = body["conflicts"]
    assert (conflict["deal"], conflict["reference"], conflict["partner"], conflict["status"], conflict["strong"]) == (
        held.pk, held.reference, "Northwind Traders", "approved", True,
    )
    assert [r["kind"] for r in conflict["reasons"]] == ["same_domain", "similar_name"]


def test_api_check_free_and_validation(world, in_tenant, held):
    client = _api(world, "contoso_rep", in_tenant)
    free = client.post(CHECK_API, {"customer_name": "Tailspin Toys"}, format="json").json()
    assert free == {"verdict": "free", "message": "Free: no active registration matches this customer.", "protected_until": None}
    missing = client.post(CHECK_API, {"customer_website": "fabrikam.example"}, format="json")
    assert missing.status_code == 400
    assert "customer_name" in missing.json()


# --- the database's candidates give the same answers as scoring every active deal -----------------

NAMES = [
    "Fabrikam, Inc.", "Fabrikam Europe GmbH", "Northwind Trader", "Northwind Traders", "Contoso Ltd",
    "Contosso", "Tailspin Toys", "Wingtip Toys", "Litware Incorporated", "Adventure-Works Cycles",
    "Deutsche Bahn", "Deutsche Bank AG", "First National Bank of Chicago", "Proseware", "Unknown Company",
    "Coho Winery", "Coho Vineyard", "",
]
EXISTING = [  # (partner, name, website, contact email, status)
    ("northwind", "Fabrikam, Inc.", "fabrikam.example", "a@fabrikam.example", "approved"),
    ("contoso", "Fabrikam Europe", "fabrikam.eu.example", "b@fabrikam.example", "submitted"),
    ("northwind", "Northwind Traders", "", "c@gmail.com", "more_info"),
    ("contoso", "Contoso, Ltd.", "contoso.example", "d@contoso.example", "submitted"),
    ("northwind", "Tailspin Toys", "", "e@tailspin.example", "approved"),
    ("contoso", "Litware Inc", "litware.example", "f@litware.example", "draft"),
    ("northwind", "Adventure Works Cycles", "adventure-works.example", "g@adventure-works.example", "won"),
    ("contoso", "Deutsche Bank AG", "db.example", "h@db.example", "submitted"),
    ("northwind", "First National Bank of Omaha", "fnbo.example", "i@fnbo.example", "approved"),
    ("contoso", "Coho Winery", "cohowinery.example", "j@contoso.example", "withdrawn"),
    ("northwind", "Prosewear", "", "k@yahoo.com", "submitted"),
]


@pytest.fixture
def corpus(world, in_tenant):
    with in_tenant(world.acme):
        for partner, name, site, email, status in EXISTING:
            by = world.northwind_rep.user if partner == "northwind" else world.contoso_rep.user
            make_deal(getattr(world, partner), by=by, status=status, staff=world.acme_manager.user,
                      customer_name=name, customer_website=site, contact_email=email)
    return world


def _brute_force(key):
    """Score every active registration in Python, the way the documentation defines a conflict."""
    bare = matching.CustomerKey(key.name_normalized, key.domain, key.email_domain, frozenset())
    expected = {}
    for deal in active_registrations():
        if matching.match_reasons(bare, matching.CustomerKey(deal.customer_name_normalized, deal.customer_domain,
                                                             deal.contact_email_domain, frozenset())):
            expected[deal.pk] = matching.match_reasons(key, key_of(deal))
    return expected


def _keys():
    for name in NAMES:
        slug = re.sub(r"[^a-z]", "", name.lower())[:12] or "none"
        yield key_for(customer_name=name)
        yield key_for(customer_name=name, customer_website=f"{slug}.example", contact_email=f"x@{slug}.example")
    yield key_for(customer_name="Nobody", contact_email="someone@fabrikam.example")
    yield key_for(customer_name="Nobody", customer_website="https://www.contoso.example/")


def test_find_conflicts_equals_brute_force(corpus, in_tenant):
    with in_tenant(corpus.acme):
        assert active_registrations().count() == 8
        found_any = 0
        for key in _keys():
            actual = {c.deal.pk: c.reasons for c in find_conflicts(key)}
            assert actual == _brute_force(key), key
            found_any += bool(actual)
    assert found_any >= 10  # the comparison is not trivially "nothing matches"


@pytest.mark.postgres
@postgres_only
def test_postgres_uses_the_trigram_candidates_and_agrees_with_python(corpus, in_tenant):
    assert connection.vendor == "postgresql"
    with in_tenant(corpus.acme):
        with CaptureQueriesContext(connection) as queries:
            find_conflicts(key_for(customer_name="Fabrikam"))
        sql = [q["sql"] for q in queries.captured_queries]
        assert any("set_limit" in s for s in sql)
        candidates = next(s for s in sql if "customer_name_normalized" in s and "dealreg_deal" in s)
        assert re.search(r'"customer_name_normalized"\s+%\s', candidates), candidates
        with connection.cursor() as cursor:
            cursor.execute("SELECT show_limit()")
            assert cursor.fetchone()[0] == pytest.approx(matching.NAME_SIMILARITY_THRESHOLD - 1e-4, abs=1e-6)
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'dealreg_deal'")
            assert "deal_name_trgm" in {row[0] for row in cursor.fetchall()}

        for key in _keys():
            actual = {c.deal.pk: c.reasons for c in find_conflicts(key)}
            assert actual == _brute_force(key), key
            # The trigram operator itself finds every name the Python rule calls similar.
            if key.name_normalized:
                similar = {pk for pk, reasons in actual.items() if any(r.kind == "similar_name" for r in reasons)}
                by_trigram = set(active_registrations().filter(customer_name_normalized__trigram_similar=key.name_normalized)
                                 .values_list("pk", flat=True))
                assert similar <= by_trigram, key


def test_partner_is_told_when_the_protected_registration_is_its_own(world, in_tenant):
    from datetime import date, timedelta
    from decimal import Decimal

    from dealreg.conflicts import find_conflicts, key_for, verdict_for
    from dealreg.services import deal_approve, deal_create, deal_submit

    with in_tenant(world.acme):
        deal = deal_create(partner=world.northwind, actor=world.northwind_rep.user, customer_name="Woodgrove Bank",
                           customer_website="woodgrovebank.example", contact_name="Ann", contact_email="ann@woodgrovebank.example",
                           value=Decimal("20000"), currency="USD", expected_close_date=date.today() + timedelta(days=40))
        deal_submit(deal=deal, actor=world.northwind_rep.user)
        deal_approve(deal=deal, actor=world.acme_manager.user)
        conflicts = find_conflicts(key_for(customer_name="Woodgrove Bank", customer_website="woodgrovebank.example"))
        assert verdict_for(conflicts, own_partner_id=world.northwind.pk).kind == "own"
        assert verdict_for(conflicts, own_partner_id=world.contoso.pk).kind == "protected"
        assert "Your company already registered" in verdict_for(conflicts, own_partner_id=world.northwind.pk).message
