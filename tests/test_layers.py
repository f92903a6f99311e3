"""Dependencies point one way, down the layers: the assistance initiative on top; pledges
below it; training and partnerships below that, side by side, neither importing the other;
agencies below them; onemind/lib at the bottom. Checked on every import the code holds, at
the top of a module or inside a function alike (an import placed in a function to dodge a
cycle still counts); migrations are left out, as they record history rather than design."""

from pathlib import Path

import pytest

from tests.imports import ROOT, imports_of, module_name

APPS = ["agencies", "training", "partnerships", "pledges", "assistance"]

# What each part of the product must never import, and why. A part is the longest package
# a module is in; onemind's wiring (settings, URLs, Celery) and assistance, the top, are free.
ABOVE_PLEDGES = ["pledges", "assistance"]
LAYERS = [
    # part           must not import                            because
    ("onemind.lib",  ["onemind", *APPS],                        "helpers without a domain"),
    ("agencies",     ["training", "partnerships", *ABOVE_PLEDGES], "the bottom domain app"),
    ("training",     ["partnerships", *ABOVE_PLEDGES],          "evidence, judged from above"),
    ("partnerships", ["training", *ABOVE_PLEDGES],              "evidence, judged from above"),
    ("pledges",      ["assistance"],                            "the pledge stands alone"),
]  # fmt: skip
# Below what they must not import, each part may still import itself.


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def modules_of(part: str) -> list[Path]:
    """The part's modules, without those of a deeper part that has its own row."""
    deeper = [other for other, _, _ in LAYERS if other != part and within(other, part)]
    return [
        path
        for path in sorted((ROOT / part.replace(".", "/")).rglob("*.py"))
        if "migrations" not in path.parts
        and not any(within(module_name(path), other) for other in deeper)
    ]


@pytest.mark.parametrize(("part", "forbidden", "because"), LAYERS, ids=[row[0] for row in LAYERS])
def test_no_part_imports_a_layer_above_it(part, forbidden, because):
    modules = modules_of(part)
    assert modules, f"{part} has no modules to check"
    wrong = [
        f"{module_name(path)} imports {name}"
        for path in modules
        for name in sorted(imports_of(path))
        if not within(name, part) and any(within(name, above) for above in forbidden)
    ]
    assert wrong == [], f"{part} ({because}) must not import {', '.join(forbidden)}"
