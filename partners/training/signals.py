"""Signals training sends; other parts listen (the onboarding checklist's certification step, later loyalty).

`certification_completed`: sent after the transaction in which a completion became approved commits
(recorded by a manager, imported, or a claim approved), with sender=Completion, completion=the Completion."""

from django.dispatch import Signal

certification_completed = Signal()
