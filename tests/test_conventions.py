"""The conventions of DESIGN.md that the next apps will copy, checked on the source itself (ast):
thin views and API, no import cycles, dependencies pointing one way, apps reaching each other only
through services and selectors, audit verbs declared with labels, tasks enqueued by real names."""

import ast
import copy
import re
from functools import cache
from pathlib import Path

import pytest
from django.utils.functional import Promise

from prm.audit.services import UnknownAuditVerb, audit_record
from prm.audit.templatetags.audit import event_label
from prm.audit.verbs import verb_enums
from prm.enqueue import registered_task

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("prm", "partners", "dealreg", "mdf", "surveys", "loyalty")

# The project's composition root wires the apps together; it may import any of them.
COMPOSITION_ROOT = ("prm.urls", "prm.api.urls", "prm.demo", "prm.settings", "prm.celery", "prm.wsgi")
# Which apps an app may import (DESIGN.md: prm.tenancy <- partners <- dealreg, mdf, surveys <- loyalty).
# Among the middle apps the order is fixed too, so they cannot import each other in a circle:
# surveys reads dealreg's won deals; dealreg never imports surveys.
MAY_IMPORT = {
    "prm": {"prm"},
    "partners": {"prm", "partners"},
    "dealreg": {"prm", "partners", "dealreg"},
    "mdf": {"prm", "partners", "dealreg", "mdf"},  # accruals read won deals through dealreg.selectors
    "surveys": {"prm", "partners", "dealreg", "surveys"},
    "loyalty": {"prm", "partners", "dealreg", "mdf", "surveys", "loyalty"},
}
# What one app may import of another: its public read and write surface (services, selectors, models
# to read and to point foreign keys at, its audit verbs), the signals it owns, the forms it lends (the
# invitation form), partners' registry of portal tiles and its company name/domain normalisation (names),
# dealreg's registry of questions higher apps add to the deal form (deal_fields: mdf's "which activity?").
PUBLIC_MODULES = {"services", "selectors", "models", "audit_verbs", "signals", "forms", "portal_tiles", "overview", "names",
                  "kinds", "requirements", "deal_fields"}
# prm's apps; tenancy, audit, api and accounts are the framework every app builds on (base views,
# scoped managers, the API base classes), so any of their modules may be imported.
PRM_APPS = ("prm.accounts", "prm.tenancy", "prm.audit", "prm.outbox", "prm.invitations", "prm.api")
FRAMEWORK = {"prm", "prm.accounts", "prm.tenancy", "prm.audit", "prm.api"}


# --- reading the source -------------------------------------------------------------------------


@cache
def modules() -> dict[str, Path]:
    """Every module of the project's packages (not migrations), by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(), filename=str(modules()[name]))


def _is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def _resolve(name: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if _is_package(name) else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imported(name: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The project modules an import statement loads (the most specific one that exists)."""
    targets = []
    if isinstance(node, ast.Import):
        candidates = [alias.name for alias in node.names]
    else:
        source = _resolve(name, node)
        candidates = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules() else source for alias in node.names]
    for candidate in candidates:
        while candidate and candidate not in modules():
            candidate = candidate.rpartition(".")[0]
        if candidate and candidate != name:
            targets.append(candidate)
    return targets


def _module_level(body):
    """Import statements that run when the module is imported (not those inside functions)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.ClassDef)):
            for child in ("body", "orelse", "finalbody", "handlers"):
                for part in getattr(node, child, []):
                    yield from _module_level(part.body if isinstance(part, ast.ExceptHandler) else [part])


def import_graph(*, module_level_only: bool) -> dict[str, set[str]]:
    graph = {}
    for name in modules():
        nodes = (_module_level(tree(name).body) if module_level_only
                 else (n for n in ast.walk(tree(name)) if isinstance(n, (ast.Import, ast.ImportFrom))))
        graph[name] = {target for node in nodes for target in _imported(name, node)}
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative: the components with more than one module (cycles)."""
    index, low, stack, on_stack, components, counter = {}, {}, [], set(), [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(component)
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def app_of(name: str) -> str:
    """The app a module belongs to: a top-level app, one of prm's apps, or "prm" (shared)."""
    for app in PRM_APPS:
        if name == app or name.startswith(app + "."):
            return app
    return name.split(".")[0]


def _is_root(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in COMPOSITION_ROOT)


# --- 3. no import cycles, dependencies one way --------------------------------------------------


def test_the_module_graph_has_no_import_cycles():
    assert strongly_connected(import_graph(module_level_only=True)) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [{"a", "b", "c"}]


def direction_violations(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for name, targets in graph.items():
        if _is_root(name):
            continue
        top = name.split(".")[0]
        wrong += [f"{name} imports {target}" for target in targets if target.split(".")[0] not in MAY_IMPORT[top]]
    return sorted(wrong)


def public_violations(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for name, targets in graph.items():
        if _is_root(name):
            continue
        for target in targets:
            owner = app_of(target)
            if owner in FRAMEWORK or owner == app_of(name):
                continue  # shared infrastructure, or the app itself
            if target.rpartition(".")[2] not in PUBLIC_MODULES:
                wrong.append(f"{name} imports {target}")
    return sorted(wrong)


def test_apps_import_only_the_apps_below_them():
    assert direction_violations(import_graph(module_level_only=False)) == []


def test_the_direction_check_catches_an_import_upwards():
    graph = {"partners.services": {"dealreg.selectors", "prm.audit.services"}, "dealreg.selectors": {"surveys.models"},
             "surveys.services": {"dealreg.selectors"}, "prm.tenancy.views": {"partners.models"}, "prm.urls": {"surveys.urls"}}
    assert direction_violations(graph) == ["dealreg.selectors imports surveys.models", "partners.services imports dealreg.selectors",
                                           "prm.tenancy.views imports partners.models"]


def test_prm_never_imports_the_apps_outside_its_composition_root():
    graph = import_graph(module_level_only=False)
    assert not any(_is_root(name) for name in ("prm.tenancy.views", "prm.audit.services", "prm.enqueue"))
    assert any(t.startswith("partners.") for t in graph["prm.urls"])  # the root is the one place that may


def test_one_app_reaches_another_only_through_its_public_modules():
    assert public_violations(import_graph(module_level_only=False)) == []


def test_the_public_module_check_catches_a_reach_into_another_app():
    graph = {"surveys.export": {"dealreg.export", "prm.spreadsheets"}, "surveys.services": {"prm.outbox.tasks", "dealreg.selectors"},
             "dealreg.views.portal": {"prm.tenancy.views", "dealreg.services"}}
    assert public_violations(graph) == ["surveys.export imports dealreg.export", "surveys.services imports prm.outbox.tasks"]


# --- 1. thin views and API ----------------------------------------------------------------------

VIEW_FILES = [name for name in modules() if ".views" in f".{name}" or name.endswith((".api", "team_views"))]
FORBIDDEN_CALLS = {"save": "save()", "atomic": "a transaction", "on_commit": "on_commit", "delay": "a task",
                   "apply_async": "a task", "send_task": "a task", "enqueue_on_commit": "a task", "bulk_create": "a write",
                   "update_or_create": "a write", "get_or_create": "a write"}


def _view_violations(name: str, module: ast.Module | None = None) -> list[str]:
    found = []
    for node in ast.walk(module or tree(name)):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            own_method = isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "self"
            if called in FORBIDDEN_CALLS and not own_method:
                found.append(f"{name}:{node.lineno} {FORBIDDEN_CALLS[called]}")
        elif isinstance(node, ast.ExceptHandler) and "IntegrityError" in ast.unparse(node.type or ast.Name("")):
            found.append(f"{name}:{node.lineno} catches IntegrityError")
    return found


def test_there_are_view_and_api_modules_to_check():
    assert {"surveys.views.dashboard", "surveys.api", "dealreg.views.portal", "prm.tenancy.team_views"} <= set(VIEW_FILES)


def test_views_and_the_api_leave_writes_transactions_and_tasks_to_services():
    assert [v for name in VIEW_FILES for v in _view_violations(name)] == []


def test_the_view_check_catches_saves_transactions_tasks_and_integrity_errors():
    source = ("def post(self, request):\n    try:\n        with transaction.atomic():\n            serializer.save()\n"
              "    except IntegrityError:\n        pass\n    dispatch.delay(1)\n    self.save(form)\n")
    assert sorted(_view_violations("x.views", ast.parse(source))) == [
        "x.views:3 a transaction", "x.views:4 save()", "x.views:5 catches IntegrityError", "x.views:7 a task"]


# --- 4. audit verbs -----------------------------------------------------------------------------


def _declared() -> dict[str, type]:
    return {enum.__name__: enum for enum in verb_enums()}


def _verb_expressions(node: ast.AST) -> list[ast.AST]:
    """The alternatives of a verb= argument (a conditional gives two)."""
    if isinstance(node, ast.IfExp):
        return _verb_expressions(node.body) + _verb_expressions(node.orelse)
    return [node]


def audit_calls() -> list[tuple[str, int, ast.AST]]:
    calls = []
    for name in modules():
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "audit_record":
                verb = next((k.value for k in node.keywords if k.arg == "verb"), None)
                calls += [(name, node.lineno, expression) for expression in _verb_expressions(verb)]
    return calls


def test_every_recorded_verb_is_a_member_of_a_declared_enumeration():
    declared, wrong = _declared(), []
    for name, line, expression in audit_calls():
        # Enum.MEMBER, or Enum.of_move(action) (of_claim_move…) for the lifecycle moves of a state table.
        target = expression.func if isinstance(expression, ast.Call) else expression
        owner = target.value.id if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) else None
        enum = declared.get(owner)
        ok = enum is not None and (hasattr(enum, target.attr) if target is expression
                                    else target.attr.startswith("of_") and target.attr.endswith("move"))
        if not ok:
            wrong.append(f"{name}:{line} verb={ast.unparse(expression)}")
    assert len(audit_calls()) > 20
    assert wrong == []


def test_every_declared_verb_has_its_own_translated_label():
    values = [member.value for enum in verb_enums() for member in enum]
    assert len(values) == len(set(values)), "a verb is declared twice"
    unlabelled = [member.value for enum in verb_enums() for member in enum if not isinstance(member.label, Promise)]
    assert unlabelled == []
    for enum in verb_enums():
        for member in enum:
            assert event_label(member.value) == member.label


def test_each_app_declares_its_verbs_in_its_own_audit_verbs_module():
    for enum in verb_enums():
        app = app_of(enum.__module__)
        # the app's own module, or a sub-package's laid out the same way (partners.onboarding.audit_verbs)
        assert enum.__module__.startswith(f"{app}.") and enum.__module__.endswith(".audit_verbs")
        assert {member.value.split(".")[0] for member in enum}  # every verb names its entity


def test_every_deal_lifecycle_move_has_a_verb():
    from dealreg.audit_verbs import DealregVerb
    from dealreg.states import TRANSITIONS

    assert {DealregVerb.of_move(action).value for action in TRANSITIONS} == {f"deal.{a}" for a in TRANSITIONS}


@pytest.mark.django_db
def test_audit_record_refuses_an_undeclared_verb(world):
    with pytest.raises(UnknownAuditVerb, match="deal.teleported"):
        audit_record(tenant=world.acme, actor="test", verb="deal.teleported", target=world.northwind)
    from prm.audit.models import AuditEvent

    assert not AuditEvent.unscoped.filter(verb="deal.teleported").exists()


# --- tasks are enqueued by names that exist ------------------------------------------------------


def enqueued_names() -> list[tuple[str, int, ast.AST]]:
    found = []
    for name in modules():
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "enqueue_on_commit":
                found.append((name, node.lineno, node.args[0] if node.args else None))
    return found


def test_every_task_name_a_service_enqueues_is_a_registered_task():
    names = enqueued_names()
    assert len(names) >= 4
    wrong = []
    for module, line, argument in names:
        if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
            wrong.append(f"{module}:{line} names its task with an expression")
            continue
        try:
            registered_task(argument.value)
        except KeyError:
            wrong.append(f"{module}:{line} {argument.value}")
    assert wrong == []


# --- 5. no dead or test-only code in the app modules --------------------------------------------

# Modules whose names Django, Celery or settings find by convention, not by import.
FOUND_BY_CONVENTION = ("settings", "apps", "admin", "urls", "wsgi", "celery", "context_processors")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


@cache
def used_names() -> dict[str, set[str]]:
    """Every identifier the app code mentions (names, attributes, imports, words in strings: task
    names, dotted settings paths), by the modules that mention it; templates count as one more."""
    used: dict[str, set[str]] = {}
    for name in modules():
        # A docstring that names a function does not use it.
        docstrings = {id(node.value) for node in ast.walk(tree(name)) if isinstance(node, ast.Expr)
                      and isinstance(node.value, ast.Constant)}
        for node in ast.walk(tree(name)):
            if id(node) in docstrings:
                continue
            if isinstance(node, ast.Name):
                words = {node.id}
            elif isinstance(node, ast.Attribute):
                words = {node.attr}
            elif isinstance(node, ast.alias):
                words = {node.name.rpartition(".")[2]}
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                words = _words(node.value)
            else:
                continue
            for word in words:
                used.setdefault(word, set()).add(name)
    for path in [*(ROOT / "templates").rglob("*.*"), *ROOT.glob("*/migrations/*.py"), *ROOT.glob("prm/*/migrations/*.py")]:
        for word in _words(path.read_text(errors="ignore")):
            used.setdefault(word, set()).add(f"file:{path.name}")
    return used


def _without_docstrings(module: ast.Module) -> ast.Module:
    module = copy.deepcopy(module)
    for node in ast.walk(module):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            node.body = body[1:] or [ast.Pass()]
    return module


def unused_definitions(name: str, module: ast.Module, used: dict[str, set[str]]) -> list[str]:
    """Public module-level functions and constants no other module (nor templates) mentions, and the
    module itself mentions only where it defines them. Decorated functions are registered (tasks,
    template filters, receivers) and count as used."""
    source = ast.unparse(_without_docstrings(module))
    found = []
    for node in module.body:
        if isinstance(node, ast.FunctionDef) and not node.decorator_list:
            defined = node.name
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            defined = node.targets[0].id if node.targets[0].id.isupper() else None
        else:
            continue
        if defined is None or defined.startswith("_"):
            continue
        elsewhere = used.get(defined, set()) - {name}
        mentions_here = len(re.findall(rf"\b{defined}\b", source))
        if not elsewhere and mentions_here <= 1:
            found.append(f"{name}.{defined}")
    return found


def test_app_modules_hold_no_function_or_constant_only_tests_use():
    dead = [entry for name in modules() if name.rpartition(".")[2] not in FOUND_BY_CONVENTION
            for entry in unused_definitions(name, tree(name), used_names())]
    assert dead == []


def test_the_dead_code_check_catches_a_helper_only_tests_call():
    module = ast.parse("LIMIT = 3\n\ndef used():\n    return LIMIT\n\ndef only_tests_call_me():\n    return 1\n\n"
                       "@register.filter\ndef a_filter(x):\n    return x\n")
    assert unused_definitions("app.statistics", module, {"used": {"app.views"}}) == ["app.statistics.only_tests_call_me"]


# --- 7. typed service and selector signatures ---------------------------------------------------


def untyped_functions(name: str, module: ast.Module) -> list[str]:
    """Functions of a services or selectors module with a parameter or the return left unannotated."""
    found = []
    for node in module.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        arguments = node.args
        parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                      *filter(None, (arguments.vararg, arguments.kwarg))]
        missing = [p.arg for p in parameters if p.annotation is None]
        if node.returns is None:
            missing.append("return")
        if missing:
            found.append(f"{name}.{node.name}: {', '.join(missing)}")
    return found


def test_service_and_selector_signatures_are_typed():
    checked = [name for name in modules() if name.rpartition(".")[2] in ("services", "selectors")]
    assert len(checked) >= 10
    assert [entry for name in checked for entry in untyped_functions(name, tree(name))] == []


def test_the_type_check_names_what_is_missing():
    module = ast.parse("def a(*, deal: int, actor) -> int:\n    pass\n\ndef b(x: int, **fields):\n    pass\n")
    assert untyped_functions("app.services", module) == ["app.services.a: actor", "app.services.b: fields, return"]


# --- 2. an app writes another app's rows only through that app's services -------------------------

WRITES = {"create", "bulk_create", "update", "get_or_create", "update_or_create", "delete", "bulk_update"}


def _foreign_models(name: str, module: ast.Module) -> set[str]:
    """Names bound to another app's models in this module (`from partners.models import Partner`)."""
    names = set()
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".models") and not node.level:
            if node.module.split(".")[0] in PACKAGES and app_of(node.module) != app_of(name):
                names |= {alias.asname or alias.name for alias in node.names}
    return names


def foreign_writes(name: str, module: ast.Module) -> list[str]:
    foreign, found = _foreign_models(name, module), []
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            base = node.func.value
            while isinstance(base, (ast.Attribute, ast.Call)):
                base = base.value if isinstance(base, ast.Attribute) else base.func
            if isinstance(base, ast.Name) and base.id in foreign:
                found.append(f"{name}:{node.lineno} {base.id}.….{node.func.attr}()")
    return found


def test_no_app_writes_another_apps_models():
    # Demo loaders build sample data across apps on purpose; they are not services.
    checked = [name for name in modules() if not _is_root(name) and not name.endswith(".demo")]
    assert [entry for name in checked for entry in foreign_writes(name, tree(name))] == []


def test_the_foreign_write_check_catches_a_direct_update():
    module = ast.parse("from prm.invitations.models import Invitation\nfrom .models import Partner\n\n"
                       "def partner_deactivate(*, partner):\n    Partner.objects.filter(pk=1).update(status='x')\n"
                       "    Invitation.objects.filter(partner=partner).update(revoked_at=1)\n")
    assert foreign_writes("partners.services", module) == ["partners.services:6 Invitation.….update()"]


def test_every_fund_request_and_claim_move_has_a_verb():
    from mdf.audit_verbs import MdfVerb
    from mdf.states import CLAIM_TRANSITIONS, TRANSITIONS

    assert all(MdfVerb.of_move(action).value.startswith("fund_request.") for action in TRANSITIONS)
    assert all(MdfVerb.of_claim_move(action).value.startswith("fund_claim.") for action in CLAIM_TRANSITIONS)
