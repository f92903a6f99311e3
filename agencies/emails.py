"""Emails from three templates each: <name>_subject.txt, <name>_body.txt, <name>_body.html.

Every email is rendered by `render_email`: only its HTML body is HTML-escaped. The subject
and the plain-text body are read as they are, so an agency called "O'Brien & Sons" must not
arrive as "O&#x27;Brien &amp; Sons".
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import render_to_string


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping."""
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    """(subject on one line, plain-text body, HTML body) of the templates at the prefix."""
    subject = " ".join(render_text(f"{template_prefix}_subject.txt", context).split())
    text = render_text(f"{template_prefix}_body.txt", context)
    html = render_to_string(f"{template_prefix}_body.html", context)
    return subject, text, html


def send_templated_email(template_prefix: str, *, to: str, context: dict) -> None:
    subject, text, html = render_email(template_prefix, {"site_url": settings.SITE_URL, **context})
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
