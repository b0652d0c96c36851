from celery import shared_task

from .services import email_send, emails_due


@shared_task(acks_late=True, ignore_result=True)
def send_outbound_email(email_id):
    # Idempotent: email_send claims the row with a conditional update.
    email_send(email_id=email_id)


@shared_task(ignore_result=True)
def flush_outbox():
    """Beat task: retries failed-but-retryable and stuck messages."""
    for email_id in emails_due():
        send_outbound_email.delay(email_id)
