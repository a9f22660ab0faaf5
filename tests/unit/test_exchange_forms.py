"""The county's own form definitions travelling to a township: only new or changed ones, checked
by the form loader on arrival, written into the township's forms folder after the package's
transaction, never through a path trick, never from a township."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.unit.exchange_world import COUNTY, Office, dump, make_office_at
from zkdesk.exchange import forms as exchange_forms
from zkdesk.exchange.container import open_payload, seal, unseal
from zkdesk.exchange.forms import sha256_text
from zkdesk.output.catalog import load_catalog, user_forms_dir
from zkdesk.output.formload import FormError, parse_form
from zkdesk.paths import forms_dir
from zkdesk.services.exchange_keys import office_keys
from zkdesk.store.models import Enterprise, YearLock
from zkdesk.store.models.exchange import ExchangeInbound, ExchangeReceipt

TOWN = "530924103"
NAME = "county-studios.toml"


def form_text(title: str = "镇康县职工创新工作室统计表") -> str:
    """A valid form: the shipped studio summary under another title and number."""
    text = (forms_dir() / "studio-summary.toml").read_text(encoding="utf-8")
    return text.replace('title = "镇康县“三室一站”创建情况统计表"', f'title = "{title}"').replace(
        'number = "镇工表3"', 'number = "镇工表9-1"')


BROKEN = '[form]\ntitle = "坏表"\nsource = "studios.summary"\n[[column]]\nheader = "乡镇"\nfield = "town"\n'


def loader_message(name: str, text: str) -> str:
    with pytest.raises(FormError) as caught:
        parse_form(Path(name), text)
    return str(caught.value)


def put_form(office: Office, name: str, text: str) -> Path:
    folder = user_forms_dir(office.root)
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def town_forms(town: Office) -> dict[str, str]:
    folder = user_forms_dir(town.root)
    return {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.toml")} if folder.is_dir() else {}


def paired(root: Path) -> tuple[Office, Office]:
    """The county and 南伞镇 after the set-up package and a first report: each trusts the other.
    The county already has its own form when it writes the set-up package."""
    county, town = make_office_at(root, COUNTY), make_office_at(root, TOWN)
    put_form(county, NAME, form_text())
    (setup,) = county.export(root / "setup", TOWN)
    assert setup.kind == "setup" and setup.forms == []  # never in the clear set-up package
    town.applied(setup.path, trust=[county.fingerprint])
    assert town_forms(town) == {}
    (first,) = town.export(root / "first")
    county.applied(first.path, trust=[town.fingerprint])
    return county, town


def only(results):
    (result,) = results
    assert result.error is None, result.error
    return result


@pytest.fixture
def pair(tmp_path):
    county, town = paired(tmp_path)
    yield county, town
    county.db.dispose()
    town.db.dispose()


def confirm_back(county: Office, town: Office, root: Path) -> None:
    """The township reports (with its receipts) and the county imports the report."""
    (report,) = town.export(root)
    only(county.import_(report.path))


def test_a_county_form_reaches_the_township_and_joins_its_catalog(pair, tmp_path):
    county, town = pair
    (package,) = county.export(tmp_path / "p2", TOWN)
    assert package.kind == "county" and package.forms == [NAME] and package.warnings == []

    preview = only(town.import_(package.path, dry_run=True))
    assert preview.form_counts == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert preview.to_json()["forms"] == preview.form_counts and town_forms(town) == {}

    result = only(town.import_(package.path))
    assert result.applied and result.form_counts["new"] == 1
    written = user_forms_dir(town.root) / NAME
    assert written.read_bytes() == (user_forms_dir(county.root) / NAME).read_bytes()
    assert not list(user_forms_dir(town.root).glob(".*"))  # no temporary file left behind
    catalog = load_catalog([user_forms_dir(town.root)])
    assert catalog.problems == [] and catalog.get("county-studios").title == "镇康县职工创新工作室统计表"
    with town.db.session() as s:
        receipt = json.loads(s.scalars(select(ExchangeInbound.receipt).where(ExchangeInbound.sequence == package.sequence)).one())
    assert receipt["forms"]["new"] == 1 and receipt["status"] == "accepted"


def test_a_form_goes_until_confirmed_then_only_when_changed(pair, tmp_path):
    county, town = pair
    (p2,) = county.export(tmp_path / "p2", TOWN)
    only(town.import_(p2.path))
    (p3,) = county.export(tmp_path / "p3", TOWN)
    assert p3.forms == [NAME]  # not confirmed yet: goes again, and changes nothing there
    assert only(town.import_(p3.path)).form_counts == {"new": 0, "updated": 0, "unchanged": 1, "rejected": 0}

    confirm_back(county, town, tmp_path / "r2")
    (p4,) = county.export(tmp_path / "p4", TOWN)
    assert p4.forms == []  # confirmed and unchanged: stays home
    (p5,) = county.export(tmp_path / "p5", TOWN, full=True)
    assert p5.forms == [NAME]  # --full: everything

    put_form(county, NAME, form_text("镇康县职工创新工作室统计表（修订）"))
    (p6,) = county.export(tmp_path / "p6", TOWN)
    assert p6.forms == [NAME]
    results = town.import_(p4.path, p5.path, p6.path)
    assert [r.error for r in results] == [None] * 3
    assert [(r.form_counts["unchanged"], r.form_counts["updated"]) for r in results] == [(0, 0), (1, 0), (0, 1)]
    assert "（修订）" in town_forms(town)[NAME]
    assert load_catalog([user_forms_dir(town.root)]).get("county-studios").title.endswith("（修订）")


def test_an_older_package_does_not_roll_a_form_back(pair, tmp_path):
    county, town = pair
    (old,) = county.export(tmp_path / "old", TOWN)
    put_form(county, NAME, form_text("新版统计表"))
    (new,) = county.export(tmp_path / "new", TOWN)
    only(town.import_(new.path))
    stale = only(town.import_(old.path))
    assert stale.applied and stale.form_counts == {"new": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    assert 'title = "新版统计表"' in town_forms(town)[NAME]


def test_importing_the_same_package_again_changes_nothing(pair, tmp_path):
    county, town = pair
    (package,) = county.export(tmp_path / "p2", TOWN)
    only(town.import_(package.path))
    written = user_forms_dir(town.root) / NAME
    stamp = written.stat().st_mtime_ns
    before = dump(town.db)
    again = only(town.import_(package.path))
    assert again.duplicate and not again.applied
    assert again.form_counts == {"new": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    assert dump(town.db) == before and written.stat().st_mtime_ns == stamp


def test_a_crash_after_the_commit_is_repaired_by_importing_again(pair, tmp_path, monkeypatch):
    county, town = pair
    (package,) = county.export(tmp_path / "p2", TOWN)

    def power_cut(target, data):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(exchange_forms, "replace_atomically", power_cut)
    first = only(town.import_(package.path))
    assert first.applied and any("未能写入" in w and "再导入一次" in w for w in first.warnings)
    assert town_forms(town) == {}  # the records committed, the file did not make it
    monkeypatch.undo()

    again = only(town.import_(package.path))
    assert again.duplicate and again.form_counts["new"] == 1
    assert town_forms(town) == {NAME: form_text()}


def test_a_townships_own_file_of_that_name_is_kept_aside(pair, tmp_path):
    county, town = pair
    mine = put_form(town, NAME, form_text("南伞镇自己的表"))
    (package,) = county.export(tmp_path / "p2", TOWN)
    result = only(town.import_(package.path))
    assert result.form_counts["updated"] == 1
    assert any("原文件另存为 replaced/" in w for w in result.warnings)
    (kept,) = (user_forms_dir(town.root) / "replaced").glob("county-studios-*.toml")
    assert "南伞镇自己的表" in kept.read_text(encoding="utf-8") and mine.read_text(encoding="utf-8") == form_text()


def test_the_county_does_not_send_a_form_its_own_loader_rejects(pair, tmp_path):
    county, _town = pair
    put_form(county, "broken.toml", BROKEN)
    put_form(county, "Upper Case.toml", form_text())
    (package,) = county.export(tmp_path / "p2", TOWN)
    assert package.forms == [NAME]
    assert loader_message("broken.toml", BROKEN) in package.warnings[1]
    assert "Upper Case.toml" in package.warnings[0] and "小写字母" in package.warnings[0]


# -- packages built by hand with the exchange's own writer, signed with the real keys -------------
def reseal(sender: Office, receiver: Office, genuine: Path, change, kind: str | None = None, clear: bool = False) -> Path:
    """Open a genuine package with the receiver's keys, change its payload, seal it again with
    the sender's key: a package only a holder of the sender's private key could write."""
    data = genuine.read_bytes()
    sealed = unseal(data, genuine.name)
    with receiver.db.session() as s:
        payload = open_payload(sealed, office_keys(s), genuine.name)
    change(payload)
    with sender.db.session() as s:
        sender_keys = office_keys(s)
    with receiver.db.session() as s:
        box = office_keys(s).box_public
    forged = seal(sender_keys, receiver=sealed.receiver, sequence=sealed.sequence, kind=kind or sealed.kind,
                  created=sealed.created, payload=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                  receiver_box_key=None if clear else box)
    path = genuine.parent / f"forged-{genuine.name}"
    path.write_bytes(forged)
    return path


def with_forms(*items: tuple[str, str]):
    def change(payload):
        payload["forms"] = [{"name": n, "text": t, "sha256": sha256_text(t)} for n, t in items]
    return change


def county_package_with_a_record(county: Office, root: Path) -> Path:
    with county.db.session() as s:
        s.add(YearLock(origin=COUNTY, org_code=TOWN, year=2024))
    (package,) = county.export(root, TOWN)
    return package.path


def test_a_malformed_form_is_rejected_with_its_message_while_the_records_apply(pair, tmp_path):
    county, town = pair
    genuine = county_package_with_a_record(county, tmp_path / "p2")
    forged = reseal(county, town, genuine, with_forms(("broken.toml", BROKEN), (NAME, form_text())))
    message = loader_message("broken.toml", BROKEN)

    result = only(town.import_(forged))
    assert result.applied and result.counts["new"] >= 1
    assert result.form_counts == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert result.rejected_forms == [{"name": "broken.toml", "reason": message}]
    assert f"{message}（未接收）" in result.warnings
    assert set(town_forms(town)) == {NAME}
    with town.db.session() as s:
        assert s.scalars(select(YearLock).where(YearLock.year == 2024)).one().org_code == TOWN
        receipt = json.loads(s.scalars(select(ExchangeInbound.receipt)
                                       .where(ExchangeInbound.sequence == result.sequence)).one())
    assert receipt["status"] == "accepted_with_issues" and receipt["rejected_forms"][0]["reason"] == message

    # The county learns it from the receipt; the rejected form is confirmed (it goes again once changed).
    confirm_back(county, town, tmp_path / "r2")
    with county.db.session() as s:
        details = json.loads(s.get(ExchangeReceipt, (TOWN, result.sequence)).details)
    assert details["rejected_forms"][0]["name"] == "broken.toml"


@pytest.mark.parametrize("name", ["../evil.toml", "ABSOLUTE", "sub/inner.toml", "..\\evil.toml", "con.toml",
                                  "ok.toml\n", "Caps.toml", ".hidden.toml", "x.toml.exe"])
def test_a_path_trick_in_a_signed_package_is_refused_and_nothing_is_written(pair, tmp_path, name):
    county, town = pair
    outside = tmp_path / "outside-evil.toml"
    if name == "ABSOLUTE":
        name = str(outside)
    genuine = county_package_with_a_record(county, tmp_path / "p2")
    forged = reseal(county, town, genuine, with_forms((NAME, form_text()), (name, form_text())))
    before = dump(town.db, skip=("audit_log",))
    (result,) = town.import_(forged)
    assert result.error and "不合法" in result.error and "未作任何改动" in result.error and not result.applied
    assert dump(town.db, skip=("audit_log",)) == before  # the refusal itself goes to the audit trail only
    assert not outside.exists() and not (town.root / "evil.toml").exists() and town_forms(town) == {}
    assert sorted(p.name for p in tmp_path.rglob("*evil*")) == []


def test_oversized_or_mismatched_forms_refuse_the_package(pair, tmp_path):
    county, town = pair
    genuine = county_package_with_a_record(county, tmp_path / "p2")
    huge = form_text() + "# " + "x" * exchange_forms.MAX_FORM_BYTES + "\n"

    def wrong_sum(payload):
        payload["forms"] = [{"name": NAME, "text": form_text(), "sha256": sha256_text("something else")}]

    for change, expected in ((with_forms((NAME, huge)), "上限"), (wrong_sum, "校验值不符"),
                             (with_forms((NAME, form_text()), (NAME, form_text())), "出现两次")):
        forged = reseal(county, town, genuine, change)
        before = dump(town.db, skip=("audit_log",))
        (result,) = town.import_(forged)
        assert result.error and expected in result.error, result.error
        assert dump(town.db, skip=("audit_log",)) == before and town_forms(town) == {}
        forged.unlink()


def test_the_clear_setup_package_may_not_carry_forms(pair, tmp_path):
    county, town = pair
    genuine = county_package_with_a_record(county, tmp_path / "p2")

    def catalog_and_form(payload):
        payload["records"] = {k: v for k, v in payload["records"].items() if k == "year_lock"}
        payload["receipts"] = []
        with_forms((NAME, form_text()))(payload)

    forged = reseal(county, town, genuine, catalog_and_form, kind="setup", clear=True)
    before = dump(town.db, skip=("audit_log",))
    (result,) = town.import_(forged)
    assert result.error and "设置数据包" in result.error
    assert dump(town.db, skip=("audit_log",)) == before and town_forms(town) == {}


def test_a_township_package_never_brings_forms_to_the_county(pair, tmp_path):
    county, town = pair
    put_form(town, "township-own.toml", form_text("乡镇自拟表"))
    with town.db.session() as s:
        s.add(Enterprise(origin=TOWN, name="南伞茶业有限公司", township_code=TOWN))
    (report,) = town.export(tmp_path / "r2")
    with county.db.session() as s:
        assert "forms" not in open_payload(unseal(report.path.read_bytes(), "x"), office_keys(s), "x")

    forged = reseal(town, county, report.path, with_forms(("township-own.toml", form_text("乡镇自拟表")),
                                                          (NAME, form_text("篡改"))))
    result = only(county.import_(forged))
    assert result.applied and result.counts["new"] == 1  # the enterprise
    assert result.form_counts == {"new": 0, "updated": 0, "unchanged": 0, "rejected": 2}
    assert all("由县总工会统一下发" in f["reason"] for f in result.rejected_forms)
    assert sorted(p.name for p in user_forms_dir(county.root).iterdir()) == [NAME]
    assert "篡改" not in (user_forms_dir(county.root) / NAME).read_text(encoding="utf-8")


def test_no_temporary_file_survives_a_failed_write(tmp_path, monkeypatch):
    target = tmp_path / "x.toml"
    real_replace = os.replace

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        exchange_forms.replace_atomically(target, b"abc")
    monkeypatch.setattr(os, "replace", real_replace)
    assert list(tmp_path.iterdir()) == []
