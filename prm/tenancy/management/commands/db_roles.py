"""`manage.py db_roles`: create or update the PostgreSQL roles the app runs as, and grant them.

Run as the owner (the "owner" alias, MIGRATE_DATABASE_URL), before or after `migrate`; running it
again changes nothing. The app role (DATABASE_URL's user) may log in and read and write data, and
nothing else: not superuser, no BYPASSRLS, no CREATEDB/CREATEROLE, owns no table. The batch role
(RLS_BATCH_ROLE) cannot log in; it has BYPASSRLS and is granted to the app role, which switches to
it only inside `rls_bypass(reason=...)`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connections

from prm.tenancy.rls import OWNER_ALIAS, grant_privileges

APP_ATTRIBUTES = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION"
ROLES_LOCK = 0x70726D5F726F6C  # an advisory lock key of its own ("prm_rol")
BATCH_ATTRIBUTES = "NOLOGIN NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION"


def _ensure_role(cursor, quote, name, attributes, password=None):
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    verb = "ALTER" if cursor.fetchone() else "CREATE"
    if password:
        cursor.execute(f"{verb} ROLE {quote(name)} WITH {attributes} PASSWORD %s", [password])
    else:
        cursor.execute(f"{verb} ROLE {quote(name)} WITH {attributes}")
    return verb


class Command(BaseCommand):
    help = "Create or update the app and batch database roles and grant them their privileges (PostgreSQL)."

    def handle(self, *args, **options):
        if OWNER_ALIAS not in settings.DATABASES:
            raise CommandError("Set MIGRATE_DATABASE_URL (the owner role) and DATABASE_URL (the app role).")
        owner = connections[OWNER_ALIAS]
        if owner.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        app_role, batch_role = settings.RLS_APP_ROLE, settings.RLS_BATCH_ROLE
        if not app_role or app_role == owner.settings_dict["USER"]:
            raise CommandError("DATABASE_URL must name a role other than the owner of MIGRATE_DATABASE_URL.")
        quote = owner.ops.quote_name
        # Roles belong to the cluster: made over a connection to the maintenance database, so this
        # works before the application's database has any table (or exists).
        with owner._nodb_cursor() as cursor:
            # Two runs at once (parallel deploys, parallel test workers) would update the same
            # catalog rows and fail with "tuple concurrently updated": one runs after the other.
            cursor.execute("SELECT pg_advisory_lock(%s)", [ROLES_LOCK])
            try:
                self._roles_and_grants(cursor, quote, owner, app_role, batch_role)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ROLES_LOCK])

    def _roles_and_grants(self, cursor, quote, owner, app_role, batch_role):
        made = _ensure_role(cursor, quote, app_role, APP_ATTRIBUTES, settings.DATABASES["default"].get("PASSWORD"))
        self.stdout.write(f"{made} ROLE {app_role}")
        made = _ensure_role(cursor, quote, batch_role, BATCH_ATTRIBUTES)
        self.stdout.write(f"{made} ROLE {batch_role}")
        cursor.execute(f"GRANT {quote(batch_role)} TO {quote(app_role)}")
        try:
            grant_privileges(using=OWNER_ALIAS)
        except OperationalError as exc:
            self.stdout.write(f"Privileges not granted yet ({exc}); `migrate` grants them.")
            return
        self.stdout.write(f"Granted data privileges on {owner.settings_dict['NAME']} to {app_role}, {batch_role}")
