"""Every format through the same door: real files written by the libraries HR tools use, precise errors."""

import hashlib
import io
import warnings

import numpy as np
import pytest

import revmatch as rm
from hrfiles import (
    SKILL_ROWS,
    WORKDAY_HEADER,
    WORKDAY_ROWS,
    workday_records,
    write_csv,
    write_jsonl,
    write_parquet,
    write_xlsx,
)
from revmatch.readers import column_letter, optional_module, read_frame

WRITERS = {
    "csv": lambda path, records: write_csv(path, records),
    "xlsx": lambda path, records: write_xlsx(
        path, {"Sheet1": [list(records[0]), *map(list, map(dict.values, records))]}
    ),
    "parquet": write_parquet,
    "jsonl": write_jsonl,
}


def load(employees, skills, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.IgnoredColumnsWarning)
        return rm.Workforce.from_files(employees, skills, profile="workday", **options)


@pytest.mark.parametrize("kind", ["xlsx", "parquet", "jsonl"])
def test_every_format_gives_the_workforce_the_csv_gives(tmp_path, kind):
    reference = load(write_csv(tmp_path / "e.csv", workday_records()), write_csv(tmp_path / "s.csv", SKILL_ROWS))
    employees = WRITERS[kind](tmp_path / f"employees.{kind}", workday_records())
    skills = WRITERS[kind](tmp_path / f"skills.{kind}", SKILL_ROWS)
    wf = load(employees, skills)
    assert wf.employees.equals(reference.employees)
    assert wf.skill_names == reference.skill_names
    assert np.array_equal(wf.proficiency, reference.proficiency) and np.array_equal(wf.need, reference.need)
    assert wf.fingerprints["employees"].sha256 == hashlib.sha256(employees.read_bytes()).hexdigest()
    assert wf.fingerprints["skills"].bytes == skills.stat().st_size
    assert wf.decisions["employees"]["format"] == {"xlsx": "excel"}.get(kind, kind)
    assert "gender" not in [c.casefold() for c in wf.employees.columns]  # protected: never loaded
    assert wf.employee("E1").languages == ("English", "Spanish")  # split on ',' as on ';'


def test_a_protected_column_in_a_workbook_is_named_and_never_loaded(tmp_path):
    employees = write_xlsx(tmp_path / "e.xlsx", {"Staff": [WORKDAY_HEADER, *WORKDAY_ROWS]})
    with pytest.warns(rm.ProtectedColumnsWarning, match=r"e\.xlsx, sheet 'Staff': .*: Gender"):
        rm.Workforce.from_files(employees, write_csv(tmp_path / "s.csv", SKILL_ROWS), profile="workday")


def staff_with(tmp_path, row: int, column: str, value, **where):
    rows = [list(r) for r in WORKDAY_ROWS]
    rows[row][WORKDAY_HEADER.index(column)] = value
    return write_xlsx(tmp_path / "employees.xlsx", {"Staff": [WORKDAY_HEADER, *rows]}, **where)


def test_excel_errors_name_the_sheet_the_row_as_shown_the_letter_and_the_header(tmp_path):
    # The table starts at B3 (a title area above it): the third person is on spreadsheet row 6.
    employees = staff_with(tmp_path, 2, "Management Level", "senior", start_row=2, start_col=1)
    with pytest.raises(rm.InputError) as caught:
        load(employees, write_csv(tmp_path / "s.csv", SKILL_ROWS))
    assert str(caught.value.problems[0]) == (
        f"{employees}, sheet 'Staff', row 6, column D 'Management Level': 'senior' is not a whole number"
    )


def test_empty_rows_are_skipped_but_rows_keep_their_spreadsheet_numbers(tmp_path):
    rows = [list(r) for r in WORKDAY_ROWS]
    rows[3][WORKDAY_HEADER.index("Supervisor ID")] = "nobody"
    sheet = [WORKDAY_HEADER, *rows[:2], [None] * len(WORKDAY_HEADER), [""] * 3, *rows[2:]]
    employees = write_xlsx(tmp_path / "e.xlsx", {"Staff": sheet})
    with pytest.raises(rm.InputError, match=r"sheet 'Staff', row 7, column F 'Supervisor ID': unknown manager"):
        load(employees, write_csv(tmp_path / "s.csv", SKILL_ROWS))


def test_whole_numbers_written_as_numbers_are_ids_not_floats(tmp_path):
    sheet = [["employee_id", "level", "department", "manager_id", "role"], [1001, 7, "IT", None, "mentee"]]
    sheet.append([1002, 2.0, "IT", 1001, "mentor"])
    wf = rm.Workforce.from_files(write_xlsx(tmp_path / "e.xlsx", {"People": sheet}))
    assert list(wf.ids) == ["1001", "1002"] and wf.employee("1002").manager_id == "1001"


def test_an_error_cell_is_refused_not_read_as_empty(tmp_path):
    # calamine reads #DIV/0! as an empty cell: a capacity would silently fall back to 1.
    header = ["employee_id", "level", "department", "manager_id", "role", "mentor_capacity"]
    sheet = [header, ["a", 1, "IT", None, "mentor", ("=1/0", "#DIV/0!")], ["b", 5, "HR", None, "mentee", 1]]
    employees = write_xlsx(tmp_path / "e.xlsx", {"People": sheet})
    with pytest.raises(rm.InputError, match=r"'People', row 2, column F 'mentor_capacity': holds the error #DIV/0!"):
        rm.Workforce.from_files(employees)


def test_an_error_cell_in_a_column_not_loaded_is_no_problem(tmp_path):
    header = ["employee_id", "level", "department", "manager_id", "role", "notes"]
    sheet = [header, ["a", 1, "IT", None, "mentor", ("=NA()", "#N/A")], ["b", 5, "HR", None, "mentee", "x"]]
    with pytest.warns(rm.IgnoredColumnsWarning, match="notes"):
        wf = rm.Workforce.from_files(write_xlsx(tmp_path / "e.xlsx", {"People": sheet}))
    assert len(wf) == 2


def test_several_sheets_need_one_named_and_each_role_may_name_its_own(tmp_path):
    skills_sheet = [list(SKILL_ROWS[0]), *[list(r.values()) for r in SKILL_ROWS]]
    book = write_xlsx(tmp_path / "hr.xlsx", {"Staff": [WORKDAY_HEADER, *WORKDAY_ROWS], "Skills": skills_sheet})
    with pytest.raises(rm.InputError, match=r"hr\.xlsx: the workbook has 2 sheets \(Staff, Skills\): say which one"):
        load(book, book)
    with pytest.raises(rm.InputError, match=r"no sheet named 'Survey' \(sheets: Staff, Skills\)"):
        load(book, book, sheet="Survey")
    wf = load(book, book, sheet={"employees": "Staff", "skills": 1})
    assert len(wf) == 5 and wf.decisions["skills"]["sheet"] == "Skills"


def test_excel_header_problems_are_named_with_their_letter(tmp_path):
    sheet = [["employee_id", "level", "department", "level", "manager_id"], ["a", 1, "IT", 2, None]]
    with pytest.raises(rm.InputError, match=r"row 1, column D 'level': this column appears more than once"):
        rm.Workforce.from_files(write_xlsx(tmp_path / "e.xlsx", {"S": sheet}))


def test_parquet_errors_name_the_record_and_the_header(tmp_path):
    rows = [dict(r) for r in SKILL_ROWS]
    rows[2]["Skill Level"] = 9
    skills = write_parquet(tmp_path / "skills.parquet", rows)
    employees = write_parquet(tmp_path / "employees.parquet", workday_records())
    with pytest.raises(rm.InputError, match=r"skills\.parquet, row 3, column 'Skill Level': 9 is out of range"):
        load(employees, skills)


def test_parquet_lists_of_text_are_lists_and_other_nested_types_are_refused(tmp_path):
    records = [dict(r, Languages=["English", "Hindi"] if r["Employee ID"] == "E2" else []) for r in workday_records()]
    wf = load(write_parquet(tmp_path / "e.parquet", records), write_parquet(tmp_path / "s.parquet", SKILL_ROWS))
    assert wf.employee("E2").languages == ("English", "Hindi")
    nested = [dict(r, Role={"side": "mentor"}) for r in workday_records()]
    with pytest.raises(rm.InputError, match=r"column 'Role': holds struct"):
        load(write_parquet(tmp_path / "n.parquet", nested), write_parquet(tmp_path / "s.parquet", SKILL_ROWS))


def test_json_lines_problems_are_named_by_line(tmp_path):
    path = tmp_path / "employees.jsonl"
    lines = [
        '{"employee_id": "a", "level": 1, "department": "IT", "manager_id": null, "role": "mentor"}',
        "",
        '{"employee_id": "b", "level": 1, "level": 2}',
        "[1, 2]",
        '{"employee_id": "c", "level": {"grade": 3}, "department": "IT"}',
        "{not json",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(rm.InputError) as caught:
        rm.Workforce.from_files(path)
    text = str(caught.value)
    assert "employees.jsonl, row 3: not a JSON object (the key 'level' appears more than once)" in text
    assert "row 4: expected a JSON object, got list" in text
    assert "row 6: not a JSON object" in text
    path.write_text("\n".join(lines[:1] + lines[4:5]) + "\n", encoding="utf-8")
    with pytest.raises(rm.InputError, match=r"employees\.jsonl, row 2, column 'level': holds a nested value"):
        rm.Workforce.from_files(path)


def test_unknown_extensions_and_a_sheet_for_a_flat_file_are_refused(tmp_path):
    odd = tmp_path / "employees.xls"
    odd.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(rm.InputError, match=r"cannot tell the format from the extension '\.xls'"):
        rm.Workforce.from_files(odd)
    with pytest.raises(rm.ConfigError, match="sheet='Staff' is for Excel workbooks"):
        read_frame(write_jsonl(tmp_path / "e.jsonl", workday_records()), sheet="Staff")
    not_a_workbook = tmp_path / "e.xlsx"
    not_a_workbook.write_text("employee_id,level\n", encoding="utf-8")
    with pytest.raises(rm.InputError, match="not a readable Excel workbook"):
        rm.Workforce.from_files(not_a_workbook)


def test_a_missing_optional_reader_names_the_extra_to_install():
    with pytest.raises(rm.ConfigError, match=r"pip install 'revmatch\[parquet\]'"):
        optional_module("revmatch_no_such_reader", extra="parquet")


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters


@pytest.mark.parametrize("block", [5, 64, 1 << 20])
def test_error_cells_are_found_whatever_the_blocks_the_sheet_is_read_in(block):
    from revmatch.readers import _error_elements

    cells = b"".join(
        b'<c r="A%d"><v>1</v></c><c r="B%d" t="e"><f>1/0</f><v>#DIV/0!</v></c>' % (i, i) for i in range(2, 50)
    )
    found = list(_error_elements(io.BytesIO(b"<sheetData>" + cells + b"</sheetData>"), block))
    assert len(found) == 48 and all(b't="e"' in attributes and b"#DIV/0!" in content for attributes, content in found)


def test_a_csv_export_with_another_extension_reads_when_the_format_is_said(tmp_path):
    employees = tmp_path / "employees.txt"
    write_csv(employees, workday_records())
    with pytest.raises(rm.InputError, match=r"extension '\.txt'.*file_format='csv', CLI --format csv"):
        load(employees, None)
    assert len(load(employees, None, file_format="csv")) == 5
    assert (
        len(
            rm.Workforce.from_csv(
                write_csv(tmp_path / "e.dat", [{"employee_id": "a", "level": 1, "department": "D", "manager_id": ""}])
            )
        )
        == 1
    )
