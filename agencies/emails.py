"""Emails from three templates each: <name>_subject.txt, <name>_body.txt, <name>_body.html."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(template_prefix: str, *, to: str, context: dict) -> None:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
    text = render_to_string(f"{template_prefix}_body.txt", context)
    html = render_to_string(f"{template_prefix}_body.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.splitlines()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
