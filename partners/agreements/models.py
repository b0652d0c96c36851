"""Partner agreements: the tenant's templates and their versions, each partner's signatures, the
tenant's re-sign settings, and the reminders sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.business_types import BusinessType
from prm.tenancy.managers import TenantOwnedModel


class AgreementSettings(TenantOwnedModel):
    """One row per tenant: how long partners have to re-sign, and whether unsigned partners keep the portal."""

    resign_days = models.PositiveSmallIntegerField(
        _("days to re-sign"), default=30,
        help_text=_("When a new version is published, partners that signed an earlier one have this many days to sign it."),
    )
    unsigned_keep_access = models.BooleanField(
        _("unsigned partners keep portal access"), default=False,
        help_text=_("Off: a partner that has not signed sees only the agreement until a partner admin signs it."),
    )

    class Meta:
        verbose_name = _("agreement settings")
        verbose_name_plural = _("agreement settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="agreement_settings_one_per_tenant")]

    def __str__(self):
        return str(self._meta.verbose_name)


class AgreementTemplate(TenantOwnedModel):
    """An agreement the tenant asks partners to sign; it applies to partner types and countries (empty: all)."""

    title = models.CharField(_("title"), max_length=200)
    partner_types = models.JSONField(_("partner types"), default=list, blank=True)  # BusinessType values; [] = every type
    countries = models.JSONField(_("countries"), default=list, blank=True)  # ISO codes; [] = every country
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    @property
    def partner_type_labels(self) -> list[str]:
        labels = dict(BusinessType.choices)
        return [str(labels.get(value, value)) for value in self.partner_types]


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class AgreementVersion(TenantOwnedModel):
    """One text of a template. A draft is edited; publishing freezes it and makes it the one partners sign."""

    template = models.ForeignKey(AgreementTemplate, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("agreement"))
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text (Markdown)"), max_length=100_000)
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("published by"))
    # Partners that existed before publishing (and had signed an earlier version or none) sign by then.
    sign_by = models.DateTimeField(_("sign by"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "template", "number"], name="agreement_version_number_unique"),
            models.UniqueConstraint(fields=["tenant", "template"], condition=models.Q(status="draft"),
                                    name="agreement_one_draft_per_template"),
        ]
        indexes = [models.Index(fields=["tenant", "status", "published_at"])]

    def __str__(self):
        return f"{self.template} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Signature(TenantOwnedModel):
    """A partner admin signed one version: what they read (the exact rendered text and its SHA-256), who, when,
    from where; optionally counter-signed by a tenant admin, recorded the same way."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures",
                                verbose_name=_("version"))
    text = models.TextField(_("signed text"))  # the sanitised HTML shown to the signer, byte for byte
    text_sha256 = models.CharField(_("SHA-256 of the signed text"), max_length=64)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("signed by"))
    typed_name = models.CharField(_("typed name"), max_length=150)
    signed_at = models.DateTimeField(_("signed"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    countersigner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("counter-signed by"))
    countersign_typed_name = models.CharField(_("counter-signer's typed name"), max_length=150, blank=True)
    countersigned_at = models.DateTimeField(_("counter-signed"), null=True, blank=True)
    countersign_ip_address = models.GenericIPAddressField(null=True, blank=True)
    countersign_user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-signed_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "partner", "version"], name="signature_once_per_version")]
        indexes = [models.Index(fields=["tenant", "partner", "signed_at"])]

    def __str__(self):
        return f"{self.version} — {self.partner}"

    @property
    def is_countersigned(self) -> bool:
        return self.countersigned_at is not None


class SignatureReminder(TenantOwnedModel):
    """The emails a partner got for one version: the first request and the reminders after it."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")
    sent_count = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "partner", "version"], name="agreement_reminder_once")]
