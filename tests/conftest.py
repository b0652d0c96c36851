"""Shared fixtures: two tenants, two partners in one tenant, and a person in every role."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from prm.tenancy.context import tenant_context
from prm.tenancy.models import Role

from .factories import MembershipFactory, PartnerFactory, TenantFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolate(settings, tmp_path):
    settings.PRM_DOMAIN = "localhost"
    # Fast hashing in tests only: password strength is not what these tests measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    cache.clear()  # rate-limit counters must not leak between tests
    yield
    cache.clear()


def _member(tenant, email, role, partner=None):
    return MembershipFactory(tenant=tenant, user=UserFactory(email=email), role=role, partner=partner)


@pytest.fixture
def world(db):
    """acme (partners northwind, contoso) and globex (partner initech), with a member in every role."""
    return build_world()


def build_world():
    """The `world` fixture's rows; the cross-tenant matrix builds them once for all its tests."""
    acme = TenantFactory(slug="acme", name="Acme Networks")
    globex = TenantFactory(slug="globex", name="Globex Systems")
    northwind = PartnerFactory(tenant=acme, name="Northwind Traders", website="https://northwind.example", domain="northwind.example")
    contoso = PartnerFactory(tenant=acme, name="Contoso Integration")
    initech = PartnerFactory(tenant=globex, name="Initech Solutions")
    return SimpleNamespace(
        acme=acme, globex=globex, northwind=northwind, contoso=contoso, initech=initech,
        acme_admin=_member(acme, "admin@acme.example", Role.TENANT_ADMIN),
        acme_manager=_member(acme, "manager@acme.example", Role.CHANNEL_MANAGER),
        northwind_admin=_member(acme, "admin@northwind.example", Role.PARTNER_ADMIN, northwind),
        northwind_rep=_member(acme, "rep@northwind.example", Role.PARTNER_USER, northwind),
        contoso_rep=_member(acme, "rep@contoso.example", Role.PARTNER_USER, contoso),
        globex_admin=_member(globex, "admin@globex.example", Role.TENANT_ADMIN),
        globex_manager=_member(globex, "manager@globex.example", Role.CHANNEL_MANAGER),
        initech_admin=_member(globex, "admin@initech.example", Role.PARTNER_ADMIN, initech),
    )


def host_of(tenant):
    return f"{tenant.slug}.localhost"


@pytest.fixture
def client_as():
    """client_as(membership) → a test client signed in as that member, on that member's tenant host."""

    def make(membership, host=None):
        client = Client(HTTP_HOST=host or host_of(membership.tenant))
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def anon_client():
    def make(tenant):
        return Client(HTTP_HOST=host_of(tenant))

    return make


@pytest.fixture
def in_tenant():
    """with in_tenant(tenant): ... — puts a tenant in force for direct service/ORM calls in tests."""
    return tenant_context
