"""The users benchmarks/load.py plays: coordinators, reviewers and public visitors.

Each simulated user signs in once, like a person at a browser (reviewers with their TOTP
code), then works, pausing LOAD_WAIT seconds between requests ("1,3": a random pause of 1
to 3 s, like a brisk person; "0": none, so 50 users are 50 requests in flight).
The figures are reset once every user is signed in, and the run stops LOAD_DURATION seconds
later: what is reported is the steady mix, with sign-in timed on its own.

LOAD_PAGES=trivial plays the same number of users requesting only /livez, a trivial view
through the whole middleware stack: the floor the mix is compared with, driven by the same
load generator. When LOAD_MARKS_FD names a pipe, "start" and "end" are written to it as the
measured window opens and closes, so that load.py can read who used the cores meanwhile.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from datetime import date

import gevent
from locust import FastHttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
DURATION = int(os.environ.get("LOAD_DURATION", "60"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
PAUSE = [float(s) for s in os.environ.get("LOAD_WAIT", "0").split(",")]
PAUSE_RANGE = (PAUSE[0], PAUSE[-1])
TRIVIAL = os.environ.get("LOAD_PAGES", "mix") == "trivial"
MARKS_FD = os.environ.get("LOAD_MARKS_FD")
PASSWORD = "load-test-password-2026"
SETTLE_SECONDS = 5
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

coordinators = itertools.cycle(PLAN["coordinators"])
reviewers = itertools.cycle(PLAN["reviewers"])
addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))
signed_in: list[float] = []
sign_in_seconds: list[float] = []


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238: six digits from a base32 secret and 30-second steps."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at or time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def mark(moment: str) -> None:
    """Tell load.py that the measured window opens ("start") or closes ("end")."""
    if MARKS_FD:
        os.write(int(MARKS_FD), f"{moment}\n".encode())


def ready(environment) -> None:
    """One more user is signed in; when all are, and the requests queued behind the last
    sign-ins have drained, start measuring and set the end."""
    signed_in.append(time.monotonic())
    if len(signed_in) == USERS:

        def measure() -> None:
            environment.stats.reset_all()
            mark("start")
            gevent.spawn_later(DURATION, end)

        def end() -> None:
            mark("end")
            environment.runner.quit()

        gevent.spawn_later(SETTLE_SECONDS, measure)


class Browser(FastHttpUser):
    """Someone at a browser of their own: each user comes from its own address, as the
    product sees clients behind its proxy (X-Forwarded-For, TRUSTED_PROXY_COUNT=1), so the
    per-address sign-in limits apply per person, not to the whole load generator."""

    abstract = True
    wait_time = between(*PAUSE_RANGE)

    def __init__(self, *args, **kwargs):
        self.default_headers = {"X-Forwarded-For": next(addresses)}
        super().__init__(*args, **kwargs)


@events.quitting.add_listener
def write_sign_in(environment, **kwargs) -> None:
    samples = sorted(sign_in_seconds)
    if samples and os.environ.get("LOAD_SIGN_IN"):
        figures = {
            "count": len(samples),
            "p50_ms": round(samples[len(samples) // 2] * 1000),
            "max_ms": round(samples[-1] * 1000),
        }
        with open(os.environ["LOAD_SIGN_IN"], "w") as out:
            json.dump(figures, out)


class SignedIn(Browser):
    abstract = True

    def sign_in(self, email: str, code_secret: str | None = None) -> None:
        started = time.monotonic()
        try:
            if self._sign_in(email, code_secret):
                sign_in_seconds.append(time.monotonic() - started)
        finally:
            ready(self.environment)

    def _sign_in(self, email: str, code_secret: str | None) -> bool:
        page = self.client.get("/accounts/login/", name="sign in")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf_token(page.text),
            },
            name="sign in",
            catch_response=True,
        ) as reply:
            # Redirects are followed; the page reached says how it went.
            if 'name="password"' in reply.text:
                reply.failure("still on the sign-in page")
                return False
            if code_secret and 'name="code"' not in reply.text:
                reply.failure("no TOTP step after signing in")
                return False
        if not code_secret:
            return True
        page = reply
        # A code typed as its 30 seconds run out is refused; a person types the next one.
        for attempt in range(2):
            with self.client.post(
                "/accounts/2fa/authenticate/",
                data={"code": totp(code_secret), "csrfmiddlewaretoken": csrf_token(page.text)},
                name="sign in",
                catch_response=True,
            ) as page:
                if 'name="code"' not in page.text:
                    return True
                if attempt:
                    page.failure("TOTP code refused")
                else:
                    page.success()
                    gevent.sleep(30 - time.time() % 30)
        return False


class Coordinator(SignedIn):
    """An agency coordinator: the dashboard, the roster, a person, a class recorded."""

    abstract = TRIVIAL
    weight = 6

    def on_start(self) -> None:
        self.me = next(coordinators)
        self.base = f"/a/{self.me['agency']}"
        self.sign_in(self.me["email"])

    @task(4)
    def dashboard(self) -> None:
        self.client.get(f"{self.base}/", name="coordinator: dashboard")

    @task(3)
    def roster_search(self) -> None:
        name = random.choice(self.me["names"] or ["Smith"])  # noqa: S311
        self.client.get(f"{self.base}/people/?q={name}", name="coordinator: roster search")

    @task(1)
    def untrained(self) -> None:
        self.client.get(
            f"{self.base}/people/?scope=in&training=untrained", name="coordinator: roster filter"
        )

    @task(3)
    def person(self) -> None:
        if self.me["people"]:
            person = random.choice(self.me["people"])  # noqa: S311
            self.client.get(f"{self.base}/people/{person}/", name="coordinator: person page")

    @task(1)
    def record_class(self) -> None:
        form = self.client.get(f"{self.base}/classes/new/", name="coordinator: class form")
        if not self.me["employee_ids"] or form.status_code != 200:
            return
        attendees = random.sample(self.me["employee_ids"], min(3, len(self.me["employee_ids"])))  # noqa: S311
        with self.client.post(
            f"{self.base}/classes/new/",
            data={
                "course": random.choice(self.me["courses"]),  # noqa: S311
                "completed_on": date.today().isoformat(),
                "employee_ids": "\n".join(attendees),
                "csrfmiddlewaretoken": csrf_token(form.text),
            },
            name="coordinator: record a class",
            catch_response=True,
        ) as reply:
            if "recorded" not in reply.text.lower():
                reply.failure("the class was not recorded")


class Reviewer(SignedIn):
    """Program staff: the agency list with its filters, the queue, a frozen submission."""

    abstract = TRIVIAL
    weight = 2

    def on_start(self) -> None:
        self.me = next(reviewers)
        self.sign_in(self.me["email"], code_secret=self.me["secret"])

    @task(2)
    def agency_list(self) -> None:
        self.client.get("/staff/", name="reviewer: agency list")

    @task(2)
    def agency_list_filtered(self) -> None:
        state = random.choice(PLAN["states"])  # noqa: S311
        query = random.choice(  # noqa: S311
            [f"?state={state}&status=pledged&sort=target", "?at_risk=yes", "?q=Agency 01"]
        )
        self.client.get(f"/staff/{query}", name="reviewer: agency list, filtered")

    @task(1)
    def queue(self) -> None:
        self.client.get("/staff/reviews/", name="reviewer: review queue")

    @task(2)
    def review(self) -> None:
        if PLAN["submissions"]:
            submission = random.choice(PLAN["submissions"])  # noqa: S311
            self.client.get(f"/staff/reviews/{submission}/", name="reviewer: review page")


class Visitor(Browser):
    """The public: verifying a certificate by number or link, browsing the directory."""

    abstract = TRIVIAL
    weight = 2

    def on_start(self) -> None:
        ready(self.environment)

    @task(2)
    def verify_number(self) -> None:
        if PLAN["certificates"]:
            number = random.choice(PLAN["certificates"])["number"]  # noqa: S311
            self.client.get(f"/verify/?number={number}", name="public: verify by number")

    @task(1)
    def verify_link(self) -> None:
        if PLAN["certificates"]:
            token = random.choice(PLAN["certificates"])["token"]  # noqa: S311
            self.client.get(f"/verify/{token}/", name="public: verify by link")

    @task(2)
    def directory(self) -> None:
        state = random.choice(PLAN["states"])  # noqa: S311
        self.client.get(f"/directory/?state={state}", name="public: directory")


class TrivialView(Browser):
    """Only /livez, through the whole middleware stack and nothing else: the floor."""

    abstract = not TRIVIAL

    def on_start(self) -> None:
        ready(self.environment)

    @task
    def livez(self) -> None:
        self.client.get("/livez", name="trivial view: /livez")
