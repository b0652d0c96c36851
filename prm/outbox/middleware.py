"""Retries of outbound email in the embedded default, where no beat runs flush_outbox.

In eager mode a message is sent in process right after the commit that stored it. When that send
fails for a passing reason (the mail server is down, the database was busy), the row stays pending
with a time for its next attempt, and nothing would ever look at it again. So, in eager mode only,
a request at most every OUTBOX_EAGER_RETRY_SECONDS (per process) sends a few of the messages that
are due, after its own response is ready. With a broker, beat's flush_outbox does this instead.
"""

import logging
import threading
import time

from celery import current_app
from django.conf import settings

from .services import emails_due, emails_send

logger = logging.getLogger(__name__)

RETRY_BATCH = 10  # the request that retries waits for these: keep it to a few


class EagerOutboxRetryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.lock = threading.Lock()
        self.next_check = 0.0

    def __call__(self, request):
        response = self.get_response(request)
        if current_app.conf.task_always_eager and self._my_turn():
            try:
                emails_send(email_ids=emails_due()[:RETRY_BATCH])
            except Exception:  # noqa: BLE001 — a retry that fails must not fail this unrelated request
                logger.exception("Retrying due outbound email failed; the next check tries again")
        return response

    def _my_turn(self) -> bool:
        """True for one request per interval: the others go on without waiting for the lock."""
        now = time.monotonic()
        if now < self.next_check or not self.lock.acquire(blocking=False):
            return False
        try:
            if now < self.next_check:
                return False
            self.next_check = now + settings.OUTBOX_EAGER_RETRY_SECONDS
            return True
        finally:
            self.lock.release()
