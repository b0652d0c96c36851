"""Loyalty's periodic work, scheduled in the database (django-celery-beat): release, then expiry, so
points that became available and expired on the same night show both entries in order."""

from django.db import migrations

SCHEDULES = [
    # name, task, crontab (minute, hour)
    ("Loyalty: pending points whose day has come become available", "loyalty.tasks.release_points", ("30", "1")),
    ("Loyalty: points past their expiry expire", "loyalty.tasks.expire_points", ("45", "1")),
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour) in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
