"""The matrix's world, built once for the whole package.

It lives in a transaction opened before the first test and rolled back after the last; each test
runs in its own savepoint inside it (pytest-django's `db`), and each request in one more that is
rolled back (see probe.py). So every visitor of every test sees the same rows, for the cost of
building them once instead of once per test (the build was ~85 % of the matrix's run time).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from dealreg.models import ProductLine
from dealreg.services import deal_create
from prm.api.services import api_key_create
from prm.invitations.services import invitation_create
from prm.tenancy.context import rls_bypass, tenant_context
from prm.tenancy.models import Role
from surveys.models import Campaign, ImportBatch, PracticeNote, RelationshipSurvey, Survey, SurveyInvitation
from surveys.services import answer_record

from ...conftest import build_world
from ...factories import MembershipFactory, UserFactory

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def matrix(matrix_world, db):
    """The world, for a test that runs in its own savepoint (`db`) inside the world's transaction."""
    return matrix_world


@pytest.fixture(scope="package")
def matrix_world(django_db_setup, django_db_blocker):
    """`world` plus a Contoso admin, a second Northwind user, pending invitations at each partner, an API key per tenant,
    a draft deal per partner, and per tenant a survey world (see `_survey_world`)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with rls_bypass(reason="the matrix's test set-up"), override_settings(PASSWORD_HASHERS=FAST_HASHER):
                w = _build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield w
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _build():
    w = build_world()
    w.contoso_admin = MembershipFactory(tenant=w.acme, user=UserFactory(email="admin@contoso.example"), role=Role.PARTNER_ADMIN, partner=w.contoso)
    # Reactivation is tried on him (deactivated first), not on a partner user the matrix signs in as.
    w.northwind_alumnus = MembershipFactory(tenant=w.acme, user=UserFactory(email="alumnus@northwind.example"), role=Role.PARTNER_USER, partner=w.northwind)
    with tenant_context(w.acme):
        w.northwind_invitation, _ = invitation_create(tenant=w.acme, actor_membership=w.northwind_admin, email="new@northwind.example", role=Role.PARTNER_USER, partner=w.northwind)
        w.contoso_invitation, _ = invitation_create(tenant=w.acme, actor_membership=w.contoso_admin, email="new@contoso.example", role=Role.PARTNER_USER, partner=w.contoso)
        w.acme_key, w.acme_raw_key = api_key_create(tenant=w.acme, actor=w.acme_admin.user, name="Acme CRM")
        w.acme_product = ProductLine.objects.create(tenant=w.acme, name="Firewalls")
        w.northwind_deal = _draft_deal(w.northwind, w.northwind_rep.user, "Fabrikam Inc", "fabrikam.example")
        w.contoso_deal = _draft_deal(w.contoso, w.contoso_rep.user, "Tailspin Toys", "tailspintoys.example")
        _survey_world(w, "acme", w.acme, [w.northwind, w.contoso])
    with tenant_context(w.globex):
        _survey_world(w, "globex", w.globex, [w.initech])
        w.globex_product = ProductLine.objects.create(tenant=w.globex, name="Firewalls")
        w.initech_deal = _draft_deal(w.initech, w.initech_admin.user, "Umbrella Corp", "umbrella.example")
        w.initech_invitation, _ = invitation_create(tenant=w.globex, actor_membership=w.initech_admin, email="new@initech.example", role=Role.PARTNER_USER, partner=w.initech)
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
