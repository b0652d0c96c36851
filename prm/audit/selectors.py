from django.db.models import Model, QuerySet

from .models import AuditEvent


def audit_timeline(target: Model) -> QuerySet[AuditEvent]:
    """Every event of one object, newest first, in the tenant in force (for a paginated timeline)."""
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related("actor")


def audit_events_for(target: Model, limit: int = 50) -> QuerySet[AuditEvent]:
    """Timeline of one object, newest first, in the tenant in force."""
    return audit_timeline(target)[:limit]
