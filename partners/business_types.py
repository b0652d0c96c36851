"""What kind of business a partner is: asked in its application, kept on the partner, and used to
choose its agreement (and later what it may see)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessType(models.TextChoices):
    RESELLER = "reseller", _("Reseller")
    INTEGRATOR = "integrator", _("Integrator")
    MSP = "msp", _("Managed service provider")
    REFERRAL = "referral", _("Referral partner")
    OTHER = "other", _("Other")
