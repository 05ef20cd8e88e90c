"""A tiny real HTTP server on a free loopback port that answers SAT's paths from a script.

Each path (matched by its ending) gets a list of answers, served in order; the last one repeats. Every
request is recorded, so tests can count tries and read headers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Answer", "Received", "ScriptedServer", "scripted_server"]


@dataclass(frozen=True)
class Answer:
    body: bytes
    status: int = 200
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request arrived


@dataclass
class ScriptedServer:
    base_url: str
    script: dict[str, list[Answer]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path_ending: str, *answers: Answer) -> None:
        with self.lock:
            self.script[path_ending] = list(answers)

    def calls_to(self, path_ending: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path.endswith(path_ending)]

    def _next(self, path: str) -> Answer:
        with self.lock:
            for ending, answers in self.script.items():
                if path.endswith(ending):
                    return answers.pop(0) if len(answers) > 1 else answers[0]
        return Answer(b"", status=404)


@contextmanager
def scripted_server() -> Iterator[ScriptedServer]:
    server_box: list[ScriptedServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            scripted = server_box[0]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with scripted.lock:
                scripted.received.append(
                    Received(self.path, dict(self.headers.items()), body, time.monotonic())
                )
            answer = scripted._next(self.path)
            if answer.delay:
                time.sleep(answer.delay)
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server_box.append(ScriptedServer(base_url=f"http://127.0.0.1:{httpd.server_address[1]}"))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server_box[0]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
