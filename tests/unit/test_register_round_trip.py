"""Round trip: every register of a filled county exported, imported into an empty office
(only the award sessions, which are set-up not register data, made there first), and
exported again gives identical sheets."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import select

from tests import databases
from tests.conftest import make_office
from zkdesk.imports.kinds import kind_names
from zkdesk.imports.pipeline import apply_plan, check_file
from zkdesk.imports.registers import export_register
from zkdesk.services.award_sessions import SessionInput, create_session
from zkdesk.services.demo import fill_demo
from zkdesk.store.models import AwardSession

# parents before the records naming them
ORDER = ("enterprises", "enterprise-years", "unions", "contracts", "nominations", "studios", "studio-results",
         "indicator-values")


def sheet_values(path) -> list[tuple]:
    ws = openpyxl.load_workbook(path).active
    return [tuple(cell.value for cell in row) for row in ws.iter_rows()]


def export_all(db, actor, folder) -> dict[str, list[tuple]]:
    folder.mkdir()
    sheets = {}
    with db.session() as s:
        for kind in ORDER:
            path = folder / f"{kind}.xlsx"
            export_register(s, actor, kind, path)
            sheets[kind] = sheet_values(path)
    return sheets


@pytest.mark.slow
def test_every_register_exported_imported_into_an_empty_office_exports_the_same(county_db, tmp_path):
    assert set(ORDER) == set(kind_names())
    db, actor = county_db
    with db.session() as s:
        fill_demo(s)
        awards = [SessionInput(a.name, a.year, a.number, a.honour_type, a.level, a.quota)
                  for a in s.scalars(select(AwardSession).order_by(AwardSession.number))]
    first = export_all(db, actor, tmp_path / "first")
    assert all(len(rows) > 1 for kind, rows in first.items()), {k: len(v) for k, v in first.items()}

    empty = databases.new_database(tmp_path / "empty", "zkdesk.sqlite3")
    try:
        other = make_office(empty)
        with empty.session() as s:
            for award in awards:
                create_session(s, other, award)
        for kind in ORDER:
            with empty.session() as s:
                plan = check_file(s, other, kind, tmp_path / "first" / f"{kind}.xlsx")
            assert [(r.row, r.column, r.message) for r in plan.summary.rejected] == [], kind
            summary = apply_plan(empty, other, plan)
            assert summary.new == len(first[kind]) - 1, kind
        second = export_all(empty, other, tmp_path / "second")
    finally:
        empty.dispose()
    differing = {kind: next(i for i, (a, b) in enumerate(zip(first[kind], second[kind])) if a != b)
                 for kind in ORDER if first[kind] != second[kind] and len(first[kind]) == len(second[kind])}
    assert {kind: (first[kind][i], second[kind][i]) for kind, i in differing.items()} == {}
    assert second == first
