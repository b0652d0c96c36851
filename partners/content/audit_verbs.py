"""What the content library records in the audit trail, and how a timeline names it."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from prm.audit.verbs import audit_verbs


@audit_verbs
class ContentVerb(TextChoices):
    CREATED = "content.created", _("Content item created")
    UPDATED = "content.updated", _("Content item changed")
    VERSION_UPLOADED = "content.version_uploaded", _("New version of a content item uploaded")
    RETIRED = "content.retired", _("Content item retired")
