"""zkdesk forms and zkdesk print, as the county's scripts run them."""

from __future__ import annotations

import sqlite3

from pypdf import PdfReader

from tests.cli.helpers import run_cli
from zkdesk.services.demo import DEMO_PASSWORD


def test_forms_lists_the_printable_forms(tmp_path):
    r = run_cli(tmp_path / "h", "forms", "--json")
    assert r.code == 0, r.err
    listed = {f["key"]: f for f in r.json()["forms"]}
    assert set(listed) == {"nomination-summary", "nomination-approval", "studio-summary", "contract-list", "negotiation-summary",
                           "indicator-progress", "target-breakdown", "duty-table", "department-duties"}
    assert listed["nomination-approval"]["per_person"] and listed["contract-list"]["number"] == "镇工表4-1"
    text = run_cli(tmp_path / "h", "forms")
    assert text.code == 0 and "集体协商建制情况汇总表" in text.out


def test_a_broken_office_form_is_reported_with_file_and_key(tmp_path):
    home = tmp_path / "h"
    (home / "forms").mkdir(parents=True)
    (home / "forms" / "mine.toml").write_text('[form]\ntitle = "我的表"\nsource = "contracts.negotiation"\n'
                                              '[[column]]\nheader = "乡镇"\nfield = "town"\n', encoding="utf-8")
    r = run_cli(home, "forms")
    assert r.code == 2
    assert "mine.toml" in r.err and "column[1].field" in r.err and "Traceback" not in r.err
    assert "contract-list" in r.out  # the other forms still list


def test_print_pdf_and_xlsx_from_a_demo_county(tmp_path):
    home = tmp_path / "h"
    assert run_cli(home, "demo").code == 0
    out = tmp_path / "协商.pdf"
    r = run_cli(home, "print", "negotiation-summary", str(out), "--year", "2025", "--user", "demo",
                "--password-stdin", "--json", stdin=DEMO_PASSWORD + "\n")
    assert r.code == 0, r.err
    result = r.json()
    assert result["pages"] == len(PdfReader(out).pages) == 1 and result["year"] == 2025 and result["rows"] == 7
    r = run_cli(home, "print", "contract-list", str(tmp_path / "list.xlsx"), "--org", "530924103", "--user", "demo",
                "--password-stdin", stdin=DEMO_PASSWORD + "\n")
    assert r.code == 0, r.err
    assert (tmp_path / "list.xlsx").read_bytes()[:2] == b"PK" and "南伞镇" in r.out
    r = run_cli(home, "print", "nomination-approval", str(tmp_path / "one.pdf"), "--year", "2025", "--user", "demo",
                "--password-stdin", "--json", stdin=DEMO_PASSWORD + "\n")
    assert r.code == 0 and r.json()["rows"] > 10  # no --person: everyone of the year, one form each
    with sqlite3.connect(home / "zkdesk.sqlite3") as con:
        audited = con.execute("SELECT entity_id FROM audit_log WHERE action = 'disclose_personal'").fetchall()
    assert ("nomination-approval",) in audited


def test_print_refuses_bad_input_with_one_chinese_line(tmp_path):
    home = tmp_path / "h"
    assert run_cli(home, "demo").code == 0
    cases = [
        (("print", "no-such-form", str(tmp_path / "x.pdf")), "没有名为“no-such-form”的报表"),
        (("print", "studio-summary", str(tmp_path / "x.docx")), "扩展名应为 .pdf 或 .xlsx"),
        (("print", "studio-summary", str(tmp_path / "x.pdf"), "--org", "123"), "不是镇康县或所属乡镇"),
        (("print", "studio-summary", str(tmp_path / "missing" / "x.pdf")), "文件夹不存在"),
    ]
    for args, words in cases:
        r = run_cli(home, *args, "--user", "demo", "--password-stdin", stdin=DEMO_PASSWORD + "\n")
        assert r.code == 2 and words in r.err, (args, r.err)
        assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert not (tmp_path / "x.pdf").exists()


def test_forms_sources_lists_fields_for_form_writers(tmp_path):
    r = run_cli(tmp_path / "h", "forms", "--sources", "--json")
    assert r.code == 0, r.err
    sources = r.json()["sources"]
    assert sources["nominations.person"]["per_person"] and "deeds_full" in sources["nominations.person"]["fields"]
    assert sources["contracts.enterprises"]["personal"] == {"contact_phone": "phone"}
    assert sources["nominations.summary"]["placeholders"] == ["session_name"]
