import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.csvio import CsvEmpty, CsvUnreadable, read_table, safe_cell, write_table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.parametrize(
    ("name", "encoding", "rows"),
    [
        ("applications_google_forms_cp932.csv", "cp932", 10),
        ("survey_google_forms_utf8_bom.csv", "utf-8-sig", None),
        ("survey_poll_counts_utf8.csv", "utf-8", None),
    ],
)
def test_the_shared_samples_are_read_with_their_encoding_found(name, encoding, rows):
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is not beside the checkout")
    table = read_table(path.read_bytes())
    assert table.encoding == encoding
    assert table.rows
    if rows is not None:
        assert len(table.rows) == rows


def test_a_quoted_answer_spanning_two_lines_stays_one_cell():
    data = "名前,回答\r\n田中,\"一行目\r\n二行目\"\r\n鈴木,普通\r\n".encode("cp932")
    table = read_table(data)
    assert [row.cells["回答"] for row in table.rows] == ["一行目\r\n二行目", "普通"]
    assert [row.number for row in table.rows] == [1, 2]


def test_bytes_that_are_neither_utf8_nor_cp932_are_refused_with_a_named_error():
    with pytest.raises(CsvUnreadable):
        read_table(b"\xff\xfe\x00a\x00b\x00")


def test_an_empty_file_is_refused():
    with pytest.raises(CsvEmpty):
        read_table(b"\r\n\r\n")


@pytest.mark.parametrize("text", ["=1+1", "+81-3-1234-5678", "-2+3", "@SUM(A1)", "\tx", "\rx", "\nx"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["山田", "a=b", 5, -3, 1.5, None])
def test_plain_text_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


def test_the_writer_produces_utf8_with_bom_crlf_and_rfc4180_quoting():
    data = write_table(["名前", "メモ"], [["山田 太郎", 'a "quote", and\nnew line'], ["=cmd", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.startswith("名前,メモ\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["名前", "メモ"],
        ["山田 太郎", 'a "quote", and\nnew line'],
        ["'=cmd", ""],
    ]


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_rows_or_a_clear_error(data):
    try:
        table = read_table(data)
    except (CsvUnreadable, CsvEmpty):
        return
    assert all(row.number >= 1 for row in table.rows)


CELL = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=30)


@given(st.lists(st.lists(CELL, min_size=2, max_size=2), max_size=10))
def test_whatever_is_written_reads_back_with_formulas_neutralised(rows):
    table = read_table(write_table(["a", "b"], rows))
    back = [[row.cells["a"], row.cells["b"]] for row in table.rows]
    expected = [[safe_cell(cell) for cell in row] for row in rows if any(cell.strip() for cell in map(safe_cell, row))]
    assert back == expected
