"""A command loads what it uses: opening a database at the current schema does not load alembic,
and only the commands that write a file load openpyxl or reportlab (their import costs a
third of a second each, on every command before). Timings are in tests/bench/bench_cli.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import run_cli
from tests.xlsxfiles import write_xlsx
from zkdesk.domain.uscc import uscc_check_char

PW = "long-enough-9\n"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CODE = "91530924MA6K8T2C1" + uscc_check_char("91530924MA6K8T2C1")
HEAVY = ("alembic", "openpyxl", "reportlab", "PIL", "PySide6")
# Runs the command line in-process, then names the heavy packages it loaded on stderr's last line.
RUNNER = (
    "import json, sys\n"
    "from zkdesk.cli import main\n"
    "code = main(sys.argv[1:])\n"
    f"sys.stderr.write('LOADED ' + json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)) + '\\n')\n"
    "raise SystemExit(code)\n"
)


def _loaded(home, *args: str, stdin: str = "") -> tuple[int, str, list[str]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-c", RUNNER, "--home", str(home), *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=300, encoding="utf-8")
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("LOADED "), proc.stderr
    return proc.returncode, proc.stdout, json.loads(last.removeprefix("LOADED "))


def test_a_dry_run_import_loads_neither_alembic_nor_the_file_writers(tmp_path):
    home = tmp_path / "h"
    assert run_cli(home, "init", "--org", "530924", "--admin", "clerk", "--password-stdin", stdin=PW).code == 0
    roster = write_xlsx(tmp_path / "名册.xlsx", [["企业名称", "统一社会信用代码", "所属乡镇"], ["镇康县甲茶业有限公司", CODE, "南伞镇"]])
    code, out, loaded = _loaded(home, "import", "enterprises", str(roster), "--dry-run", "--json", "--user", "clerk",
                                "--password-stdin", stdin=PW)
    assert code == 0 and json.loads(out)["new"] == 1
    assert loaded == []

    # the check sees imports: the commands that write files do load their writers
    code, _, loaded = _loaded(home, "export", "enterprises", str(tmp_path / "out.xlsx"), "--user", "clerk",
                              "--password-stdin", stdin=PW)
    assert code == 0 and "openpyxl" in loaded and "alembic" not in loaded
    code, _, loaded = _loaded(home, "print", "contract-list", str(tmp_path / "out.pdf"), "--user", "clerk",
                              "--password-stdin", stdin=PW)
    assert code == 0 and "reportlab" in loaded and "alembic" not in loaded


def test_creating_or_upgrading_a_database_loads_alembic(tmp_path):
    code, _, loaded = _loaded(tmp_path / "new", "init", "--org", "530924", "--admin", "clerk", "--password-stdin",
                              stdin=PW)
    assert code == 0 and "alembic" in loaded and "openpyxl" not in loaded and "reportlab" not in loaded
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(FIXTURES / "zkdesk-0.1.0-first-release.sqlite3", old / "zkdesk.sqlite3")
    code, out, loaded = _loaded(old, "progress", "--json")
    assert code == 0 and json.loads(out)["indicators"] and "alembic" in loaded
    assert list((old / "backups").glob("*migration*"))  # the upgrade did run


def test_the_collector_paused_for_the_start_is_given_back_as_it_was(tmp_path, capsys):
    """main() pauses the cyclic collector while it starts (commands.common.started); called in a
    process that goes on, it leaves the collector running and nothing frozen, or paused if it was."""
    import gc

    from zkdesk.cli import main

    frozen = gc.get_freeze_count()
    home = tmp_path / "h"
    assert main(["--home", str(home), "init", "--org", "530924", "--admin", "clerk", "--password-stdin"]) == 2  # refused: no password
    assert main(["--home", str(home), "forms"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    gc.disable()
    try:
        assert main(["--home", str(home), "forms"]) == 0
        assert not gc.isenabled() and gc.get_freeze_count() == frozen
    finally:
        gc.enable()
    capsys.readouterr()
