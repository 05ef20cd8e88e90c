"""Pytest fixtures that run the local SAT sandbox for a test (named by `tests/conftest.py`).

- `sandbox`: a running `SandboxServer`, in-process on a free loopback port, state in the test's
  `tmp_path`, fast lifecycle (0.2 s in state 1 and 0.2 s in state 2), a small synthetic corpus for
  `SANDBOX_RFCS`. Use `sandbox.base_url` with `Endpoints.for_base_url(...)`, `sandbox.faults.inject(...)`
  to make it misbehave, `sandbox.data_dir` for its state.
- `sandbox_fiel`: a test FIEL for `SANDBOX_RFCS[0]` (`.certificate`, `.private_key`, `.password`, `.rfc`),
  ready for `Fiel.from_files`, issued by the test CA that every sandbox of the test trusts
  (`tmp_path / "test-ca"`; issue more with `generate_test_fiel(rfc, out, password, ca_dir=that)`).
- `sandbox_factory`: `sandbox_factory(**SandboxConfig overrides, catalog=None)` for another configuration
  (several may run at once, sharing the test CA; each is stopped after the test).
- `sandbox_clock`: the clock of every sandbox the test starts in-process: real time plus whatever the test
  adds with `sandbox_clock.advance(seconds)`, so a token's or a package's lifetime ends without a sleep.
- `sandbox_process`: the same sandbox as a subprocess (`cfdi-etl sandbox serve`), for crash-and-restart
  tests: `.base_url`, `.restart()` (same port, same state), `.kill()`, `.data_dir`.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox import Catalog, SandboxConfig, SandboxServer, generate_test_fiel

__all__ = [
    "SANDBOX_RFCS",
    "SandboxClock",
    "SandboxFiel",
    "SandboxProcess",
    "sandbox",
    "sandbox_clock",
    "sandbox_factory",
    "sandbox_fiel",
    "sandbox_process",
]

SANDBOX_RFCS = ("AAA010101AAA", "BBB020202BB1")
_FIEL_PASSWORD = "sandbox-test-password"
_FAST = {"accepted_seconds": 0.2, "in_progress_seconds": 0.2, "documents_per_month": 30}


@dataclass(frozen=True)
class SandboxFiel:
    rfc: str
    certificate: Path
    private_key: Path
    password: str


class SandboxClock:
    """Real time moved ahead on demand: the sandbox's request states still progress on their own."""

    def __init__(self) -> None:
        self._ahead = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return time.time() + self._ahead

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._ahead += seconds


@pytest.fixture
def sandbox_clock() -> SandboxClock:
    return SandboxClock()


@pytest.fixture
def sandbox_factory(tmp_path: Path, sandbox_clock: SandboxClock) -> Iterator[Callable[..., SandboxServer]]:
    started: list[SandboxServer] = []

    def start(*, catalog: Catalog | None = None, **overrides: object) -> SandboxServer:
        settings: dict[str, object] = {
            "data_dir": tmp_path / f"sandbox-{len(started)}",
            "ca_dir": tmp_path / "test-ca",
            "seed": 7,
            "rfcs": SANDBOX_RFCS,
            **_FAST,
            **overrides,
        }
        server = SandboxServer(SandboxConfig(**settings), catalog=catalog, clock=sandbox_clock)  # type: ignore[arg-type]
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory()


@pytest.fixture
def sandbox_fiel(tmp_path: Path) -> SandboxFiel:
    paths = generate_test_fiel(
        SANDBOX_RFCS[0], tmp_path / "fiel", _FIEL_PASSWORD, ca_dir=tmp_path / "test-ca"
    )
    return SandboxFiel(SANDBOX_RFCS[0], paths.certificate, paths.private_key, _FIEL_PASSWORD)


class SandboxProcess:
    """`cfdi-etl sandbox serve` in a child process over one data directory."""

    def __init__(self, data_dir: Path, extra_arguments: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self._extra = extra_arguments
        self._port = 0
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.fiel = SandboxFiel("", Path(), Path(), "")

    def start(self) -> str:
        arguments = [sys.executable, "-c", "from cli.main import main; main()", "sandbox", "serve",
                     "--port", str(self._port), "--data", str(self.data_dir), "--seed", "7",
                     "--accepted-seconds", "0.2", "--in-progress-seconds", "0.2",
                     "--documents-per-month", "30", *(a for rfc in SANDBOX_RFCS for a in ("--rfc", rfc)),
                     *self._extra]  # fmt: skip
        self._process = subprocess.Popen(arguments, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        lines = []
        for line in self._process.stdout:
            lines.append(line)
            if line.startswith("State in"):
                break
        text = "".join(lines)
        match = re.search(r"Base URL: (http://127\.0\.0\.1:(\d+))", text)
        if match is None:
            self.kill()
            raise RuntimeError(f"the sandbox did not start:\n{text}")
        self.base_url, self._port = match.group(1), int(match.group(2))
        certificate = re.search(r"certificate: (.+)", text)
        key = re.search(r"key: +(.+)", text)
        password = re.search(r"password in: (\S+)", text)
        assert certificate
        assert key
        assert password
        self.fiel = SandboxFiel(
            SANDBOX_RFCS[0],
            Path(certificate.group(1).strip()),
            Path(key.group(1).strip()),
            Path(password.group(1)).read_text(),
        )
        return self.base_url

    def kill(self) -> None:
        """Kill -9: no clean shutdown, as in a crash."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=30)
            self._process = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
            self._process = None

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C: the exit code and what the server printed after its start-up lines."""
        assert self._process is not None
        self._process.send_signal(signal.SIGINT)
        output, _ = self._process.communicate(timeout=30)
        code, self._process = self._process.returncode, None
        return code, output

    def restart(self) -> str:
        self.kill()
        return self.start()


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[SandboxProcess]:
    process = SandboxProcess(tmp_path / "sandbox-process")
    process.start()
    yield process
    process.stop()
