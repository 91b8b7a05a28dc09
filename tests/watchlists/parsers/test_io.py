from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from watchlists.errors import ListFileError, ListFileTooLarge
from watchlists.parsers._io import CsvShape, Limits, csv_rows, decode, read_capped, require_header


def test_gzip_bomb_is_stopped_while_unpacking(tmp_path: Path) -> None:
    bomb = tmp_path / "list.csv.gz"
    bomb.write_bytes(gzip.compress(b"0" * 5_000_000))  # ~5 kB on disk, 5 MB unpacked
    assert bomb.stat().st_size < 10_000
    with pytest.raises(ListFileTooLarge) as caught:
        read_capped(bomb, Limits(max_bytes=1_000_000))
    assert caught.value.limit == 1_000_000


def test_missing_file_is_a_list_error(tmp_path: Path) -> None:
    with pytest.raises(ListFileError, match="cannot read"):
        read_capped(tmp_path / "nope.csv")


def test_decode_names_the_line_of_the_bad_byte() -> None:
    with pytest.raises(ListFileError, match="not valid utf-8") as caught:
        decode(Path("x.csv"), b"a,b\nc,d\n\xffe,f\n", "utf-8")
    assert caught.value.line == 3
    assert decode(Path("x.csv"), "\ufeffa".encode(), "utf-8") == "a"


def test_csv_rows_check_width_and_quotes() -> None:
    rows = list(csv_rows(Path("x.csv"), 'a,b\n\n"c,1",d\n', CsvShape(2)))
    assert rows == [(1, ["a", "b"]), (3, ["c,1", "d"])]
    with pytest.raises(ListFileError, match="malformed CSV"):
        list(csv_rows(Path("x.csv"), 'a,"b\n', CsvShape(2)))
    with pytest.raises(ListFileError, match="found 3") as caught:
        list(csv_rows(Path("x.csv"), "a,b\nc,d,e\n", CsvShape(2), first_line=10))
    assert caught.value.line == 11


def test_header_must_match_exactly() -> None:
    require_header(Path("x.csv"), [" a", "b "], ("a", "b"))
    with pytest.raises(ListFileError, match=r"missing \['b'\], unexpected \['B'\]"):
        require_header(Path("x.csv"), ["a", "B"], ("a", "b"))
