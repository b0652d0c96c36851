from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext, gettext_lazy as _, pgettext, pgettext_lazy
from django_countries.fields import CountryField

from prm.tenancy.managers import TenantOwnedModel


class RulesOfEngagement(TenantOwnedModel):
    """One row per tenant: how deal registration works in this program."""

    protection_days = models.PositiveSmallIntegerField(
        _("protection (days)"), default=90, help_text=_("Days an approved deal is protected.")
    )
    max_extensions = models.PositiveSmallIntegerField(
        _("maximum extensions"), default=2, help_text=_("How many times a partner may extend protection.")
    )
    extension_days = models.PositiveSmallIntegerField(
        _("extension (days)"), default=30, help_text=_("Days each extension adds.")
    )
    minimum_value = models.DecimalField(
        _("minimum deal value"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)],
        help_text=_("Deals below this value (in the program's currency) cannot be registered."),
    )
    approval_sla_hours = models.PositiveSmallIntegerField(
        _("approval SLA (business hours)"), default=48,
        help_text=_("Business hours (Mon–Fri, 9:00–17:00 in the program's time zone) to decide a deal."),
    )
    first_approved_wins = models.BooleanField(
        _("first approved wins"), default=True,
        help_text=_("Refuse to approve a deal whose customer another approved deal already protects."),
    )
    auto_approve = models.BooleanField(
        _("automatic approval"), default=False, help_text=_("Approve conflict-free deals automatically.")
    )
    auto_approve_max_value = models.DecimalField(
        _("maximum value for automatic approval"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("Only deals up to this value are approved automatically."),
    )
    auto_approve_tiers = models.ManyToManyField(
        "tiers.Tier", blank=True, related_name="+", verbose_name=_("tiers eligible for automatic approval"),
        help_text=_("Tiers whose deals may be approved automatically."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rules of engagement")
        verbose_name_plural = _("rules of engagement")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="rules_one_per_tenant")]

    def __str__(self):
        return gettext("Rules of engagement of %(program)s") % {"program": self.tenant}


class ProductLine(TenantOwnedModel):
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["name"]
        constraints = [models.UniqueConstraint("tenant", Lower("name"), name="product_line_name_unique_per_tenant")]

    def __str__(self):
        return self.name


class DealStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("deal status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("deal status", "Submitted")
    MORE_INFO = "more_info", pgettext_lazy("deal status", "More info requested")
    APPROVED = "approved", pgettext_lazy("deal status", "Approved")
    REJECTED = "rejected", pgettext_lazy("deal status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("deal status", "Withdrawn")
    WON = "won", pgettext_lazy("deal status", "Won")
    LOST = "lost", pgettext_lazy("deal status", "Lost")
    EXPIRED = "expired", pgettext_lazy("deal status", "Expired")


# Registrations that hold (or may soon hold) a customer: they are what conflicts are checked against.
ACTIVE_STATUSES = (DealStatus.SUBMITTED, DealStatus.MORE_INFO, DealStatus.APPROVED)


class Deal(TenantOwnedModel):
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="deals",
                                verbose_name=_("partner"))
    status = models.CharField(_("status"), max_length=12, choices=DealStatus.choices, default=DealStatus.DRAFT)

    customer_name = models.CharField(_("customer company"), max_length=200)
    customer_website = models.CharField(_("customer website or domain"), max_length=253, blank=True)
    customer_country = CountryField(_("customer country"), blank=True)
    contact_name = models.CharField(_("customer contact name"), max_length=150)
    contact_email = models.EmailField(_("customer contact email"))
    products = models.ManyToManyField(ProductLine, blank=True, related_name="deals", verbose_name=_("products"))
    value = models.DecimalField(_("estimated value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3)
    expected_close_date = models.DateField(_("expected close date"))
    notes = models.TextField(_("notes"), blank=True)

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
    decision_note = models.TextField(
        _("decision note"), blank=True, help_text=_("Rejection reason or the question asked; the partner sees it.")
    )
    # The more-information loop: the vendor's latest question and the partner's answer to it (each
    # round is also in the audit trail, so the timeline keeps every question and answer).
    info_question = models.TextField(
        _("question from the vendor"), blank=True, help_text=_("What the vendor last asked the partner to add.")
    )
    info_answer = models.TextField(
        _("answer from the partner"), blank=True, help_text=_("The partner's answer to the vendor's question.")
    )
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
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="deal_tenant_recent"),
            models.Index(fields=["tenant", "partner", "-created_at"], name="deal_partner_recent"),
            # The partner page's deal figures (dealreg/overview.py) read only these columns: the index
            # answers them without visiting the table (bench/partner_overview.py).
            models.Index(fields=["tenant", "partner", "status", "currency", "value"], name="deal_partner_figures"),
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
        return f"D-{self.pk:06d}" if self.pk else pgettext("the reference of a deal not saved yet", "new")

    @property
    def is_editable(self):
        return self.status in (DealStatus.DRAFT, DealStatus.MORE_INFO)
