from django.db import migrations, models


class Migration(migrations.Migration):
    """The ranking aggregate reads (tenant, answered_at, partner, score) from the index alone."""

    dependencies = [("surveys", "0003_relationship_surveys")]

    operations = [
        migrations.RemoveIndex(model_name="answer", name="answer_time"),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(fields=["tenant", "answered_at"], include=["partner", "score"], name="answer_time"),
        ),
    ]
