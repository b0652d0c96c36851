"""Many unsaved model instances inserted fast: the speed trick of bulk writes (a partner import
writes ~450,000 rows).

bulk_create compiles every value of every row through the ORM (~10 µs a value); an import spent
most of its time there (bench/partner_import.py). `insert_objects` writes lists of FAST_FROM
rows or more with COPY on PostgreSQL (prm/pgcopy.py copy_objects) and with one executemany of
plain tuples on SQLite; shorter lists, and other databases, take bulk_create, the plain path.
Either way the instances get their ids, as bulk_create gives them. tests/partners/imports/
test_copy.py checks that both ways write the same rows.
"""

import json
from functools import cache

from django.db import connection, transaction
from django.db.models import BooleanField, DateField, DateTimeField, JSONField
from django.db.models.base import ModelState

from .pgcopy import AS_IS, copy_objects, value_reader

FAST_FROM = 500  # fewer rows: bulk_create (the plain path)


def insert_objects(manager, objs: list, *, batch_size: int | None = None) -> list:
    """Insert unsaved instances of `manager`'s model; returns them, with their ids."""
    if (len(objs) < FAST_FROM or connection.vendor not in ("postgresql", "sqlite")
            or any(obj.pk is not None for obj in objs)):
        return manager.bulk_create(objs, batch_size=batch_size)
    if connection.vendor == "postgresql":
        copy_objects(manager.model, objs)
    else:
        _sqlite_insert(manager.model, objs)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


@cache
def _fields_of(model) -> tuple:
    return tuple((field.attname, field.name if field.is_relation else None, field, field.get_default)
                 for field in model._meta.concrete_fields)


def unsaved(model, **values):
    """`model(**values)` for rows that many-row writers build by the hundred thousand: the same
    instance (values by field name or attname, related objects cached as the constructor caches
    them, defaults for the rest) without Model.__init__'s generic work, ~4 µs instead of ~25 µs
    (bench/partner_import.py). No pre_init/post_init signals: for models that have no receivers."""
    obj = model.__new__(model)
    obj._state = ModelState()
    attributes = obj.__dict__
    for attname, name, field, default in _fields_of(model):
        if name is not None and name in values:
            related = values.pop(name)
            attributes[attname] = None if related is None else getattr(related, field.target_field.attname)
            if related is not None:
                field.set_cached_value(obj, related)
        elif attname in values:
            attributes[attname] = values.pop(attname)
        else:
            attributes[attname] = default()
    if values:
        raise TypeError(f"{model.__name__} has no field {', '.join(values)}")
    return obj


def _sqlite_value(field):
    """value -> what the sqlite3 module stores for `field`, as Django's SQLite backend adapts it."""
    ops = connection.ops
    if isinstance(field, JSONField):
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
    if isinstance(field, DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return ops.adapt_datefield_value
    if isinstance(field, BooleanField):
        return lambda value: None if value is None else bool(value)
    if type(field) in AS_IS:
        return None  # stored as it is
    return lambda value: field.get_db_prep_save(value, connection)


@transaction.atomic
def _sqlite_insert(model, objs: list) -> None:
    """One executemany; SQLite has one writer at a time, so once this transaction has written, the
    new rows' ids are the table's highest, in the order inserted."""
    meta = model._meta
    fields = [field for field in meta.local_concrete_fields if not field.primary_key]
    readers = [(value_reader(field), _sqlite_value(field)) for field in fields]
    rows = [tuple(read(obj) if adapt is None else adapt(read(obj)) for read, adapt in readers) for obj in objs]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}) "
                           f"VALUES ({', '.join(['%s'] * len(fields))})", rows)
        cursor.execute(f"SELECT {pk} FROM {table} ORDER BY {pk} DESC LIMIT %s", [len(objs)])
        ids = [row[0] for row in cursor.fetchall()][::-1]
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value
