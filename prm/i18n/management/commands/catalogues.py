from django.core.management.base import BaseCommand, CommandError

from prm.i18n import catalogues as cat


class Command(BaseCommand):
    help = "Message catalogues without system gettext: update (extract + merge), compile, check."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["update", "compile", "check"])
        parser.add_argument("--only", action="append", help="a catalogue: project or an app name (repeatable)")

    def handle(self, *args, action, only, **options):
        found = cat.catalogues()
        unknown = set(only or ()) - set(found)
        if unknown:
            raise CommandError(f"Unknown catalogue(s): {', '.join(sorted(unknown))}; there are {', '.join(found)}.")
        chosen = [found[name] for name in (only or found)]
        if action == "update":
            for catalogue in chosen:
                for path in cat.update(catalogue):
                    self.stdout.write(f"updated {path.relative_to(cat.BASE)}")
        elif action == "compile":
            for catalogue in chosen:
                for path in cat.compile_catalogue(catalogue):
                    self.stdout.write(f"compiled {path.relative_to(cat.BASE)}")
        else:
            problems = cat.all_problems(chosen)
            for problem in problems:
                self.stdout.write(str(problem))
            if problems:
                raise CommandError(f"{len(problems)} problem(s) in the catalogues.")
            self.stdout.write("The catalogues are complete.")
