"""Loyalty on beat: release before expiry, every tenant in its own context, and the schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from loyalty import tasks
from loyalty.models import LotState, PointsAccount, PointsLot
from prm.tenancy.context import tenant_context

from .helpers import earn

pytestmark = pytest.mark.django_db


def test_the_nightly_tasks_release_and_expire_in_every_tenant(world):
    with tenant_context(world.acme):
        due = earn(world.northwind, 40, pending=True)
        old = earn(world.contoso, 10)
    with tenant_context(world.globex):
        other = earn(world.initech, 25, pending=True)
    past = timezone.now() - timedelta(days=1)
    PointsLot.unscoped.filter(pk__in=[due.pk, other.pk]).update(available_at=past - timedelta(days=1))
    PointsLot.unscoped.filter(pk=old.pk).update(available_at=past - timedelta(days=1), expires_at=past)
    assert tasks.release_points() == {"acme": 1, "globex": 1}
    assert tasks.expire_points() == {"acme": 1, "globex": 0}
    assert tasks.release_points() == {"acme": 0, "globex": 0}
    assert PointsLot.unscoped.get(pk=old.pk).state == LotState.EXPIRED
    assert [PointsAccount.unscoped.get(partner=p).available for p in (world.northwind, world.contoso, world.initech)] == [
        40, 0, 25]


def test_beat_releases_before_it_expires_and_the_tasks_exist(db):
    from celery import current_app

    scheduled = {task: (int(hour), int(minute)) for task, hour, minute in
                 PeriodicTask.objects.filter(task__startswith="loyalty.").values_list("task", "crontab__hour",
                                                                                       "crontab__minute")}
    assert set(scheduled) == {"loyalty.tasks.release_points", "loyalty.tasks.expire_points"}
    assert scheduled["loyalty.tasks.release_points"] < scheduled["loyalty.tasks.expire_points"]
    current_app.loader.import_default_modules()
    assert set(scheduled) <= set(current_app.tasks)
