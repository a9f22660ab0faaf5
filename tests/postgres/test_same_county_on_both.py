"""The same demo county on SQLite and on PostgreSQL: identical `progress --json`, identical
printed forms (their text) and identical Excel exports. The county is filled once on SQLite
and moved to the server with `zkdesk migrate-to`, so both hold the same records, ids included:
any difference is the engine's (sorting, types, times)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests import databases
from tests.cli.helpers import run_cli
from tests.output_helpers import ADMIN, pdf_pages, render
from zkdesk.imports.registers import export_register
from zkdesk.output.catalog import load_catalog
from zkdesk.services.demo import DEMO_PASSWORD
from zkdesk.services.errors import UserError
from zkdesk.store.migrate import open_database

pytestmark = pytest.mark.postgresql
KINDS = ("enterprises", "contracts", "nominations", "studios", "indicator-values")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("both")
    lite, server_home = root / "lite", root / "server"
    assert run_cli(lite, "demo").code == 0
    url = databases.server.empty().render_as_string(hide_password=False)
    moved = run_cli(lite, "migrate-to", url, "--user", "demo", "--password-stdin", "--json", stdin=DEMO_PASSWORD + "\n")
    assert moved.code == 0, moved.err
    assert moved.json()["total"] > 4000
    sqlite_db = open_database(lite / "zkdesk.sqlite3")
    server_db = open_database(url)
    yield {"lite": lite, "server_home": server_home, "url": url, "dbs": (sqlite_db, server_db)}
    sqlite_db.dispose()
    server_db.dispose()


@pytest.mark.parametrize("args", [(), ("--org", "530924103"), ("--org", "530924205", "--year", "2023")])
def test_progress_json_is_identical(county, args):
    on_file = run_cli(county["lite"], "progress", "--json", *args)
    on_server = run_cli(county["server_home"], "--database", county["url"], "progress", "--json", *args)
    assert on_file.code == 0 and on_server.code == 0, (on_file.err, on_server.err)
    assert on_file.json()["indicators"] and on_file.out == on_server.out


def _text(db, catalog, key) -> list[str] | str:
    try:
        _prepared, pdf = render(db, catalog, key, actor=ADMIN)
    except UserError as exc:  # a form needing a choice the test does not make: same refusal
        return f"refused: {exc}"
    return pdf_pages(pdf.data)


def test_every_printed_form_reads_the_same(county):
    sqlite_db, server_db = county["dbs"]
    catalog = load_catalog()
    compared = 0
    for form in catalog.ordered():
        on_file, on_server = _text(sqlite_db, catalog, form.key), _text(server_db, catalog, form.key)
        assert on_file == on_server, form.key
        compared += isinstance(on_file, list) and any(page.strip() for page in on_file)
    assert compared >= 6  # most forms print with their defaults


def _cells(path: Path) -> list[list[tuple]]:
    book = openpyxl.load_workbook(path)
    return [[tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in book.worksheets]


@pytest.mark.parametrize("kind", KINDS)
def test_every_export_is_identical(county, kind, tmp_path):
    sqlite_db, server_db = county["dbs"]
    files = []
    for db, name in ((sqlite_db, "file"), (server_db, "server")):
        out = tmp_path / f"{kind}-{name}.xlsx"
        with db.session() as s:
            count = export_register(s, ADMIN, kind, out)
        files.append((count, _cells(out)))
    assert files[0][0] > 0 and files[0] == files[1]
