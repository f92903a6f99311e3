"""A webhook receiver on loopback for the webhook tests, and the events an endpoint may want."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ALL_EVENTS = [
    "requirement.status_changed",
    "pledge.state_changed",
    "certificate.issued",
    "certificate.revoked",
    "import.finished",
]


class Receiver:
    """A receiver on loopback: answers each POST with the next status of `answers` (the
    last one repeats) and keeps what it got."""

    def __init__(self, tls=None):
        self.answers = [204]
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.answers[min(len(receiver.received), len(receiver.answers)) - 1]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks/onemind?source=test"
