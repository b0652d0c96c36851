"""Signals deal registration sends; other parts listen (the onboarding checklist ticks its first-deal step).

`deal_submitted`: sent after the transaction that submitted a deal commits, with sender=Deal, deal=the Deal."""

from django.dispatch import Signal

deal_submitted = Signal()
