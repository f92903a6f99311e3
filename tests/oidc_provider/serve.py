"""A real OpenID Connect provider for the SSO tests: django-oauth-toolkit with OIDC on, in
a process of its own, with its own SQLite database and a fresh RSA key.

    python -m tests.oidc_provider.serve <config.json>

The config names the users ({username, password, email, email_verified, given_name,
family_name}), the clients ({client_id, client_secret, redirect_uris, quirk}) and, if set,
the `issuer` to claim instead of the address the provider is reached at. A client's
`quirk` makes the provider misbehave for it: "wrong_audience" (the ID token is issued for
another client) or "wrong_issuer" (the token names another issuer than discovery).

The server binds a free loopback port, prints `PORT <n>` and serves until killed."""

import json
import sys
import tempfile
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HERE = Path(__file__).resolve().parent


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def configure(config: dict, port: int, directory: str) -> None:
    from django.conf import settings

    provider = {
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": rsa_key(),
        "PKCE_REQUIRED": True,
        "SCOPES": {"openid": "OpenID Connect", "profile": "Profile", "email": "Email"},
        "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.Validator",
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    }
    if config.get("issuer"):
        provider["OIDC_ISS_ENDPOINT"] = config["issuer"].replace("{port}", str(port))
    settings.configure(
        DEBUG=False,
        SECRET_KEY="oidc-provider-for-tests-" + "x" * 40,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF="tests.oidc_provider.urls",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [HERE / "templates"],
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
            }
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(Path(directory) / "provider.sqlite3"),
            }
        },
        # Its cookies must not meet the product's, which the same client holds.
        SESSION_COOKIE_NAME="idp_session",
        CSRF_COOKIE_NAME="idp_csrf",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LOGIN_URL="/login/",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        OAUTH2_PROVIDER=provider,
        OIDC_TEST_USERS={user["username"]: user for user in config["users"]},
        OIDC_TEST_QUIRKS={c["client_id"]: c.get("quirk", "") for c in config["clients"]},
    )


def populate(config: dict) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for user in config["users"]:
        User.objects.create_user(
            username=user["username"], password=user["password"], email=user["email"]
        )
    for client in config["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    directory = tempfile.mkdtemp(prefix="oidc-provider-")
    # The port first: the issuer the provider claims may name it.
    server = make_server(
        "127.0.0.1", 0, lambda environ, start: app(environ, start), ThreadingServer, QuietHandler
    )
    port = server.server_address[1]
    configure(config, port, directory)
    import django

    django.setup()
    populate(config)
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    print(f"PORT {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
