"""Tiers: the tenant's ordered levels, what each requires and what it gives."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _, pgettext_lazy

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


# The evaluation: what each partner qualifies for, what is proposed and decided (partners/tiers/evaluation.py
# computes, services.py writes).


class Proposal(models.TextChoices):
    NONE = "none", _("Stays")
    UPGRADE = "upgrade", _("Upgrade")
    DOWNGRADE = "downgrade", _("Downgrade")
    HELD = "held", _("Held by a manager")


class TierEvaluationRun(TenantOwnedModel):
    """One evaluation of a tenant's partners (nightly, or "evaluate now"): the snapshots it found
    unchanged are confirmed by it, so a partner's latest snapshot holds as of the latest run."""

    run_on = models.DateField(_("day evaluated"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    partners = models.PositiveIntegerField(_("partners evaluated"), default=0)
    stored = models.PositiveIntegerField(_("snapshots stored"), default=0)
    changes = models.PositiveIntegerField(_("tier changes proposed or applied"), default=0)

    class Meta:
        verbose_name = _("tier evaluation run")
        verbose_name_plural = _("tier evaluation runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-started_at"], name="tier_run_recent")]


class TierEvaluation(TenantOwnedModel):
    """A snapshot of one partner's evaluation: its figures per requirement of every tier ({requirement,
    tier, kind, target, value, sample, met}), its tier then, the tier it qualified for, the proposal and
    what put its tier at risk.

    Stored only when something differs from the partner's latest snapshot (the digest of the figures
    and the outcome), and the latest is always kept (`is_latest`): a night that finds nothing new
    writes nothing for the partner, its latest snapshot is confirmed by the run. So the snapshot that
    decided a partner's tier ("why is Northwind Silver?") is always there, and the table grows with
    changes, not with nights × partners."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="tier_evaluations",
                                verbose_name=_("partner"))
    run = models.ForeignKey(TierEvaluationRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated"))
    evaluated_on = models.DateField(_("day evaluated"))
    current_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("tier then"))
    qualified_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                       verbose_name=_("qualifies for"))
    figures = models.JSONField(_("figures"), default=list, blank=True)
    proposal = models.CharField(_("proposal"), max_length=10, choices=Proposal.choices, default=Proposal.NONE)
    at_risk_on = models.DateField(_("tier at risk on"), null=True, blank=True)
    at_risk = models.JSONField(_("what puts the tier at risk"), default=list, blank=True)  # [[date, text], …]
    digest = models.CharField(max_length=40)
    is_latest = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("tier evaluation")
        verbose_name_plural = _("tier evaluations")
        ordering = ["-evaluated_at", "-id"]
        indexes = [models.Index(fields=["tenant", "partner", "-evaluated_at"], name="tier_eval_history")]
        # also the index of each partner's latest snapshot (the evaluation's and the dashboard's read)
        constraints = [models.UniqueConstraint(fields=["tenant", "partner"], condition=models.Q(is_latest=True),
                                               name="tier_eval_one_latest")]

    def __str__(self):
        return f"{self.partner_id} {self.evaluated_on}"


class ChangeDirection(models.TextChoices):
    UP = "up", _("Upgrade")
    DOWN = "down", _("Downgrade")
    OVERRIDE = "override", _("Set by a manager")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("tier change", "Pending")
    APPLIED = "applied", pgettext_lazy("tier change", "Applied")
    REJECTED = "rejected", pgettext_lazy("tier change", "Rejected")
    CANCELLED = "cancelled", pgettext_lazy("tier change", "Cancelled")
    OVERRIDDEN = "overridden", pgettext_lazy("tier change", "Overridden")


class TierChange(TenantOwnedModel):
    """A proposed or decided move of a partner's tier: an upgrade waiting for approval, a downgrade in its
    grace period (due on `due_on`), or one applied at once or set by a manager. One open per partner."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="tier_changes",
                                verbose_name=_("partner"))
    from_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("from"))
    to_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("to"))
    direction = models.CharField(_("direction"), max_length=10, choices=ChangeDirection.choices)
    status = models.CharField(_("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    due_on = models.DateField(_("applies on"), null=True, blank=True,
                              help_text=_("A downgrade applies on this day if the partner still does not qualify."))
    evaluation = models.ForeignKey(TierEvaluation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("evaluation"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("proposed"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "partner", "-created_at"], name="tier_change_history")]
        constraints = [models.UniqueConstraint(fields=["tenant", "partner"], condition=models.Q(status="pending"),
                                               name="tier_change_one_open")]

    def __str__(self):
        return f"{self.partner_id}: {self.from_tier_id} → {self.to_tier_id} ({self.status})"


class PartnerTierHold(TenantOwnedModel):
    """A manager keeps a partner's tier as it is (until a day, or until released): evaluations still
    record the figures but propose nothing. One active per partner; released ones stay as history."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="tier_holds",
                                verbose_name=_("partner"))
    reason = models.TextField(_("reason"), max_length=1000)
    until = models.DateField(_("held until"), null=True, blank=True, help_text=_("Empty: until a manager releases it."))
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("held by"))
    created_at = models.DateTimeField(_("held"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        verbose_name = _("tier hold")
        verbose_name_plural = _("tier holds")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "partner"], condition=models.Q(released_at__isnull=True),
                                               name="tier_hold_one_active")]

    def __str__(self):
        return f"{self.partner_id} held"


class WarningSubject(models.TextChoices):
    DOWNGRADE = "downgrade", _("Downgrade")
    AT_RISK = "at_risk", _("Tier at risk")


class TierWarning(TenantOwnedModel):
    """An emailed warning of a downgrade or an at-risk date, `days_before` (60, 30 or 7) days ahead:
    the unique key sends each once."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=10, choices=WarningSubject.choices)
    on_date = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "partner", "subject", "on_date", "days_before"],
                                               name="tier_warning_once")]
