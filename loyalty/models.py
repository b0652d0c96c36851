"""Loyalty points: the tenant's settings, one points account per partner, credits as lots, and the
append-only ledger that proves every balance (see ledger.py for how entries are posted).

A lot is one credit (a won deal's points, a manual award). Its `remaining` is what may still be spent,
`expired` what it lost to expiry; `points - remaining - expired` is what debits drew from it. A lot is
pending until `available_at`, then available until `expires_at`; a reversal ends it ("reversed").

The account's columns are cached sums of its entries: `pending` and `available` by bucket, `redeemed`
and `expired` by kind. While `available` is not negative the available lots' remainders add up to it;
a negative `available` (a reversal took back points already spent) leaves every remainder at zero
until points earned later have paid it off."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from prm.tenancy.managers import TenantOwnedModel

MANUAL_RULE = "manual"  # the rule of a manager's award
REFUND_RULE = "refund"  # the rule of points a refund returns to a lot that was reversed meanwhile


class Redeemers(models.TextChoices):
    PARTNER_ADMINS = "partner_admins", _("Partner admins only")
    PARTNER_USERS = "partner_users", _("All partner users")


class LoyaltySettings(TenantOwnedModel):
    """One row per tenant (none means the defaults)."""

    point_value = models.DecimalField(
        _("value of one point"), max_digits=12, decimal_places=4, default=Decimal("0.0100"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In the program's currency; the points outstanding times this value is the liability."))
    pending_days = models.PositiveSmallIntegerField(
        _("pending for (days)"), default=30, validators=[MaxValueValidator(365)],
        help_text=_("Points earned become available this many days later (0 = at once)."))
    expiry_months = models.PositiveSmallIntegerField(
        _("points expire after (months)"), default=24, validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Counted from the day the points become available."))
    redeemers = models.CharField(_("who may redeem"), max_length=20, choices=Redeemers.choices,
                                 default=Redeemers.PARTNER_ADMINS)

    class Meta:
        verbose_name = _("loyalty settings")
        verbose_name_plural = _("loyalty settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="loyalty_settings_one_per_tenant")]

    def __str__(self):
        return str(self._meta.verbose_name)


class Operation(TenantOwnedModel):
    """One write, by its idempotency key: a second write with the same key returns this one's result
    (`result_type`/`result_id`; the API will keep its first response). Entries name the operation
    that posted them; the nightly sweeps make one per batch."""

    key = models.CharField(max_length=200)
    name = models.CharField(max_length=60)  # what was done: "points.redeem", "points.adjust" …
    subject = models.CharField(max_length=80, blank=True)  # the row the write addressed ("partners.partner:12")
    result_type = models.CharField(max_length=60, blank=True)
    result_id = models.BigIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points operation")
        verbose_name_plural = _("points operations")
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="loyalty_operation_key_once")]

    def __str__(self):
        return f"{self.name} {self.key}"


class PointsAccount(TenantOwnedModel):
    """A partner's points. Every column is the sum of the account's entries (bucket or kind), kept in
    the transaction that posts them; writes lock this row first."""

    partner = models.OneToOneField("partners.Partner", on_delete=models.PROTECT, related_name="points_account",
                                   verbose_name=_("partner"))
    pending = models.BigIntegerField(_("pending"), default=0)
    available = models.BigIntegerField(_("available"), default=0)  # negative after a reversal of spent points
    redeemed = models.BigIntegerField(_("redeemed"), default=0)
    expired = models.BigIntegerField(_("expired"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "partner"], name="loyalty_account_one_per_partner"),
            models.CheckConstraint(condition=Q(pending__gte=0, redeemed__gte=0, expired__gte=0),
                                   name="loyalty_account_counters_not_negative"),
        ]

    def __str__(self):
        return f"{self.partner_id}: {self.available}"


class LotState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("points lot state", "Pending")
    AVAILABLE = "available", pgettext_lazy("points lot state", "Available")
    EXPIRED = "expired", pgettext_lazy("points lot state", "Expired")
    REVERSED = "reversed", pgettext_lazy("points lot state", "Reversed")


class PointsLot(TenantOwnedModel):
    """One credit of points from one source under one rule: a source earns at most once per rule."""

    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="lots", verbose_name=_("account"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("earned by"))
    points = models.PositiveIntegerField(_("points"))
    remaining = models.PositiveIntegerField(_("remaining"))
    expired = models.PositiveIntegerField(_("expired"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=LotState.choices, default=LotState.PENDING)
    available_at = models.DateTimeField(_("available from"))
    expires_at = models.DateTimeField(_("expires at"))
    rule = models.CharField(_("rule"), max_length=60)  # an earning rule's key, "manual" or "refund"
    source_type = models.CharField(_("source type"), max_length=60)  # "dealreg.deal", "loyalty.operation" …
    source_id = models.BigIntegerField(_("source id"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points lot")
        verbose_name_plural = _("points lots")
        ordering = ["expires_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "rule", "source_type", "source_id"], name="loyalty_lot_once_per_source"),
            models.CheckConstraint(condition=Q(points__gt=0), name="loyalty_lot_points_positive"),
            models.CheckConstraint(condition=Q(remaining__gte=0, expired__gte=0), name="loyalty_lot_parts_not_negative"),
            models.CheckConstraint(condition=Q(remaining__lte=F("points") - F("expired")), name="loyalty_lot_parts_within_points"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("available_at")), name="loyalty_lot_expires_after_available"),
        ]
        indexes = [
            models.Index(fields=["tenant", "account", "state", "expires_at"]),
            models.Index(fields=["tenant", "state", "available_at"]),
            models.Index(fields=["tenant", "state", "expires_at"]),
        ]

    def __str__(self):
        return f"{self.rule} {self.source_type}:{self.source_id} ({self.remaining}/{self.points})"


class EntryKind(models.TextChoices):
    EARNED = "earned", pgettext_lazy("points entry", "Earned")
    BECAME_AVAILABLE = "became_available", pgettext_lazy("points entry", "Became available")
    REDEEMED = "redeemed", pgettext_lazy("points entry", "Redeemed")
    REFUNDED = "refunded", pgettext_lazy("points entry", "Refunded")
    REVERSED = "reversed", pgettext_lazy("points entry", "Reversed")
    EXPIRED = "expired", pgettext_lazy("points entry", "Expired")
    ADJUSTED = "adjusted", pgettext_lazy("points entry", "Adjusted")


class Bucket(models.TextChoices):
    PENDING = "pending", pgettext_lazy("points bucket", "Pending")
    AVAILABLE = "available", pgettext_lazy("points bucket", "Available")


class PointsEntry(TenantOwnedModel):
    """One signed movement of one bucket of one account. Append-only: nothing updates or deletes an
    entry; a correction is a new entry (a refund, a reversal, an adjustment)."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="entries",
                                verbose_name=_("account"))
    lot = models.ForeignKey(PointsLot, null=True, blank=True, on_delete=models.PROTECT, related_name="entries",
                            verbose_name=_("lot"))  # the lot a credit, release, expiry or reversal is about
    refund_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="refund",
                                     verbose_name=_("refund of"))  # a refunded entry's debit: refunded once
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    bucket = models.CharField(_("bucket"), max_length=10, choices=Bucket.choices)
    points = models.BigIntegerField(_("points"))
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="loyalty_entry_points_not_zero")]
        indexes = [models.Index(fields=["tenant", "account", "-id"])]

    def __str__(self):
        return f"{self.kind} {self.points}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Points entries are append-only: post a correcting entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Points entries are append-only: post a correcting entry instead.")


class LotDraw(TenantOwnedModel):
    """Points an entry took from a lot: a debit's (redeemed, deducted) say where a refund returns them;
    a reversal's and a credit's say which lots paid off a negative balance."""

    entry = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="draws")
    lot = models.ForeignKey(PointsLot, on_delete=models.PROTECT, related_name="draws")
    points = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("points drawn from a lot")
        verbose_name_plural = _("points drawn from lots")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "entry", "lot"], name="loyalty_draw_once_per_lot"),
            models.CheckConstraint(condition=Q(points__gt=0), name="loyalty_draw_points_positive"),
        ]

    def __str__(self):
        return f"{self.entry_id} ← {self.lot_id}: {self.points}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Lot draws are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Lot draws are append-only.")
