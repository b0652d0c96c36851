"""Signals market development funds send; other parts listen (loyalty's "claim submitted on time").

`claim_submitted`: sent after the transaction in which a partner submitted a claim commits, with
sender=Claim, claim=the Claim, on_time=True (late claims are refused, so every claim sent is on time)."""

from django.dispatch import Signal

claim_submitted = Signal()
