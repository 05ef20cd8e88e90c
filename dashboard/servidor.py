"""Run the dashboard as its own Streamlit process: for `cfdi-etl dashboard`, the browser test and the
screenshots. Usage statistics off and no file watcher, by flags, whatever config the user has; offline."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard._fuente import VARIABLE

__all__ = ["APP", "Servidor", "en_marcha", "puerto_libre"]

APP = Path(__file__).with_name("app.py")


def puerto_libre() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Servidor:
    """`streamlit run dashboard/app.py` on one port, reading one warehouse file."""

    def __init__(self, warehouse: Path, puerto: int, direccion: str = "127.0.0.1") -> None:
        self.warehouse = warehouse
        self.puerto = puerto
        self.direccion = direccion
        self._proceso: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.direccion}:{self.puerto}"

    def comando(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.port", str(self.puerto),
            "--server.address", self.direccion,
            "--server.headless", "true",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            "--global.developmentMode", "false",
            "--client.toolbarMode", "viewer",
        ]  # fmt: skip

    def iniciar(self, *, salida: int | None = subprocess.DEVNULL) -> None:
        entorno = {**os.environ, VARIABLE: str(self.warehouse)}
        self._proceso = subprocess.Popen(self.comando(), env=entorno, stdout=salida, stderr=salida)  # noqa: S603

    def esperar_listo(self, segundos: float = 60) -> None:
        """Until Streamlit answers its health check; raises if the process ends or time runs out."""
        assert self._proceso is not None
        limite = time.monotonic() + segundos
        while time.monotonic() < limite:
            if self._proceso.poll() is not None:
                raise RuntimeError(
                    f"the dashboard exited with {self._proceso.returncode} before it was ready"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the dashboard did not answer at {self.url} within {segundos:g} s")

    def esperar(self) -> int:
        assert self._proceso is not None
        return self._proceso.wait()

    def detener(self) -> None:
        if self._proceso is not None and self._proceso.poll() is None:
            self._proceso.terminate()
            try:
                self._proceso.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proceso.kill()
                self._proceso.wait()


@contextmanager
def en_marcha(warehouse: Path, puerto: int | None = None) -> Iterator[Servidor]:
    servidor = Servidor(warehouse, puerto or puerto_libre())
    servidor.iniciar()
    try:
        servidor.esperar_listo()
        yield servidor
    finally:
        servidor.detener()
