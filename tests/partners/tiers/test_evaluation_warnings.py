"""Warnings 60, 30 and 7 days before a downgrade or an at-risk date, each once, to the partner's admins;
the nightly task and "evaluate now"; the beat schedule."""

from datetime import timedelta

import pytest
from django_celery_beat.models import PeriodicTask

from partners.tiers import sweeps, tasks
from partners.tiers.models import TierEvaluationRun, TierWarning
from prm.audit.models import AuditEvent
from prm.outbox.models import OutboundEmail
from prm.tenancy.context import tenant_context

from .evaluation_fixtures import (
    CERTS,
    NOW,
    TODAY,
    _no_certs,  # noqa: F401 — an autouse fixture
    gold_figures,
    make_ladder,
)

pytestmark = pytest.mark.django_db
KIND = "tiers/evaluations/email/warning"


def night(tenant, days):
    with tenant_context(tenant):
        return sweeps.evaluate(tenant=tenant, now=NOW + timedelta(days=days))


def warnings_to(tenant):
    with tenant_context(tenant):
        return list(OutboundEmail.objects.filter(kind=KIND).order_by("id").values_list("to", "subject"))


def test_a_downgrade_is_warned_60_30_and_7_days_ahead_once_each(world):
    registered, silver, gold = make_ladder(world.acme)
    world.northwind.tier = gold
    world.northwind.save(update_fields=["tier"])
    for days in (0, 1, 2, 29, 30, 31, 52, 53, 54):
        night(world.acme, days)
    sent = [to for to, _subject in warnings_to(world.acme)]
    # Northwind's one partner admin, three times; Contoso (Silver, no deals) is in grace too but has no admin
    assert sent == [["admin@northwind.example"]] * 3
    with tenant_context(world.acme):
        assert sorted(TierWarning.objects.filter(partner=world.northwind).values_list("days_before", flat=True)) == [7, 30, 60]
        body = OutboundEmail.objects.filter(kind=KIND).first().body_text
    assert "Northwind Traders" in body and "Gold" in body and "Registered" in body and "/portal/tier/" in body
    assert AuditEvent.unscoped.filter(verb="tier.warned", target_id=str(world.northwind.pk)).count() == 3


def test_an_at_risk_date_is_warned_with_what_lapses(world):
    registered, silver, gold = make_ladder(world.acme)
    world.northwind.tier = gold
    world.northwind.save(update_fields=["tier"])
    gold_figures(world.northwind)
    CERTS[world.northwind.pk] = [("Ann Lee", TODAY + timedelta(days=20)), ("Bo Chen", TODAY + timedelta(days=400))]
    assert night(world.acme, 0)["warned"] == 1
    assert night(world.acme, 1)["warned"] == 0
    [(to, subject)] = warnings_to(world.acme)
    assert to == ["admin@northwind.example"] and "at risk" in subject
    with tenant_context(world.acme):
        body = OutboundEmail.objects.get(kind=KIND).body_text
    assert "Certification “Firewall Expert” of Ann Lee expires" in body


def test_the_nightly_task_evaluates_every_active_program(world):
    make_ladder(world.acme)
    make_ladder(world.globex)
    results = tasks.evaluate_all()
    assert results["acme"]["partners"] == 2 and results["globex"]["partners"] == 1
    assert TierEvaluationRun.unscoped.filter(tenant=world.acme).count() == 1


def test_evaluate_now_runs_one_program(world):
    make_ladder(world.globex)
    results = tasks.evaluate_now(tenant_id=world.globex.pk)
    assert list(results) == ["globex"]


def test_the_evaluation_is_on_the_beat_schedule():
    task = PeriodicTask.objects.get(task="partners.tiers.tasks.evaluate_all")
    assert task.crontab.hour == "3" and task.enabled
