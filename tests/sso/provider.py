"""The test OpenID Connect provider (tests/oidc_provider) as a process, and a client that
signs in through it the way a browser does: following every redirect between the product
and the provider, posting their forms."""

from __future__ import annotations

import html
import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
STARTUP_SECONDS = 60
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Provider:
    port: int
    process: subprocess.Popen

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    def issuer(self, host: str = "127.0.0.1") -> str:
        return f"{self.url(host)}/o"


def _read_port(process: subprocess.Popen, deadline: float) -> int:
    """The `PORT <n>` line the provider prints once it listens, or a failure at the deadline."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    output = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            raise RuntimeError(f"The OIDC provider did not start: {output.decode()}")
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            raise RuntimeError(f"The OIDC provider exited: {output.decode()}")
        output += chunk
        found = re.search(rb"PORT (\d+)\n", output)
        if found:
            return int(found.group(1))


@contextmanager
def running_provider(config: dict):
    """A provider process for `config` (see tests/oidc_provider/serve.py), ready to answer:
    started, its port read, its discovery document fetched, all within STARTUP_SECONDS;
    killed on leaving."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(config, file)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", file.name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        provider = Provider(_read_port(process, deadline), process)
        ready = requests.get(
            f"{provider.url()}/o/.well-known/openid-configuration",
            timeout=max(deadline - time.monotonic(), 1),
        )
        ready.raise_for_status()
        yield provider
    finally:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()
        Path(file.name).unlink(missing_ok=True)


def csrf_token(response: requests.Response) -> str:
    found = CSRF.search(response.text)
    assert found, f"no form on {response.url}"
    return found.group(1)


def start_sign_in(session: requests.Session, base_url: str, email: str) -> requests.Response:
    """Our sign-in page's single sign-on step, for `email`: where it leads."""
    page = session.get(f"{base_url}/accounts/sso/", timeout=10)
    return session.post(
        page.url,
        data={"csrfmiddlewaretoken": csrf_token(page), "email": email},
        timeout=30,
    )


def sign_in(
    session: requests.Session, base_url: str, email: str, username: str, password: str
) -> requests.Response:
    """The whole journey: our page, the provider's sign-in form, back to the product."""
    onward = start_sign_in(session, base_url, email)
    link = re.search(r'href="([^"]+)" id="continue-to-provider"', onward.text)
    assert link, onward.text
    at_provider = session.get(html.unescape(link.group(1)), timeout=30)
    assert "/login/" in at_provider.url, at_provider.url
    return session.post(
        at_provider.url,
        data={
            "csrfmiddlewaretoken": csrf_token(at_provider),
            "username": username,
            "password": password,
            "next": re.search(r'name="next" value="([^"]*)"', at_provider.text)
            .group(1)
            .replace("&amp;", "&"),
        },
        timeout=30,
    )
