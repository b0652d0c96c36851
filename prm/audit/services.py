from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model

from prm.bulk_insert import insert_objects, unsaved
from prm.tenancy.models import Tenant

from .models import AuditEvent
from .verbs import is_known_verb

Actor = Any  # a User, or anything whose str() names who acted: an API key, a rule, a task


class UnknownAuditVerb(ValueError):
    """A verb no app declares in its audit_verbs.py: it would have no timeline label."""


def audit_record(*, tenant: Tenant, actor: Actor, verb: str, target: Model, from_state: str = "", to_state: str = "",
                 data: dict | None = None) -> AuditEvent:
    """Append an audit row. `actor` is a User, or any object whose str() names the actor (API key, rule).
    `verb` is a member of an app's audit verb enumeration (see prm.audit.verbs)."""
    event = audit_build(tenant=tenant, actor=actor, verb=verb, target=target, from_state=from_state,
                        to_state=to_state, data=data)
    event.save(force_insert=True)
    return event


def audit_build(*, tenant: Tenant, actor: Actor, verb: str, target: Model, from_state: str = "", to_state: str = "",
                data: dict | None = None) -> AuditEvent:
    """The row audit_record would append, unsaved: for a service that stores many with audit_store."""
    if not is_known_verb(verb):
        raise UnknownAuditVerb(f"Unknown audit verb {verb!r}: declare it in the app's audit_verbs.py with its label.")
    is_user = isinstance(actor, get_user_model())
    return unsaved(
        AuditEvent,
        tenant=tenant,
        actor=actor if is_user else None,
        actor_label="" if is_user or actor is None else str(actor)[:200],
        verb=str(verb),
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        from_state=from_state or "",
        to_state=to_state or "",
        data=data or {},
    )


def audit_store(events: list[AuditEvent], *, batch_size: int = 5000) -> None:
    """Append rows made by audit_build, many per statement (fast for many: prm/bulk_insert.py)."""
    insert_objects(AuditEvent.unscoped, events, batch_size=batch_size)
