"""The production path, without Docker: the image's build step, the deployment's commands,
gunicorn, a Celery worker and beat, with the production settings, then real requests.

Steps, in the order a deployment takes them (Dockerfile, docker-compose.yml, README):
collectstatic with the manifest, the deploy check, migrate, create_staff_user, then the
web, worker and beat processes. It then signs up a coordinator through the confirmation
email (a real SMTP server on loopback), registers an agency, signs out and in again, opens
the dashboard; a reviewer signs in and sets up TOTP as at a first sign-in and opens staff
pages; a hashed, compressed static file is fetched; /healthz must say every dependency is
up. Every answer must be the expected one and the servers' logs must hold no error.

Needs DATABASE_URL (a PostgreSQL server whose role may create databases; a database of its
own, `<name>_smoke`, is created and dropped) and REDIS_URL (a Redis database it may flush).
    .venv/bin/python .ci/production_smoke.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from email import message_from_bytes, policy
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST = "onemind.example.org"
PASSWORD = "smoke-" + secrets.token_urlsafe(12)
COORDINATOR = "coordinator@fairview.example"
REVIEWER = "reviewer@onemind.example"
ERROR_LINE = re.compile(r'Traceback|ERROR|CRITICAL|" 5\d\d ')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTUP_SECONDS = 60
HEALTH_SECONDS = 90


class SmokeFailure(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SmokeFailure(what)
    print(f"  ok  {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def totp(secret: str) -> str:
    """RFC 6238: six digits from a base32 secret and 30-second steps."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class Browser:
    """A client behind the TLS proxy: it talks HTTP to gunicorn and says the proxy's
    `X-Forwarded-Proto: https`. It keeps its cookies itself, since a Secure cookie is never
    sent over plain HTTP by a standard cookie jar."""

    def __init__(self, base: str, client_address: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": client_address,
            "User-Agent": "production-smoke",
        }
        self.set_cookies: list = []

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Referer"] = f"https://{HOST}{path}"
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for raw in response.raw.headers.getlist("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                self.set_cookies.append((name, raw))
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, page: requests.Response, data: dict) -> requests.Response:
        token = CSRF.search(page.text)
        if not token:
            raise SmokeFailure(f"no CSRF token on {path}")
        return self.request("POST", path, data={"csrfmiddlewaretoken": token.group(1), **data})

    def path_of(self, response: requests.Response) -> str:
        parts = urlsplit(response.url)
        return urlunsplit(("", "", parts.path, parts.query, ""))

    def follow_all(self, response: requests.Response) -> requests.Response:
        for _ in range(5):
            if response.status_code not in {301, 302, 303}:
                return response
            response = self.follow(response)
        raise SmokeFailure(f"too many redirects from {response.url}")

    def follow(self, response: requests.Response) -> requests.Response:
        location = response.headers["Location"]
        parts = urlsplit(location)
        if parts.netloc and parts.netloc != HOST:
            raise SmokeFailure(f"redirected off the site: {location}")
        return self.get(urlunsplit(("", "", parts.path, parts.query, "")))


def run(command: list[str], env: dict, **kwargs) -> None:
    print("$", " ".join(command))
    subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    print("$", " ".join(command), f"> {log.name}")
    return subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_serving(base: str, web: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise SmokeFailure("gunicorn exited while starting")
        try:
            if requests.get(base + "/livez", headers={"Host": HOST}, timeout=5).ok:
                return
        except requests.RequestException:  # not listening yet, or its workers still booting
            pass
        time.sleep(0.2)
    raise SmokeFailure(f"gunicorn did not answer /livez within {STARTUP_SECONDS} s")


def coordinator_journey(base: str, inbox: Inbox) -> None:
    browser = Browser(base, "203.0.113.10")

    page = browser.get("/accounts/login/")
    check(page.status_code == 200, "the sign-in page answers 200")
    csrf = [raw for name, raw in browser.set_cookies if name == "__Host-csrftoken"]
    check(
        bool(csrf) and "Secure" in csrf[0] and "Path=/" in csrf[0] and "Domain" not in csrf[0],
        "the CSRF cookie is __Host- prefixed, Secure, for the host and path /",
    )

    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.text)
    check(stylesheet is not None, "the page names its stylesheet by its hashed name")
    static = browser.get(stylesheet.group(1), headers={"Accept-Encoding": "br, gzip"})
    check(static.status_code == 200, "the hashed stylesheet is served")
    check(static.headers.get("Content-Encoding") in {"br", "gzip"}, "...compressed")
    check("immutable" in static.headers.get("Cache-Control", ""), "...and cached for good")

    signup = browser.get("/accounts/signup/")
    response = browser.post_form(
        "/accounts/signup/",
        signup,
        {
            "first_name": "Dana",
            "last_name": "Whitfield",
            "email": COORDINATOR,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    check(response.status_code == 302, "signing up answers with a redirect")
    check(browser.follow(response).status_code == 200, "...to the 'check your email' page")
    [confirmation] = [m for m in inbox.messages if m["To"] == COORDINATOR]
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    check(body.startswith("Hello Dana,"), "the confirmation email greets the coordinator by name")
    link = re.search(rf"https://{re.escape(HOST)}(/accounts/confirm-email/\S+/)", body)
    check(link is not None, "the confirmation email (over SMTP) links to the site over HTTPS")
    confirm_page = browser.get(link.group(1))
    check(confirm_page.status_code == 200, "the confirmation page answers 200")
    response = browser.post_form(link.group(1), confirm_page, {})
    check(response.status_code == 302, "confirming signs the coordinator in")

    register = browser.get("/agencies/new/")
    check(register.status_code == 200, "the agency registration page answers 200")
    response = browser.post_form(
        "/agencies/new/",
        register,
        {
            "name": "Fairview Police Department",
            "slug": "",
            "agency_type": "municipal",
            "ori": "OR0260500",
            "country": "US",
            "region": "OR",
            "locality": "Fairview",
            "sworn_strength": "27",
            "time_zone": "America/Los_Angeles",
            "confirm": "on",
        },
    )
    check(response.status_code == 302, "registering the agency redirects")
    dashboard_path = urlsplit(response.headers["Location"]).path
    check(dashboard_path.startswith("/a/"), "...to the agency's dashboard")

    logout_page = browser.get("/accounts/logout/")
    browser.post_form("/accounts/logout/", logout_page, {})
    check(browser.get(dashboard_path).status_code == 302, "signed out, the dashboard is closed")

    login_page = browser.get("/accounts/login/")
    response = browser.post_form(
        "/accounts/login/", login_page, {"login": COORDINATOR, "password": PASSWORD}
    )
    check(response.status_code == 302, "signing in with the password redirects")
    session = [raw for name, raw in browser.set_cookies if name == "__Host-sessionid"]
    check(
        bool(session) and all(a in session[-1] for a in ("Secure", "HttpOnly", "Path=/")),
        "the session cookie is __Host- prefixed, Secure and HttpOnly",
    )
    dashboard = browser.get(dashboard_path)
    check(dashboard.status_code == 200, "the agency dashboard answers 200")
    check("Fairview Police Department" in dashboard.text, "...and shows the agency")
    check("no-store" in dashboard.headers.get("Cache-Control", ""), "...marked no-store")


def reviewer_journey(base: str) -> None:
    browser = Browser(base, "203.0.113.20")
    login_page = browser.get("/accounts/login/")
    response = browser.post_form(
        "/accounts/login/", login_page, {"login": REVIEWER, "password": PASSWORD}
    )
    check(response.status_code == 302, "the reviewer signs in with the password")
    page = browser.follow_all(response)  # the staff area asks for an authenticator first
    check(
        urlsplit(page.url).path == "/accounts/2fa/totp/activate/",
        "a first staff sign-in goes straight to the authenticator set-up (no second password)",
    )
    secret = re.search(r'<code[^>]*id="authenticator_secret"[^>]*>([A-Z2-7]+)</code>', page.text)
    check(secret is not None, "...which shows the key whole")
    code = totp(html.unescape(secret.group(1)))
    response = browser.post_form(browser.path_of(page), page, {"code": code})
    check(response.status_code == 302, "the TOTP code is accepted")
    staff = browser.get("/staff/")
    check(staff.status_code == 200, "the staff agency list answers 200 after MFA")
    check("Fairview Police Department" in staff.text, "...and lists the new agency")
    check("no-store" in staff.headers.get("Cache-Control", ""), "...marked no-store")
    for path in ("/staff/reviews/", "/staff/program/", "/staff/audit/"):
        check(browser.get(path).status_code == 200, f"the staff page {path} answers 200")


def wait_for_health(base: str) -> None:
    deadline = time.monotonic() + HEALTH_SECONDS
    response = None
    while time.monotonic() < deadline:
        response = requests.get(base + "/healthz", headers={"Host": HOST}, timeout=10)
        if response.status_code == 200:
            break
        time.sleep(1)
    check(
        response is not None and response.status_code == 200,
        f"/healthz reports every dependency up ({response.text[:300] if response else ''})",
    )


def read_logs(logs: list[Path]) -> None:
    for log in logs:
        text = log.read_text(errors="replace")
        # /healthz answers 503 (logged as an error) until the first heartbeats arrive.
        problems = [
            line for line in text.splitlines() if ERROR_LINE.search(line) and "/healthz" not in line
        ]
        if problems:
            print(text[-4000:])
        check(not problems, f"no error in {log.name}")


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print("DATABASE_URL (PostgreSQL) and REDIS_URL are required.", file=sys.stderr)
        return 2
    base_db = urlsplit(database_url).path.lstrip("/") or "onemind"
    smoke_db = f"{base_db}_smoke"
    work = Path(tempfile.mkdtemp(prefix="onemind-smoke-"))
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    env = {
        **os.environ,
        "HTTPS": "true",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": with_database(database_url, smoke_db),
        "REDIS_URL": redis_url,
        "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "DEFAULT_FROM_EMAIL": f"One Mind Pledge Tracker <no-reply@{HOST}>",
        "VAR_DIR": str(work / "var"),
        "STATIC_ROOT": str(work / "staticfiles"),
        "MEDIA_ROOT": str(work / "private"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("FAST_PASSWORD_HASHER", None)
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    processes: list[subprocess.Popen] = []
    logs = [work / "web.log", work / "worker.log", work / "beat.log"]
    admin = with_database(database_url, "postgres")
    try:
        print("== the image's build step")
        run(
            [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"],
            {**env, "STATIC_MANIFEST": "true", "SECRET_KEY": "build-only"},
        )
        print("== the deployment's commands")
        run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{smoke_db}"'], env)
        run(["psql", admin, "-qc", f'CREATE DATABASE "{smoke_db}"'], env)
        run(["redis-cli", "-u", redis_url, "FLUSHDB"], env, stdout=subprocess.DEVNULL)
        run([PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
        run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], env)
        run(
            [PYTHON, "manage.py", "create_staff_user", REVIEWER, "--role", "reviewer"],
            env,
            input=f"{PASSWORD}\n",
            text=True,
        )
        print("== web, worker and beat")
        bin_dir = ROOT / ".venv" / "bin"
        processes.append(
            start(
                [str(bin_dir / "gunicorn"), "onemind.wsgi", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", "2", "--access-logfile", "-"],
                env,
                logs[0],
            )
        )
        processes.append(
            start(
                [str(bin_dir / "celery"), "-A", "onemind", "worker", "--loglevel=WARNING"]
                + ["--concurrency=1"],
                env,
                logs[1],
            )
        )
        processes.append(
            start(
                [str(bin_dir / "celery"), "-A", "onemind", "beat", "--loglevel=WARNING"]
                + ["--schedule", str(work / "celerybeat-schedule")],
                env,
                logs[2],
            )
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, processes[0])

        print("== requests")
        plain = requests.get(
            base + "/accounts/login/", headers={"Host": HOST}, timeout=10, allow_redirects=False
        )
        check(
            plain.status_code == 301
            and plain.headers["Location"] == f"https://{HOST}/accounts/login/",
            "plain HTTP is redirected to HTTPS",
        )
        check(
            "max-age=63072000"
            in requests.get(
                base + "/livez", headers={"Host": HOST, "X-Forwarded-Proto": "https"}, timeout=10
            ).headers.get("Strict-Transport-Security", ""),
            "HSTS is sent over HTTPS",
        )
        ready = requests.get(base + "/readyz", headers={"Host": HOST}, timeout=10)
        check(ready.status_code == 200, "/readyz (the web container's health check) answers 200")
        coordinator_journey(base, inbox)
        reviewer_journey(base)
        wait_for_health(base)
    except (SmokeFailure, subprocess.CalledProcessError, requests.RequestException) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        for process in processes:
            stop(process)
        for log in logs:
            if log.exists():
                print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
        return 1
    finally:
        for process in processes:
            stop(process)
        smtp.stop()
    read_logs(logs)
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{smoke_db}"'], check=False)
    shutil.rmtree(work, ignore_errors=True)
    print("== production smoke test passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SmokeFailure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
