from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django_countries.fields import CountryField

from prm.tenancy.managers import TenantOwnedModel


class RulesOfEngagement(TenantOwnedModel):
    """One row per tenant: how deal registration works in this program."""

    protection_days = models.PositiveSmallIntegerField(default=90, help_text="Days an approved deal is protected.")
    max_extensions = models.PositiveSmallIntegerField(default=2, help_text="How many times a partner may extend protection.")
    extension_days = models.PositiveSmallIntegerField(default=30, help_text="Days each extension adds.")
    minimum_value = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)],
        help_text="Deals below this value (in the program's currency) cannot be registered.",
    )
    approval_sla_hours = models.PositiveSmallIntegerField(
        default=48, help_text="Business hours (Mon–Fri, 9:00–17:00 in the program's time zone) to decide a deal."
    )
    first_approved_wins = models.BooleanField(
        default=True, help_text="Refuse to approve a deal whose customer another approved deal already protects."
    )
    auto_approve = models.BooleanField(default=False, help_text="Approve conflict-free deals automatically.")
    auto_approve_max_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Only deals up to this value are approved automatically.",
    )
    auto_approve_tiers = models.JSONField(default=list, blank=True, help_text="Tiers whose deals may be approved automatically.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant"], name="rules_one_per_tenant")]

    def __str__(self):
        return f"Rules of engagement of {self.tenant}"


class ProductLine(TenantOwnedModel):
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("tenant", Lower("name"), name="product_line_name_unique_per_tenant")]

    def __str__(self):
        return self.name


class DealStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MORE_INFO = "more_info", "More info requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    EXPIRED = "expired", "Expired"


# Registrations that hold (or may soon hold) a customer: they are what conflicts are checked against.
ACTIVE_STATUSES = (DealStatus.SUBMITTED, DealStatus.MORE_INFO, DealStatus.APPROVED)


class Deal(TenantOwnedModel):
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="deals")
    status = models.CharField(max_length=12, choices=DealStatus.choices, default=DealStatus.DRAFT)

    customer_name = models.CharField("customer company", max_length=200)
    customer_website = models.CharField("customer website or domain", max_length=253, blank=True)
    customer_country = CountryField(blank=True)
    contact_name = models.CharField(max_length=150)
    contact_email = models.EmailField()
    products = models.ManyToManyField(ProductLine, blank=True, related_name="deals")
    value = models.DecimalField("estimated value", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3)
    expected_close_date = models.DateField()
    notes = models.TextField(blank=True)

    # Matching keys, kept in step with the fields above by the services.
    customer_name_normalized = models.CharField(max_length=200, blank=True)
    customer_domain = models.CharField(max_length=253, blank=True)
    contact_email_domain = models.CharField(max_length=253, blank=True)

    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_rule = models.CharField(max_length=200, blank=True)
    decision_note = models.TextField(blank=True, help_text="Rejection reason or the question asked; the partner sees it.")
    protected_until = models.DateTimeField(null=True, blank=True)
    extensions_used = models.PositiveSmallIntegerField(default=0)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # What the review queue shows: the strongest conflicts as of `conflicts_checked_at`, kept fresh
    # when this deal or a matching one changes state (the deal page and every approval check live).
    conflict_count = models.PositiveIntegerField(default=0)
    conflict_snapshot = models.JSONField(default=list, blank=True)
    conflicts_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="deal_tenant_recent"),
            models.Index(fields=["tenant", "partner", "-created_at"], name="deal_partner_recent"),
            models.Index(fields=["tenant", "status", "sla_due_at"], name="deal_review_queue"),
            models.Index(fields=["tenant", "status", "protected_until"], name="deal_protection"),
            models.Index(fields=["tenant", "customer_domain"], name="deal_customer_domain",
                         condition=models.Q(status__in=["submitted", "more_info", "approved"])),
            models.Index(fields=["tenant", "contact_email_domain"], name="deal_email_domain",
                         condition=models.Q(status__in=["submitted", "more_info", "approved"])),
        ]

    def __str__(self):
        return f"D-{self.pk} {self.customer_name}"

    @property
    def reference(self):
        return f"D-{self.pk:06d}" if self.pk else "new"

    @property
    def is_editable(self):
        return self.status in (DealStatus.DRAFT, DealStatus.MORE_INFO)
