"""Send one request in a savepoint that is rolled back, watching what a write would change.

Before a state-changing request the probe records its target row (by unscoped pk), the audit
trail of that row, every audit row of the target's tenant, and the number of rows of the model a
create page would add; it records them again after the request, before the rollback. A refused
request must leave all four as they were.
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from prm.audit.models import AuditEvent

WRITES = ("post", "put", "patch", "delete")


def fresh(obj):
    """The row as the database holds it now (the world's Python objects may be stale)."""
    return type(obj)._base_manager.get(pk=obj.pk)


def snapshot(tenant_id, target=None, creates=None):
    audit = AuditEvent.unscoped.filter(tenant_id=tenant_id)
    state = {"tenant audit": sorted(audit.values_list("id", flat=True))}
    if target is not None:
        state["row"] = type(target)._base_manager.filter(pk=target.pk).values().first()
        state["target audit"] = sorted(audit.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
                                       .values_list("id", flat=True))
    if creates is not None:
        state["rows created"] = creates._base_manager.filter(tenant_id=tenant_id).count()
    return state


@dataclass
class Outcome:
    response: object
    before: dict | None
    after: dict | None

    @property
    def status(self):
        return self.response.status_code

    @property
    def changed(self):
        return self.before != self.after


def send(client, method, url, *, data=None, json=False, watch=None, prepare=None, **extra):
    """`watch`: (tenant_id, target, creates) to snapshot around a write; `prepare()` runs first, inside the savepoint."""
    with transaction.atomic():
        if prepare is not None:
            prepare()
        before = snapshot(*watch) if watch and method in WRITES else None
        if method == "get":
            response = client.get(url, data or {}, **extra)
        elif json:
            response = getattr(client, method)(url, data=data or {}, content_type="application/json", **extra)
        else:
            response = getattr(client, method)(url, data=data or {}, **extra)
        after = snapshot(*watch) if watch and method in WRITES else None
        transaction.set_rollback(True)
    return Outcome(response, before, after)


def assert_unchanged(outcome, who):
    assert outcome.before == outcome.after, f"{who}: a refused request changed {_diff(outcome.before, outcome.after)}"


def _diff(before, after):
    if before is None:
        return "nothing watched"
    return {key: (before[key], after[key]) for key in before if before[key] != after[key]}


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
