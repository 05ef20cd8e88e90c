"""etl.parse.packages: SAT's zips read as SAT makes them; decoys skipped; hostile or broken zips refused."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest

from etl.parse.packages import (
    EntryKind,
    PackageError,
    PackageKind,
    SkippedEntry,
    ZipLimits,
    iter_entries,
    read_package,
)
from tests.paths import SAT_FIXTURES

PACKAGES = SAT_FIXTURES / "packages"
UUID = "8A3F51E2-0B7C-4D1E-9F2A-3C4B5D6E7F80"
STAMPED = f"""<?xml version="1.0" encoding="UTF-8"?>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0">
  <cfdi:CfdiRelacionados TipoRelacion="01">
    <cfdi:CfdiRelacionado UUID="99999999-9999-9999-9999-999999999999"/>
  </cfdi:CfdiRelacionados>
  <cfdi:Complemento>
    <tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1"
      UUID="{UUID}" FechaTimbrado="2024-01-01T00:00:00"/>
  </cfdi:Complemento>
</cfdi:Comprobante>
""".encode()
METADATA = b"Uuid~RfcEmisor~NombreEmisor~Estatus\r\n" + UUID.encode() + b"~AAA010101AAA~X~1\r\n"


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_the_cfdi_fixture_holds_one_document_identified_by_its_stamp_not_its_file_name() -> None:
    contents = read_package(PACKAGES / "cfdi.zip")

    assert contents.kind is PackageKind.XML
    assert [(e.name, e.kind, e.uuid) for e in contents.entries] == [
        ("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.xml", EntryKind.XML, "11111111-2222-3333-4444-000000000001")
    ]
    assert contents.entries[0].data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert contents.skipped == [
        SkippedEntry("00000000-0000-0000-0000-000000000000.xml", "neither an XML document nor SAT metadata"),
        SkippedEntry("__MACOSX/", "a folder"),
        SkippedEntry("__MACOSX/.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.xml", "macOS metadata (__MACOSX/)"),
        SkippedEntry(
            "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.xml.xml",
            "the same document as aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.xml "
            "(UUID 11111111-2222-3333-4444-000000000001)",
        ),
        SkippedEntry("empty-file", "an empty file"),
        SkippedEntry("other.txt", "neither an XML document nor SAT metadata"),
    ]


def test_the_metadata_fixture_holds_one_metadata_file_and_its_decoys_are_skipped() -> None:
    contents = read_package(PACKAGES / "metadata.zip")

    assert contents.kind is PackageKind.METADATA
    assert [(e.name, e.kind) for e in contents.entries] == [
        ("45C5C344-DA01-497A-9271-5AA3852EE6AE_01.txt", EntryKind.METADATA)
    ]
    assert [s.name for s in contents.skipped] == [
        "00000000-0000-0000-0000-000000000000_00.txt",
        "__MACOSX/",
        "__MACOSX/._45C5C344-DA01-497A-9271-5AA3852EE6AE_01.txt",
        "empty-file",
        "other.txt",
    ]


def test_the_third_party_file_is_recognised_by_its_header() -> None:
    contents = read_package(PACKAGES / "metadata-terceros.zip")

    assert contents.kind is PackageKind.METADATA
    assert [(e.name, e.kind) for e in contents.entries] == [
        ("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF_01.txt", EntryKind.METADATA),
        ("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF_tercero.txt", EntryKind.TERCEROS),
    ]
    assert contents.skipped == []


def test_the_uuid_comes_from_the_stamp_even_with_a_bom_a_double_extension_and_a_related_uuid(
    tmp_path: Path,
) -> None:
    path = make_zip(tmp_path / "p.zip", {"whatever-name.xml.xml": b"\xef\xbb\xbf" + STAMPED})

    (entry,) = iter_entries(path)

    assert (entry.name, entry.kind, entry.uuid) == ("whatever-name.xml.xml", EntryKind.XML, UUID.lower())


def test_two_different_documents_claiming_one_uuid_are_both_handed_on(tmp_path: Path) -> None:
    other = STAMPED.replace(b'Version="4.0"', b'Version="4.0" Folio="2"')
    path = make_zip(tmp_path / "p.zip", {"a.xml": STAMPED, "b.xml": other, "c.xml": STAMPED})
    skipped: list[SkippedEntry] = []

    names = [entry.name for entry in iter_entries(path, on_skip=skipped.append)]

    assert names == ["a.xml", "b.xml"]
    assert skipped == [SkippedEntry("c.xml", f"the same document as a.xml (UUID {UUID.lower()})")]


def test_entries_in_folders_are_skipped_as_not_at_the_root(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "p.zip", {"sub/x.xml": STAMPED, "y.txt": METADATA})

    contents = read_package(path)

    assert [e.name for e in contents.entries] == ["y.txt"]
    assert contents.skipped == [SkippedEntry("sub/x.xml", "not at the root of the package")]


def test_a_package_with_only_decoys_is_reported_empty(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "p.zip", {"other.txt": b"other content\n", "empty": b""})

    with pytest.raises(PackageError, match="holds no document and no metadata") as raised:
        read_package(path)
    assert raised.value.reason == "empty"


def test_a_package_mixing_documents_and_metadata_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "p.zip", {"a.xml": STAMPED, "b.txt": METADATA})

    with pytest.raises(PackageError, match="both XML documents and metadata"):
        read_package(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "corrupt"),
        (b"this is not a zip at all", "corrupt"),
        # an archive with no entries at all: just the end-of-central-directory record
        (b"PK\x05\x06" + b"\x00" * 18, "empty"),
    ],
)
def test_a_corrupt_or_empty_zip_is_reported_as_such(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.zip"
    path.write_bytes(content)

    with pytest.raises(PackageError) as raised:
        list(iter_entries(path))
    assert raised.value.reason == reason
    assert str(raised.value).startswith("bad.zip: ")


def test_a_truncated_zip_is_reported_corrupt(tmp_path: Path) -> None:
    good = make_zip(tmp_path / "good.zip", {f"{i}.xml": STAMPED * 50 for i in range(5)}).read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(good[: len(good) // 2])

    with pytest.raises(PackageError, match="not a readable zip") as raised:
        list(iter_entries(path))
    assert raised.value.reason == "corrupt"


@pytest.mark.parametrize(
    "name", ["../evil.xml", "a/../../evil.xml", "/etc/evil.xml", "C:\\evil.xml", "..\\evil.xml"]
)
def test_path_traversal_is_refused_before_any_entry_is_handed_out(tmp_path: Path, name: str) -> None:
    path = make_zip(tmp_path / "p.zip", {"good.xml": STAMPED, name: STAMPED})

    entries = iter_entries(path)
    with pytest.raises(PackageError, match="points outside the package") as raised:
        next(entries)
    assert raised.value.reason == "traversal"


def test_an_entry_that_would_inflate_absurdly_is_refused_naming_it(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {"good.xml": STAMPED, "bomb.xml": b"\0" * (8 << 20)})

    with pytest.raises(PackageError, match=r"entry 'bomb\.xml' would inflate [0-9,]+ times") as raised:
        list(iter_entries(path))
    assert raised.value.reason == "bomb"


def test_an_entry_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "p.zip", {"big.txt": METADATA * 100})

    with pytest.raises(PackageError, match=r"entry 'big\.txt' would inflate to") as raised:
        list(iter_entries(path, limits=ZipLimits(max_entry_bytes=1000)))
    assert raised.value.reason == "bomb"


def test_entries_adding_up_to_an_absurd_total_are_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "p.zip", {f"{i}.xml": STAMPED for i in range(10)})

    with pytest.raises(PackageError, match=r"inflate to [0-9,]+ bytes in all") as raised:
        list(iter_entries(path, limits=ZipLimits(max_total_bytes=len(STAMPED) * 5)))
    assert raised.value.reason == "bomb"


def test_an_entry_that_inflates_beyond_its_declared_size_is_refused(tmp_path: Path) -> None:
    data = bytearray(make_zip(tmp_path / "p.zip", {"a.xml": STAMPED}).read_bytes())
    declared = len(STAMPED).to_bytes(4, "little")
    lie = (100).to_bytes(4, "little")
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    assert data[local + 22 : local + 26] == declared
    assert data[central + 24 : central + 28] == declared
    data[local + 22 : local + 26] = lie
    data[central + 24 : central + 28] = lie
    path = tmp_path / "lying.zip"
    path.write_bytes(bytes(data))

    with pytest.raises(PackageError, match=r"entry 'a\.xml' is corrupt") as raised:
        list(iter_entries(path))
    assert raised.value.reason == "corrupt"


def test_entries_are_handed_out_one_at_a_time(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "p.zip",
        {f"{i}.xml": STAMPED.replace(UUID.encode(), f"{i:08d}{UUID[8:]}".encode()) for i in range(3)},
    )

    entries = iter_entries(path)
    first = next(entries)

    assert first.name == "0.xml"
    assert [e.uuid for e in entries] == [f"{i:08d}{UUID[8:]}".lower() for i in (1, 2)]


def test_a_package_is_read_one_entry_at_a_time_never_held_whole(tmp_path: Path) -> None:
    # 200 distinct documents of ~100 KB each: 20 MB inflated, far more than one entry.
    padding = b"<!--" + b"x" * 100_000 + b"-->"
    documents = {
        f"{i}.xml": STAMPED.replace(UUID.encode(), f"{i:08d}{UUID[8:]}".encode()) + padding
        for i in range(200)
    }
    path = make_zip(tmp_path / "big.zip", documents)

    tracemalloc.start()
    try:
        count = 0
        for entry in iter_entries(path):
            count += 1
            del entry
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 200
    assert peak < 2_000_000  # a few entries' worth, not the 20 MB of the package
