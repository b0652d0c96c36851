"""Signals the agreements send; other parts listen (the onboarding checklist ticks its step).

`agreement_signed`: sent after the transaction that stored a partner's signature commits, with
sender=Signature, signature=the new Signature, partner=its Partner, with the partner's tenant in force."""

from django.dispatch import Signal

agreement_signed = Signal()
