from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.tenancy.managers import TenantOwnedModel


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Ready to import")
    PROBLEMS = "problems", _("Has problems")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing imported")


class PartnerImport(TenantOwnedModel):
    """One uploaded file of partners and their users: checked into a preview, then, once confirmed,
    written in one transaction by a task.

    `rows` holds the file's rows as read (one list of FIELDS values per row, its line first), so
    the task checks them again against the program as it is then; it is emptied once imported.
    """

    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices)
    columns = models.JSONField(_("columns recognised"), default=dict, help_text=_("Field → the file's column."))
    rows = models.JSONField(_("rows"), default=list)
    summary = models.JSONField(_("summary"), default=dict, help_text=_(
        "How many partners are new and updated, and how many users the file names."))
    problems = models.JSONField(_("problems"), default=list, help_text=_("One entry per problem: line, column, message."))
    bad_rows = models.JSONField(_("lines with problems"), default=dict)
    invite_users = models.BooleanField(_("invite the users"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_by = models.ForeignKey("tenancy.Membership", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("partner import")
        verbose_name_plural = _("partner imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "created_at"])]

    def __str__(self):
        return self.filename

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.CHECKED

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
