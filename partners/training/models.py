"""Certifications and training: the tenant's courses, and the completions of its partners' people.

A completion counts towards tiers only once approved, and only while it is active: on a day d when
completed_on <= d and (expires_on is empty or d < expires_on). Expiry needs no sweep: every measure
reads the dates."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prm.tenancy.managers import TenantOwnedModel

# The days before expiry on which the certified person is reminded, each once (sweeps.py).
REMINDER_DAYS = (90, 30, 7)


class Course(TenantOwnedModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("How long a certification stays valid; empty: it never expires."))
    required_for_tiers = models.ManyToManyField("tiers.Tier", blank=True, related_name="required_courses",
                                                verbose_name=_("tiers that need it"))
    content = models.ManyToManyField("content.ContentItem", blank=True, related_name="courses",
                                     verbose_name=_("linked content"))
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("An inactive course takes no new completions and counts towards no tier."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("tenant", Lower("name"), name="course_name_unique_any_case",
                                    violation_error_message=_("The program has a course of this name already.")),
        ]

    def __str__(self):
        return self.name


class Source(models.TextChoices):
    MANAGER = "manager", _("Recorded by a channel manager")
    IMPORT = "import", _("Imported from a learning system")
    CLAIM = "claim", _("Claimed by the partner")


class CompletionStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Waiting for approval")
    REJECTED = "rejected", _("Rejected")


def active_on(day: date, prefix: str = "") -> Q:
    """The condition "approved and active on `day`" for completions (or, with a prefix, rows reaching them)."""
    return Q(**{f"{prefix}status": CompletionStatus.APPROVED, f"{prefix}completed_on__lte": day}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gt": day}))


def certification_pair():
    """One certification per person and course, to count with distinct=True (a renewal taken before the
    old one expires is the same certification): the pair as one number (course ids stay below 2³¹), which
    counts faster than a text made of both."""
    return models.ExpressionWrapper(models.F("user_id") * Value(2 ** 31) + models.F("course_id"),
                                    output_field=models.BigIntegerField())


class Completion(TenantOwnedModel):
    """One person of a partner completed one course. `partner` is the person's partner when recorded
    (kept on the row so that per-partner counts are one GROUP BY)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions", verbose_name=_("course"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=CompletionStatus.choices)
    certificate = models.FileField(_("certificate"), upload_to="certificates/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reason"), blank=True, max_length=2000)
    # The smallest of REMINDER_DAYS already sent (90, then 30, then 7); empty: none yet.
    reminded_days = models.PositiveSmallIntegerField(_("last reminder (days before expiry)"), null=True, blank=True)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "course", "user", "completed_on"], name="completion_once_per_day",
                                    violation_error_message=_("This person's completion of this course on this day is recorded already.")),
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("completed_on")),
                                   name="completion_expires_after_completion"),
        ]
        indexes = [
            models.Index(fields=["tenant", "partner", "expires_on"], name="completion_partner_expiry"),
            models.Index(fields=["tenant", "course", "expires_on"], name="completion_course_expiry"),
            models.Index(fields=["tenant", "status", "recorded_at"], name="completion_status"),
        ]

    def __str__(self):
        return f"{self.course} — {self.user}"

    def is_active_on(self, day: date) -> bool:
        return (self.status == CompletionStatus.APPROVED and self.completed_on <= day
                and (self.expires_on is None or day < self.expires_on))


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Ready to import")
    PROBLEMS = "problems", _("Has problems")
    DONE = "done", _("Imported")


class CompletionImport(TenantOwnedModel):
    """A CSV of completions from a learning system, checked into a preview; imported, all rows or
    none, once a manager confirms it. `rows` holds the file's rows as read (line, email, course,
    completed on, expires on), checked again on confirmation."""

    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    rows = models.JSONField(_("rows"), default=list)
    bad_rows = models.JSONField(_("lines with problems"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_count = models.PositiveIntegerField(_("completions imported"), default=0)

    class Meta:
        verbose_name = _("completion import")
        verbose_name_plural = _("completion imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "created_at"])]

    def __str__(self):
        return self.filename

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.CHECKED
