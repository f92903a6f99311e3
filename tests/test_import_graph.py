"""The project's modules import each other without a cycle, imports inside functions
included (an import hidden in a function is how a cycle is usually dodged), and the pledges
app's packages depend one way: its models on nothing of the app, its rules engine on its
models alone. (The layers between apps are tests/test_layers.py.)"""

from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from tests.imports import ROOT, imports_of, module_name

PACKAGES = ("onemind", "agencies", "training", "partnerships", "pledges")


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def import_graph() -> dict[str, set[str]]:
    """Each project module and the project modules it imports."""
    modules = project_modules()
    return {
        name: (imports_of(path, type_checking=False) & modules.keys()) - {name}
        for name, path in modules.items()
    }


def test_the_graph_sees_the_imports():
    graph = import_graph()
    assert "pledges.engine.progress" in graph["pledges.tasks"]
    assert "agencies.access" in graph["pledges.views"]
    assert "pledges.models" in graph["pledges.emails.content"]
    assert len(graph) > 100


def test_no_module_imports_itself_through_others():
    graph = import_graph()
    # A package's __init__ re-exporting its own modules is not a cycle of its modules.
    for name, path in project_modules().items():
        if path.name == "__init__.py":
            graph[name] = {target for target in graph[name] if not target.startswith(name + ".")}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        raise AssertionError(f"Import cycle: {' -> '.join(error.args[1])}") from None


def test_a_cycle_would_be_found():
    looped = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    try:
        TopologicalSorter(looped).prepare()
    except CycleError as error:
        assert set(error.args[1]) == {"a", "b", "c"}
    else:
        raise AssertionError("the cycle went unseen")


def depends_on(graph, package: str) -> set[str]:
    """What the modules of `package` import."""
    return {
        target
        for name, targets in graph.items()
        if name == package or name.startswith(package + ".")
        for target in targets
    }


def test_the_pledges_models_and_engine_depend_on_nothing_above_them():
    graph = import_graph()
    models = {m for m in depends_on(graph, "pledges.models") if m.startswith("pledges.")}
    assert all(m.startswith("pledges.models") for m in models), models
    engine = {m for m in depends_on(graph, "pledges.engine") if m.startswith("pledges.")}
    assert all(m.startswith(("pledges.models", "pledges.engine")) for m in engine), engine
