"""Download SAT's list files from a base URL, asking only for what changed.

Each file is asked with `If-Modified-Since` (the `Last-Modified` SAT gave last time); a 200 is kept only
when its sha256 differs from the last one kept. The state (per file: Last-Modified, sha256) is a JSON file
in the download folder. An older host has served months-old content under the same names, so what counts
is the date printed inside the file, which the reader takes; the download date is never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["DEFAULT_BASE_URL", "LIST_FILES", "FetchedFile", "fetch_lists"]

# SAT's open-data blob store (the "Datos abiertos" page links here): a folder per list family.
DEFAULT_BASE_URL = "https://wu1agsprosta001.blob.core.windows.net/agsc-publicaciones/Datos_abiertos/"
# The 69-B full list holds every situation (the per-situation files repeat it); the Art. 69 files are
# one per list.
LIST_FILES = (
    "Documents_AGAFF/Listado_completo_69-B.csv",
    "Documents_AGR/Firmes.csv",
    "Documents_AGR/No_localizados.csv",
    "Documents_AGR/Cancelados.csv",
    "Documents_AGR/Exigibles.csv",
    "Documents_AGR/CSDsinefectos.csv",
    "Documents_AGR/EntespublicosydeGobiernoomisos.csv",
    "Documents_AGR/Sentencias.csv",
)
_STATE = "fetch-state.json"
_TIMEOUT = httpx.Timeout(60.0, connect=15.0)
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class FetchedFile:
    """One file asked for: `changed` when new content was saved at `path`; otherwise `status` says why not."""

    name: str
    url: str
    path: Path | None
    sha256: str | None
    changed: bool
    status: str


def _load_state(folder: Path) -> dict[str, dict[str, str]]:
    try:
        state = json.loads((folder / _STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _save_state(folder: Path, state: dict[str, dict[str, str]]) -> None:
    scratch = folder / f".{_STATE}.{os.getpid()}.tmp"
    scratch.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    scratch.replace(folder / _STATE)


def _fetch_one(client: httpx.Client, url: str, target: Path, known: dict[str, str]) -> FetchedFile:
    name = target.name
    headers = {"If-Modified-Since": known["last_modified"]} if known.get("last_modified") else {}
    scratch = target.with_name(f".{name}.part")
    digest = hashlib.sha256()
    with client.stream("GET", url, headers=headers) as answer:
        if answer.status_code == httpx.codes.NOT_MODIFIED:
            return FetchedFile(name, url, target, known.get("sha256"), False, "unchanged (304 Not Modified)")
        if answer.status_code != httpx.codes.OK:
            return FetchedFile(name, url, None, None, False, f"HTTP {answer.status_code}: not downloaded")
        with scratch.open("wb") as out:
            for chunk in answer.iter_bytes(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
        last_modified = answer.headers.get("Last-Modified", "")
    sha256 = digest.hexdigest()
    known["last_modified"] = last_modified
    if sha256 == known.get("sha256") and target.exists():
        scratch.unlink()
        return FetchedFile(name, url, target, sha256, False, "same content as the last download")
    scratch.replace(target)
    known["sha256"] = sha256
    return FetchedFile(name, url, target, sha256, True, "new content")


def fetch_lists(
    base_url: str,
    folder: Path,
    files: Sequence[str] = LIST_FILES,
    *,
    transport: httpx.BaseTransport | None = None,
) -> list[FetchedFile]:
    """Ask for each file under `base_url`; a file that fails is reported with its error, the rest go on."""
    folder.mkdir(parents=True, exist_ok=True)
    state = _load_state(folder)
    base = base_url if base_url.endswith("/") else base_url + "/"
    results: list[FetchedFile] = []
    with httpx.Client(timeout=_TIMEOUT, follow_redirects=True, transport=transport) as client:
        for relative in files:
            url = base + relative
            target = folder / relative.replace("/", "__")
            known = state.setdefault(relative, {})
            try:
                results.append(_fetch_one(client, url, target, known))
            except (httpx.HTTPError, OSError) as error:
                results.append(FetchedFile(target.name, url, None, None, False, f"error: {error}"))
            _save_state(folder, state)
    return results
