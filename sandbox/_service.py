"""The four operations' rules, apart from HTTP: security checks, SAT's limits and the request lifecycle."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import queue
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from sandbox._catalog import Catalog
from sandbox._certificates import CertificateVerdict, Trust, certificate_number, rfc_of
from sandbox._codes import Code, RequestState
from sandbox._config import SandboxConfig
from sandbox._queries import Query, QueryRejectedError, read_query
from sandbox._signatures import SignatureError, verify_request_signature, verify_security_header
from sandbox._store import PackageRow, RequestRow, Store
from sandbox._test_ca import load_or_create_test_ca, test_ca_dir
from sandbox._tokens import TokenClaims, TokenIssuer, token_from_authorization

__all__ = [
    "AuthAnswer",
    "AuthenticationRefusedError",
    "CallRejectedError",
    "DownloadAnswer",
    "QueryAnswer",
    "Service",
    "VerifyAnswer",
]

_log = logging.getLogger("sandbox")


class AuthenticationRefusedError(Exception):
    """Autentica refuses: SAT answers the SOAP Fault `a:InvalidSecurity` (the reason is only logged)."""


class CallRejectedError(Exception):
    """A call that SAT answers with an error `CodEstatus` before looking at its parameters."""

    def __init__(self, code: Code) -> None:
        super().__init__(code.message)
        self.code = code


@dataclass(frozen=True)
class AuthAnswer:
    token: str
    created: dt.datetime
    expires: dt.datetime


@dataclass(frozen=True)
class QueryAnswer:
    code: Code
    message: str
    request_id: str | None = None


@dataclass(frozen=True)
class VerifyAnswer:
    code: Code
    state: RequestState
    state_code: Code
    document_count: int = 0
    package_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class DownloadAnswer:
    code: Code
    package: Path | None = None


_PREPARERS = 2
# SAT keeps Mexico City time, which has had no daylight saving since 2022.
_MEXICO = dt.timezone(dt.timedelta(hours=-6), "America/Mexico_City")
_OUTCOME_READY, _OUTCOME_EMPTY, _OUTCOME_TOO_MANY, _OUTCOME_ERROR = "ready", "empty", "too-many", "error"


class Service:
    """One sandbox's behaviour over its data directory; thread-safe."""

    def __init__(
        self, config: SandboxConfig, catalog: Catalog, clock: Callable[[], float] = time.time
    ) -> None:
        self._config = config
        self._clock = clock
        self._catalog = catalog
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self._packages_dir = config.data_dir / "packages"
        self._packages_dir.mkdir(exist_ok=True)
        self._store = Store(config.data_dir / "state.sqlite3")
        self._trust = Trust(load_or_create_test_ca(config.ca_dir or test_ca_dir(config.data_dir))[0])
        self._tokens = TokenIssuer(config.data_dir)
        self._submit_lock = threading.Lock()
        # Packages are written by daemon threads that a stop does not wait for: a request cut short is
        # written again, from scratch, by the next server over this directory.
        for stale in self._packages_dir.glob("*.partial*"):  # left by a server that stopped while writing
            shutil.rmtree(stale, ignore_errors=True)
        self._pending: queue.Queue[str] = queue.Queue()
        self._closing = threading.Event()
        for number in range(_PREPARERS):
            threading.Thread(
                target=self._prepare_pending, name=f"sandbox-prepare-{number}", daemon=True
            ).start()
        for row in self._store.unprepared():  # interrupted by a stop or a crash: prepare again
            self._pending.put(row.id)

    def close(self) -> None:
        self._closing.set()
        for _ in range(_PREPARERS):
            self._pending.put("")  # wakes each idle preparer so that it sees the flag and ends
        self._store.close()

    # Autentica -----------------------------------------------------------------------------------------

    def authenticate(self, service: str, header: etree._Element | None) -> AuthAnswer:
        try:
            signed = verify_security_header(header)
        except SignatureError as error:
            raise AuthenticationRefusedError(str(error)) from None
        now = self._clock()
        created, expires = _instant(signed.created), _instant(signed.expires)
        if created is None or expires is None:
            raise AuthenticationRefusedError("the Timestamp's Created/Expires are not UTC instants")
        if created > now + self._config.clock_skew_seconds or expires <= now or expires <= created:
            raise AuthenticationRefusedError("the Timestamp is outside its validity window")
        verdict = self._trust.verdict(signed.certificate, dt.datetime.fromtimestamp(now, dt.UTC))
        if verdict is CertificateVerdict.UNTRUSTED:
            raise AuthenticationRefusedError("the certificate was not issued by a trusted CA")
        # As at SAT, a CSD or an expired certificate still authenticates; the calls that follow get 305/304.
        claims = TokenClaims(
            token_id=uuid.uuid4().hex,
            rfc=rfc_of(signed.certificate),
            service=service,
            certificate_sha256=hashlib.sha256(signed.certificate.public_bytes(Encoding.DER)).hexdigest(),
            issued_at=now,
            expires_at=now + self._config.token_lifetime_seconds,
        )
        return AuthAnswer(
            token=self._tokens.issue(claims, certificate_number(signed.certificate)),
            created=dt.datetime.fromtimestamp(claims.issued_at, dt.UTC),
            expires=dt.datetime.fromtimestamp(claims.expires_at, dt.UTC),
        )

    def revoke(self, authorization: str | None) -> None:
        """Invalidate the caller's token before its time (a fault SAT is known for)."""
        token = token_from_authorization(authorization)
        claims = None if token is None else self._tokens.read(token)
        if claims is not None:
            self._store.revoke_token(claims.token_id)

    # The calls that need a token --------------------------------------------------------------------------

    def query(
        self,
        service: str,
        kind: str,
        authorization: str | None,
        request: etree._Element,
        *,
        stuck: bool = False,
        late_seconds: float = 0.0,
    ) -> QueryAnswer:
        """`stuck`: the request stays in state 1 forever; `late_seconds`: that much longer than usual."""
        self._check_caller(service, authorization, request)
        now = self._clock()
        try:
            query = read_query(service, kind, request, dt.datetime.fromtimestamp(now, _MEXICO).date())
        except QueryRejectedError as rejected:
            return QueryAnswer(rejected.code, rejected.message)
        with self._submit_lock:
            earlier = self._store.requests_with_key(query.key)
            if any(self._active(row, now) for row in earlier):
                return QueryAnswer(Code.DUPLICATE, Code.DUPLICATE.message)
            if len(earlier) >= self._config.lifetime_request_limit:
                return QueryAnswer(Code.LIFETIME_EXHAUSTED, Code.LIFETIME_EXHAUSTED.message)
            request_id = str(uuid.uuid4())
            self._store.add_request(
                # Its lifecycle starts later: state 1 lasts `late_seconds` more, the rest follows as usual.
                RequestRow(
                    request_id,
                    query.key,
                    query.requester_rfc,
                    service,
                    now + late_seconds,
                    stuck,
                    None,
                    None,
                    None,
                )
            )
        self._pending.put(request_id)
        return QueryAnswer(Code.ACCEPTED, Code.ACCEPTED.message, request_id)

    def verify(  # noqa: PLR0911 -- one answer per request state
        self, service: str, authorization: str | None, request: etree._Element
    ) -> VerifyAnswer:
        requester = self._check_caller(service, authorization, request)
        row = self._store.request(_attribute(request, "IdSolicitud"))
        if row is None or row.rfc != requester or row.service != service:
            return VerifyAnswer(Code.NOT_FOUND, RequestState.REJECTED, Code.NOT_FOUND)
        now = self._clock()
        if row.stuck or now < row.created_at + self._config.accepted_seconds:
            return VerifyAnswer(Code.ACCEPTED, RequestState.ACCEPTED, Code.ACCEPTED)
        if row.outcome is None or now < self._finished_at(row):
            return VerifyAnswer(Code.ACCEPTED, RequestState.IN_PROGRESS, Code.ACCEPTED)
        count = row.document_count or 0
        if row.outcome == _OUTCOME_EMPTY:
            return VerifyAnswer(Code.ACCEPTED, RequestState.REJECTED, Code.NOT_FOUND)
        if row.outcome == _OUTCOME_TOO_MANY:
            return VerifyAnswer(Code.ACCEPTED, RequestState.REJECTED, Code.MAXIMUM_EXCEEDED, count)
        if row.outcome == _OUTCOME_ERROR:
            return VerifyAnswer(Code.ACCEPTED, RequestState.ERROR, Code.UNCONTROLLED_ERROR)
        if now >= self._expires_at(row):
            return VerifyAnswer(Code.ACCEPTED, RequestState.EXPIRED, Code.PACKAGE_GONE, count)
        package_ids = tuple(p.id for p in self._store.packages_of(row.id))
        return VerifyAnswer(Code.ACCEPTED, RequestState.FINISHED, Code.ACCEPTED, count, package_ids)

    def download(self, service: str, authorization: str | None, request: etree._Element) -> DownloadAnswer:
        requester = self._check_caller(service, authorization, request)
        package = self._store.package(_attribute(request, "IdPaquete"))
        row = None if package is None else self._store.request(package.request_id)
        if package is None or row is None or row.rfc != requester or row.service != service:
            return DownloadAnswer(Code.NOT_FOUND)
        if self._clock() >= self._expires_at(row):
            return DownloadAnswer(Code.PACKAGE_GONE)
        if not self._store.count_download(package.id, self._config.download_limit):
            return DownloadAnswer(Code.DOWNLOADS_EXHAUSTED)
        return DownloadAnswer(Code.ACCEPTED, Path(package.file))

    def _check_caller(self, service: str, authorization: str | None, request: etree._Element) -> str:
        """SAT's checks before a call's parameters are read; returns the requester's RFC."""
        token = token_from_authorization(authorization)
        claims = None if token is None else self._tokens.read(token)
        now = self._clock()
        if (
            claims is None
            or claims.service != service
            or now >= claims.expires_at
            or self._store.token_revoked(claims.token_id)
        ):
            raise CallRejectedError(Code.INVALID_USER)
        try:
            certificate = verify_request_signature(request)
        except SignatureError as error:
            _log.info("302 for a request whose signature does not verify: %s", error)
            raise CallRejectedError(Code.BAD_SEAL) from None
        verdict = self._trust.verdict(certificate, dt.datetime.fromtimestamp(now, dt.UTC))
        if verdict in (CertificateVerdict.UNTRUSTED, CertificateVerdict.NOT_A_FIEL):
            raise CallRejectedError(Code.CERTIFICATE_INVALID)
        if verdict is CertificateVerdict.EXPIRED:
            raise CallRejectedError(Code.CERTIFICATE_REVOKED_OR_EXPIRED)
        requester = _attribute(request, "RfcSolicitante").upper()
        if rfc_of(certificate) != requester:
            raise CallRejectedError(Code.SEAL_NOT_REQUESTER)
        if claims.rfc != requester:
            raise CallRejectedError(Code.INVALID_USER)
        return requester

    # Lifecycle ---------------------------------------------------------------------------------------------

    def _finished_at(self, row: RequestRow) -> float:
        return row.created_at + self._config.accepted_seconds + self._config.in_progress_seconds

    def _expires_at(self, row: RequestRow) -> float:
        return max(self._finished_at(row), row.prepared_at or 0.0) + self._config.package_expiry_seconds

    def _active(self, row: RequestRow, now: float) -> bool:
        if row.outcome is None or now < self._finished_at(row):
            return True
        return row.outcome == _OUTCOME_READY and now < self._expires_at(row)

    def _prepare_pending(self) -> None:
        while not self._closing.is_set():
            request_id = self._pending.get()
            if self._closing.is_set():
                return
            try:
                self._prepare(request_id)
            except sqlite3.ProgrammingError:  # the store closed under it: the service stopped
                return

    def _prepare(self, request_id: str) -> None:
        row = self._store.request(request_id)
        if row is None or row.outcome is not None:
            return
        accepted = dt.datetime.fromtimestamp(row.created_at, _MEXICO).replace(tzinfo=None)
        query = replace(Query.from_key(row.query_key), as_of=accepted.isoformat())
        final = self._packages_dir / request_id
        # A fresh directory per attempt: an attempt cut short by a stop never mixes files with the next one.
        partial = self._packages_dir / f"{request_id}.partial-{uuid.uuid4().hex[:8]}"
        try:
            count = self._catalog.count(query)
            limit = (
                self._config.max_xml_documents
                if query.request_type == "xml"
                else self._config.max_metadata_records
            )
            if count == 0:
                self._store.finish(request_id, _OUTCOME_EMPTY, 0, self._clock(), [])
                return
            if count > limit:
                self._store.finish(request_id, _OUTCOME_TOO_MANY, count, self._clock(), [])
                return
            partial.mkdir()
            written = self._catalog.write_packages(
                query, partial, request_id, self._config.documents_per_package
            )
            if self._closing.is_set():  # stopped meanwhile: the next server writes it again
                shutil.rmtree(partial, ignore_errors=True)
                return
            shutil.rmtree(final, ignore_errors=True)  # from an attempt that stopped before recording it
            partial.rename(final)
            packages = [
                PackageRow(p.package_id, request_id, str(final / p.path.name), p.document_count, 0)
                for p in written
            ]
            total = sum(p.document_count for p in packages)
            outcome = _OUTCOME_READY if total else _OUTCOME_EMPTY
            self._store.finish(request_id, outcome, total, self._clock(), packages if total else [])
        except Exception:
            shutil.rmtree(partial, ignore_errors=True)
            if self._closing.is_set():
                return  # stopped halfway: left unprepared, for the next start
            _log.exception(
                "preparing request %s failed; it will answer EstadoSolicitud 4 (Error)", request_id
            )
            self._store.finish(request_id, _OUTCOME_ERROR, 0, self._clock(), [])


def _attribute(element: etree._Element, name: str) -> str:
    """An attribute by name, ignoring letter case (SAT has changed case before)."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if str(key).lower() == wanted:
            return str(value).strip()
    return ""


def _instant(text: str) -> float | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return None if moment.tzinfo is None else moment.timestamp()
