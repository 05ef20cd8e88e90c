"""`SandboxServer`: the sandbox as a real HTTP server on loopback, started and stopped from Python."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from sandbox._catalog import Catalog, CorpusCatalog
from sandbox._config import SandboxConfig
from sandbox._consulta import ConsultaService
from sandbox._faults import Faults, Operation
from sandbox._http import SandboxHTTPServer
from sandbox._lists import PublishedLists
from sandbox._service import Service

__all__ = ["SandboxServer"]


class SandboxServer:
    """A local SAT: `start()` returns the base URL B (CFDI at `B/cfdi/...`, Retenciones `B/retenciones/...`).

    `faults` can be changed while it runs (`server.faults.inject(Fault.HTTP_500, operation=...)`). State
    lives in `config.data_dir`: a new server over the same directory carries on where the last one stopped.
    `catalog` replaces the synthetic corpus (tests that need a particular answer size use it). `clock`
    (seconds since the epoch) is SAT's "now" for every rule that depends on time (token lifetime, request
    states, package expiry, the status service's cancellations in process): tests advance it instead of
    sleeping. The status service (`B/consulta/ConsultaCFDIService.svc`) answers from the synthetic corpus.
    """

    def __init__(
        self, config: SandboxConfig, *, catalog: Catalog | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self._clock = clock
        self.faults = Faults(config.seed, config.faults)
        self._catalog = catalog
        # SAT's 69-B and Art. 69 lists at `lists_url`; `lists.publish_next()` publishes a new version.
        self.lists = PublishedLists.starting_now(config.seed)
        self._http: SandboxHTTPServer | None = None
        self._service: Service | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._http is None:
            raise RuntimeError("the sandbox is not running: call start() first")
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def lists_url(self) -> str:
        """Where the lists are, laid out as SAT's blob store (`Documents_AGAFF/...`, `Documents_AGR/...`)."""
        return self.base_url + self.lists.base_path

    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

    @property
    def calls(self) -> dict[Operation, int]:
        """How many calls of each operation arrived (faulted ones included) since `start()`."""
        if self._http is None:
            return {}
        with self._http.calls_lock:
            return dict(self._http.calls)

    def start(self) -> str:
        if self._http is not None:
            return self.base_url
        corpus = CorpusCatalog(self.config.seed, self.config.rfcs, self.config.documents_per_month)
        self._service = Service(self.config, self._catalog or corpus, self._clock)
        consulta = ConsultaService(corpus.corpus, self.config.seed, self._clock)
        address = (self.config.host, self.config.port)
        self._http = SandboxHTTPServer(address, self._service, self.faults, consulta)
        self._http.lists = self.lists
        self._thread = threading.Thread(target=self._http.serve_forever, name="sandbox-http", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop answering, release hanging calls, cut open connections and close the state; idempotent."""
        if self._http is not None:
            self._http.stopping.set()
            self._http.shutdown()
            self._http.close_connections()
            self._http.server_close()
            self._http = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._service is not None:
            self._service.close()
            self._service = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
