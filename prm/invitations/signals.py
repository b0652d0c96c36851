"""Signals the invitations send; other parts listen (the onboarding checklist re-checks its team step).

`invitation_accepted`: sent after the transaction that accepted an invitation commits, with
sender=Invitation, invitation=the Invitation, membership=the Membership it granted."""

from django.dispatch import Signal

invitation_accepted = Signal()
