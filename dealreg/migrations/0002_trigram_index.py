"""On PostgreSQL, a trigram index serves the fuzzy customer-name search of the conflict check.

Partial: only active registrations are ever searched. SQLite has no pg_trgm; there the check
scores active registrations in Python with the same similarity function.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS deal_name_trgm ON dealreg_deal
USING gin (customer_name_normalized gin_trgm_ops)
WHERE status IN ('submitted', 'more_info', 'approved')
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS deal_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("dealreg", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
