from __future__ import annotations

import pytest

from etl.sat import RetryPolicy, SatRefusedError, SatTimeoutError


def test_delays_grow_exponentially_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=10.0)
    for failures, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)]:
        delays = {policy.delay(failures) for _ in range(200)}
        assert min(delays) >= ceiling * 0.5
        assert max(delays) <= ceiling
        assert len(delays) > 1, "jitter spreads the retries"


def test_a_terminal_error_is_raised_at_the_first_try() -> None:
    calls: list[int] = []

    def refused() -> None:
        calls.append(1)
        raise SatRefusedError("Verifica", 305, "Certificado inválido", "use the e.firma")

    with pytest.raises(SatRefusedError):
        RetryPolicy(attempts=5, base_delay=0.0).run("Verifica", refused)
    assert len(calls) == 1


def test_a_transient_error_is_tried_the_allowed_number_of_times() -> None:
    calls: list[int] = []

    def slow() -> None:
        calls.append(1)
        raise SatTimeoutError("Verifica", "ReadTimeout")

    with pytest.raises(SatTimeoutError):
        RetryPolicy(attempts=3, base_delay=0.0).run("Verifica", slow)
    assert len(calls) == 3


def test_a_nonsensical_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError, match="cannot be negative"):
        RetryPolicy(base_delay=-1.0)
    with pytest.raises(ValueError, match="cannot be negative"):
        RetryPolicy(total_time=-1.0)
