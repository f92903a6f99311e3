"""However the suite is started, it runs as `bin/test` runs it (tests/settings.py)."""

import ast
from pathlib import Path

from django.conf import settings


def test_passwords_are_hashed_the_fast_way_in_tests():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.MD5PasswordHasher"


def test_the_files_tests_write_go_to_a_directory_of_their_own():
    assert Path(settings.VAR_DIR).resolve() != (Path(settings.BASE_DIR) / "var").resolve()


def _is_test_module(dotted: str) -> bool:
    return dotted.rpartition(".")[2].startswith("test_")


def _modules_imported(path: Path, package: str) -> set[str]:
    """Every module an import in the file names, at any depth (a function's too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_no_test_module_imports_another():
    """Shared helpers live in tests/factories.py, tests/conftest.py, tests/pages.py and the
    like: a test module imported by another runs its imports, and hides where a helper is."""
    tests = Path(__file__).resolve().parent
    offenders = []
    for path in sorted(tests.rglob("*.py")):
        package = ".".join(path.relative_to(tests.parent).parent.parts)
        imported = _modules_imported(path, package)
        offenders += [f"{path.relative_to(tests.parent)}: {name}" for name in sorted(imported)
                      if name.startswith("tests.") and _is_test_module(name)]  # fmt: skip
    assert offenders == []
