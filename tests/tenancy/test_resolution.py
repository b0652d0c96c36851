"""Host → tenant: <slug>.<PRM_DOMAIN>, a verified custom domain, or the root domain; else 404."""

import pytest
from django.test import Client

from prm.tenancy.models import TenantDomain
from prm.tenancy.resolution import resolve_host


@pytest.mark.parametrize("host", ["acme.localhost", "ACME.localhost", "acme.localhost:8000", "acme.localhost."])
def test_slug_host_resolves_to_its_tenant(world, host):
    match = resolve_host(host)
    assert match.found and not match.is_root
    assert match.tenant == world.acme


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "LOCALHOST"])
def test_root_domain_is_not_a_tenant(world, host):
    match = resolve_host(host)
    assert match.found and match.is_root
    assert match.tenant is None


@pytest.mark.parametrize("host", ["nope.localhost", "a.acme.localhost", "acme.localhost.evil.example", "example.com"])
def test_unknown_or_nested_hosts_are_not_found(world, host):
    assert not resolve_host(host).found


def test_unknown_slug_is_a_404_page(world):
    response = Client(HTTP_HOST="nope.localhost").get("/")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_nested_subdomain_is_a_404_page(world):
    response = Client(HTTP_HOST="www.acme.localhost").get("/accounts/login/")
    assert response.status_code == 404
    assert b"Sign in" not in response.content


def test_verified_custom_domain_resolves(world, settings):
    TenantDomain.objects.create(tenant=world.acme, domain="Partners.Acme.Example.", is_verified=True)
    assert resolve_host("partners.acme.example").tenant == world.acme
    # Through the middleware too, once the host is allowed by the deployment.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "partners.acme.example"]
    response = Client(HTTP_HOST="partners.acme.example").get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in to Acme Networks" in response.content


def test_unverified_custom_domain_does_not_resolve(world, settings):
    TenantDomain.objects.create(tenant=world.acme, domain="partners.acme.example", is_verified=False)
    assert not resolve_host("partners.acme.example").found
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "partners.acme.example"]
    assert Client(HTTP_HOST="partners.acme.example").get("/accounts/login/").status_code == 404


def test_inactive_tenant_is_not_found(world):
    world.acme.is_active = False
    world.acme.save()
    TenantDomain.objects.create(tenant=world.acme, domain="partners.acme.example", is_verified=True)
    assert not resolve_host("acme.localhost").found
    assert not resolve_host("partners.acme.example").found
    assert Client(HTTP_HOST="acme.localhost").get("/accounts/login/").status_code == 404


def test_tenant_host_serves_its_own_sign_in_page(world):
    response = Client(HTTP_HOST="globex.localhost").get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in to Globex Systems" in response.content
    assert b"Acme" not in response.content


def test_root_domain_page_lists_no_tenants(world, settings):
    settings.PRODUCTION = True  # outside production it lists the programs on this machine (tests/demo/test_root_page.py)
    response = Client(HTTP_HOST="localhost").get("/")
    assert response.status_code == 200
    assert b"partner relationship management" in response.content
    for text in (b"Acme Networks", b"Globex Systems", b"acme.localhost", b"globex.localhost"):
        assert text not in response.content
