"""One function per email training sends; each goes through the outbox."""

from django.urls import reverse

from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url

from .models import Completion


def send_expiry_reminder(completion: Completion, days_left: int) -> None:
    """The certified person hears that their certification expires, and when (in their language)."""
    email_render_and_enqueue(
        template="partners/training/email/expiry_reminder", tenant=completion.tenant, to=[completion.user.email],
        context={"completion": completion, "tenant": completion.tenant, "days": days_left,
                 "link": tenant_url(completion.tenant, reverse("training:portal"))},
    )
