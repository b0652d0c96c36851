"""Row-level security on PostgreSQL: the database's own wall between tenants, behind the scoped managers.

- Every table of a `TenantOwnedModel` gets RLS enabled and forced, with one policy that lets a
  statement see and write only rows whose tenant is the one in `prm.tenant_id`, and their
  many-to-many tables only links whose ends it sees (`apply_policies`, run after every
  `migrate`, so a new app's tables get it without a migration of their own).
- The setting is transaction-local (`set_config(..., true)`), so it is safe under transaction
  pooling. Django runs outside `atomic` blocks in autocommit mode, where each statement is its own
  transaction; so a wrapper around every statement (`scope_statement`) sends
  `SELECT set_config(...)` in front of it, in the same round trip, with the tenant of
  `prm.tenancy.context` (with none and no bypass in autocommit mode, nothing is needed). Inside
  a transaction it does so before every statement: the tenant may change inside one transaction
  (tests, on-demand work), and a savepoint rolled back also rolls back a setting made inside it,
  so a remembered "already set" could be wrong.
- An unset tenant is the empty string and matches no row (NULLIF → NULL): a forgotten
  `tenant_context` reads nothing and writes nothing (the insert is refused by WITH CHECK) rather
  than failing somewhere later with a cast error. The ORM already raises `TenantNotSet` first.
- `rls_bypass(reason=...)` makes the statements run as the batch role (BYPASSRLS, NOLOGIN, granted
  to the app role): `set_config('role', ...)` is transaction-local like the tenant.

The app connects as a role that owns nothing and cannot bypass RLS; migrations run as the owner
(`MIGRATE_DATABASE_URL`, the "owner" alias). Without an owner alias the app connects as the owner,
which must be a superuser or have BYPASSRLS; the policies then only describe the rule.
"""

from django.apps import apps
from django.conf import settings
from django.db import connections

from .context import get_current_tenant, get_rls_bypass
from .managers import TenantOwnedModel

OWNER_ALIAS = "owner"
POLICY_NAME = "prm_tenant_isolation"
TENANT_SETTING = "prm.tenant_id"
# NULLIF: an unset tenant ('' once any set_config ran on the connection, NULL before) matches nothing.
TENANT_IN_FORCE = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint"
# Transaction control must reach the server alone: in a failed transaction only ROLLBACK TO works.
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
# Under a policy the planner may use an index only for LEAKPROOF operators. pg_trgm's `%`
# (similarity_op, the conflict check's name match) ships unmarked although it only computes a
# similarity and raises no error that depends on its arguments; unmarked, every conflict check
# scans all of the tenant's active deals. Marking it needs a superuser owner.
LEAKPROOF_FUNCTIONS = ("similarity_op(text, text)",)


def tenant_owned_tables() -> dict[str, str]:
    """{table: tenant column} of every concrete tenant-owned model."""
    return {
        model._meta.db_table: model._meta.get_field("tenant").column
        for model in apps.get_models()
        if issubclass(model, TenantOwnedModel) and model._meta.managed and not model._meta.proxy
    }


def link_tables() -> dict[str, list[tuple[str, str, str]]]:
    """{table: [(column, parent table, parent key)]} of the many-to-many tables Django makes for
    tenant-owned models (Deal.products): they have no tenant column, so a link is visible, and may
    be written, only where its tenant-owned ends are."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.auto_created:
            continue
        ends = [(field.column, field.related_model._meta.db_table, field.target_field.column)
                for field in model._meta.fields
                if field.is_relation and issubclass(field.related_model, TenantOwnedModel)]
        if ends:
            found[model._meta.db_table] = ends
    return found


def policy_rules() -> dict[str, str]:
    """{table: the policy's expression} of every table under the tenant policy."""
    rules = {table: f'"{column}" = {TENANT_IN_FORCE}' for table, column in tenant_owned_tables().items()}
    for table, ends in link_tables().items():
        # The parents' own policies filter the subqueries.
        rules[table] = " AND ".join(f'EXISTS (SELECT 1 FROM "{parent}" WHERE "{parent}"."{key}" = "{table}"."{column}")'
                                    for column, parent, key in ends)
    return rules


def statement_prefix(*, in_transaction: bool, role_switched: bool = False) -> str:
    """The `SELECT set_config(...)` to send before a statement, or "" when none is needed.

    In autocommit mode with no tenant and no bypass nothing is needed: transaction-local settings
    of earlier statements are gone, so the tenant is unset and the role is the login role. The
    role is named only under a bypass, or to switch back inside a transaction in which an earlier
    statement may have switched to the batch role (`role_switched`): each call costs a little
    on every statement (bench/README.md)."""
    tenant, bypass = get_current_tenant(), get_rls_bypass()
    batch_role = settings.RLS_BATCH_ROLE
    bypassing = bypass is not None and batch_role is not None
    if not in_transaction and tenant is None and not bypassing:
        return ""
    tenant_id = "" if tenant is None or bypass is not None else str(int(tenant.pk))
    calls = [f"set_config('{TENANT_SETTING}', '{tenant_id}', true)"]
    if bypassing:
        calls.append(f"set_config('role', '{batch_role}', true)")
    elif in_transaction and role_switched:
        calls.append("set_config('role', 'none', true)")
    return f"SELECT {', '.join(calls)}; "


def scope_statement(execute, sql, params, many, context):
    """Execute wrapper: runs `sql` with the tenant (or the bypass) in force in its transaction."""
    connection = context["connection"]
    if isinstance(sql, str) and not sql.lstrip().upper().startswith(_TRANSACTION_CONTROL):
        in_transaction = not connection.get_autocommit()
        switched = in_transaction and getattr(connection, "_prm_role_switched", False)
        prefix = statement_prefix(in_transaction=in_transaction, role_switched=switched)
        # A switch to the batch role is surely over only once a statement runs in autocommit
        # mode: within a transaction a rolled-back savepoint can bring it back.
        connection._prm_role_switched = in_transaction and (switched or get_rls_bypass() is not None)
        if prefix:
            sql = prefix + sql
    return execute(sql, params, many, context)


def install_on(connection, **kwargs) -> None:
    """`connection_created` receiver: every PostgreSQL connection but the owner's gets the wrapper."""
    if connection.vendor != "postgresql" or connection.alias == OWNER_ALIAS:
        return
    if scope_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(scope_statement)


def _policy_sql(table: str, rule: str, quote) -> list[str]:
    return [
        f"ALTER TABLE {quote(table)} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {quote(table)} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {POLICY_NAME} ON {quote(table)} USING ({rule}) WITH CHECK ({rule})",
    ]


def apply_policies(*, using: str) -> list[str]:
    """Enable and force RLS with the tenant policy on every tenant-owned table that lacks it, and
    grant the app and batch roles their privileges. Idempotent; returns the tables changed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    quote = connection.ops.quote_name
    rules = policy_rules()
    changed = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
            "WHERE c.relrowsecurity AND c.relforcerowsecurity AND p.polname = %s "
            "AND c.relnamespace = 'public'::regnamespace",
            [POLICY_NAME],
        )
        done = {name for (name,) in cursor.fetchall()}
        for table, rule in sorted(rules.items()):
            if table in done:
                continue
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {quote(table)}")
            for statement in _policy_sql(table, rule, quote):
                cursor.execute(statement)
            changed.append(table)
        _mark_leakproof(cursor)
    grant_privileges(using=using)
    return changed


def _mark_leakproof(cursor) -> None:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return
    for signature in LEAKPROOF_FUNCTIONS:
        cursor.execute("SELECT proleakproof FROM pg_proc WHERE oid = to_regprocedure(%s)", [signature])
        row = cursor.fetchone()
        if row is not None and not row[0]:
            cursor.execute(f"ALTER FUNCTION {signature} LEAKPROOF")


def app_roles() -> list[str]:
    """The roles the application runs as (the app role and its batch role), when configured."""
    return [role for role in (settings.RLS_APP_ROLE, settings.RLS_BATCH_ROLE) if role]


def grant_privileges(*, using: str) -> None:
    """Data privileges (no DDL, no TRUNCATE) on every table and sequence of the schema, now and for
    tables the owner creates later. Roles that do not exist yet are skipped (`db_roles` makes them)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [app_roles()])
        roles = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
        if not roles:
            return
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {roles}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {roles}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {roles}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {roles}")
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {roles}")


def after_migrate(sender, using, **kwargs) -> None:
    """`post_migrate` receiver (sent once per app; the tenancy app's signal is enough). Not when
    the app role itself sends it (a test's `flush`): policies and grants are the owner's to make."""
    if settings.RLS_APP_ROLE is None or connections[using].settings_dict.get("USER") != settings.RLS_APP_ROLE:
        apply_policies(using=using)
