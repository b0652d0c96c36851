"""Services hand work to Celery by task name, after their transaction commits.

Naming the task instead of importing it keeps the dependency one way: an app's tasks import its
services, and no service imports a tasks module (which would close an import cycle). The name is
looked up in Celery's registry, so eager mode (tests, the embedded default) still runs the task in
process; tests/test_conventions.py checks that every name passed here is a registered task."""

from typing import Any

from celery import current_app
from django.db import transaction


def registered_task(name: str):
    """The task called `name` ("<module>.<function>"); imports every app's tasks.py the first time."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # Celery's autodiscovery: each installed app's tasks module
    return app.tasks[name]


def enqueue_on_commit(name: str, **kwargs: Any) -> None:
    """Queue the task `name` with these (JSON) keyword arguments once the current transaction commits."""
    task = registered_task(name)
    # robust: the write has committed, so a failing hand-off (broker down, or an eager task that
    # fails in process) is logged instead of turning the request into a 500. Outbox rows left
    # pending are picked up again by flush_outbox, or in eager mode by the next request.
    transaction.on_commit(lambda: task.delay(**kwargs), robust=True)
