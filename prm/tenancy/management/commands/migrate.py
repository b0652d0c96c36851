"""`manage.py migrate` runs as the tables' owner when MIGRATE_DATABASE_URL names one.

The app role may not create or alter tables. For the command's duration the default alias logs in
with the owner's user and password (same database), so data migrations that use the default
alias, as most do, run as the owner too.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

from prm.tenancy.rls import OWNER_ALIAS


@contextmanager
def logged_in_as_owner(alias):
    connection = connections[alias]
    owner = settings.DATABASES[OWNER_ALIAS]
    app_login = {key: connection.settings_dict.get(key) for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=owner["USER"], PASSWORD=owner.get("PASSWORD"))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(app_login)


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        if OWNER_ALIAS not in settings.DATABASES or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        with logged_in_as_owner(DEFAULT_DB_ALIAS):
            return super().handle(*args, **options)
