"""One function per email the onboarding sends; each goes through the outbox."""

from django.urls import reverse

from prm.outbox.services import email_render_and_enqueue
from prm.tenancy.links import tenant_url

from .models import Application
from .tokens import application_token


def _link(application: Application) -> str:
    return tenant_url(application.tenant, reverse("onboarding:application_link", kwargs={"token": application_token(application)}))


def _send(application: Application, template: str, **context) -> None:
    email_render_and_enqueue(
        template=f"partners/onboarding/email/{template}", tenant=application.tenant, to=[application.contact_email],
        context={"application": application, "tenant": application.tenant, "link": _link(application), **context},
        language=application.language, sensitive=True,
    )


def send_confirm_email(application: Application) -> None:
    _send(application, "confirm")


def send_info_request(application: Application) -> None:
    _send(application, "more_info")


def send_rejection(application: Application) -> None:
    _send(application, "rejected")
