"""The content library: files and links the tenant offers its partners, their versions, who
downloaded what, and when each partner user last looked (for "new since your last visit")."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.business_types import BusinessType
from partners.models import tags
from prm.tenancy.managers import TenantOwnedModel


class Category(models.TextChoices):
    SALES = "sales", _("Sales materials")
    PRICE_LISTS = "price_lists", _("Price lists")
    TRAINING = "training", _("Training")
    CAMPAIGN_KITS = "campaign_kits", _("Campaign kits")
    LOGOS = "logos", _("Logos")


class Kind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


class Visibility(models.TextChoices):
    ALL = "all", _("All partners")
    TIERS = "tiers", _("Partners of the tiers chosen")
    TYPES = "types", _("Partners of the business types chosen")
    PARTNERS = "partners", _("The partners chosen")


class ContentItem(TenantOwnedModel):
    """A file (with versions) or a link, shown to the partners its visibility names between its
    publication and its expiry."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True,
                                help_text=_("Empty: for every language."))
    product_lines = models.CharField(_("product lines"), max_length=500, blank=True,
                                     help_text=_("Comma-separated, e.g. firewalls, switches."))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.FILE)
    url = models.URLField(_("link"), max_length=500, blank=True)
    visibility = models.CharField(_("visible to"), max_length=10, choices=Visibility.choices, default=Visibility.ALL)
    tiers = models.ManyToManyField("tiers.Tier", blank=True, related_name="+", verbose_name=_("tiers"),
                                   through="ContentTier")
    business_types = models.JSONField(_("business types"), default=list, blank=True)  # BusinessType values
    partners = models.ManyToManyField("partners.Partner", blank=True, related_name="+", verbose_name=_("partners"),
                                      through="ContentPartner")
    publish_at = models.DateTimeField(_("published from"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, help_text=_("Empty: never."))
    # When partners last got something new here: its publication, or a later version (the "new" badge).
    news_at = models.DateTimeField(default=timezone.now)
    current_version = models.ForeignKey("ContentVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("current version"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("changed by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "publish_at"]),
            models.Index(fields=["tenant", "category", "publish_at"]),
            models.Index(fields=["tenant", "news_at"]),
        ]

    def __str__(self):
        return self.title

    @property
    def product_line_list(self) -> list[str]:
        return tags(self.product_lines)

    @property
    def business_type_labels(self) -> list[str]:
        labels = dict(BusinessType.choices)
        return [str(labels.get(value, value)) for value in self.business_types]

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.publish_at <= now and (self.expires_at is None or self.expires_at > now)


class ContentTier(TenantOwnedModel):
    """An item shown to a tier. Tenant-owned (not Django's bare link table) so that row-level security
    checks its own tenant column instead of looking the item up for every link (bench/content.py)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="+")
    tier = models.ForeignKey("tiers.Tier", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "item", "tier"], name="content_tier_once")]
        indexes = [models.Index(fields=["tenant", "tier", "item"])]


class ContentPartner(TenantOwnedModel):
    """An item shown to a named partner (tenant-owned like ContentTier)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "item", "partner"], name="content_partner_once")]
        indexes = [models.Index(fields=["tenant", "partner", "item"])]


def version_path(version: "ContentVersion", filename: str) -> str:
    """Where a version's file is stored: by tenant and item, under a random name (the person's file
    name is kept on the row and given back only in the download's Content-Disposition)."""
    return f"content/{version.tenant_id}/{version.item_id}/v{version.number}-{secrets.token_hex(8)}"


class ContentVersion(TenantOwnedModel):
    """One upload of a file item; a new upload is a new version, the earlier ones stay."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("item"))
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["tenant", "item", "number"], name="content_version_number_unique")]

    def __str__(self):
        return f"{self.item} v{self.number}"


class ContentDownload(TenantOwnedModel):
    """A partner user downloaded (or opened the link of) an item: what the usage figures count."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(ContentVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "item", "at"]), models.Index(fields=["tenant", "partner", "at"])]


class ContentVisit(TenantOwnedModel):
    """A partner user's visits of the library: `seen_at` the latest page view, `since` the end of the
    visit before this one (what "new since your last visit" compares with; None: first visit)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="content_visit_once_per_user")]
