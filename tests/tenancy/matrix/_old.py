"""The cross-tenant matrix: every URL and every API operation, as every kind of visitor.

For each page: anonymous visitors are sent to sign in, lower roles get 403, the wrong tenant's
session is ended, objects of another tenant or another partner are a 404 that is byte-for-byte
the 404 of an id that does not exist, and unknown or root hosts are 404. A URL or API operation
with no entry here fails `test_every_url_is_covered` / `test_every_api_operation_is_covered`.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from django.utils import timezone

from dealreg.models import ProductLine
from surveys.models import Campaign, ImportBatch, PracticeNote, RelationshipSurvey, Survey, SurveyInvitation
from surveys.services import answer_record
from dealreg.services import deal_create
from prm.api.services import api_key_create
from prm.invitations.services import invitation_create
from prm.tenancy.context import tenant_context
from prm.tenancy.models import Role

from ..factories import MembershipFactory, UserFactory

TA, CM, PA, PU = Role.TENANT_ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER_ADMIN, Role.PARTNER_USER
STAFF = frozenset({TA, CM})
PARTNER = frozenset({PA, PU})
EVERYONE = STAFF | PARTNER
MISSING_ID = 987654321


@dataclass
class Page:
    """One URL: who may use it, and how to point it at our object and at someone else's."""

    allowed: frozenset
    method: str = "get"
    own: Callable = lambda w: {}
    foreign: list = field(default_factory=list)  # callables giving kwargs of objects we must not reach
    ok: tuple = (200,)


def _pk(attr, **extra):
    return lambda w: {"pk": getattr(w, attr).pk, **extra}


PAGES = {
    "dashboard_home": Page(STAFF),
    "partners:dashboard_list": Page(STAFF),
    "partners:dashboard_create": Page(STAFF),
    "partners:dashboard_detail": Page(STAFF, own=_pk("northwind"), foreign=[_pk("initech")]),
    "partners:dashboard_edit": Page(STAFF, own=_pk("northwind"), foreign=[_pk("initech")]),
    "partners:dashboard_invite": Page(STAFF, "post", _pk("northwind"), [_pk("initech")], ok=(302, 400)),
    "partners:dashboard_deactivate": Page(STAFF, "post", _pk("northwind"), [_pk("initech")], ok=(302,)),
    "partners:dashboard_reactivate": Page(STAFF, "post", _pk("northwind"), [_pk("initech")], ok=(302,)),
    "team": Page(frozenset({TA})),
    "membership_deactivate": Page(STAFF, "post", _pk("northwind_rep"), [_pk("initech_admin")], ok=(302,)),
    "membership_reactivate": Page(STAFF, "post", _pk("northwind_rep"), [_pk("initech_admin")], ok=(302,)),
    "invitation_revoke": Page(STAFF, "post", _pk("northwind_invitation"), [_pk("initech_invitation")], ok=(302,)),
    "invitation_resend": Page(STAFF, "post", _pk("northwind_invitation"), [_pk("initech_invitation")], ok=(302,)),
    "api_keys": Page(frozenset({TA})),
    "api_key_revoke": Page(frozenset({TA}), "post", _pk("acme_key"), [_pk("globex_key")], ok=(302,)),
    "dealreg:dashboard_list": Page(STAFF),
    "dealreg:dashboard_queue": Page(STAFF),
    "dealreg:dashboard_bulk_approve": Page(STAFF, "post", ok=(302,)),
    "dealreg:dashboard_export": Page(STAFF, own=lambda w: {"fmt": "csv"}),
    "dealreg:dashboard_detail": Page(STAFF, own=_pk("northwind_deal"), foreign=[_pk("initech_deal")]),
    "dealreg:dashboard_approve": Page(STAFF, "post", _pk("northwind_deal"), [_pk("initech_deal")], ok=(302,)),
    "dealreg:dashboard_decide": Page(
        STAFF, "post", _pk("northwind_deal", decision="reject"), [_pk("initech_deal", decision="reject")], ok=(302, 400)
    ),
    "dealreg:rules": Page(frozenset({TA})),
    "dealreg:product_lines": Page(STAFF),
    "dealreg:product_line_toggle": Page(STAFF, "post", _pk("acme_product"), [_pk("globex_product")], ok=(302,)),
    "dealreg:portal_list": Page(PARTNER),
    "dealreg:portal_create": Page(PARTNER),
    "dealreg:portal_check": Page(PARTNER, "post"),
    "dealreg:portal_detail": Page(PARTNER, own=_pk("northwind_deal"), foreign=[_pk("contoso_deal"), _pk("initech_deal")]),
    "dealreg:portal_edit": Page(PARTNER, own=_pk("northwind_deal"), foreign=[_pk("contoso_deal"), _pk("initech_deal")]),
    "dealreg:portal_action": Page(
        PARTNER, "post", _pk("northwind_deal", action="withdraw"),
        [_pk("contoso_deal", action="withdraw"), _pk("initech_deal", action="withdraw")], ok=(302,),
    ),
    "surveys:dashboard_home": Page(STAFF),
    "surveys:dashboard_run": Page(STAFF, "post", ok=(302,)),
    "surveys:dashboard_export": Page(STAFF, own=lambda w: {"fmt": "csv"}),
    "surveys:dashboard_partner": Page(STAFF, own=_pk("northwind"), foreign=[_pk("initech")]),
    "surveys:dashboard_follow_ups": Page(STAFF),
    "surveys:dashboard_practice_hide": Page(STAFF, "post", _pk("acme_note"), [_pk("globex_note")], ok=(302,)),
    "surveys:dashboard_surveys": Page(STAFF),
    "surveys:dashboard_survey_edit": Page(STAFF, own=_pk("acme_survey"), foreign=[_pk("globex_survey")]),
    "surveys:dashboard_campaigns": Page(STAFF),
    "surveys:dashboard_import_confirm": Page(STAFF, "post", _pk("northwind_batch"), [_pk("initech_batch")], ok=(302,)),
    "surveys:dashboard_campaign": Page(STAFF, own=_pk("northwind_campaign"), foreign=[_pk("initech_campaign")]),
    "surveys:settings": Page(frozenset({TA})),
    "surveys:relationship_list": Page(STAFF),
    "surveys:relationship_results": Page(STAFF, own=_pk("acme_pulse"), foreign=[_pk("globex_pulse")]),
    "surveys:portal_home": Page(PARTNER),
    "surveys:portal_follow_ups": Page(PARTNER),
    "surveys:portal_follow_up": Page(PARTNER, own=_pk("northwind_case"), foreign=[_pk("contoso_case"), _pk("initech_case")]),
    "surveys:portal_campaigns": Page(frozenset({PA})),
    "surveys:portal_import_confirm": Page(
        frozenset({PA}), "post", _pk("northwind_batch"), [_pk("contoso_batch"), _pk("initech_batch")], ok=(302,)
    ),
    "surveys:portal_campaign": Page(
        frozenset({PA}), own=_pk("northwind_campaign"), foreign=[_pk("contoso_campaign"), _pk("initech_campaign")]
    ),
    "portal_home": Page(PARTNER),
    "portal:team": Page(PARTNER),
    "portal:member_deactivate": Page(
        frozenset({PA}), "post", _pk("northwind_rep"), [_pk("contoso_rep"), _pk("initech_admin")], ok=(302,)
    ),
    "portal:member_reactivate": Page(
        frozenset({PA}), "post", _pk("northwind_rep"), [_pk("contoso_rep"), _pk("initech_admin")], ok=(302,)
    ),
    "portal:invitation_resend": Page(
        frozenset({PA}), "post", _pk("northwind_invitation"), [_pk("contoso_invitation"), _pk("initech_invitation")], ok=(302,)
    ),
    "portal:invitation_revoke": Page(
        frozenset({PA}), "post", _pk("northwind_invitation"), [_pk("contoso_invitation"), _pk("initech_invitation")], ok=(302,)
    ),
}

# Public pages: reachable without an account on a tenant host; 404 on unknown hosts.
PUBLIC = {
    "home": {},
    "invitation_accept": {"token": "not-a-real-token"},
    "api_schema": {},
    "api_docs": {},
    "account_login": {},
    "account_signup": {},
    "account_inactive": {},
    "account_reset_password": {},
    "account_reset_password_done": {},
    "account_reset_password_from_key": {"uidb36": "1", "key": "set-password"},
    "account_reset_password_from_key_done": {},
    "account_email_verification_sent": {},
    "account_confirm_email": {"key": "bogus-key"},
    "account_confirm_login_code": {},
    "mfa_authenticate": {},
    "account_logout": {},
    "survey_thanks": {},
    "survey_answer": {"token": "forged-token"},
    "survey_unsubscribe": {"token": "forged-token"},
    "relationship_answer": {"token": "forged-token"},
}

# Account pages: about the signed-in person only, so the checks are "sign in first" and "no 5xx".
ACCOUNT = [
    "account_reauthenticate", "account_email", "account_change_password", "account_set_password",
    "mfa_index", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
]

# The API's URL names are covered operation by operation below.
API_NAMES = {"survey-list", "survey-detail", "survey-invitation-list", "survey-invitation-detail", "survey-answer-list",
             "survey-answer-detail", "ranking-list", "follow-up-list", "follow-up-detail", "follow-up-record",
             "partner-list", "partner-detail", "partner-deactivate", "partner-reactivate", "membership-list",
             "membership-detail", "deal-list", "deal-detail", "deal-check", "deal-submit", "deal-withdraw", "deal-win",
             "deal-lose", "deal-extend", "deal-approve", "deal-reject", "deal-request-info"}


def _all_url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                yield from walk(pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern

    return list(walk(get_resolver().url_patterns))


def test_every_url_is_covered():
    covered = set(PAGES) | set(PUBLIC) | set(ACCOUNT) | API_NAMES
    uncovered = sorted(
        name or str(pattern.pattern)
        for name, pattern in _all_url_names()
        if not (name or "").startswith("admin:") and name not in covered
    )
    assert uncovered == [], f"URLs missing from the cross-tenant matrix: {uncovered}"


def test_every_admin_view_is_root_domain_only():
    admin_views = [pattern for name, pattern in _all_url_names() if (name or "").startswith("admin:")]
    assert admin_views
    assert all(getattr(p.callback, "root_domain_only", False) for p in admin_views)


# ---------------------------------------------------------------------------------------------
# The world the matrix runs in


@pytest.fixture
def matrix(world):
    """`world` plus a Contoso admin, pending invitations at each partner, and an API key per tenant."""
    w = world
    w.contoso_admin = MembershipFactory(tenant=w.acme, user=UserFactory(email="admin@contoso.example"), role=PA, partner=w.contoso)
    with tenant_context(w.acme):
        w.northwind_invitation, _ = invitation_create(tenant=w.acme, actor_membership=w.northwind_admin, email="new@northwind.example", role=PU, partner=w.northwind)
        w.contoso_invitation, _ = invitation_create(tenant=w.acme, actor_membership=w.contoso_admin, email="new@contoso.example", role=PU, partner=w.contoso)
        w.acme_key, w.acme_raw_key = api_key_create(tenant=w.acme, actor=w.acme_admin.user, name="Acme CRM")
        w.acme_product = ProductLine.objects.create(tenant=w.acme, name="Firewalls")
        w.northwind_deal = _draft_deal(w.northwind, w.northwind_rep.user, "Fabrikam Inc", "fabrikam.example")
        w.contoso_deal = _draft_deal(w.contoso, w.contoso_rep.user, "Tailspin Toys", "tailspintoys.example")
        _survey_world(w, "acme", w.acme, [w.northwind, w.contoso])
    with tenant_context(w.globex):
        _survey_world(w, "globex", w.globex, [w.initech])
        w.globex_product = ProductLine.objects.create(tenant=w.globex, name="Firewalls")
        w.initech_deal = _draft_deal(w.initech, w.initech_admin.user, "Umbrella Corp", "umbrella.example")
        w.initech_invitation, _ = invitation_create(tenant=w.globex, actor_membership=w.initech_admin, email="new@initech.example", role=PU, partner=w.initech)
        w.globex_key, w.globex_raw_key = api_key_create(tenant=w.globex, actor=w.globex_admin.user, name="Globex CRM")
    return w


def _survey_world(w, label, tenant, partners):
    """A survey, and per partner an import batch, a campaign and a detractor follow-up case."""
    survey = Survey.objects.create(tenant=tenant, name=f"{label} survey")
    setattr(w, f"{label}_survey", survey)
    setattr(w, f"{label}_pulse", RelationshipSurvey.objects.create(tenant=tenant, name="Pulse", closes_on=date.today()))
    setattr(w, f"{label}_note", PracticeNote.objects.create(tenant=tenant, partner=partners[0], text="We call back within a day."))
    for partner in partners:
        key = partner.name.split()[0].lower()
        campaign = Campaign.objects.create(tenant=tenant, survey=survey, name=f"{key} campaign", partner=partner)
        batch = ImportBatch.objects.create(tenant=tenant, survey=survey, name=f"{key} import", partner=partner, filename="x.csv",
                                           rows=[{"line": 2, "email": f"c@{key}-customer.example", "name": "C", "company": "C",
                                                  "partner_id": partner.pk, "partner": partner.name, "suppressed": False}])
        invitation = SurveyInvitation.objects.create(tenant=tenant, survey=survey, partner=partner, campaign=campaign,
                                                     email=f"unhappy@{key}-customer.example", send_after=timezone.now())
        answer = answer_record(invitation=invitation, score=2, comment="Slow")
        setattr(w, f"{key}_campaign", campaign)
        setattr(w, f"{key}_batch", batch)
        setattr(w, f"{key}_case", answer.follow_up)


def _draft_deal(partner, user, customer, domain):
    return deal_create(
        partner=partner, actor=user, customer_name=customer, customer_website=domain, contact_name="Pat Doe",
        contact_email=f"pat@{domain}", value=Decimal("25000"), currency="USD",
        expected_close_date=date.today() + timedelta(days=60),
    )


def _actors(w):
    """Signed-in members of Acme, by role, on acme.localhost."""
    return {TA: w.acme_admin, CM: w.acme_manager, PA: w.northwind_admin, PU: w.northwind_rep}


def _request(client, method, url, **extra):
    """Each request runs in a savepoint that is rolled back, so every visitor sees the same world."""
    with transaction.atomic():
        response = getattr(client, method)(url, **extra)
        transaction.set_rollback(True)
    return response


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# ---------------------------------------------------------------------------------------------
# Pages


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access_by_role(name, matrix, client_as, anon_client):
    page = PAGES[name]
    url = reverse(name, kwargs=page.own(matrix))
    assert _is_login_redirect(_request(anon_client(matrix.acme), page.method, url)), "anonymous must sign in first"
    for role, member in _actors(matrix).items():
        response = _request(client_as(member), page.method, url)
        if role in page.allowed:
            assert response.status_code in page.ok, f"{role} should reach {name}, got {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} must be refused {name}, got {response.status_code}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_refuses_the_other_tenant(name, matrix, client_as):
    page = PAGES[name]
    url = reverse(name, kwargs=page.own(matrix))
    # A Globex session carried to Acme's host is ended, not honoured.
    response = _request(client_as(matrix.globex_admin, host="acme.localhost"), page.method, url)
    assert _is_login_redirect(response)
    # On its own host, Globex reaches Acme's objects by id only as a 404; its lists hold no Acme rows.
    globex_member = matrix.globex_admin if page.allowed & STAFF else matrix.initech_admin
    response = _request(client_as(globex_member), page.method, url)
    if "pk" in page.own(matrix):
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 302, 400, 403)
        assert b"Northwind" not in response.content and b"Contoso" not in response.content


@pytest.mark.parametrize("name", sorted(n for n, p in PAGES.items() if p.foreign))
def test_foreign_object_is_the_same_404_as_a_missing_one(name, matrix, client_as):
    page = PAGES[name]
    member = matrix.acme_admin if page.allowed & STAFF else matrix.northwind_admin
    client = client_as(member)
    missing = _request(client, page.method, reverse(name, kwargs={**page.own(matrix), "pk": MISSING_ID}))
    assert missing.status_code == 404
    for foreign in page.foreign:
        response = _request(client, page.method, reverse(name, kwargs=foreign(matrix)))
        assert response.status_code == 404
        assert response.content == missing.content


@pytest.mark.parametrize("name", sorted(PAGES) + sorted(PUBLIC))
@pytest.mark.parametrize("host", ["nope.localhost", "acme.example.com", "a.acme.localhost"])
def test_unknown_hosts_are_404(name, host, matrix, settings):
    settings.ALLOWED_HOSTS = ["*"]
    kwargs = PAGES[name].own(matrix) if name in PAGES else PUBLIC[name]
    response = Client(HTTP_HOST=host).get(reverse(name, kwargs=kwargs))  # unknown host: 404 before any view
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(PAGES))
def test_tenant_pages_are_404_on_the_root_domain(name, matrix):
    page = PAGES[name]
    response = _request(Client(HTTP_HOST="localhost"), page.method, reverse(name, kwargs=page.own(matrix)))
    assert response.status_code == 404


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_need_no_account_and_leak_nothing(name, matrix, anon_client):
    response = anon_client(matrix.acme).get(reverse(name, kwargs=PUBLIC[name]))
    assert response.status_code < 500
    assert b"Globex" not in response.content and b"Initech" not in response.content


def test_signup_is_closed(matrix, anon_client):
    response = anon_client(matrix.acme).post(
        reverse("account_signup"), {"email": "intruder@example.com", "password1": "a-long-password-1", "password2": "a-long-password-1"}
    )
    assert response.status_code != 302
    assert not UserFactory._meta.model.objects.filter(email="intruder@example.com").exists()


@pytest.mark.parametrize("name", ACCOUNT)
def test_account_pages_need_sign_in(name, matrix, anon_client, client_as):
    url = reverse(name)
    assert _is_login_redirect(anon_client(matrix.acme).get(url))
    response = client_as(matrix.northwind_rep).get(url)
    assert response.status_code in (200, 302, 404)  # 404: e.g. no TOTP to deactivate yet
    assert b"Globex" not in response.content


# ---------------------------------------------------------------------------------------------
# API operations


@dataclass
class Op:
    allowed: frozenset  # roles by session; the tenant's API key acts as a channel manager
    own: Callable = lambda w: {}
    other_tenant: list = field(default_factory=list)  # 404 for everyone
    other_partner: list = field(default_factory=list)  # same tenant: 404 for partner users only
    body: Callable = lambda w: {}
    ok: tuple = (200,)
    partner_sees_own_only: bool = False


def _new_partner(w):
    return {"name": "Brand New Partner", "country": "FR"}


def _new_deal(w):
    return {"partner": w.northwind.pk, "customer_name": "Initrode", "customer_website": "initrode.example",
            "contact_name": "Kim Ro", "contact_email": "kim@initrode.example", "value": "12000.00",
            "currency": "USD", "expected_close_date": str(date.today() + timedelta(days=30))}


def _answer_pk(partner_key, attr=None):
    """The detractor answer of a partner's follow-up case (or the invitation behind it)."""
    def kwargs(w):
        answer = getattr(w, f"{partner_key}_case").answer
        return {"pk": getattr(answer, attr).pk if attr else answer.pk}

    return kwargs


def _deal_op(allowed=EVERYONE, **kwargs):
    """A deal operation on Northwind's draft deal; the outcome may be a refused transition (400)."""
    kwargs.setdefault("ok", (200, 400))
    return Op(allowed, _pk("northwind_deal"), [_pk("initech_deal")], [_pk("contoso_deal")], **kwargs)


API = {
    ("/api/v1/partners/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/partners/", "post"): Op(STAFF, body=_new_partner, ok=(201,)),
    ("/api/v1/partners/{id}/", "get"): Op(EVERYONE, _pk("northwind"), [_pk("initech")], [_pk("contoso")]),
    ("/api/v1/partners/{id}/", "put"): Op(STAFF, _pk("northwind"), [_pk("initech")], body=lambda w: {"name": "Northwind Traders", "tier": "Platinum"}),
    ("/api/v1/partners/{id}/", "patch"): Op(STAFF, _pk("northwind"), [_pk("initech")], body=lambda w: {"tier": "Platinum"}),
    ("/api/v1/partners/{id}/deactivate/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")], body=lambda w: {"reason": "test"}),
    ("/api/v1/partners/{id}/reactivate/", "post"): Op(STAFF, _pk("northwind"), [_pk("initech")], ok=(200, 400)),
    ("/api/v1/memberships/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/memberships/{id}/", "get"): Op(EVERYONE, _pk("northwind_rep"), [_pk("initech_admin")], [_pk("contoso_rep")]),
    ("/api/v1/deals/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/deals/", "post"): Op(EVERYONE, body=_new_deal, ok=(201,)),
    ("/api/v1/deals/conflict-check/", "post"): Op(EVERYONE, body=lambda w: {"customer_name": "Fabrikam", "customer_website": "fabrikam.example"}),
    ("/api/v1/deals/{id}/", "get"): _deal_op(ok=(200,)),
    ("/api/v1/deals/{id}/", "put"): _deal_op(body=lambda w: {**_new_deal(w), "customer_name": "Fabrikam Inc"}, ok=(200,)),
    ("/api/v1/deals/{id}/", "patch"): _deal_op(body=lambda w: {"notes": "Budget confirmed"}, ok=(200,)),
    ("/api/v1/deals/{id}/submit/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/withdraw/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/win/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/lose/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/extend/", "post"): _deal_op(),
    ("/api/v1/deals/{id}/approve/", "post"): _deal_op(STAFF),
    ("/api/v1/deals/{id}/reject/", "post"): _deal_op(STAFF, body=lambda w: {"text": "Direct account"}),
    ("/api/v1/deals/{id}/request-info/", "post"): _deal_op(STAFF, body=lambda w: {"text": "Which sites?"}),
    ("/api/v1/surveys/", "get"): Op(STAFF),
    ("/api/v1/surveys/", "post"): Op(STAFF, body=lambda w: {"name": "Quarterly pulse", "language": "de"}, ok=(201,)),
    ("/api/v1/surveys/{id}/", "get"): Op(STAFF, _pk("acme_survey"), [_pk("globex_survey")]),
    ("/api/v1/surveys/{id}/", "put"): Op(STAFF, _pk("acme_survey"), [_pk("globex_survey")], body=lambda w: {"name": "Renamed"}),
    ("/api/v1/surveys/{id}/", "patch"): Op(STAFF, _pk("acme_survey"), [_pk("globex_survey")], body=lambda w: {"ask_effort": False}),
    ("/api/v1/survey-invitations/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/survey-invitations/{id}/", "get"): Op(EVERYONE, _answer_pk("northwind", "invitation"),
                                                    [_answer_pk("initech", "invitation")], [_answer_pk("contoso", "invitation")]),
    ("/api/v1/survey-answers/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/survey-answers/{id}/", "get"): Op(EVERYONE, _answer_pk("northwind"), [_answer_pk("initech")], [_answer_pk("contoso")]),
    ("/api/v1/rankings/", "get"): Op(EVERYONE),
    ("/api/v1/follow-ups/", "get"): Op(EVERYONE, partner_sees_own_only=True),
    ("/api/v1/follow-ups/{id}/", "get"): Op(EVERYONE, _pk("northwind_case"), [_pk("initech_case")], [_pk("contoso_case")]),
    ("/api/v1/follow-ups/{id}/record/", "post"): Op(EVERYONE, _pk("northwind_case"), [_pk("initech_case")], [_pk("contoso_case")],
                                                    body=lambda w: {"contacted": True, "root_cause": "Slow support"}),
}


def _api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(path, method) for path, item in schema["paths"].items() for method in item if path.startswith("/api/v1/")}


def test_every_api_operation_is_covered(db):
    assert _api_operations() - set(API) == set(), "API operations missing from the cross-tenant matrix"
    assert set(API) - _api_operations() == set(), "matrix lists API operations that no longer exist"


def _api_url(path, kwargs):
    return path.replace("{id}", str(kwargs.get("pk", "")))


def _api_call(client, method, url, body, **extra):
    if method == "get":
        return _request(client, method, url, **extra)
    return _request(client, method, url, data=body, content_type="application/json", **extra)


@pytest.mark.parametrize("operation", sorted(API), ids=lambda o: f"{o[1]} {o[0]}")
def test_api_operation_access(operation, matrix, client_as, anon_client):
    path, method = operation
    op = API[operation]
    url = _api_url(path, op.own(matrix))
    body = op.body(matrix)
    assert _api_call(anon_client(matrix.acme), method, url, body).status_code in (401, 403)
    for role, member in _actors(matrix).items():
        response = _api_call(client_as(member), method, url, body)
        if role in op.allowed:
            assert response.status_code in op.ok, f"{role}: {response.status_code} {response.content[:200]}"
            if op.partner_sees_own_only and role in PARTNER:
                rows = response.json()["results"]
                assert rows and {r.get("partner", r["id"]) for r in rows} == {matrix.northwind.pk}
        else:
            assert response.status_code == 403, f"{role} must be refused, got {response.status_code}"
    key_auth = {"HTTP_AUTHORIZATION": f"Api-Key {matrix.acme_raw_key}"}
    assert _api_call(anon_client(matrix.acme), method, url, body, **key_auth).status_code in op.ok
    # Globex's key on Acme's host, and a Globex session carried over, are both refused.
    other_key = {"HTTP_AUTHORIZATION": f"Api-Key {matrix.globex_raw_key}"}
    assert _api_call(anon_client(matrix.acme), method, url, body, **other_key).status_code == 401
    carried = _api_call(client_as(matrix.globex_admin, host="acme.localhost"), method, url, body)
    assert carried.status_code in (401, 403)


@pytest.mark.parametrize("operation", sorted(o for o, op in API.items() if op.other_tenant), ids=lambda o: f"{o[1]} {o[0]}")
def test_api_foreign_ids_are_the_same_404_as_missing(operation, matrix, client_as, anon_client):
    path, method = operation
    op = API[operation]
    body = op.body(matrix)
    key = {"HTTP_AUTHORIZATION": f"Api-Key {matrix.acme_raw_key}"}
    callers = [(anon_client(matrix.acme), key, op.other_tenant)]
    if PU in op.allowed:  # partner users reach their own partner's rows only
        callers.append((client_as(matrix.northwind_rep), {}, op.other_tenant + op.other_partner))
    for client, extra, foreign in callers:
        missing = _api_call(client, method, _api_url(path, {"pk": MISSING_ID}), body, **extra)
        assert missing.status_code == 404
        for kwargs in foreign:
            response = _api_call(client, method, _api_url(path, kwargs(matrix)), body, **extra)
            assert response.status_code == 404
            assert response.content == missing.content


@pytest.mark.parametrize("operation", sorted(API), ids=lambda o: f"{o[1]} {o[0]}")
def test_api_is_404_on_root_and_unknown_hosts(operation, matrix, settings):
    settings.ALLOWED_HOSTS = ["*"]
    path, method = operation
    op = API[operation]
    url = _api_url(path, op.own(matrix))
    for host in ("localhost", "nope.localhost"):
        response = _api_call(Client(HTTP_HOST=host), method, url, op.body(matrix),
                             HTTP_AUTHORIZATION=f"Api-Key {matrix.acme_raw_key}")
        assert response.status_code in (401, 404), f"{host}: {response.status_code}"
        assert b"Northwind" not in response.content
