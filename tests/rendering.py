"""A guard for the tests: the queries that run while a template renders (lazy SQL: a
queryset, a related object or a form's choices read by the template instead of the view)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from django.db import connections
from django.template import base


@dataclass
class QueriesInTemplates:
    """What ran while a template rendered: (templates, SQL) of each query, the templates
    named from the page's own to the one (included, extended) that was rendering."""

    rendering: list[str] = field(default_factory=list)
    found: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        if self.rendering:
            self.found.append((" > ".join(dict.fromkeys(self.rendering)), sql))
        return execute(sql, params, many, context)


@contextmanager
def queries_in_templates() -> Iterator[QueriesInTemplates]:
    """Records every query run while a template (or a template it includes) renders. Context
    processors run before the template does and are not counted; what they hand over
    unevaluated is, when the template reads it."""
    guard = QueriesInTemplates()
    with ExitStack() as stack:
        # A partial ({% partialdef %}) is a template of its own kind.
        for kind in (base.Template, base.PartialTemplate):
            stack.enter_context(_guarded(kind, guard))
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(guard))
        yield guard


@contextmanager
def _guarded(kind, guard: QueriesInTemplates):
    render = kind._render

    def guarded_render(template, context):
        guard.rendering.append(template.origin.template_name or template.name or "?")
        try:
            return render(template, context)
        finally:
            guard.rendering.pop()

    kind._render = guarded_render
    try:
        yield
    finally:
        kind._render = render
