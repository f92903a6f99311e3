"""The quick start's email backend: each message printed as a person would read it."""

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    """Prints recipients, subject and the plain-text body undecorated, so the links in
    confirmation and invitation emails can be copied straight from the terminal."""

    def write_message(self, message) -> None:
        self.stream.write(
            f"\n===== Email to {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n{message.body}\n{'=' * 79}\n"
        )
