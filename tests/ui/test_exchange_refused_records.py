"""A record the county refuses (a field rule: a contract signed "in the future", typed on a
township PC whose clock ran three years ahead) is not treated as delivered: the township's
数据交换 → 上级拒收 names it with the county's reason, the next package carries it again (and
says why), and once corrected and taken by the county it leaves the list and stops travelling."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from tests.ui.settle import settle
from tests.unit.exchange_world import COUNTY, make_office_at
from zkdesk.app import build_context
from zkdesk.exchange.refused import refused_records
from zkdesk.store.models import CollectiveContract, Enterprise
from zkdesk.ui import bus
from zkdesk.ui.main_window import MainWindow

TOWN = "530924103"
TITLE = "南伞糖厂工资专项集体合同"


def _refused(office) -> list[tuple[str, str, str]]:
    with office.db.read_session() as s:
        return [(r.label, r.reason, r.status_text) for r in refused_records(s, office.actor)]


def _round(tmp_path, county, town, n: int):
    """The township reports, the county imports and answers, the township imports the answer:
    (the township's export, the county's import, the township's import)."""
    (sent,) = town.export(tmp_path / f"t{n}")
    (at_county,) = county.applied(sent.path, trust=[town.fingerprint])
    (answer,) = county.export(tmp_path / f"c{n}", TOWN)
    (at_town,) = town.applied(answer.path)
    return sent, at_county, at_town



def _a_contract_dated_by_a_clock_ahead(tmp_path):
    """A county and 南伞镇 that trusts it; 南伞镇 keeps a contract signed on "today" of a PC whose
    clock runs three years ahead. Returns (county, town, that date, the contract's id, its label
    and the reason the county gives)."""
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    ahead = date.today() + timedelta(days=3 * 366)  # "today" on the township's PC
    with town.db.session() as s:
        ent = Enterprise(origin=TOWN, name="南伞糖厂", township_code=TOWN)
        s.add(ent)
        s.flush()
        contract = CollectiveContract(origin=TOWN, enterprise_id=ent.id, township_code=TOWN, kind="工资专项集体合同",
                                      title=TITLE, signed_on=ahead, term_years=3)
        s.add(contract)
        s.flush()
        contract_id = contract.id
    return county, town, ahead, contract_id, f"{TITLE}（{ahead:%Y-%m-%d}签订）", f"签订日期{ahead:%Y-%m-%d}晚于今天"

def test_a_record_the_county_refused_is_listed_at_the_township_and_goes_again_until_taken(qtbot, tmp_path, home):
    county, town, ahead, contract_id, label, reason = _a_contract_dated_by_a_clock_ahead(tmp_path)

    sent, at_county, at_town = _round(tmp_path, county, town, 1)
    assert sent.counts == {"enterprise": 1, "collective_contract": 1}
    assert at_county.counts["new"] == 1 and at_county.counts["rejected"] == 1
    assert [(r.label, r.reason) for r in at_town.refused_by_peer] == [(label, reason)]
    assert at_town.to_json()["refused_by_peer"][0]["refused_in"] == sent.sequence
    assert _refused(town) == [(label, reason, "将随下一个数据包重新报送；如内容有误，请先更正")]

    window = MainWindow(build_context(home, town.db, town.actor))
    window.show()
    try:
        page = window.show_page("exchange")
        page.tabs.setCurrentWidget(page.refused_tab)
        settle(qtbot)
        assert page.tabs.tabText(page.tabs.indexOf(page.refused_tab)) == "上级拒收（1）"
        assert page.refused.column_texts(1) == [label]
        assert page.refused.column_texts(2) == [reason]

        # Not confirmed by the receipt: the next package carries it again (only it), and says why.
        (again,) = town.export(tmp_path / "t2")
        assert again.counts == {"collective_contract": 1}
        assert any("重新报送上次被县总工会拒收的记录" in w and label in w and reason in w for w in again.warnings)
        (at_county,) = county.applied(again.path)
        assert at_county.counts["rejected"] == 1 and at_county.counts["new"] == 0
        (answer,) = county.export(tmp_path / "c2", TOWN)

        # The county's answer imported in the window: the result names the record and the reason.
        page.tabs.setCurrentIndex(1)
        page.import_path.setText(str(answer.path))
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.idle and page.apply_button.isEnabled(), timeout=60_000)
        qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.idle and "已导入" in page.import_result.text(), timeout=60_000)
        result = page.import_result.text()
        assert "对方拒收了本单位的1条记录" in result and label in result and reason in result
        assert "重新报送" in result and "上级拒收" in result
        page.tabs.setCurrentWidget(page.refused_tab)
        settle(qtbot)
        assert page.refused.column_texts(1) == [label]  # refused again, listed once
        assert page.refused.column_texts(3) == [f"第{again.sequence}号数据包"]

        # Corrected at the township: the county takes it, the list empties, it stops travelling.
        signed = date.today() - timedelta(days=30)
        with town.db.session() as s:
            c = s.get(CollectiveContract, contract_id)
            c.signed_on = signed
            c.touch()
        fixed, at_county, at_town = _round(tmp_path, county, town, 3)
        assert fixed.counts == {"collective_contract": 1}
        assert at_county.counts["new"] == 1 and at_county.counts["rejected"] == 0
        with county.db.read_session() as s:
            assert s.get(CollectiveContract, contract_id).signed_on == signed
        assert at_town.refused_by_peer == [] and _refused(town) == []
        window.ctx.bus.notify(bus.ALL)
        settle(qtbot)
        assert page.refused.row_count() == 0
        assert page.tabs.tabText(page.tabs.indexOf(page.refused_tab)) == "上级拒收"
        (quiet,) = town.export(tmp_path / "t4")
        assert quiet.counts == {} and not quiet.warnings
    finally:
        window.close()
        county.db.dispose()
        town.db.dispose()


def _preview(qtbot, page, path) -> str:
    page.tabs.setCurrentIndex(1)
    page.import_path.setText(str(path))
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle and page.apply_button.isEnabled(), timeout=60_000)
    return page.import_result.text()


def test_the_preview_names_what_the_packages_receipt_refused_before_anything_is_written(qtbot, tmp_path, home):
    county, town, ahead, contract_id, label, reason = _a_contract_dated_by_a_clock_ahead(tmp_path)
    (sent,) = town.export(tmp_path / "t1")
    county.applied(sent.path, trust=[town.fingerprint])
    (answer,) = county.export(tmp_path / "c1", TOWN)

    window = MainWindow(build_context(home, town.db, town.actor))
    window.show()
    try:
        page = window.show_page("exchange")
        text = _preview(qtbot, page, answer.path)
        # named in the preview, with the county's reason, while nothing is written yet
        assert "以上为预览" in text and "对方拒收了本单位的1条记录" in text
        assert label in text and reason in text and "导入后，这些记录将随下一个数据包重新报送" in text
        assert _refused(town) == []
        assert page.tabs.tabText(page.tabs.indexOf(page.refused_tab)) == "上级拒收"
        qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.idle and "已导入" in page.import_result.text(), timeout=60_000)
        assert _refused(town) == [(label, reason, "将随下一个数据包重新报送；如内容有误，请先更正")]

        # Corrected and taken by the county: the preview of its answer no longer names it, though
        # until that answer is imported the record is still listed as waiting for it.
        with town.db.session() as s:
            c = s.get(CollectiveContract, contract_id)
            c.signed_on = date.today() - timedelta(days=30)
            c.touch()
        (fixed,) = town.export(tmp_path / "t2")
        (at_county,) = county.applied(fixed.path)
        assert at_county.counts["new"] == 1 and at_county.counts["rejected"] == 0
        (answer,) = county.export(tmp_path / "c2", TOWN)
        text = _preview(qtbot, page, answer.path)
        assert "以上为预览" in text and "拒收" not in text and label not in text
        assert [r[2] for r in _refused(town)] == [f"已随第{fixed.sequence}号数据包重新报送，等待对方回执"]
    finally:
        window.close()
        county.db.dispose()
        town.db.dispose()
