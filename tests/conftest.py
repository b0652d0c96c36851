"""Shared fixtures: two tenants, two partners in one tenant, and a person in every role."""

import io
import os
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from prm.api.services import api_key_create
from prm.tenancy.context import rls_bypass, tenant_context
from prm.tenancy.models import Role
from prm.tenancy.rls import OWNER_ALIAS

from .factories import MembershipFactory, PartnerFactory, TenantFactory, UserFactory, tier_named


def _worker_redis(location: str, worker: str) -> str:
    """Each xdist worker gets its own Redis database: `cache.clear()` empties the whole database,
    so two workers sharing one would wipe each other's rate-limit and budget counters mid-test."""
    base, _, db = location.rpartition("/")
    return f"{base}/{(int(db or 0) - int(worker.removeprefix('gw'))) % 16}"


@pytest.fixture(autouse=True)
def _isolate(settings, tmp_path):
    settings.PRM_DOMAIN = "localhost"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    default_cache = settings.CACHES["default"]
    if worker and default_cache["BACKEND"].endswith("RedisCache"):
        settings.CACHES = {"default": {**default_cache, "LOCATION": _worker_redis(default_cache["LOCATION"], worker)}}
    # Fast hashing in tests only: password strength is not what these tests measure.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()  # rate-limit counters must not leak between tests
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _language_of_its_own():
    """A test that switches the language (a German page rendered in-process) does not leave it on for
    the tests after it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def django_db_serialized_rollback():
    """Every transactional test (browser journeys included) puts back what migrations wrote (content
    types, the beat schedule) after its flush. Mixing tests that do with tests that do not makes
    the next restoring test insert content types a plain flush had already recreated."""
    return True


@pytest.fixture(autouse=True)
def _test_code_crosses_tenants():
    """Test code itself (factories, fixtures, assertions) reads and writes across tenants. What the
    app does under test (a request, a task's per-tenant step, anything in `tenant_context`) runs
    with row-level security in force: entering a tenant ends the bypass."""
    with rls_bypass(reason="test set-up and assertions"):
        yield


_APP_ROLE_LOGIN = {}  # the app role's user and password while the owner makes the test database


def _connect_default_as(user, password):
    databases = django_settings.DATABASES
    databases["default"]["USER"], databases["default"]["PASSWORD"] = user, password
    connections["default"].close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, django_db_blocker):
    """With two roles (MIGRATE_DATABASE_URL set), the owner makes the roles and then creates and
    migrates the test database, as `migrate` does in production (see django_db_setup below)."""
    databases = django_settings.DATABASES
    if OWNER_ALIAS in databases:
        with django_db_blocker.unblock():
            call_command("db_roles", verbosity=0, stdout=io.StringIO())
        _APP_ROLE_LOGIN.update(user=databases["default"]["USER"], password=databases["default"].get("PASSWORD"))
        _connect_default_as(databases[OWNER_ALIAS]["USER"], databases[OWNER_ALIAS].get("PASSWORD"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Once the owner has made the test database, the suite connects as the app role."""
    databases = django_settings.DATABASES
    if OWNER_ALIAS not in databases:
        yield
        return
    connections[OWNER_ALIAS].close()  # it was open on the configured database, for db_roles
    databases[OWNER_ALIAS]["NAME"] = databases["default"]["NAME"]
    with django_db_blocker.unblock(), connections[OWNER_ALIAS].cursor() as cursor:
        # Test-only: pytest-django empties the tables after each transactional test with TRUNCATE.
        cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {django_settings.RLS_APP_ROLE}")
    connections[OWNER_ALIAS].close()
    _connect_default_as(**_APP_ROLE_LOGIN)
    yield
    _connect_default_as(databases[OWNER_ALIAS]["USER"], databases[OWNER_ALIAS].get("PASSWORD"))  # it drops the test database


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
    for tenant in (acme, globex):  # the usual ladder; the partners below are Silver
        for name in ("Registered", "Silver", "Gold"):
            tier_named(tenant, name)
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


@pytest.fixture
def key_client(world, in_tenant):
    """An integration calling acme's API with an acme key (channel-manager rights)."""
    with in_tenant(world.acme):
        _, raw = api_key_create(tenant=world.acme, actor=world.acme_admin.user, name="CRM")
    client = APIClient(HTTP_HOST="acme.localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client
