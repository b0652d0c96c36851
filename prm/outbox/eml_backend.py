"""The embedded default's mailbox: each message its own `.eml` file under EMAIL_FILE_PATH.

A mail client opens the file (double-click, or drag it in). Names begin with a countdown, so a
plain listing (`ls var/mail`) shows the newest message first, then say when, to whom and what:
`8196315417069999-20261202T140509Z-rep-northwind-example-approved-d-000006-tailspin-toys.eml`.
"""

import re
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.text import slugify

COUNTDOWN_FROM = 10**16  # microseconds: the countdown keeps 16 digits until the year 2286
NAME_PART = 40  # characters of the recipient and of the subject in a file name


class EmlEmailBackend(BaseEmailBackend):
    _lock = threading.Lock()
    _last = 0  # the last stamp given out in this process: two messages never share one

    def __init__(self, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.file_path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        self.file_path.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            try:
                self._write(message)
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent

    def _write(self, message):
        content = message.message().as_bytes(linesep="\r\n")
        while True:
            stamp = self._stamp()
            path = self.file_path / self._name(stamp, message)
            try:
                with open(path, "xb") as file:  # never over another process's message
                    file.write(content)
                return path
            except FileExistsError:
                continue

    @classmethod
    def _stamp(cls) -> int:
        with cls._lock:
            cls._last = max(time.time_ns() // 1000, cls._last + 1)
            return cls._last

    @staticmethod
    def _name(stamp: int, message) -> str:
        when = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(stamp / 1_000_000))
        return f"{COUNTDOWN_FROM - stamp:016d}-{when}-{_part(' '.join(message.to))}-{_part(message.subject)}.eml"


def _part(text: str) -> str:
    """`text` as a piece of a file name: ASCII letters, digits and dashes (rep@northwind.example → rep-northwind-example)."""
    return slugify(re.sub(r"[@.]", "-", text or ""))[:NAME_PART].strip("-") or "none"
