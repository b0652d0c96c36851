import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from prm.tenancy.managers import TenantOwnedModel


class SurveySettings(TenantOwnedModel):
    """One row per tenant: who is surveyed, how often, and how rankings are computed."""

    days_after_won = models.PositiveSmallIntegerField(
        _("days after the win"), default=14, help_text=_("Survey a won deal's customer this many days after the win."))
    quarantine_days = models.PositiveSmallIntegerField(
        _("quarantine (days)"), default=90,
        help_text=_("Survey one address at most once in this many days, across all partners."))
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=2, validators=[MaxValueValidator(5)],
                                                 help_text=_("Reminders to people who have not answered (at most 5)."))
    reminder_interval_days = models.PositiveSmallIntegerField(_("days between reminders"), default=4,
                                                              validators=[MinValueValidator(1)])
    sends_per_minute = models.PositiveIntegerField(_("emails per minute"), default=120, validators=[MinValueValidator(1)],
                                                   help_text=_("Shared by all workers sending this program's surveys."))
    minimum_answers = models.PositiveSmallIntegerField(_("answers needed for a rank"), default=30,
                                                       validators=[MinValueValidator(1)],
                                                       help_text=_("Partners with fewer answers are shown but not ranked."))
    ghost_answers = models.PositiveSmallIntegerField(
        _("ghost answers"), default=20,
        help_text=_("Shrinkage: answers in the program's overall mix added to every partner before ranking."))
    window_months = models.PositiveSmallIntegerField(_("ranking window (months)"), default=12,
                                                     validators=[MinValueValidator(1), MaxValueValidator(36)])
    follow_up_business_days = models.PositiveSmallIntegerField(
        _("follow-up time (business days)"), default=2, validators=[MinValueValidator(1)],
        help_text=_("A partner has this long to follow up on an unhappy customer's answer."))

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="survey_settings_one_per_tenant")]


class Survey(TenantOwnedModel):
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en",
                                help_text=_("The customers see the survey and its emails in this language."))
    nps_question = models.CharField(
        _("NPS question"), max_length=300, blank=True,
        help_text=_("Leave empty for the standard question. {partner} and {vendor} are replaced."))
    ask_effort = models.BooleanField(_("ask the effort question"), default=True,
                                     help_text=_("Also ask the customer-effort question (1–7)."))
    for_won_deals = models.BooleanField(_("for won deals"), default=False,
                                        help_text=_("Send this survey to the customers of won deals."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant"], condition=Q(for_won_deals=True, is_active=True),
                                    name="one_active_won_deal_survey_per_tenant"),
        ]

    def __str__(self):
        return self.name


class Campaign(TenantOwnedModel):
    """A batch of imported contacts surveyed together; its page shows sending progress."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("survey"))
    name = models.CharField(_("name"), max_length=120)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("partner"),
                                help_text=_("Set when a partner admin imported it: contacts of that partner only."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class InvitationStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("survey invitation", "Scheduled")
    QUEUED = "queued", pgettext_lazy("survey invitation", "Queued")
    SENT = "sent", pgettext_lazy("survey invitation", "Sent")
    FAILED = "failed", pgettext_lazy("survey invitation", "Failed")
    ANSWERED = "answered", pgettext_lazy("survey invitation", "Answered")
    SKIPPED = "skipped", pgettext_lazy("survey invitation", "Skipped")  # quarantine or suppression at send time
    BOUNCED = "bounced", pgettext_lazy("survey invitation", "Bounced")
    OPTED_OUT = "opted_out", pgettext_lazy("survey invitation", "Opted out")


class SurveyInvitation(TenantOwnedModel):
    """One contact, one partner, one survey."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("survey"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="survey_invitations",
                                verbose_name=_("partner"))
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations",
                                 verbose_name=_("campaign"))
    deal = models.ForeignKey("dealreg.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("deal"))
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.SCHEDULED)
    send_after = models.DateTimeField(_("send after"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    next_reminder_at = models.DateTimeField(_("next reminder"), null=True, blank=True)
    skip_reason = models.CharField(_("reason for skipping"), max_length=120, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "survey", "email"], name="one_invitation_per_contact_per_survey"),
            models.UniqueConstraint(fields=["tenant", "survey", "deal"], condition=Q(deal__isnull=False),
                                    name="one_invitation_per_won_deal"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "send_after"], name="survey_inv_due"),
            models.Index(fields=["tenant", "status", "next_reminder_at"], name="survey_inv_reminders"),
            models.Index(fields=["tenant", "email", "sent_at"], name="survey_inv_quarantine"),
            models.Index(fields=["tenant", "campaign", "status"], name="survey_inv_campaign"),
        ]

    def __str__(self):
        return f"{self.email} ({self.survey})"


class Answer(TenantOwnedModel):
    """One answer per invitation, enforced by the database."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="answer",
                                      verbose_name=_("invitation"))
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="answers", verbose_name=_("survey"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="survey_answers",
                                verbose_name=_("partner"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(10)])
    effort = models.PositiveSmallIntegerField(_("effort"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(7)])
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="answer_score_0_10"),
            models.CheckConstraint(condition=Q(effort__isnull=True) | Q(effort__gte=1, effort__lte=7), name="answer_effort_1_7"),
        ]
        indexes = [models.Index(fields=["tenant", "partner", "answered_at"], name="answer_partner_time"),
                   # Covering: the nightly ranking aggregate is an index-only scan.
                   models.Index(fields=["tenant", "answered_at"], include=["partner", "score"], name="answer_time")]

    @property
    def category(self):
        return "promoter" if self.score >= 9 else "passive" if self.score >= 7 else "detractor"


class Suppression(TenantOwnedModel):
    """Addresses this tenant must not survey again (one-click unsubscribe, bounces, requests)."""

    email = models.EmailField(_("email"))
    reason = models.CharField(_("reason"), max_length=20, choices=[
        ("unsubscribe", pgettext_lazy("suppressed address", "Unsubscribed")),
        ("bounce", pgettext_lazy("suppressed address", "Bounced")),
        ("manual", pgettext_lazy("suppressed address", "Added by staff")),
    ])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        constraints = [models.UniqueConstraint(fields=["tenant", "email"], name="suppression_unique_per_tenant")]


class RankingRun(TenantOwnedModel):
    """One nightly computation; re-running the same day replaces its rows, so history has one run per day."""

    run_date = models.DateField(_("day of the ranking"))
    window_start = models.DateField(_("window starts"))
    window_end = models.DateField(_("window ends"))
    computed_at = models.DateTimeField(_("computed"), auto_now=True)
    tenant_n = models.PositiveIntegerField(_("answers in the program"), default=0)
    tenant_nps = models.FloatField(_("program NPS"), null=True)
    median_nps = models.FloatField(_("median partner NPS"), null=True)
    top_quartile_nps = models.FloatField(_("NPS where the top quartile starts"), null=True)
    ranked_count = models.PositiveIntegerField(_("partners ranked"), default=0)

    class Meta:
        verbose_name = _("ranking run")
        verbose_name_plural = _("ranking runs")
        ordering = ["-run_date"]
        constraints = [models.UniqueConstraint(fields=["tenant", "run_date"], name="one_ranking_run_per_day")]


class PartnerScore(TenantOwnedModel):
    """A partner's (or, with partner empty, the whole program's) NPS for one period of a run."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="scores", verbose_name=_("ranking run"))
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("partner"))
    period = models.CharField(_("period"), max_length=7, help_text=_("'window' for the trailing window, else YYYY-MM."))
    n = models.PositiveIntegerField(_("answers"))
    promoters = models.PositiveIntegerField(_("promoters"))
    passives = models.PositiveIntegerField(_("passives"))
    detractors = models.PositiveIntegerField(_("detractors"))
    nps = models.FloatField(_("NPS"), null=True)
    ci_low = models.FloatField(_("low end of the interval"))
    ci_high = models.FloatField(_("high end of the interval"))
    shrunk = models.FloatField(_("ranking score (NPS adjusted for the number of answers)"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    ranked_of = models.PositiveIntegerField(_("partners ranked"), default=0)
    trend_delta = models.FloatField(_("change from the previous period"), null=True)
    trend_significant = models.BooleanField(_("change is significant"), default=False)

    class Meta:
        verbose_name = _("partner score")
        verbose_name_plural = _("partner scores")
        constraints = [
            models.UniqueConstraint(fields=["run", "partner", "period"], condition=Q(partner__isnull=False),
                                    name="one_score_per_partner_period"),
            models.UniqueConstraint(fields=["run", "period"], condition=Q(partner__isnull=True),
                                    name="one_program_score_per_period"),
        ]
        indexes = [models.Index(fields=["tenant", "run", "period", "rank"], name="score_leaderboard")]


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up case", "Open")
    CLOSED = "closed", pgettext_lazy("follow-up case", "Closed")


class FollowUpCase(TenantOwnedModel):
    """Opened for every detractor answer; the partner closes the loop with the customer."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("answer"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="follow_ups",
                                verbose_name=_("partner"))
    status = models.CharField(_("status"), max_length=6, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    due_at = models.DateTimeField(_("due"))
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    action_taken = models.TextField(_("action taken"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("closed by"))
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["tenant", "partner", "status", "due_at"], name="followup_partner_due"),
                   models.Index(fields=["tenant", "status", "due_at"], name="followup_due")]


class PracticeNote(TenantOwnedModel):
    """What a top-quartile partner says it does well, shown to all partners of the program."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="practice_notes",
                                verbose_name=_("partner"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("author"))
    text = models.TextField(_("text"), max_length=1500)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("hidden by"))

    class Meta:
        verbose_name = _("practice note")
        verbose_name_plural = _("practice notes")
        ordering = ["-created_at"]


class ImportBatch(TenantOwnedModel):
    """An uploaded contact list, validated and previewed; confirming it creates the campaign at once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", verbose_name=_("survey"))
    name = models.CharField(_("campaign name"), max_length=120)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("partner"))
    filename = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("contacts"), default=list)
    problems = models.JSONField(_("problems"), default=list, help_text=_("One entry per bad row: line number, column, message."))
    bad_rows = models.JSONField(_("lines with problems"), default=dict, help_text=_(
        "The bad rows as the file had them: its columns, and each row's line, values and problems."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    campaign = models.OneToOneField(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_batch",
                                    verbose_name=_("campaign"))

    class Meta:
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")
        ordering = ["-created_at"]


class RelationshipSurvey(TenantOwnedModel):
    """The vendor asks its partner users, anonymously, how it is doing (NPS, effort, comment)."""

    name = models.CharField(_("name"), max_length=120)
    closes_on = models.DateField(_("closes on"), help_text=_("Answers are accepted until the end of this day."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner satisfaction survey")
        verbose_name_plural = _("partner satisfaction surveys")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class RelationshipInvitation(TenantOwnedModel):
    """Who may answer, and whether they did. Deliberately no time and no link to the answer."""

    survey = models.ForeignKey(RelationshipSurvey, on_delete=models.CASCADE, related_name="invitations",
                               verbose_name=_("partner satisfaction survey"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    token_hash = models.CharField(_("link fingerprint"), max_length=64, unique=True)
    used = models.BooleanField(_("answered"), default=False)

    class Meta:
        verbose_name = _("partner satisfaction invitation")
        verbose_name_plural = _("partner satisfaction invitations")
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="one_relationship_invitation_per_user")]


class RelationshipAnswer(TenantOwnedModel):
    """Anonymous by construction: a random id (no insertion order), the day only, no partner, no user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(RelationshipSurvey, on_delete=models.CASCADE, related_name="answers",
                               verbose_name=_("partner satisfaction survey"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(10)])
    effort = models.PositiveSmallIntegerField(_("effort"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(7)])
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    answered_on = models.DateField(_("answered on"))

    class Meta:
        verbose_name = _("partner satisfaction answer")
        verbose_name_plural = _("partner satisfaction answers")
        ordering = ["id"]  # random: listing order reveals nothing
        constraints = [models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="relationship_score_0_10")]
