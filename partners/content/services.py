"""Every write of the content library: items and their visibility, new versions, retiring, and the
partner side's downloads and visits."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.business_types import BusinessType
from partners.models import Partner
from partners.tiers.models import Tier
from prm.accounts.models import User
from prm.audit.services import Actor, audit_record
from prm.tenancy.models import Tenant

from .audit_verbs import ContentVerb
from .caching import forget_product_lines
from .files import checked_upload
from .models import ContentDownload, ContentItem, ContentVersion, ContentVisit, Kind, Visibility

VISIT_GAP = timedelta(hours=1)  # page views closer together than this are one visit
TOUCH_EVERY = timedelta(minutes=1)  # page views closer together than this do not update the visit

METADATA = ("title", "description", "category", "language", "product_lines", "kind", "url", "visibility",
            "business_types", "publish_at", "expires_at")


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, get_user_model()) else None


def _snapshot(item: ContentItem, tiers: Iterable[Tier], partners: Iterable[Partner]) -> dict:
    data = {name: getattr(item, name) for name in METADATA}
    for name in ("publish_at", "expires_at"):
        data[name] = data[name].isoformat() if data[name] else None
    data["tiers"] = sorted(t.pk for t in tiers)
    data["partners"] = sorted(p.pk for p in partners)
    return data


def _clean(item: ContentItem, tiers: list[Tier], partners: list[Partner]) -> None:
    errors = {}
    item.title = item.title.strip()
    item.product_lines = ", ".join(part.strip() for part in item.product_lines.split(",") if part.strip())
    item.business_types = sorted(set(item.business_types))
    if any(value not in BusinessType.values for value in item.business_types):
        errors["business_types"] = _("Choose business types from the list.")
    if item.kind == Kind.LINK and not item.url:
        errors["url"] = _("Give the link's address, or make this a file.")
    if item.kind == Kind.FILE:
        item.url = ""
    if item.visibility == Visibility.TIERS and not tiers:
        errors["tiers"] = _("Choose at least one tier, or make the item visible to all partners.")
    if item.visibility == Visibility.TYPES and not item.business_types:
        errors["business_types"] = _("Choose at least one business type, or make the item visible to all partners.")
    if item.visibility == Visibility.PARTNERS and not partners:
        errors["partners"] = _("Choose at least one partner, or make the item visible to all partners.")
    if item.expires_at is not None and item.expires_at <= item.publish_at:
        errors["expires_at"] = _("The expiry must come after the publication.")
    if any(row.tenant_id != item.tenant_id for row in [*tiers, *partners]):
        raise ValidationError(_("Choose tiers and partners of this program."))
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["current_version", "tenant", "created_by", "updated_by"])


def _news_at(item: ContentItem) -> datetime:
    """When partners last got something new: the publication, or a version uploaded after the first."""
    latest = (ContentVersion.objects.filter(item=item, number__gt=1).aggregate(at=Max("created_at"))["at"]
              if item.pk else None)
    return max(item.publish_at, latest) if latest else item.publish_at


@transaction.atomic
def item_create(*, tenant: Tenant, actor: Actor, title: str, category: str, description: str = "", language: str = "",
                product_lines: str = "", kind: str = Kind.FILE, url: str = "", visibility: str = Visibility.ALL,
                tiers: list[Tier] = (), business_types: list[str] = (), partners: list[Partner] = (),
                publish_at: datetime | None = None, expires_at: datetime | None = None, upload: UploadedFile | None = None,
                note: str = "") -> ContentItem:
    """A new item; a file item may come with its first version (`upload`)."""
    tiers, partners = list(tiers), list(partners)
    item = ContentItem(tenant=tenant, title=title, description=description, category=category, language=language,
                       product_lines=product_lines, kind=kind, url=url, visibility=visibility,
                       business_types=list(business_types), publish_at=publish_at or timezone.now(),
                       expires_at=expires_at, created_by=_user(actor), updated_by=_user(actor))
    _clean(item, tiers, partners)
    if upload is not None and item.kind == Kind.LINK:
        raise ValidationError({"file": _("A link has no file: leave the file empty, or make this a file.")})
    item.news_at = item.publish_at
    item.save()
    item.tiers.set(tiers, through_defaults={"tenant": item.tenant})
    item.partners.set(partners, through_defaults={"tenant": item.tenant})
    audit_record(tenant=tenant, actor=actor, verb=ContentVerb.CREATED, target=item, data=_snapshot(item, tiers, partners))
    forget_product_lines(tenant)
    if upload is not None:
        version_upload(item=item, actor=actor, upload=upload, note=note)
    return item


@transaction.atomic
def item_update(*, item: ContentItem, actor: Actor, tiers: list[Tier] | None = None, partners: list[Partner] | None = None,
                **changes: Any) -> ContentItem:
    """Change an item's metadata and visibility (only the fields given; tiers and partners replace the lists)."""
    unknown = set(changes) - set(METADATA)
    if unknown:
        raise TypeError(f"item_update got unknown fields: {sorted(unknown)}")
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    old_tiers, old_partners = list(item.tiers.all()), list(item.partners.all())
    before = _snapshot(item, old_tiers, old_partners)
    tiers = old_tiers if tiers is None else list(tiers)
    partners = old_partners if partners is None else list(partners)
    if "kind" in changes and changes["kind"] != item.kind and item.current_version_id is not None:
        raise ValidationError({"kind": _("This item has uploaded versions: it stays a file.")})
    for name, value in changes.items():
        setattr(item, name, list(value) if name == "business_types" else value)
    _clean(item, tiers, partners)
    item.updated_by = _user(actor)
    item.news_at = _news_at(item)
    item.save()
    item.tiers.set(tiers, through_defaults={"tenant": item.tenant})
    item.partners.set(partners, through_defaults={"tenant": item.tenant})
    after = _snapshot(item, tiers, partners)
    forget_product_lines(item.tenant)
    if after != before:
        audit_record(tenant=item.tenant, actor=actor, verb=ContentVerb.UPDATED, target=item,
                     data={"before": {k: v for k, v in before.items() if after[k] != v},
                           "after": {k: v for k, v in after.items() if before[k] != v}})
    return item


@transaction.atomic
def version_upload(*, item: ContentItem, actor: Actor, upload: UploadedFile, note: str = "",
                   now: datetime | None = None) -> ContentVersion:
    """Store `upload` as the item's next version and make it the current one; earlier versions stay.
    A version after the first is news for partners ("new since your last visit")."""
    if item.kind != Kind.FILE:
        raise ValidationError({"file": _("A link has no file: make this item a file first.")})
    content_type, size, sha256 = checked_upload(upload)
    now = now or timezone.now()
    item = ContentItem.objects.select_for_update().get(pk=item.pk)  # one numbering at a time
    number = (ContentVersion.objects.filter(item=item).aggregate(n=Max("number"))["n"] or 0) + 1
    if number > 1 and not note.strip():
        raise ValidationError({"note": _("Say what changed: partners read it in the version history.")})
    version = ContentVersion(tenant=item.tenant, item=item, number=number, filename=upload.name[-200:], size=size,
                             content_type=content_type, sha256=sha256, note=note.strip(), uploaded_by=_user(actor),
                             created_at=now)
    version.file.save(upload.name, upload, save=False)
    version.save()
    news_at = max(now, item.publish_at) if number > 1 else item.news_at
    ContentItem.objects.filter(pk=item.pk).update(current_version=version, news_at=news_at, updated_at=now,
                                                  updated_by=_user(actor))
    audit_record(tenant=item.tenant, actor=actor, verb=ContentVerb.VERSION_UPLOADED, target=item,
                 data={"version": number, "filename": version.filename, "size": size, "sha256": sha256,
                       "note": version.note})
    return version


@transaction.atomic
def item_retire(*, item: ContentItem, actor: Actor, now: datetime | None = None) -> ContentItem:
    """Expire the item now: partners no longer see it; its history and downloads stay."""
    now = now or timezone.now()
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.expires_at is not None and item.expires_at <= now:
        raise ValidationError(_("This item has expired already."))
    before = item.expires_at
    item.expires_at = now
    item.publish_at = min(item.publish_at, now)  # not published yet: it never will be
    item.updated_by = _user(actor)
    item.save(update_fields=["expires_at", "publish_at", "updated_by", "updated_at"])
    audit_record(tenant=item.tenant, actor=actor, verb=ContentVerb.RETIRED, target=item,
                 data={"expires_at_before": before.isoformat() if before else None, "expires_at": now.isoformat()})
    return item


def download_record(*, item: ContentItem, partner: Partner, user: User, now: datetime | None = None) -> ContentDownload:
    """A partner user downloaded the item's current file (or opened its link): counted per partner and user."""
    return ContentDownload.objects.create(tenant=item.tenant, item=item, version_id=item.current_version_id,
                                          partner=partner, user=user if getattr(user, "pk", None) else None,
                                          at=now or timezone.now())


def visit_record(*, tenant: Tenant, user: User, now: datetime | None = None) -> datetime | None:
    """Note a page view of the library; returns when the user's previous visit ended (None: the first).
    Page views less than an hour apart are one visit, so paging on keeps the same "new" badges. A view
    within a minute of the last one writes nothing (no write lock for every page of a browsing
    session); a write is a conditional update, so two tabs at once cannot move `since` twice."""
    now = now or timezone.now()
    row = ContentVisit.objects.filter(user=user).first()
    if row is None:
        ContentVisit.objects.get_or_create(tenant=tenant, user=user, defaults={"seen_at": now})
        return None
    if now - row.seen_at < TOUCH_EVERY:
        return row.since
    since = row.seen_at if now - row.seen_at > VISIT_GAP else row.since
    ContentVisit.objects.filter(pk=row.pk, seen_at=row.seen_at).update(seen_at=now, since=since)
    return since
