"""What a production deployment depends on: its static build, its cookies, and that nothing
a signed-in person is shown is kept by a browser or proxy cache."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from onemind.checks import require_static_build
from tests.conftest import login

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def hashed_static(settings, tmp_path):
    """Production's static storage, over an empty STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    return tmp_path


def test_a_server_without_its_collected_static_files_refuses_to_start(hashed_static):
    errors = [e for e in run_checks(tags=["onemind"]) if e.id == "onemind.E001"]
    assert errors and "collectstatic" in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        require_static_build()


def test_with_the_manifest_written_the_server_starts(hashed_static):
    (hashed_static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert not [e for e in run_checks(tags=["onemind"]) if e.id == "onemind.E001"]
    require_static_build()


def test_the_quick_start_needs_no_static_build(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    assert not [e for e in run_checks(tags=["onemind"]) if e.id == "onemind.E001"]
    require_static_build()


def production_settings(*names: str) -> list[str]:
    """Settings as the production configuration computes them, in a fresh interpreter."""
    env = {
        **os.environ,
        "HTTPS": "true",
        "DEBUG": "false",
        "SECRET_KEY": "s" * 50,
        "DJANGO_SETTINGS_MODULE": "onemind.settings",
    }
    code = "from django.conf import settings; " + "; ".join(
        f"print(settings.{name})" for name in names
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_over_https_the_cookies_are_bound_to_the_host():
    session, csrf, session_secure, csrf_secure = production_settings(
        "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"
    )
    assert (session, csrf) == ("__Host-sessionid", "__Host-csrftoken")
    assert session_secure == csrf_secure == "True"


def test_signed_in_pages_exports_and_pdfs_are_never_stored(client, agency_a, coordinator):
    login(client, coordinator)
    for name in ("agency_dashboard", "roster_csv", "roster_xlsx"):
        response = client.get(reverse(name, kwargs={"agency_slug": agency_a.slug}))
        assert response.status_code == 200, name
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, name


def test_public_pages_may_be_cached(client, db):
    response = client.get(reverse("directory"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
