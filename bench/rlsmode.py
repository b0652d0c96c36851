"""Row-level security on or off for a benchmark run on PostgreSQL (`--rls on|off`).

- on: the app as deployed. DATABASE_URL's user is the owner (migrations, the data load, the
  bench's own set-up); the measured code connects as APP_ROLE, which RLS binds, with the
  statement wrapper putting the tenant into every transaction.
- off: the code before row-level security: one role that owns the tables (and bypasses RLS as a
  superuser) and no statement wrapper.

Call `environment(mode, url)` before django.setup(), then `after_setup(mode)`. On SQLite it is always off.
"""

import io
import os
from contextlib import contextmanager, nullcontext
from urllib.parse import urlsplit, urlunsplit

APP_ROLE = "prm_bench_app"


def add_option(parser):
    parser.add_argument("--rls", choices=["on", "off"], default="on",
                        help="on: measure as the app role under row-level security (default); off: as the owner, "
                             "no statement wrapper, as before RLS")


def _with_user(url, user):
    p = urlsplit(url)
    host = p.netloc.rsplit("@", 1)[-1]
    return urlunsplit((p.scheme, f"{user}@{host}", p.path, p.query, p.fragment))


def environment(mode, url):
    """Set DATABASE_URL (and MIGRATE_DATABASE_URL) for `mode`; `url` is the owner's."""
    if mode == "on" and urlsplit(url).scheme.startswith(("postgres", "pgsql", "psql")):
        os.environ["MIGRATE_DATABASE_URL"] = url
        os.environ["DATABASE_URL"] = _with_user(url, APP_ROLE)
    else:
        os.environ.pop("MIGRATE_DATABASE_URL", None)
        os.environ["DATABASE_URL"] = url


def after_setup(mode):
    if mode == "off":
        from django.db import connections
        from django.db.backends.signals import connection_created

        from prm.tenancy import rls

        connection_created.disconnect(rls.install_on, dispatch_uid="prm_rls_install")
        for connection in connections.all():
            if rls.scope_statement in connection.execute_wrappers:
                connection.execute_wrappers.remove(rls.scope_statement)


def as_owner():
    """The data load: as the owner (COPY into RLS tables and index rebuilds need it)."""
    from django.conf import settings

    from prm.tenancy.management.commands.migrate import logged_in_as_owner

    return logged_in_as_owner("default") if "owner" in settings.DATABASES else nullcontext()


def grant_app_role():
    """After the load: the app and batch roles made and granted (no-op with RLS off)."""
    from django.conf import settings
    from django.core.management import call_command

    if "owner" in settings.DATABASES:
        call_command("db_roles", stdout=io.StringIO())


@contextmanager
def bench_setup():
    """The bench's own set-up and checks read and write across tenants."""
    from prm.tenancy.context import rls_bypass

    with rls_bypass(reason="benchmark set-up"):
        yield
