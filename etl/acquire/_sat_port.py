"""What the sync steps need from SAT: three calls and their answers, in SAT's own codes.

`etl.sat.SatClient` is adapted to this shape by `SatClientPort`; the steps stay independent of transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from etl.acquire._spec import RequestSpec
from etl.sat import CodEstatus, CodigoEstadoSolicitud, EstadoSolicitud, PackageSink

__all__ = ["DownloadAnswer", "SatPort", "SubmitAnswer", "VerifyAnswer"]


@dataclass(frozen=True, slots=True)
class SubmitAnswer:
    code: CodEstatus
    message: str
    id_solicitud: str | None


@dataclass(frozen=True, slots=True)
class VerifyAnswer:
    code: CodEstatus
    message: str
    request_state: EstadoSolicitud
    request_state_code: CodigoEstadoSolicitud
    number_cfdis: int
    package_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DownloadAnswer:
    """SAT's answer to a download; the package itself went to the sink the call was given."""

    code: CodEstatus
    message: str


class SatPort(Protocol):
    def submit(self, spec: RequestSpec) -> SubmitAnswer: ...

    def verify(self, spec: RequestSpec, id_solicitud: str) -> VerifyAnswer: ...

    def download(self, spec: RequestSpec, package_id: str, sink: PackageSink) -> DownloadAnswer:
        """Write the package to `sink` as it arrives; `etl.sat.BrokenDownloadError` when the answer broke
        off or was damaged once SAT began serving it (SAT counted that download)."""
        ...
