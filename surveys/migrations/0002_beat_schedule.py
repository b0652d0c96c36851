"""The survey app's periodic work, scheduled in the database (django-celery-beat)."""

from django.db import migrations

INTERVALS = [
    ("Surveys: send due invitations and reminders", "surveys.tasks.dispatch_surveys", 1, "minutes"),
    ("Surveys: invite customers of won deals", "surveys.tasks.schedule_won_deal_surveys", 1, "hours"),
    ("Surveys: escalate overdue follow-ups", "surveys.tasks.escalate_follow_ups", 1, "hours"),
]
NIGHTLY = ("Surveys: nightly NPS rankings", "surveys.tasks.compute_rankings", "15", "2")


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period in INTERVALS:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})
    name, task, minute, hour = NIGHTLY
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def unschedule(apps, schema_editor):
    names = [row[0] for row in INTERVALS] + [NIGHTLY[0]]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
