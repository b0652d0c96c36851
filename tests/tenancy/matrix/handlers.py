"""What the matrix must cover, read from the URLconf and the views themselves.

A handler is (URL name, HTTP method, choice): the methods are those the view class implements
among get/post/put/patch/delete and admits in `http_method_names`; the choice is each value of a
closed-set URL converter (prm/tenancy/converters.py), e.g. every deal action, "" where there is none.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from prm.tenancy.converters import ChoiceConverter

METHODS = ("get", "post", "put", "patch", "delete")


def all_url_names():
    """[(namespaced name, URLPattern)] of the whole URLconf."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                yield from walk(pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern

    return list(walk(get_resolver().url_patterns))


def view_methods(callback):
    """The HTTP methods a view handles. A function view gives no such list: it counts as GET only."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return ("get",)
    return tuple(m for m in METHODS if m in view_class.http_method_names and callable(getattr(view_class, m, None)))


def choice_of(pattern):
    """(URL kwarg, allowed values) of the pattern's closed-set converter, or (None, ("",))."""
    choices = [(kwarg, conv.values) for kwarg, conv in getattr(pattern.pattern, "converters", {}).items()
               if isinstance(conv, ChoiceConverter)]
    assert len(choices) <= 1, f"{pattern}: one closed-set converter per URL, please"
    return choices[0] if choices else (None, ("",))


def handlers(names=None):
    """{(name, method, choice): pattern} for every URL name (or those in `names`)."""
    found = {}
    for name, pattern in all_url_names():
        if names is not None and name not in names:
            continue
        _, values = choice_of(pattern)
        for method in view_methods(pattern.callback):
            for value in values:
                found[(name, method, value)] = pattern
    return found


def pattern_of(name):
    return next(pattern for n, pattern in all_url_names() if n == name)
