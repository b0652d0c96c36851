"""Deals the partner says an MDF activity produced: the link that measures an activity's return."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy.managers import TenantOwnedModel

from .funds import FundRequest


class ActivityDeal(TenantOwnedModel):
    """One registered deal named as produced by one funded activity (an approved or closed request)."""

    fund_request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="deal_links",
                                     verbose_name=_("fund request"))
    deal = models.OneToOneField("dealreg.Deal", on_delete=models.CASCADE, related_name="mdf_activity",
                                verbose_name=_("deal"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deal from an MDF activity")
        verbose_name_plural = _("deals from MDF activities")
        indexes = [models.Index(fields=["tenant", "fund_request"])]

    def __str__(self):
        return f"{self.fund_request_id} → {self.deal_id}"
