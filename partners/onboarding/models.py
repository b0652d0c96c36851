"""Partner applications: the tenant's questions, its routing settings, and the applications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from partners.business_types import BusinessType
from prm.tenancy.managers import TenantOwnedModel

from . import audit_verbs  # noqa: F401 — registers the verbs (not an app, so not autodiscovered)


class ApplicationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Email not confirmed")
    SUBMITTED = "submitted", _("Waiting for review")
    MORE_INFO = "more_info", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (ApplicationStatus.UNCONFIRMED, ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO)


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    YES_NO = "yes_no", _("Yes or no")


class OnboardingSettings(TenantOwnedModel):
    """One row per tenant: how applications are routed."""

    auto_approve_domains = models.TextField(
        _("auto-approved email domains"), blank=True,
        help_text=_("One domain per line. Applications from these email domains are approved without review; "
                    "leave empty to review every application."),
    )

    class Meta:
        verbose_name = _("onboarding settings")
        verbose_name_plural = _("onboarding settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="onboarding_settings_one_per_tenant")]

    def __str__(self):
        return str(self._meta.verbose_name)

    @property
    def domains(self) -> set[str]:
        return {line.strip().lower().removeprefix("@") for line in self.auto_approve_domains.splitlines() if line.strip()}


class ApplicationQuestion(TenantOwnedModel):
    """A short question the tenant asks every applicant."""

    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.TextField(_("choices"), blank=True, help_text=_("For a choice question: one option per line."))
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("application question")
        verbose_name_plural = _("application questions")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["tenant", "is_active", "position"])]

    def __str__(self):
        return self.text

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class Application(TenantOwnedModel):
    """A company asking to join the partner program, from the public apply page."""

    company = models.CharField(_("company"), max_length=200)
    website = models.CharField(_("website"), max_length=300)
    country = CountryField(_("country"))
    business_type = models.CharField(_("business type"), max_length=20, choices=BusinessType.choices)
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    language = models.CharField(max_length=10, default="en")
    answers = models.JSONField(default=list, blank=True)  # [{"question": text, "answer": text}] as asked
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.UNCONFIRMED)
    name_normalized = models.CharField(max_length=200, blank=True)
    domain = models.CharField(max_length=253, blank=True)
    matched_partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("matching partner"))
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("matching application"))
    info_request = models.TextField(blank=True)
    reject_reason = models.TextField(blank=True)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("partner"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "status", "created_at"]),
            models.Index(fields=["tenant", "domain"]),
            models.Index(fields=["tenant", "name_normalized"]),
        ]

    def __str__(self):
        return self.company

    @property
    def is_flagged(self) -> bool:
        return self.matched_partner_id is not None or self.duplicate_of_id is not None
