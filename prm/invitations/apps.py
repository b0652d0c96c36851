from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "prm.invitations"
    label = "invitations"
