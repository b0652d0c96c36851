"""The onboarding checklist: the tenant's steps and settings, each partner's completions and state."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy.managers import TenantOwnedModel

from .kinds import kind_of


class Activation(models.TextChoices):
    AUTOMATIC = "automatic", _("At once: the partner becomes active")
    MANAGER = "manager", _("A channel manager activates the partner")


class ChecklistSettings(TenantOwnedModel):
    """One row per tenant (none means the defaults)."""

    activation = models.CharField(_("when the checklist is finished"), max_length=10, choices=Activation.choices,
                                  default=Activation.AUTOMATIC)
    stuck_after_days = models.PositiveSmallIntegerField(
        _("stuck after (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A partner still onboarding this many days after it was added is listed as stuck."),
    )
    remind_every_days = models.PositiveSmallIntegerField(
        _("remind every (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A partner whose checklist is not finished is reminded by email at most once in this many days."),
    )

    class Meta:
        verbose_name = _("checklist settings")
        verbose_name_plural = _("checklist settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="checklist_settings_one_per_tenant")]

    def __str__(self):
        return str(self._meta.verbose_name)


class ChecklistStep(TenantOwnedModel):
    """One step of the tenant's checklist, of a registered kind (see kinds.py)."""

    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200, blank=True,
                             help_text=_("What the partner reads; leave empty to use the kind's name."))
    threshold = models.PositiveSmallIntegerField(_("how many"), null=True, blank=True,
                                                 validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["tenant", "position"])]

    def __str__(self):
        return self.label

    @property
    def kind_entry(self):
        return kind_of(self.kind)

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        kind = self.kind_entry
        if kind is None:
            return self.kind
        if kind.describe is not None and self.threshold:
            return kind.describe(self.threshold)
        return str(kind.label)

    @property
    def is_manual(self) -> bool:
        kind = self.kind_entry
        return kind is None or kind.is_manual


class StepCompletion(TenantOwnedModel):
    """A step a partner has done, and when (kept once recorded: the checklist is the path to activation)."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="checklist_completions")
    step = models.ForeignKey(ChecklistStep, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("done"))
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("ticked by"))

    class Meta:
        verbose_name = _("step completion")
        verbose_name_plural = _("step completions")
        constraints = [models.UniqueConstraint(fields=["tenant", "partner", "step"], name="completion_once_per_step")]
        indexes = [models.Index(fields=["tenant", "partner"])]

    def __str__(self):
        return f"{self.partner_id}: {self.step_id}"


class PartnerChecklist(TenantOwnedModel):
    """A partner's checklist state: when it was finished (and it waits for a manager), when it was last reminded."""

    partner = models.OneToOneField("partners.Partner", on_delete=models.CASCADE, related_name="checklist")
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner checklist")
        verbose_name_plural = _("partner checklists")
        indexes = [models.Index(fields=["tenant", "finished_at"])]

    def __str__(self):
        return str(self.partner_id)
