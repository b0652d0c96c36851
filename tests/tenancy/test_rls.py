"""Row-level security, the database's own wall between tenants (PostgreSQL; see prm/tenancy/rls.py).

The suite connects as the app role (DATABASE_URL) once MIGRATE_DATABASE_URL names the owner, as
`.ci/run` does. Test code runs with a bypass (tests/conftest.py); `tenant_context(None)` ends it,
which is exactly "no tenant set".
"""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import ProgrammingError, connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory

from dealreg.models import Deal, ProductLine
from partners.models import Partner
from prm.tenancy import loops
from prm.tenancy.context import rls_bypass, tenant_context
from prm.tenancy.middleware import TenantMiddleware
from prm.tenancy.rls import LEAKPROOF_FUNCTIONS, POLICY_NAME, TENANT_SETTING, link_tables, statement_prefix, tenant_owned_tables
from tests.dealreg.helpers import make_deal

postgres_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)"
)


@pytest.fixture
def as_app_role(db):
    """The tests below mean something only as a role that RLS binds. CI always runs them so."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = session_user")
        [bypasses] = cursor.fetchone()
    if bypasses:
        message = "connected as a role that bypasses RLS: set MIGRATE_DATABASE_URL (owner) and DATABASE_URL (app role)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _rows(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _tenants_in(table):
    return {tenant_id for (tenant_id,) in _rows(f"SELECT DISTINCT tenant_id FROM {table}")}


# -- the wrapper's statement, on any database ------------------------------------------------------

def test_prefix_names_the_tenant_in_force(world):
    with tenant_context(world.acme):
        prefix = statement_prefix(in_transaction=False)
    assert f"set_config('{TENANT_SETTING}', '{world.acme.pk}', true)" in prefix


def test_prefix_in_a_transaction_clears_a_tenant_set_earlier_in_it():
    with tenant_context(None):
        assert f"set_config('{TENANT_SETTING}', '', true)" in statement_prefix(in_transaction=True)
        assert statement_prefix(in_transaction=False) == ""  # autocommit: earlier settings are gone


def test_prefix_under_a_bypass_switches_to_the_batch_role_and_back(settings):
    settings.RLS_BATCH_ROLE = "prm_batch"
    with tenant_context(None):
        with rls_bypass(reason="test"):
            assert "set_config('role', 'prm_batch', true)" in statement_prefix(in_transaction=False)
        assert "set_config('role', 'none', true)" in statement_prefix(in_transaction=True, role_switched=True)
        # Where no statement of the transaction switched (or in autocommit mode), the role is left alone.
        assert "'role'" not in statement_prefix(in_transaction=True)
        assert "'role'" not in statement_prefix(in_transaction=False, role_switched=True)


def test_a_tenant_entered_inside_a_bypass_ends_it(world, settings):
    settings.RLS_BATCH_ROLE = "prm_batch"
    with rls_bypass(reason="test"), tenant_context(world.acme):
        prefix = statement_prefix(in_transaction=True, role_switched=True)
    assert "'none'" in prefix and f"'{world.acme.pk}'" in prefix


def test_a_bypass_needs_a_reason():
    with pytest.raises(ValueError), rls_bypass(reason=""):
        pass


def test_every_tenant_owned_model_is_covered():
    tables = tenant_owned_tables()
    for table in ("tenancy_membership", "partners_partner", "dealreg_deal", "surveys_answer", "audit_auditevent"):
        assert tables.get(table) == "tenant_id", table
    assert "tenancy_tenant" not in tables and "tenancy_tenantdomain" not in tables  # host resolution reads them


# -- the policies and roles, on PostgreSQL ---------------------------------------------------------

# The policy as PostgreSQL prints it back: the row's tenant is the one in force, nothing else.
EXPECTED_RULE = "(tenant_id = (NULLIF(current_setting('prm.tenant_id'::text, true), ''::text))::bigint)"


@pytest.mark.postgres
@postgres_only
def test_every_tenant_owned_table_has_rls_enabled_forced_and_the_policy(db):
    tables = [*tenant_owned_tables(), *link_tables()]
    rows = _rows(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, p.polcmd, "
        "pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) "
        "FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = %s "
        "WHERE c.relname = ANY(%s) AND c.relnamespace = 'public'::regnamespace",
        [POLICY_NAME, tables],
    )
    found = {name: rest for name, *rest in rows}
    assert set(found) == set(tables)
    assert "dealreg_deal_products" in link_tables()
    for table, (enabled, forced, command, using, check) in found.items():
        assert enabled and forced, f"{table}: row-level security not enabled and forced"
        assert command == "*", f"{table}: the policy must cover every command"
        if table in link_tables():
            assert using and using == check and using.count("EXISTS") == len(link_tables()[table]), using
        else:
            assert using == check == EXPECTED_RULE, f"{table}: {using} / {check}"


@pytest.mark.postgres
@postgres_only
def test_the_app_role_owns_no_table_and_cannot_bypass(as_app_role):
    [(superuser, bypass, creates_db, creates_roles)] = _rows(
        "SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = session_user")
    assert not (superuser or bypass or creates_db or creates_roles)
    assert _rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = session_user") == []
    [(batch_login, batch_bypass)] = _rows("SELECT rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname = %s",
                                          [settings.RLS_BATCH_ROLE])
    assert batch_bypass and not batch_login


@pytest.mark.postgres
@postgres_only
def test_raw_select_with_no_tenant_set_returns_no_rows(world, as_app_role):
    with tenant_context(None):
        for table in ("partners_partner", "tenancy_membership"):
            assert _rows(f"SELECT count(*) FROM {table}") == [(0,)], table
    assert _tenants_in("partners_partner") == {world.acme.pk, world.globex.pk}  # they are there


@pytest.mark.postgres
@postgres_only
def test_with_tenant_a_set_no_table_returns_b_rows(world, as_app_role):
    with tenant_context(world.acme):
        assert _tenants_in("partners_partner") == {world.acme.pk}
        for table in tenant_owned_tables():
            assert _tenants_in(table) <= {world.acme.pk}, table
        assert _rows("SELECT count(*) FROM partners_partner WHERE tenant_id = %s", [world.globex.pk]) == [(0,)]


@pytest.mark.postgres
@postgres_only
def test_an_unscoped_query_inside_a_request_for_a_returns_only_a_rows(world, as_app_role):
    seen = {}

    def view(request):
        seen["partners"] = set(Partner.unscoped.values_list("tenant_id", flat=True))
        seen["member tenants"] = {m.tenant_id for m in type(world.acme_admin).unscoped.all()}
        return HttpResponse()

    TenantMiddleware(view)(RequestFactory().get("/", HTTP_HOST="acme.localhost"))

    assert seen == {"partners": {world.acme.pk}, "member tenants": {world.acme.pk}}


@pytest.mark.postgres
@postgres_only
def test_writing_a_row_of_b_while_a_is_set_is_refused(world, as_app_role):
    with tenant_context(world.acme):
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Partner.unscoped.create(tenant=world.globex, name="Smuggled Ltd")
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Partner.unscoped.filter(pk=world.northwind.pk).update(tenant=world.globex)
        # B's rows are out of reach for updates and deletes too: nothing matches.
        assert Partner.unscoped.filter(pk=world.initech.pk).update(name="Renamed") == 0
        assert Partner.unscoped.filter(pk=world.initech.pk).delete()[0] == 0
    assert Partner.unscoped.get(pk=world.initech.pk).name == "Initech Solutions"
    assert not Partner.unscoped.filter(name="Smuggled Ltd").exists()


@pytest.mark.postgres
@postgres_only
def test_writing_with_no_tenant_set_is_refused(world, as_app_role):
    with tenant_context(None):
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Partner.unscoped.create(tenant=world.acme, name="Orphan Ltd")


@pytest.mark.postgres
@postgres_only
def test_a_tenant_switch_inside_one_transaction_and_a_rolled_back_savepoint_keep_the_right_tenant(
        world, as_app_role):
    with transaction.atomic():
        with rls_bypass(reason="test"):
            assert _tenants_in("partners_partner") == {world.acme.pk, world.globex.pk}
        with tenant_context(world.acme):
            assert _tenants_in("partners_partner") == {world.acme.pk}
            try:
                with transaction.atomic(), tenant_context(world.globex):
                    assert _tenants_in("partners_partner") == {world.globex.pk}
                    raise RuntimeError("roll the savepoint back")
            except RuntimeError:
                pass
            assert _tenants_in("partners_partner") == {world.acme.pk}
            with transaction.atomic(), rls_bypass(reason="test"):
                assert _tenants_in("partners_partner") == {world.acme.pk, world.globex.pk}
            assert _tenants_in("partners_partner") == {world.acme.pk}  # the batch role is left again


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_autocommit_each_statement_carries_the_tenant(world, as_app_role):
    assert connection.get_autocommit()
    with tenant_context(None):
        assert _rows("SELECT count(*) FROM partners_partner") == [(0,)]
    with tenant_context(world.globex):
        assert _tenants_in("partners_partner") == {world.globex.pk}
    with rls_bypass(reason="test"):
        assert _tenants_in("partners_partner") == {world.acme.pk, world.globex.pk}


@pytest.mark.postgres
@postgres_only
@pytest.mark.parametrize("each_tenant", [loops.each_tenant])  # the one per-tenant loop of every app's tasks
def test_a_task_step_sees_only_its_tenant(world, as_app_role, each_tenant):
    def step(tenant):
        return _tenants_in("partners_partner")

    with tenant_context(None):  # a worker process has no bypass
        seen = each_tenant(step)
    assert seen == {"acme": {world.acme.pk}, "globex": {world.globex.pk}}


@pytest.mark.postgres
@postgres_only
def test_the_platform_admin_crosses_tenants_for_an_operator(world, as_app_role):
    operator = get_user_model().objects.create_superuser(email="ops@prm.example", password="operator-pass-0987")
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")

    with tenant_context(None):  # as a request arrives: no bypass of the test's own
        response = client.get("/admin/partners/partner/")
        assert response.status_code == 200
        assert b"Northwind Traders" in response.content and b"Initech Solutions" in response.content
        # The root domain without the admin: no tenant in force, so no tenant's rows.
        assert _rows("SELECT count(*) FROM partners_partner") == [(0,)]


@pytest.mark.postgres
@postgres_only
def test_the_trigram_operator_is_leakproof_so_conflict_checks_use_its_index_under_the_policy(db):
    for signature in LEAKPROOF_FUNCTIONS:
        assert _rows("SELECT proleakproof FROM pg_proc WHERE oid = to_regprocedure(%s)", [signature]) == [(True,)]


@pytest.mark.postgres
@postgres_only
def test_links_of_a_many_to_many_table_follow_their_tenant_owned_ends(world, as_app_role):
    links = {}
    for tenant, partner, rep in ((world.acme, world.northwind, world.northwind_rep),
                                 (world.globex, world.initech, world.initech_admin)):
        with tenant_context(tenant):
            line = ProductLine.unscoped.create(tenant=tenant, name=f"Line of {tenant.slug}")
            links[tenant.slug] = (make_deal(partner, by=rep.user, products=[line]).pk, line.pk)
    assert _rows("SELECT count(*) FROM dealreg_deal_products") == [(2,)]
    with tenant_context(world.acme):
        assert _rows("SELECT deal_id, productline_id FROM dealreg_deal_products") == [links["acme"]]
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Deal.products.through.objects.create(deal_id=links["acme"][0], productline_id=links["globex"][1])
