"""The import preview says for every record what will happen and why, in Chinese, with the
record's Chinese name and, per field, 本地值 / 对方值; no column or table name anywhere."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from tests.unit.test_exchange_conflicts import conflicted
from tests.unit.test_exchange_natural_keys import pair, type_in
from zkdesk.exchange.tables import travelling_tables
from zkdesk.store.models import Enterprise, Indicator, IndicatorValue

def no_raw_names(text: str) -> bool:
    columns = {c for tt in travelling_tables() for c in tt.columns} | {tt.name for tt in travelling_tables()}
    return not any(re.search(rf"(?<![A-Za-z_]){re.escape(c)}(?![A-Za-z_])", text) for c in columns)


def test_every_record_of_a_township_report_is_explained(tmp_path):
    county, town = pair(tmp_path)
    type_in(county, value=10.0, phone="", employer="南伞糖厂", employees=100)
    type_in(town, value=12.0, phone="13800000000", employer="南伞糖厂", employees=120)
    with town.db.session() as s:
        s.add(Enterprise(origin=town.code, name="南伞茶厂", township_code=town.code))
    (res,) = county.import_(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint], dry_run=True)
    assert res.error is None and not res.applied
    notes = {n.label: n for n in res.records}
    value = next(n for n in res.records if n.table == "indicator_value")
    assert "01.1" in value.label and "2025年" in value.label and "南伞镇" in value.label
    assert value.action_label == "更新"
    assert value.reason.startswith("本机已有同一指标数值（指标、单位、年份相同）") and "数值" in value.reason
    (diff,) = [d for d in value.fields if d.label == "数值"]
    assert (diff.local, diff.remote, diff.note) == ("10", "12", "将更新")
    assert "统一社会信用代码相同" in notes["南伞糖厂"].reason and "联系电话" in notes["南伞糖厂"].reason
    nomination = next(n for n in res.records if n.table == "nomination")
    assert nomination.label == "李建国（南伞糖厂）" and nomination.action == "unchanged"
    assert "内容一致，两条合为一条" in nomination.reason
    new = notes["南伞茶厂"]
    assert (new.action_label, new.reason) == ("新增", "本机没有这条记录，将新增")
    assert {d.label: d.local for d in new.fields}["企业名称"] == "（本机没有）"
    for n in res.records:
        assert no_raw_names(n.reason + n.label + "".join(d.label for d in n.fields)), n
    assert "将更新" in res.note and "双击" in res.note

    # --json keeps its keys and adds the records
    out = res.to_json()
    assert {"file", "sender", "sequence", "new", "updated", "unchanged", "conflicts", "rejected", "error",
            "rejected_records", "conflict_records", "forms", "rejected_forms", "records"} <= set(out)
    record = next(r for r in out["records"] if r["table"] == "indicator_value")
    assert {"label", "reason", "action", "action_label", "fields", "table_label"} <= set(record)
    json.dumps(out, ensure_ascii=False)


def test_a_conflict_and_a_refusal_carry_label_and_reason(tmp_path):
    county, town, ent_id = conflicted(tmp_path)
    with town.db.session() as s:
        s.get(Enterprise, ent_id).address = "忙丙乡1号"
        s.get(Enterprise, ent_id).touch()
        # an indicator of its own (the county's to decide) and a value of it: the value is refused
        plan_id = s.scalars(select(Indicator.plan_id)).first()
        ind = Indicator(origin=town.code, plan_id=plan_id, code="99.9", item=99, sort_key="99.9", name="乡镇自拟指标",
                        unit="个", kind="yearly", comparator="ge", target_year=2025)
        s.add(ind)
        s.flush()
        s.add(IndicatorValue(origin=town.code, indicator_id=ind.id, org_code=town.code, year=2025, value=1.0))
    (res,) = county.import_(*[p.path for p in town.export(tmp_path / "o3")], dry_run=True)
    assert res.error is None
    (conflict,) = res.conflicts
    assert conflict["label"] == "忙丙糖厂" and conflict["fields"] == ["contact_person", "contact_phone"]
    assert conflict["field_labels"] == ["联系人", "联系电话"] and "冲突" in conflict["reason"]
    (value,) = res.rejected  # the indicator itself does not travel from a township
    assert "所引用的指标在本机没有" in value["reason"] and value["reason"].endswith("未接收")
    assert "2025年" in value["label"]
    note = next(n for n in res.records if n.action == "conflict")
    assert "本机和对方都改了联系人、联系电话" in note.reason
    by_label = {d.label: d for d in note.fields}
    assert (by_label["联系人"].local, by_label["联系人"].remote, by_label["联系人"].note) == ("王五", "李四", "冲突")
    assert "拒收1条：" in res.note and "所引用的指标在本机没有" in res.note
    for text in (conflict["reason"], value["reason"], res.note):
        assert no_raw_names(text), text


def test_the_real_import_lists_only_conflicts_and_refusals(tmp_path):
    county, town = pair(tmp_path)
    with town.db.session() as s:
        s.add(Enterprise(origin=town.code, name="南伞茶厂", township_code=town.code))
    (res,) = county.applied(*[p.path for p in town.export(tmp_path / "r1")], trust=[town.fingerprint])
    assert res.records == [] and "已新增1条" in res.note
    with county.db.session() as s:
        assert s.scalars(select(Enterprise.name)).all() == ["南伞茶厂"]
