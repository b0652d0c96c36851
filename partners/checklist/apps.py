from django.apps import AppConfig


class ChecklistConfig(AppConfig):
    name = "partners.checklist"
    label = "checklist"

    def ready(self):
        from partners.overview import register as register_section

        from . import builtin_kinds
        from .overview import checklist_section

        builtin_kinds.register_all()
        register_section(checklist_section)
