"""Registered RFCs: where each one's e.firma lives and which environment variable holds its password.

The password itself is never stored: only the name of the variable (or secret) that holds it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from etl.sat import CertificateFacts, Fiel, check_certificate

__all__ = ["FielLocation", "RfcRegistry", "default_password_variable"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rfcs (
    rfc TEXT PRIMARY KEY,
    cer_path TEXT NOT NULL,
    key_path TEXT NOT NULL,
    password_variable TEXT NOT NULL
);
"""
_VARIABLE = re.compile(r"[A-Z_][A-Z0-9_]*")


def default_password_variable(rfc: str) -> str:
    return "CFDI_ETL_FIEL_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", rfc.upper())


@dataclass(frozen=True, slots=True)
class FielLocation:
    rfc: str
    cer_path: Path
    key_path: Path
    password_variable: str

    def load(self) -> Fiel:
        """The checked e.firma; the password is read from the environment at this moment only."""
        password = os.environ.get(self.password_variable)
        if password is None:
            raise LookupError(
                f"the e.firma password for {self.rfc} is not set: export {self.password_variable}=... "
                "(or provide it as a secret with that name) and run again"
            )
        return Fiel.from_files(self.cer_path, self.key_path, password)

    def check_certificate(self) -> CertificateFacts:
        """What the .cer alone tells, checked (FielError otherwise), for when the password is not set."""
        return check_certificate(self.cer_path)


class RfcRegistry:
    """A table in the ledger's SQLite file (one small file of sync state, not a second one)."""

    def __init__(self, ledger_path: Path) -> None:
        ledger_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(ledger_path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout=60000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RfcRegistry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def add(self, location: FielLocation) -> None:
        if not _VARIABLE.fullmatch(location.password_variable):
            raise ValueError(f"{location.password_variable!r} is not an environment variable name")
        self._db.execute(
            """
            INSERT INTO rfcs (rfc, cer_path, key_path, password_variable) VALUES (?, ?, ?, ?)
            ON CONFLICT (rfc) DO UPDATE SET cer_path = excluded.cer_path, key_path = excluded.key_path,
                password_variable = excluded.password_variable
            """,
            (
                location.rfc,
                str(location.cer_path.resolve()),
                str(location.key_path.resolve()),
                location.password_variable,
            ),
        )

    def get(self, rfc: str) -> FielLocation:
        row = self._db.execute(
            "SELECT rfc, cer_path, key_path, password_variable FROM rfcs WHERE rfc = ?", (rfc.upper(),)
        ).fetchone()
        if row is None:
            raise LookupError(f"{rfc} is not registered: run `cfdi-etl rfc add {rfc} --cer PATH --key PATH`")
        return FielLocation(str(row[0]), Path(row[1]), Path(row[2]), str(row[3]))

    def all(self) -> list[FielLocation]:
        rows = self._db.execute("SELECT rfc, cer_path, key_path, password_variable FROM rfcs ORDER BY rfc")
        return [FielLocation(str(r[0]), Path(r[1]), Path(r[2]), str(r[3])) for r in rows.fetchall()]
