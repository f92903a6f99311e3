"""The quick start's email backend: each message printed as a person would read it."""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    """Prints recipients, subject, attachments' names and the plain-text body undecorated,
    so the links in confirmation and invitation emails can be copied straight from the
    terminal."""

    def write_message(self, message) -> None:
        attached = "".join(
            f"Attached: {a.filename} ({len(a.content) // 1024 + 1} KB)\n"
            for a in message.attachments
            if hasattr(a, "filename")  # not a ready-made MIME part
        )
        self.stream.write(
            f"\n===== Email to {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n{attached}\n{message.body}\n{'=' * 79}\n"
        )
