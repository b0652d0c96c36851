import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.audit.services import Actor, audit_record
from prm.tenancy.models import Tenant

from .audit_verbs import ApiVerb
from .models import ApiKey

KEY_PREFIX = "prm"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, tenant: Tenant, actor: Actor, name: str) -> tuple[ApiKey, str]:
    """Returns (key, raw) — `raw` is shown to the admin once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name that says where it is used, e.g. “Salesforce sync”.")})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(tenant=tenant, name=name, prefix=prefix, key_hash=_hash(secret), created_by=actor)
    audit_record(tenant=tenant, actor=actor, verb=ApiVerb.KEY_CREATED, target=key, to_state="active", data={"name": name})
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: Actor) -> ApiKey:
    if key.revoked_at:
        raise ValidationError(_("This key is already revoked."))
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    audit_record(tenant=key.tenant, actor=actor, verb=ApiVerb.KEY_REVOKED, target=key, from_state="active", to_state="revoked")


def api_key_verify(raw: str) -> ApiKey | None:
    """The active key of the tenant in force matching `raw`, or None. Constant-time comparison."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.filter(prefix=parts[1], revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(parts[2])):
        return None
    return key


def api_key_mark_used(*, key: ApiKey) -> None:
    """Record that an accepted request used `key`: at most one write a minute per key, not one per request."""
    now = timezone.now()
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
