from django.contrib.auth import get_user_model

from .models import AuditEvent


def audit_record(*, tenant, actor, verb, target, from_state="", to_state="", data=None):
    """Append an audit row. `actor` is a User, or any object whose str() names the actor (API key, rule)."""
    is_user = isinstance(actor, get_user_model())
    return AuditEvent.unscoped.create(
        tenant=tenant,
        actor=actor if is_user else None,
        actor_label="" if is_user or actor is None else str(actor)[:200],
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        from_state=from_state or "",
        to_state=to_state or "",
        data=data or {},
    )
