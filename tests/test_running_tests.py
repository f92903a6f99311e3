"""However the suite is started, it runs as `bin/test` runs it (tests/settings.py)."""

from pathlib import Path

from django.conf import settings

from tests.imports import imports_of


def test_passwords_are_hashed_the_fast_way_in_tests():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.MD5PasswordHasher"


def test_the_files_tests_write_go_to_a_directory_of_their_own():
    assert Path(settings.VAR_DIR).resolve() != (Path(settings.BASE_DIR) / "var").resolve()


def _is_test_module(dotted: str) -> bool:
    return dotted.rpartition(".")[2].startswith("test_")


def test_no_test_module_imports_another():
    """Shared helpers live in tests/factories.py, tests/conftest.py, tests/pages.py and the
    like: a test module imported by another runs its imports, and hides where a helper is."""
    tests = Path(__file__).resolve().parent
    offenders = []
    for path in sorted(tests.rglob("*.py")):
        imported = imports_of(path)
        offenders += [f"{path.relative_to(tests.parent)}: {name}" for name in sorted(imported)
                      if name.startswith("tests.") and _is_test_module(name)]  # fmt: skip
    assert offenders == []
