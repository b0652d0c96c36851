from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class TenancyConfig(AppConfig):
    name = "prm.tenancy"
    label = "tenancy"

    def ready(self):
        from . import rls

        # Row-level security on PostgreSQL: the tenant put into every transaction, the policies
        # put on every tenant-owned table after each migrate.
        connection_created.connect(rls.install_on, dispatch_uid="prm_rls_install")
        post_migrate.connect(rls.after_migrate, sender=self, dispatch_uid="prm_rls_policies")
