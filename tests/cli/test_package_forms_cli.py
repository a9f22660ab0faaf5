"""A county's own form goes to a township by `zkdesk package`, and the township lists and prints it."""

from __future__ import annotations

from pypdf import PdfReader

from tests.cli.helpers import run_cli
from tests.conftest import PASSWORD
from tests.unit.test_exchange_forms import NAME, TOWN, form_text, paired, put_form

USER = ("--user", "admin", "--password-stdin")


def test_a_county_form_travels_and_prints_at_the_township(tmp_path):
    county, town = paired(tmp_path)
    county.db.dispose()
    town.db.dispose()
    usb = tmp_path / "usb"
    usb.mkdir()
    put_form(county, "broken.toml", "[form]\ntitle = 1\n")

    r = run_cli(county.root, "package", "export", "--to", str(usb), "--for", TOWN, "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    (package,) = r.json()["packages"]
    assert package["forms"] == [NAME] and "broken.toml" in package["warnings"][0]
    r = run_cli(county.root, "package", "export", "--to", str(tmp_path), "--for", TOWN, *USER, stdin=PASSWORD + "\n")
    assert r.code == 0 and f"报表定义 {NAME}" in r.out and "注意：报表定义文件 broken.toml 有误" in r.out

    r = run_cli(town.root, "package", "import", str(usb), "--dry-run", "--json", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    (preview,) = r.json()["packages"]
    assert preview["forms"] == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert {"file", "sender", "sequence", "new", "updated", "unchanged", "conflicts", "rejected", "error"} <= set(preview)
    r = run_cli(town.root, "package", "import", str(usb), *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    assert "报表定义：新增1 更新0 未变0 拒收0" in r.out

    r = run_cli(town.root, "forms", "--json")
    assert r.code == 0, r.err
    listed = {f["key"]: f for f in r.json()["forms"]}
    assert listed["county-studios"]["number"] == "镇工表9-1" and listed["county-studios"]["file"] == NAME
    out = tmp_path / "studios.pdf"
    r = run_cli(town.root, "print", "county-studios", str(out), "--year", "2025", *USER, stdin=PASSWORD + "\n")
    assert r.code == 0, r.err
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "镇康县职工创新工作室统计表" in text and "镇工表9-1" in text
    assert form_text() == (town.root / "forms" / NAME).read_text(encoding="utf-8")
