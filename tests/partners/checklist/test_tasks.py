"""The nightly tasks: scheduled in the database, run per tenant in its context, and what they leave in the timeline."""

from datetime import timedelta

from celery import current_app
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from partners.checklist import tasks
from partners.models import Partner, PartnerStatus
from prm.outbox.models import OutboundEmail

from .helpers import add_step


def test_the_nightly_tasks_are_scheduled_in_the_database_and_registered(db):
    scheduled = dict(PeriodicTask.objects.values_list("task", "crontab__hour"))
    for name in ("partners.checklist.tasks.refresh_onboarding", "partners.checklist.tasks.remind_stalled"):
        assert scheduled[name] == "2"
        assert name in current_app.tasks


def test_the_tasks_run_every_tenant_and_the_timeline_names_what_happened(world, in_tenant, client_as):
    with in_tenant(world.acme):
        add_step(world, "colleagues", threshold=1)  # Northwind's admin and rep: done
        add_step(world, "manual", title="Kick-off call")
    Partner.unscoped.filter(pk=world.northwind.pk).update(status=PartnerStatus.ONBOARDING,
                                                          created_at=timezone.now() - timedelta(days=8))
    assert tasks.refresh_onboarding() == {"acme": 0, "globex": 0}  # one step of two: not finished
    assert tasks.remind_stalled() == {"acme": 1, "globex": 0}
    assert OutboundEmail.objects.filter(kind="partners/checklist/email/reminder").count() == 1
    page = client_as(world.acme_manager).get(f"/manage/partners/{world.northwind.pk}/").content.decode()
    assert "Onboarding step done" in page and "Reminded of the onboarding checklist" in page
    assert "1 of 2 steps done" in page
