"""Bulk insert with PostgreSQL's COPY, of a pandas frame or of unsaved model instances: much faster
than INSERT for many rows."""

import io
import json
import math
from operator import attrgetter

import pandas as pd
from django.db import connection, models, transaction
from django.db.models import BooleanField, DateField, JSONField

NULL = "\\N"
# COPY's text format gives these characters a meaning; in data they are written escaped.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _texts(series: pd.Series) -> list[str]:
    """COPY text of one column: NULL for missing values, floats as their shortest round-trip repr
    (Python's repr is twice as fast as numpy's astype(str) and gives the same digits)."""
    values = series.astype(object).where(series.notna(), None).tolist()
    if pd.api.types.is_bool_dtype(series):
        return ["t" if v else "f" for v in values]
    if pd.api.types.is_float_dtype(series):
        return [NULL if v is None or math.isnan(v) else repr(v) for v in values]
    if pd.api.types.is_integer_dtype(series):
        return [NULL if v is None else str(v) for v in values]
    return [NULL if v is None else str(v).translate(_ESCAPES) for v in values]


def copy_frame(model, frame: pd.DataFrame) -> None:
    """Insert every row of `frame` into `model`'s table; the frame's columns are the table's columns."""
    columns = [_texts(frame[name]) for name in frame.columns]
    buffer = io.StringIO("".join(["\t".join(row) + "\n" for row in zip(*columns)]))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {model._meta.db_table} ({', '.join(frame.columns)}) FROM STDIN", buffer)


# --- unsaved model instances (prm/bulk_insert.py chooses this on PostgreSQL) ------------------
#
# COPY FROM is refused on a table under row-level security, so the rows go into a temporary table
# first and reach the real one with one INSERT … SELECT, a statement the tenant policy checks like
# any other. Ids are reserved from the table's sequence beforehand and set on the instances, as
# bulk_create sets them.


# Fields whose values are stored as they are (exactly these classes: a subclass may hold another type).
AS_IS = {models.CharField, models.TextField, models.EmailField, models.SlugField, models.URLField,
         models.IntegerField, models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
         models.PositiveSmallIntegerField, models.ForeignKey, models.FloatField, models.AutoField,
         models.BigAutoField}


def _escaped(text: str) -> str:
    # str.replace runs in C; translate() walks a long body (an email's HTML) character by character.
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _converter(field):
    """value -> COPY text, for one field (chosen once per field, not per value)."""
    if isinstance(field, JSONField):
        return lambda value: NULL if value is None else _escaped(json.dumps(value, cls=field.encoder))
    if isinstance(field, BooleanField):
        return lambda value: NULL if value is None else ("t" if value else "f")
    if isinstance(field, DateField):  # DateTimeField too
        return lambda value: NULL if value is None else value.isoformat()
    if type(field) in AS_IS:
        return lambda value: NULL if value is None else _escaped(str(value))
    # Any other field (a country field holds a Country) as the ORM prepares it.
    return lambda value: NULL if value is None else _escaped(str(field.get_db_prep_save(value, connection)))


def value_reader(field):
    """obj -> its value to store; auto_now(_add) fields are set now, as bulk_create sets them."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)
    return attrgetter(field.attname)


def _reserve_ids(model, count: int) -> list[int]:
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, pk.column, count])
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def copy_objects(model, objs: list) -> None:
    """Insert unsaved instances of `model` with COPY (PostgreSQL), setting their ids."""
    meta = model._meta
    fields = meta.local_concrete_fields
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, _reserve_ids(model, len(missing)), strict=True):
        obj.pk = pk
    columns_of = [(value_reader(field), _converter(field)) for field in fields]
    lines = ["\t".join([text(read(obj)) for read, text in columns_of]) + "\n" for obj in objs]
    table, staging = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(f"prm_copy_{meta.db_table}")
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE {table}) ON COMMIT DROP")
        cursor.cursor.copy_expert(f"COPY {staging} ({columns}) FROM STDIN", io.StringIO("".join(lines)))
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}")
        cursor.execute(f"DROP TABLE {staging}")
