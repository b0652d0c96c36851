"""Market development funds' periodic work, scheduled in the database (django-celery-beat)."""

from django.db import migrations

SCHEDULES = [
    # name, task, crontab (minute, hour): the deadlines first, so what a closed request releases to an
    # allocation of a closed fiscal year expires (or rolls over) the same night
    ("MDF: close requests past their claim deadline, remind before it", "mdf.tasks.claim_deadlines", ("20", "0")),
    ("MDF: close fiscal years' unspent allocations, warn before", "mdf.tasks.close_periods", ("50", "0")),
    ("MDF: accrue the partners' share of won deals", "mdf.tasks.accrue", ("15", "4")),
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
        ("mdf", "0003_unspent_offset_days"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
