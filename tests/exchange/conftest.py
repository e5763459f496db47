"""A receiver on 127.0.0.1 that plays a subscriber: it records what it is sent and answers as told (fails on purpose,
or sleeps), and de-duplicates by event id as a receiver should."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cases.conftest import case, categories, other_categories, register  # noqa: F401 - fixtures


class Receiver:
    def __init__(self):
        self.requests = []  # (headers, body) of every request
        self.answers = []  # status codes to answer, in order; then 200
        self.delay = 0.0
        self.seen = set()  # event ids processed once
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers), body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.answers.pop(0) if receiver.answers else 200
                if status < 300:
                    receiver.seen.add(self.headers.get("X-Xinfang-Event-Id"))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/xinfang"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def bodies(self):
        return [json.loads(body) for _headers, body in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()
