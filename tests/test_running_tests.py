"""However the suite is started, it runs as `bin/test` runs it (tests/settings.py)."""

from pathlib import Path

from django.conf import settings


def test_passwords_are_hashed_the_fast_way_in_tests():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.MD5PasswordHasher"


def test_the_files_tests_write_go_to_a_directory_of_their_own():
    assert Path(settings.VAR_DIR).resolve() != (Path(settings.BASE_DIR) / "var").resolve()
