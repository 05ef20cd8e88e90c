"""Faults on demand: rules that make the sandbox misbehave as SAT does, repeatably (seeded)."""

from __future__ import annotations

import enum
import random
import threading
from dataclasses import dataclass, replace

__all__ = ["Fault", "FaultRule", "Faults", "Operation"]


class Operation(enum.StrEnum):
    """The four operations, and the status service; a fault rule may target one of them or all."""

    AUTHENTICATE = "autentica"
    QUERY = "solicita"
    VERIFY = "verifica"
    DOWNLOAD = "descarga"
    CONSULTA = "consulta"  # ConsultaCFDIService, the status of one CFDI


class Fault(enum.StrEnum):
    """What can go wrong, as seen from the client."""

    HTTP_500 = "http-500"  # an HTTP 500 with an HTML error page, as IIS gives
    SLOW = "slow"  # the right answer, `delay_seconds` late
    HANG = "hang"  # no answer until the client gives up (or the server stops)
    DROP = "drop"  # the connection is closed without any answer
    TRUNCATE = "truncate"  # the answer stops halfway, then the connection closes
    CODE_404 = "code-404"  # CodEstatus 404 "Error No Controlado" (not for Autentica)
    STUCK = "stuck"  # a request accepted now stays in state 1 (Aceptada) forever (SolicitaDescarga only)
    LATE = "late"  # a request accepted now stays in state 1 `delay_seconds` longer, then goes on (idem)
    LOSE_ANSWER = "lose-answer"  # the call is carried out, then the connection closes with no answer
    EXPIRE_TOKEN = "expire-token"  # noqa: S105 -- a fault name, not a secret; the caller's token is invalidated before its time; answer 300


_QUERY_ONLY = frozenset({Fault.STUCK, Fault.LATE})


@dataclass(frozen=True)
class FaultRule:
    """Apply `fault` to calls of `operation` (None: any) with `probability`, `times` times (None: always)."""

    fault: Fault
    operation: Operation | None = None
    times: int | None = 1
    probability: float = 1.0
    delay_seconds: float = 2.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability must be within 0..1, got {self.probability}")
        if self.times is not None and self.times < 0:
            raise ValueError(f"times must be >= 0 or None, got {self.times}")
        if self.fault is Fault.CODE_404 and self.operation is Operation.AUTHENTICATE:
            raise ValueError("Autentica has no CodEstatus: a 404 burst applies to the other operations")
        if self.fault in _QUERY_ONLY and self.operation not in (None, Operation.QUERY):
            raise ValueError(
                f"a {self.fault} request is made when it is submitted: use operation=QUERY or None"
            )


class Faults:
    """The fault plan of one sandbox instance; thread-safe, settable while the server runs."""

    def __init__(self, seed: int = 0, rules: tuple[FaultRule, ...] = ()) -> None:
        self._random = random.Random(seed)  # noqa: S311 -- repeatable test faults, not security
        self._rules = list(rules)
        self._lock = threading.Lock()
        self.fired: list[tuple[Operation, Fault]] = []

    def inject(
        self,
        fault: Fault,
        *,
        operation: Operation | None = None,
        times: int | None = 1,
        probability: float = 1.0,
        delay_seconds: float = 2.0,
    ) -> None:
        """Add a rule; rules are tried in the order they were added."""
        rule = FaultRule(fault, operation, times, probability, delay_seconds)
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def draw(self, operation: Operation) -> FaultRule | None:
        """The fault to apply to this call, if any, consuming one use of its rule."""
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.operation not in (None, operation) or rule.times == 0:
                    continue
                if rule.fault is Fault.CODE_404 and operation in (Operation.AUTHENTICATE, Operation.CONSULTA):
                    continue
                if rule.fault in _QUERY_ONLY and operation is not Operation.QUERY:
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                if rule.times is not None:
                    self._rules[index] = replace(rule, times=rule.times - 1)
                self.fired.append((operation, rule.fault))
                return rule
            return None
