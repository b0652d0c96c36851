from celery import shared_task

from .services import email_batches, email_send, emails_due, emails_send


@shared_task(acks_late=True, ignore_result=True)
def send_outbound_email(email_id):
    # Idempotent: email_send claims the row with a conditional update.
    email_send(email_id=email_id)


@shared_task(acks_late=True, ignore_result=True)
def send_outbound_batch(email_ids):
    # One SMTP connection for the whole batch; each row is still claimed on its own.
    emails_send(email_ids=email_ids)


@shared_task(ignore_result=True)
def flush_outbox():
    """Beat task: retries failed-but-retryable and stuck messages."""
    for batch in email_batches(emails_due()):  # rows already committed: queue them now
        send_outbound_batch.delay(batch)
