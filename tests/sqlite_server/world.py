"""Builds a small world in the database that DATABASE_URL names, for the server tests, and prints
what the requests need as JSON: 20 survey links, 20 submitted deals and a manager's session.

Run as `python -m tests.sqlite_server.world` after `manage.py migrate`.
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
django.setup()

from django.conf import settings  # noqa: E402 — after setup
from django.test import Client  # noqa: E402

from prm.tenancy.context import tenant_context  # noqa: E402
from prm.tenancy.models import Role  # noqa: E402
from surveys.tokens import answer_token  # noqa: E402
from tests.dealreg.helpers import make_deal  # noqa: E402
from tests.factories import MembershipFactory, PartnerFactory, TenantFactory, UserFactory  # noqa: E402
from tests.surveys.helpers import make_invitation, make_survey  # noqa: E402

COUNT = 20


def build():
    acme = TenantFactory(slug="acme", name="Acme Networks")
    northwind = PartnerFactory(tenant=acme, name="Northwind Traders")
    manager = MembershipFactory(tenant=acme, user=UserFactory(email="manager@acme.example"),
                                role=Role.CHANNEL_MANAGER)
    rep = MembershipFactory(tenant=acme, user=UserFactory(email="rep@northwind.example"), role=Role.PARTNER_USER,
                            partner=northwind)
    survey = make_survey(acme, "After the project")
    invitations = [make_invitation(survey, northwind, f"customer{n}@example.com") for n in range(COUNT)]
    with tenant_context(acme):
        deals = [make_deal(northwind, by=rep.user, status="submitted") for _ in range(COUNT)]
    client = Client()
    client.force_login(manager.user, backend="django.contrib.auth.backends.ModelBackend")
    return {
        "host": f"acme.{settings.PRM_DOMAIN}",
        "answer_tokens": [answer_token(invitation) for invitation in invitations],
        "deal_ids": [deal.pk for deal in deals],
        "manager_session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


if __name__ == "__main__":
    print(json.dumps(build()))
