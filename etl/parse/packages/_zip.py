"""Opening a package zip defensively: corrupt or empty archives, path traversal and zip bombs are refused
with an error that names the package or entry and says what to do."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from etl.parse.bound import streamed_sha256

__all__ = ["PackageError", "ZipLimits", "member_digest", "open_package", "read_member"]

_DRIVE = re.compile(r"^[A-Za-z]:")
_MIB = 1 << 20


class PackageError(ValueError):
    """A package cannot be read safely. `reason`: corrupt, empty, mixed, traversal, bomb or encrypted."""

    def __init__(self, package: str, reason: str, message: str) -> None:
        super().__init__(f"{package}: {message}")
        self.package = package
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What counts as absurd expansion. XML and metadata text compress 3 to 20 times; deflate itself
    cannot exceed about 1,030. A 1,000,000-record metadata file is about 300 MB."""

    max_entry_bytes: int = 2 << 30
    max_total_bytes: int = 64 << 30
    max_ratio: float = 200.0
    # Small entries may compress absurdly well (a run of spaces) without being a threat.
    ratio_applies_above: int = 1 * _MIB
    max_entries: int = 2_000_000


@contextmanager
def open_package(path: Path, limits: ZipLimits) -> Iterator[zipfile.ZipFile]:
    """The open archive, after checking every entry's name and declared size in the central directory,
    so that a hostile package is refused before anything of it is used."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise PackageError(
            name, "corrupt", f"not a readable zip ({error}); download the package again"
        ) from None
    except OSError as error:
        raise PackageError(name, "corrupt", f"cannot be opened: {error.strerror or error}") from None
    with archive:
        infos = archive.infolist()
        if not infos:
            raise PackageError(name, "empty", "the zip holds no entries; download the package again")
        if len(infos) > limits.max_entries:
            raise PackageError(name, "bomb", f"{len(infos):,} entries is more than any SAT package holds")
        total = 0
        for info in infos:
            _check_name(name, info.filename)
            _check_size(name, info, limits)
            total += info.file_size
        if total > limits.max_total_bytes:
            raise PackageError(name, "bomb", f"entries would inflate to {total:,} bytes in all; refusing it")
        yield archive


def member_digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo, package: str) -> str:
    """An entry's sha256, streamed a megabyte at a time (for an entry too large to hold), with the same
    refusals as `read_member`."""
    _refuse_encrypted(info, package)
    try:
        with archive.open(info) as member:
            sha256, size = streamed_sha256(member)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise _corrupt(package, info, error) from None
    if size != info.file_size:
        raise _inflated(package, info, size)
    return sha256


def _refuse_encrypted(info: zipfile.ZipInfo, package: str) -> None:
    if info.flag_bits & 0x1:
        raise PackageError(package, "encrypted", f"entry {info.filename!r} is encrypted; SAT never does that")


def _corrupt(package: str, info: zipfile.ZipInfo, error: Exception) -> PackageError:
    return PackageError(
        package, "corrupt", f"entry {info.filename!r} is corrupt ({error}); download the package again"
    )


def _inflated(package: str, info: zipfile.ZipInfo, size: int) -> PackageError:
    return PackageError(
        package,
        "bomb",
        f"entry {info.filename!r} inflates to {size:,} bytes, not the {info.file_size:,} declared",
    )


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, package: str) -> bytes:
    """An entry's bytes. The zip module stops at the declared size and checks the CRC, so an entry that
    inflates beyond what it declared fails here rather than filling memory."""
    _refuse_encrypted(info, package)
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise _corrupt(package, info, error) from None
    if len(data) != info.file_size:
        raise _inflated(package, info, len(data))
    return data


def _check_name(package: str, filename: str) -> None:
    parts = PurePosixPath(filename.replace("\\", "/")).parts
    if filename.startswith(("/", "\\")) or _DRIVE.match(filename) or ".." in parts or "\0" in filename:
        raise PackageError(
            package,
            "traversal",
            f"entry {filename!r} points outside the package (path traversal); refusing it",
        )


def _check_size(package: str, info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    if info.file_size > limits.max_entry_bytes:
        raise PackageError(
            package,
            "bomb",
            f"entry {info.filename!r} would inflate to {info.file_size:,} bytes, more than the "
            f"{limits.max_entry_bytes:,} allowed; refusing the package",
        )
    if info.file_size > limits.ratio_applies_above:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise PackageError(
                package,
                "bomb",
                f"entry {info.filename!r} would inflate {ratio:,.0f} times ({info.compress_size:,} to "
                f"{info.file_size:,} bytes), which no SAT package does; refusing it",
            )
