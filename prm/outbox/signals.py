from django.dispatch import Signal

# Sent when the mail server refuses every recipient of a message for good (5xx): the address is bad.
# Arguments: email (the OutboundEmail row), addresses (the refused addresses).
email_bounced = Signal()
