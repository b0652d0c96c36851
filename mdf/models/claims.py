"""Claims against an approved fund request, their proof of performance, and the payments of approved claims."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from prm.tenancy.managers import TenantOwnedModel

from .funds import MONEY, POSITIVE, FundRequest


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("fund claim status", "Submitted")
    APPROVED = "approved", pgettext_lazy("fund claim status", "Approved")
    PAID = "paid", pgettext_lazy("fund claim status", "Paid")
    REJECTED = "rejected", pgettext_lazy("fund claim status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("fund claim status", "Withdrawn")


class Claim(TenantOwnedModel):
    """After the activity the partner claims (part of) the approved amount back, with proof; a manager
    approves (maybe less) or rejects it, then records its payment."""

    fund_request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="claims",
                                     verbose_name=_("fund request"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="fund_claims",
                                verbose_name=_("partner"))
    amount = models.DecimalField(_("amount claimed"), **MONEY, validators=POSITIVE)
    currency = models.CharField(_("currency"), max_length=3)
    leads = models.PositiveIntegerField(_("leads"), default=0)
    attendees = models.PositiveIntegerField(_("attendees"), default=0)
    results = models.TextField(_("results achieved"), max_length=5000, blank=True)
    is_final = models.BooleanField(_("last claim for this request"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    paid_amount = models.DecimalField(_("paid"), **MONEY, default=Decimal("0.00"))
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fund claim")
        verbose_name_plural = _("fund claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="mdf_claim_positive"),
            models.CheckConstraint(condition=Q(approved_amount__isnull=True) | Q(approved_amount__lte=F("amount")),
                                   name="mdf_claim_approved_within_claimed"),
            models.CheckConstraint(condition=Q(paid_amount__lte=models.functions.Coalesce(F("approved_amount"), 0)),
                                   name="mdf_claim_paid_within_approved"),
        ]
        indexes = [models.Index(fields=["tenant", "status", "created_at"], name="mdf_claim_queue"),
                   models.Index(fields=["tenant", "partner", "status"])]

    def __str__(self):
        return f"{self.fund_request} · {self.amount} {self.currency}"

    @property
    def unpaid(self) -> Decimal:
        return (self.approved_amount or Decimal("0.00")) - self.paid_amount


class ClaimProof(TenantOwnedModel):
    """One file of a claim's proof of performance (an invoice, a photo, an attendee list), checked by
    prm.uploads and served only through a view that found the claim in scope."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="proofs", verbose_name=_("claim"))
    file = models.FileField(_("file"), upload_to="mdf-proof/")
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proof of performance")
        verbose_name_plural = _("proof of performance")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "transfer", _("Bank transfer")
    CREDIT_NOTE = "credit", _("Credit note")
    CHEQUE = "cheque", _("Cheque")
    OTHER = "other", pgettext_lazy("payment method", "Other")


class Payment(TenantOwnedModel):
    """Money paid to the partner for an approved claim (several payments may settle one claim)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments", verbose_name=_("claim"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="fund_payments",
                                verbose_name=_("partner"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=POSITIVE)
    currency = models.CharField(_("currency"), max_length=3)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices,
                              default=PaymentMethod.BANK_TRANSFER)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="mdf_payment_positive")]
        indexes = [models.Index(fields=["tenant", "paid_on"]), models.Index(fields=["tenant", "partner"])]

    def __str__(self):
        return f"{self.amount} {self.currency} · {self.paid_on}"
