"""A roster saved by LibreOffice as .xlsx, .xls and .ods imports as the original does: the
same rows taken, the same refusals with the same messages, and once the original is
imported, every saved copy finds all of it unchanged. (.ci/run installs LibreOffice.)"""

from __future__ import annotations

import shutil
import subprocess
import pytest

from tests import importing
from tests.unit.test_import_registers import roster_rows, uscc, write_book
from zkdesk.imports.pipeline import apply_plan

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
FORMATS = ("xlsx", "xls", "ods")


def saved_by_libreoffice(source, folder, profile) -> dict[str, object]:
    copies = {}
    for fmt in FORMATS:
        out = folder / fmt
        done = subprocess.run(
            ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
             "--outdir", str(out), str(source)],
            capture_output=True, timeout=180,
        )
        assert done.returncode == 0, done.stderr
        copies[fmt] = out / f"{source.stem}.{fmt}"
        assert copies[fmt].is_file(), done.stdout
    return copies


def outcome(plan) -> dict:
    """What a dry run found, without the ids it made up inside its savepoint."""
    summary = plan.summary
    return {
        "counts": (summary.new, summary.updated, summary.unchanged),
        "parts": [(p.kind, p.new, p.updated, p.unchanged) for p in summary.parts],
        "rejected": [(r.sheet, r.row, r.column, r.message) for r in summary.rejected],
        "warnings": [(w.sheet, w.row, w.column, w.message) for w in summary.warnings],
        "ignored": summary.ignored_columns,
        "rows": [[{k: v for k, v in row.attrs.items() if not k.endswith("_id")} for row in p.rows]
                 for p in (plan, *plan.parts)],
    }


def test_roster_saved_by_libreoffice_imports_identically(county_db, tmp_path):
    db, actor = county_db
    rows = roster_rows()
    rows[2][1] = "  镇康县甲茶业有限公司\n"  # a line break and spaces the clerk left in
    rows.append([6, "镇康县己茶厂", uscc("91530924MA6K8T3C6"), "南伞镇", "否", "１５", "有", "2021年5月1日", None, "√", "×",
                 None, "2022.3.1", "3年"])
    rows.append(["合计：6家"])
    original = write_book(tmp_path / "集体合同企业名册.xlsx", {"名册": rows})
    copies = saved_by_libreoffice(original, tmp_path / "lo", tmp_path / "lo-profile")

    expected = outcome(importing.dry_run(db, actor, "enterprises", original))
    assert expected["counts"] == (3, 0, 0) and [r[1] for r in expected["rejected"]] == [5, 6, 7]
    for fmt, path in copies.items():
        assert outcome(importing.dry_run(db, actor, "enterprises", path)) == expected, fmt

    apply_plan(db, actor, importing.dry_run(db, actor, "enterprises", original))
    for fmt, path in copies.items():
        summary = importing.dry_run(db, actor, "enterprises", path).summary
        assert (summary.new, summary.updated) == (0, 0), fmt
        assert [(p.new, p.updated) for p in summary.parts] == [(0, 0)] * 3, fmt
