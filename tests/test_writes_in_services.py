"""Pages, forms and reads write nothing: views, queries and forms modules call no ORM write
(a write belongs to a service, in its transaction, with its audit event)."""

import ast
from pathlib import Path

from tests.imports import ROOT

APPS = ["agencies", "training", "partnerships", "pledges"]
READERS = ("views.py", "queries.py", "forms.py")
WRITES = {
    "save", "create", "delete", "bulk_create", "bulk_update", "update_or_create", "get_or_create"
}  # fmt: skip
MANAGERS = {"objects", "all_agencies", "_base_manager"}
# allauth's sign-up form saves the account through allauth's own adapter, as allauth requires.
ALLOWED = {("agencies/forms.py", "save")}


def reader_modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path.name.endswith(READERS) and "migrations" not in path.parts
    ]


def _names_in_chain(node: ast.AST) -> set[str]:
    """The attribute and function names along a call chain (`A.objects.filter(...).update`)."""
    names = set()
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        else:
            node = node.func
    if isinstance(node, ast.Name):
        names.add(node.id)
    return names


def orm_writes(source: str) -> list[str]:
    writes = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        chain = _names_in_chain(node.func.value)
        if method in WRITES or (method == "update" and chain & (MANAGERS | {"filter"})):
            writes.append(method)
    return writes


def test_the_check_sees_writes_and_not_dictionaries():
    assert orm_writes("Person.objects.filter(pk=1).update(x=1)") == ["update"]
    assert orm_writes("Person.all_agencies.create(x=1)") == ["create"]
    assert orm_writes("person.save()") == ["save"]
    assert orm_writes("context.update(a=1)\nwidget.attrs.update(b=2)") == []


def test_views_queries_and_forms_write_nothing():
    assert len(reader_modules()) > 15
    found = [
        f"{path.relative_to(ROOT)}: {method}"
        for path in reader_modules()
        for method in orm_writes(path.read_text())
        if (str(path.relative_to(ROOT)), method) not in ALLOWED
    ]
    assert found == []
