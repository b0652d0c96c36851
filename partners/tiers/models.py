"""Tiers: the tenant's ordered levels, what each requires and what it gives."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prm.tenancy.managers import TenantOwnedModel

from .requirements import kind_of

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Upgrades(models.TextChoices):
    AUTOMATIC = "automatic", _("At once")
    APPROVAL = "approval", _("After a channel manager approves")


class TierSettings(TenantOwnedModel):
    """One row per tenant (none means the defaults)."""

    upgrades = models.CharField(_("upgrades apply"), max_length=10, choices=Upgrades.choices,
                                default=Upgrades.AUTOMATIC)
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"), default=60, validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_("A partner that no longer qualifies keeps its tier this long, and is warned, before it moves down."),
    )

    class Meta:
        verbose_name = _("tier settings")
        verbose_name_plural = _("tier settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="tier_settings_one_per_tenant")]

    def __str__(self):
        return str(self._meta.verbose_name)


class Tier(TenantOwnedModel):
    """A level of the program; a higher rank is a better tier. A partner meets a tier when it meets
    every one of the tier's requirements (a tier without any is the entry level)."""

    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is better: e.g. Registered 1, Silver 2, Gold 3."))
    colour = models.CharField(_("colour"), max_length=7, default="#6b7280",
                              validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #c9a227."))])
    description = models.TextField(_("description"), blank=True, max_length=2000)
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                           validators=PERCENT)
    protection_days = models.PositiveSmallIntegerField(
        _("deal protection (days)"), null=True, blank=True, validators=[MaxValueValidator(730)],
        help_text=_("How long an approved registration is protected; empty: the rules of engagement's default."),
    )
    mdf_accrual_percent = models.DecimalField(
        _("MDF accrual (%)"), max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT,
        help_text=_("Share of the partner's won deal value that accrues to its market development funds."),
    )
    points_multiplier = models.DecimalField(
        _("points multiplier"), max_digits=4, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint("tenant", Lower("name"), name="tier_name_unique_any_case",
                                    violation_error_message=_("The program has a tier of this name already.")),
            models.UniqueConstraint(fields=["tenant", "rank"], name="tier_rank_unique",
                                    violation_error_message=_("Another tier has this rank.")),
        ]

    def __str__(self):
        return self.name


class TierRequirement(TenantOwnedModel):
    """One condition of a tier, of a registered kind (requirements.py)."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("tier"))
    kind = models.CharField(_("requirement"), max_length=40)
    threshold = models.DecimalField(_("at least"), max_digits=14, decimal_places=2, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("tier requirement")
        verbose_name_plural = _("tier requirements")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "tier", "kind"], name="tier_requirement_once")]

    def __str__(self):
        kind = self.kind_entry
        return f"{kind.label if kind else self.kind} ≥ {self.threshold}"

    @property
    def kind_entry(self):
        return kind_of(self.kind)
