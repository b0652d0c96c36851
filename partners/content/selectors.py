"""Reads of the content library, in the tenant in force.

What a partner sees is one queryset, `visible_items(partner, now)`: the portal's list, its download
and the API all start from it, so a hidden item is the very 404 of a missing one everywhere. An item
is visible when it is published (publish_at ≤ now), not expired (no expiry, or later than now), has
something to serve (a link, or a file with a version), and its visibility names the partner: all
partners; the tiers listed (exactly those: a Gold-only item is not shown to Platinum unless
Platinum is listed too); the business types listed; or the partners named."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from partners.models import Partner
from prm.accounts.models import User
from prm.tenancy.access import get_in_scope_or_404

from .models import ContentDownload, ContentItem, ContentPartner, ContentTier, ContentVersion, ContentVisit, Kind, Visibility

UNUSED_AFTER = timedelta(days=90)  # "what nobody opens": no download for this long


def live_q(now: datetime) -> Q:
    """Published and not expired. `news_at <= now` follows from `publish_at <= now` (news_at is the
    publication or a later upload, and uploads are in the past); saying it lets the database walk
    the (tenant, news_at) index in the list's order and stop at the page's last row."""
    return Q(publish_at__lte=now, news_at__lte=now) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def audience_q(partner: Partner) -> Q:
    """The items whose visibility names `partner` (publication dates aside)."""
    q = Q(visibility=Visibility.ALL)
    if partner.tier_id is not None:
        tiered = ContentTier.objects.filter(tier_id=partner.tier_id).values("item_id")
        q |= Q(visibility=Visibility.TIERS, pk__in=tiered)
    if partner.business_type:
        # The JSON text of a list of type values holds `"reseller"` exactly when the list holds reseller
        # (the values are plain lower-case words); this works on SQLite, where JSON `contains` does not.
        q |= Q(visibility=Visibility.TYPES, business_types__icontains=f'"{partner.business_type}"')
    named = ContentPartner.objects.filter(partner_id=partner.pk).values("item_id")
    return q | Q(visibility=Visibility.PARTNERS, pk__in=named)


def visible_items(partner: Partner, now: datetime | None = None) -> QuerySet[ContentItem]:
    """The items `partner` may see and download now (see the module's rule)."""
    return visible_in(ContentItem.objects.all(), partner, now)


def visible_in(queryset: QuerySet[ContentItem], partner: Partner, now: datetime | None = None) -> QuerySet[ContentItem]:
    """`queryset` narrowed to what `partner` may see now (the API's base viewset starts from its own queryset)."""
    now = now or timezone.now()
    servable = Q(kind=Kind.LINK) | Q(current_version__isnull=False)
    return queryset.filter(live_q(now), servable, audience_q(partner))


def access_partner_content_item(partner: Partner, pk: int | str, now: datetime | None = None) -> ContentItem:
    """An item `partner` may see, by id; hidden, expired, another tenant's or missing: the same 404."""
    return get_in_scope_or_404(visible_items(partner, now).select_related("current_version"), pk=pk)


def content_search(queryset: QuerySet[ContentItem], *, query: str = "", category: str = "", language: str = "",
                   product_line: str = "", new_since: datetime | None = None) -> QuerySet[ContentItem]:
    """Filter a list of items: free text in title and description, category, language (an item for
    every language matches any), product line (one of its comma-separated tags), new since a moment."""
    if query:
        queryset = queryset.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if category:
        queryset = queryset.filter(category=category)
    if language:
        queryset = queryset.filter(Q(language=language) | Q(language=""))
    if product_line:
        queryset = queryset.filter(product_lines__icontains=product_line.strip())
    if new_since is not None:
        queryset = queryset.filter(news_at__gt=new_since)
    return queryset


def previous_visit(user: User) -> datetime | None:
    """The end of the user's visit before the current one (None: a first visit)."""
    row = ContentVisit.objects.filter(user=user).only("since").first()
    return row.since if row else None


def version_history(item: ContentItem) -> QuerySet[ContentVersion]:
    return ContentVersion.objects.filter(item=item).select_related("uploaded_by").order_by("-number")


def product_lines_in_use(queryset: QuerySet[ContentItem]) -> list[str]:
    """The distinct product-line tags of `queryset`, sorted (for the filter's choices)."""
    found = {}
    for text in queryset.exclude(product_lines="").order_by().values_list("product_lines", flat=True).distinct()[:500]:
        for tag in text.split(","):
            if tag.strip():
                found.setdefault(tag.strip().lower(), tag.strip())
    return sorted(found.values(), key=str.lower)


def with_usage(queryset: QuerySet[ContentItem]) -> QuerySet[ContentItem]:
    """Items annotated with their downloads, distinct partners and last download (for a page of rows)."""
    downloads = ContentDownload.objects.filter(item=OuterRef("pk")).order_by().values("item")
    return queryset.annotate(
        download_count=Coalesce(Subquery(downloads.annotate(n=Count("pk")).values("n")[:1]), 0),
        partner_count=Coalesce(Subquery(downloads.annotate(n=Count("partner", distinct=True)).values("n")[:1]), 0),
        last_download_at=Subquery(downloads.annotate(last=Max("at")).values("last")[:1]),
    )


def unused_items(now: datetime | None = None) -> QuerySet[ContentItem]:
    """Live items that nobody downloaded in the last 90 days (nor ever, for younger ones)."""
    now = now or timezone.now()
    recent = ContentDownload.objects.filter(item=OuterRef("pk"), at__gte=now - UNUSED_AFTER)
    return ContentItem.objects.filter(live_q(now)).filter(~Exists(recent))


@dataclass(frozen=True)
class Downloader:
    name: str
    downloads: int
    last_at: datetime


def downloads_by_partner(item: ContentItem) -> list[Downloader]:
    rows = (ContentDownload.objects.filter(item=item).values("partner__name")
            .annotate(n=Count("pk"), last=Max("at")).order_by("-n", "partner__name"))
    return [Downloader(row["partner__name"], row["n"], row["last"]) for row in rows]


def downloads_by_user(item: ContentItem) -> list[Downloader]:
    rows = (ContentDownload.objects.filter(item=item, user__isnull=False)
            .values("user__email", "user__full_name", "partner__name")
            .annotate(n=Count("pk"), last=Max("at")).order_by("-n", "user__email"))
    return [Downloader(f"{row['user__full_name'] or row['user__email']} ({row['partner__name']})", row["n"], row["last"])
            for row in rows]
