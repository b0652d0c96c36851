"""Times a person reads on the partner and project pages are in the program's time zone, named.

Acme runs its program on Berlin time. The partner's timeline, the invitation page and the API keys
page give each moment in Berlin's time with the zone's abbreviation (CET or CEST), so a reader
elsewhere knows which clock it means. The server's zone (UTC in tests) never shows.
"""

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from partners.services import partner_update
from prm.api.models import ApiKey
from prm.api.services import api_key_create
from prm.i18n.formatting import when
from prm.invitations.services import invitation_create
from prm.tenancy.models import Role, Tenant

BERLIN = "Europe/Berlin"
WINTER = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)  # 14:05 in Berlin


@pytest.fixture
def berlin(world):
    Tenant.objects.filter(pk=world.acme.pk).update(time_zone=BERLIN)
    world.acme.refresh_from_db()
    return world


def _in_berlin(moment):
    with timezone.override(BERLIN):
        return when(moment)


def test_the_partners_timeline_gives_times_in_the_programs_zone(berlin, in_tenant, client_as):
    with in_tenant(berlin.acme):
        partner_update(partner=berlin.northwind, actor=berlin.acme_manager.user, notes="Met at the fair")
    html = client_as(berlin.acme_manager).get(f"/manage/partners/{berlin.northwind.pk}/").content.decode()
    [shown] = re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", html)
    assert re.search(r"\b(CET|CEST)$", shown), shown
    assert "UTC" not in shown


def test_the_invitation_page_gives_its_expiry_in_the_programs_zone(berlin, in_tenant, anon_client):
    with in_tenant(berlin.acme):
        invitation, token = invitation_create(tenant=berlin.acme, actor_membership=berlin.northwind_admin, role=Role.PARTNER_USER,
                                              partner=berlin.northwind, email="new.rep@northwind.example")
    html = anon_client(berlin.acme).get(f"/invitations/{token}/").content.decode()
    expires = _in_berlin(invitation.expires_at)
    assert re.search(r"(CET|CEST)$", expires)
    assert f"This link works once and expires on {expires}." in html


def test_the_api_keys_page_gives_the_last_use_in_the_programs_zone(berlin, in_tenant, client_as):
    with in_tenant(berlin.acme):
        key, _ = api_key_create(tenant=berlin.acme, actor=berlin.acme_admin.user, name="CRM")
    ApiKey.unscoped.filter(pk=key.pk).update(last_used_at=WINTER)
    html = client_as(berlin.acme_admin).get("/manage/api-keys/").content.decode()
    assert "Dec. 2, 2026, 2:05 p.m. CET" in html
