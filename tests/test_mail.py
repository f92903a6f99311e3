from io import StringIO

from django.core.mail import EmailMultiAlternatives

from onemind.mail import ReadableConsoleBackend


def test_quick_start_emails_print_links_whole():
    link = "http://localhost:8000/invitations/" + "x" * 120 + "/"
    stream = StringIO()
    message = EmailMultiAlternatives("Join us", f"Accept:\n{link}\n", to=["a@b.example"])
    message.attach_alternative(f'<a href="{link}">Accept</a>', "text/html")
    ReadableConsoleBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert "Email to a@b.example" in printed and "Subject: Join us" in printed
    assert link in printed


def test_quick_start_emails_name_their_attachments():
    stream = StringIO()
    message = EmailMultiAlternatives("Report", "See the PDF.", to=["a@b.example"])
    message.attach("progress.pdf", b"%PDF-1.7" + b"x" * 3000, "application/pdf")
    ReadableConsoleBackend(stream=stream).send_messages([message])
    assert "Attached: progress.pdf (3 KB)" in stream.getvalue()
