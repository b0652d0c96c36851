"""Market development funds: the tenant's rules, budgets per fiscal year, partner allocations, fund
requests, and the ledger that proves every balance (see ledger.py for how entries are posted)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from prm.tenancy.managers import TenantOwnedModel

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]
HALF_CENT = Decimal("0.005")


class Unspent(models.TextChoices):
    EXPIRE = "expire", _("They expire on the close day")
    ROLL_OVER = "roll_over", _("They roll over into the next fiscal year on the close day")


class MdfSettings(TenantOwnedModel):
    """One row per tenant (none means the defaults)."""

    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 = January. A fiscal year is named after the calendar year in which it ends."))
    notice_business_days = models.PositiveSmallIntegerField(
        _("notice (business days)"), default=10, validators=[MaxValueValidator(120)],
        help_text=_("A fund request must arrive at least this many business days before the activity starts."))
    vendor_share_percent = models.DecimalField(
        _("vendor's share (%)"), max_digits=5, decimal_places=2, default=Decimal("50"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_("The vendor pays at most this share of an activity's total cost; the partner pays the rest."))
    claim_days = models.PositiveSmallIntegerField(
        _("claim window (days)"), default=45, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Claims are due this many days after the activity ends."))
    unspent = models.CharField(_("unspent allocations"), max_length=10, choices=Unspent.choices, default=Unspent.EXPIRE)
    unspent_offset_days = models.SmallIntegerField(
        _("unspent allocations close (days after the fiscal year)"), default=0,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("What is left of the partners' allocations expires, or rolls over, at the end of this day counted "
                    "from the fiscal year's last day: 0 = its last day, -30 = a month before, 60 = two months after."))

    class Meta:
        verbose_name = _("MDF settings")
        verbose_name_plural = _("MDF settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="mdf_settings_one_per_tenant")]

    def __str__(self):
        return str(self._meta.verbose_name)


class ActivityType(TenantOwnedModel):
    """The tenant's list of activities funds may pay for (events, campaigns, ads …)."""

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="mdf_activity_type_unique_name")]

    def __str__(self):
        return self.name


class ApprovalLimit(TenantOwnedModel):
    """The most a channel manager may approve on one request; above it only a tenant admin decides.
    A manager without a row has no ceiling of their own."""

    membership = models.OneToOneField("tenancy.Membership", on_delete=models.CASCADE, related_name="mdf_approval_limit",
                                      verbose_name=_("channel manager"))
    max_amount = models.DecimalField(_("approves up to"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("approval limit")
        verbose_name_plural = _("approval limits")

    def __str__(self):
        return f"{self.membership_id}: {self.max_amount}"


class Budget(TenantOwnedModel):
    """Funds of one fiscal year, or a part of a parent's (a region, a product line). Its amount is not a
    field: it is what the ledger's entries put in (Account.funded)."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), validators=[MinValueValidator(2000),
                                                                                 MaxValueValidator(2100)])
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("part of"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-fiscal_year", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["tenant", "fiscal_year", "name"], name="mdf_budget_unique_name")]
        indexes = [models.Index(fields=["tenant", "fiscal_year"])]

    def __str__(self):
        return f"{self.name} (FY{self.fiscal_year})"


class Allocation(TenantOwnedModel):
    """A partner's share of a budget; its funds are what the ledger allocated and accrued to it."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("budget"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="mdf_allocations",
                                verbose_name=_("partner"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["budget", "partner__name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "budget", "partner"], name="mdf_allocation_once")]
        indexes = [models.Index(fields=["tenant", "partner"])]

    def __str__(self):
        return f"{self.partner} · {self.budget}"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("fund request status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("fund request status", "Submitted")
    MORE_INFO = "more_info", pgettext_lazy("fund request status", "More info requested")
    APPROVED = "approved", pgettext_lazy("fund request status", "Approved")
    REJECTED = "rejected", pgettext_lazy("fund request status", "Rejected")
    CANCELLED = "cancelled", pgettext_lazy("fund request status", "Cancelled")
    CLOSED = "closed", pgettext_lazy("fund request status", "Closed")


class FundRequest(TenantOwnedModel):
    """A partner asks ahead for funds for one activity; a manager approves (maybe less), rejects or asks."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="fund_requests",
                                verbose_name=_("partner"))
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("activity type"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    expected_leads = models.PositiveIntegerField(_("expected leads"), default=0)
    expected_attendees = models.PositiveIntegerField(_("expected attendees"), default=0)
    total_cost = models.DecimalField(_("total cost"), **MONEY, validators=POSITIVE)
    requested_amount = models.DecimalField(_("requested amount"), **MONEY, validators=POSITIVE)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="fund_requests", verbose_name=_("allocation"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    question = models.TextField(_("question"), max_length=2000, blank=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fund request")
        verbose_name_plural = _("fund requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="mdf_request_ends_after_start"),
            models.CheckConstraint(condition=Q(requested_amount__lte=models.F("total_cost")),
                                   name="mdf_request_within_cost"),
        ]
        indexes = [models.Index(fields=["tenant", "status", "starts_on"], name="mdf_request_queue"),
                   models.Index(fields=["tenant", "partner", "status"])]

    def __str__(self):
        return self.title

    @property
    def partner_share(self) -> Decimal:
        return self.total_cost - self.requested_amount


class Operation(TenantOwnedModel):
    """One write, by its idempotency key: a second write with the same key returns this one's result
    (`result_type`/`result_id`; the API also keeps the first response it gave). Ledger entries name
    the operation that posted them."""

    key = models.CharField(max_length=200)
    name = models.CharField(max_length=60)  # what was done: "budget.fund", "fund_request.approve" …
    subject = models.CharField(max_length=80, blank=True)  # the row the write addressed ("mdf.budget:12")
    result_type = models.CharField(max_length=60, blank=True)
    result_id = models.BigIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)  # the API's first answer: {"status": 201, "body": {…}}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="mdf_operation_key_once")]

    def __str__(self):
        return f"{self.name} {self.key}"


class AccountKind(models.TextChoices):
    BUDGET = "budget", _("Budget")
    ALLOCATION = "allocation", _("Allocation")
    REQUEST = "request", _("Fund request")


class Account(TenantOwnedModel):
    """A place money sits: a budget, an allocation or an approved request; one explicit foreign key set.
    The columns are the cached balance, each the sum of the account's ledger entries in that bucket,
    kept in the transaction that posts them (ledger.post)."""

    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    budget = models.OneToOneField(Budget, null=True, blank=True, on_delete=models.PROTECT, related_name="account")
    allocation = models.OneToOneField(Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="account")
    fund_request = models.OneToOneField(FundRequest, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="account")
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    funded = models.DecimalField(**MONEY, default=Decimal("0"))
    allocated = models.DecimalField(**MONEY, default=Decimal("0"))
    encumbered = models.DecimalField(**MONEY, default=Decimal("0"))
    claimed = models.DecimalField(**MONEY, default=Decimal("0"))
    paid = models.DecimalField(**MONEY, default=Decimal("0"))
    expired = models.DecimalField(**MONEY, default=Decimal("0"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="budget", budget__isnull=False, allocation__isnull=True, fund_request__isnull=True)
                           | Q(kind="allocation", budget__isnull=True, allocation__isnull=False, fund_request__isnull=True)
                           | Q(kind="request", budget__isnull=True, allocation__isnull=True, fund_request__isnull=False)),
                name="mdf_account_one_owner"),
            # The database's own floor under "never overspend": no bucket drives available below zero.
            # Half a cent of slack: SQLite adds decimals as floating point (150.80 - 849.20 + 849.20 may
            # land a hair below 150.80); amounts are whole cents, so a real overspend still breaks it.
            models.CheckConstraint(
                condition=Q(funded__gte=models.F("allocated") + models.F("encumbered") + models.F("claimed")
                            + models.F("paid") + models.F("expired") - models.Value(HALF_CENT)),
                name="mdf_account_never_overspent"),
        ]
        indexes = [models.Index(fields=["tenant", "partner"])]

    def __str__(self):
        return f"{self.kind} {self.budget_id or self.allocation_id or self.fund_request_id}"

    @property
    def available(self) -> Decimal:
        return self.funded - self.allocated - self.encumbered - self.claimed - self.paid - self.expired


class EntryKind(models.TextChoices):
    FUNDED = "funded", _("Funded")
    ALLOCATED = "allocated", _("Allocated")
    ACCRUED = "accrued", _("Accrued from won deals")
    ENCUMBERED = "encumbered", _("Request approved")
    RELEASED = "released", _("Released")
    CLAIM_APPROVED = "claim_approved", _("Claim approved")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    ROLLED_OVER = "rolled_over", _("Rolled over into the next fiscal year")
    CORRECTED = "corrected", _("Corrected")


class Bucket(models.TextChoices):
    """The balance column an entry moves (Account's fields of the same names)."""

    FUNDED = "funded", _("funded")
    ALLOCATED = "allocated", _("allocated")
    ENCUMBERED = "encumbered", _("encumbered")
    CLAIMED = "claimed", _("claimed")
    PAID = "paid", _("paid")
    EXPIRED = "expired", _("expired")


class LedgerEntry(TenantOwnedModel):
    """One signed movement of one bucket of one account. Append-only: nothing updates or deletes an
    entry (see ledger.py); a correction is a new entry of kind "corrected"."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    bucket = models.CharField(max_length=10, choices=Bucket.choices)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    source = models.CharField(max_length=80, blank=True)  # what caused it: "mdf.fundrequest:7", "accrual:FY2026"
    memo = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "operation", "account", "bucket"], name="mdf_entry_once_per_operation"),
        ]
        indexes = [models.Index(fields=["tenant", "account", "bucket"]), models.Index(fields=["tenant", "partner"])]

    def __str__(self):
        return f"{self.kind} {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Ledger entries are append-only: post a correcting entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Ledger entries are append-only: post a correcting entry instead.")

