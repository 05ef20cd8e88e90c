"""Every failure the SAT client reports: one base class, one subclass per thing the caller does differently.

Each message says what went wrong and what to do. None of them ever holds a password or a private key.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BrokenDownloadError",
    "EmptyResponseError",
    "FielError",
    "FielProblem",
    "HttpStatusError",
    "QueryParametersError",
    "SatConnectionError",
    "SatError",
    "SatRefusedError",
    "SatTimeoutError",
    "SatUnavailableError",
    "SoapFaultError",
    "UnparseableResponseError",
]


class SatError(Exception):
    """Anything the SAT client could not do; the message is meant for the user."""


class FielProblem(StrEnum):
    """Why an e.firma was refused locally, before anything was sent to SAT."""

    NOT_A_CERTIFICATE = "not-a-certificate"
    NOT_A_KEY = "not-a-key"
    WRONG_PASSWORD = "wrong-password"  # noqa: S105 - the name of a problem, not a password
    NOT_A_FIEL = "not-a-fiel"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    KEY_DOES_NOT_MATCH = "key-does-not-match"


class FielError(SatError):
    """The certificate or key cannot be used for SAT's bulk download."""

    def __init__(self, problem: FielProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


class QueryParametersError(SatError, ValueError):
    """A download request that SAT would refuse or misread; nothing was sent."""


class SoapFaultError(SatError):
    """SAT answered with a SOAP Fault (for Autentica: the signature or certificate was not accepted)."""

    def __init__(self, operation: str, fault_code: str, fault_string: str) -> None:
        super().__init__(
            f"SAT refused the {operation} call with a SOAP fault {fault_code}: {fault_string.rstrip('.')}. "
            "For authentication this means SAT did not accept the e.firma or the signature: check that the "
            "certificate is a current e.firma (not a CSD) and that the computer's clock is right."
        )
        self.operation = operation
        self.fault_code = fault_code
        self.fault_string = fault_string


class HttpStatusError(SatError):
    """SAT answered with an HTTP error status and no SOAP Fault."""

    def __init__(self, operation: str, status_code: int, url: str) -> None:
        hint = (
            "SAT's service is failing; try again later."
            if status_code >= 500
            else "check the base URL and the service family (CFDI or Retenciones)."
        )
        super().__init__(f"SAT answered HTTP {status_code} to the {operation} call at {url}: {hint}")
        self.operation = operation
        self.status_code = status_code
        self.url = url


class EmptyResponseError(SatError):
    """SAT answered with an empty body."""

    def __init__(self, operation: str) -> None:
        super().__init__(f"SAT answered the {operation} call with an empty body; try again later.")
        self.operation = operation


class UnparseableResponseError(SatError):
    """SAT's answer is not the XML the protocol describes."""

    def __init__(self, operation: str, detail: str) -> None:
        super().__init__(
            f"SAT's answer to the {operation} call could not be read ({detail}). If this persists, SAT may "
            "have changed its service: report it with the answer's text."
        )
        self.operation = operation
        self.detail = detail


class SatTimeoutError(SatError):
    """SAT did not answer in time, even after the retries allowed."""

    def __init__(self, operation: str, detail: str) -> None:
        super().__init__(
            f"SAT did not answer the {operation} call in time ({detail}); "
            "try again later or raise the timeout."
        )
        self.operation = operation


class SatConnectionError(SatError):
    """SAT could not be reached, even after the retries allowed."""

    def __init__(self, operation: str, url: str, detail: str) -> None:
        super().__init__(
            f"Could not connect to SAT for the {operation} call at {url} ({detail}); check the network "
            "and the base URL, then try again."
        )
        self.operation = operation
        self.url = url


class SatUnavailableError(SatError):
    """SAT kept answering with a transient code (404, 5006) until the retries ran out."""

    def __init__(self, operation: str, code: int, message: str) -> None:
        super().__init__(
            f"SAT kept answering {code} ({message}) to the {operation} call; its service is failing, "
            "try again later. Nothing was lost: the same call can simply be repeated."
        )
        self.operation = operation
        self.code = code
        self.sat_message = message


class SatRefusedError(SatError):
    """SAT refused the credentials or the signature with a terminal code (300, 302 to 305)."""

    def __init__(self, operation: str, code: int, message: str, advice: str) -> None:
        super().__init__(f"SAT refused the {operation} call with code {code} ({message}): {advice}")
        self.operation = operation
        self.code = code
        self.sat_message = message


class BrokenDownloadError(SatError):
    """SAT began serving a package but the answer did not arrive whole or does not hold a whole package.

    Never retried by `RetryPolicy`: SAT counts a download it began serving, and serves each package only
    twice, so whether to try once more is the caller's decision (the request cycle counts them).
    """

    def __init__(self, operation: str, received: int, detail: str) -> None:
        super().__init__(
            f"SAT's answer to the {operation} call broke off or was damaged after {received:,} bytes "
            f"({detail}); nothing of it was kept. SAT serves each package twice."
        )
        self.operation = operation
        self.received = received
        self.detail = detail
