from celery import shared_task

from .services import email_send, emails_due, emails_send

BATCH_SIZE = 50


@shared_task(acks_late=True, ignore_result=True)
def send_outbound_email(email_id):
    # Idempotent: email_send claims the row with a conditional update.
    email_send(email_id=email_id)


@shared_task(acks_late=True, ignore_result=True)
def send_outbound_batch(email_ids):
    # One SMTP connection for the whole batch; each row is still claimed on its own.
    emails_send(email_ids=email_ids)


def enqueue_batches(email_ids):
    """Queue `email_ids` in batches of BATCH_SIZE (call after commit)."""
    for start in range(0, len(email_ids), BATCH_SIZE):
        send_outbound_batch.delay(list(email_ids[start:start + BATCH_SIZE]))


@shared_task(ignore_result=True)
def flush_outbox():
    """Beat task: retries failed-but-retryable and stuck messages."""
    enqueue_batches(emails_due())
