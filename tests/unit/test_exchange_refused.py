"""The county's side of refusals: a record of the county's that a township's receipt refuses is
listed at the county (乡镇拒收) with the township and its reason, goes again with the next
package and leaves the list once taken; a receipt from an older zkdesk, naming only its own id,
is read through the links learnt from that township."""

from __future__ import annotations

from datetime import date, timedelta

from tests.unit.exchange_world import COUNTY, make_office_at
from tests.unit.test_exchange_natural_keys import INDICATOR
from zkdesk.exchange.refused import names_every_refusal, refused_in, refused_records
from zkdesk.store.models import Enterprise, EnterpriseUnion, IndicatorValue
from zkdesk.store.models.exchange import ExchangeAlias

TOWN = "530924103"


def test_a_county_record_a_township_refused_is_listed_at_the_county_until_taken(tmp_path):
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    (first,) = town.export(tmp_path / "t0")
    county.applied(first.path, trust=[town.fingerprint])
    ahead = date.today() + timedelta(days=800)
    with county.db.session() as s:  # typed in at the county from a paper report, with a slip of the date
        ent = Enterprise(origin=COUNTY, name="南伞橡胶厂", township_code=TOWN)
        s.add(ent)
        s.flush()
        union = EnterpriseUnion(origin=COUNTY, enterprise_id=ent.id, established_on=ahead)
        s.add(union)
        s.flush()
        union_id = union.id

    def round_trip(n: int):
        (sent,) = county.export(tmp_path / f"c{n}", TOWN)
        (at_town,) = town.applied(sent.path)
        (answer,) = town.export(tmp_path / f"t{n}")
        (at_county,) = county.applied(answer.path)
        return sent, at_town, at_county

    sent, at_town, at_county = round_trip(1)
    assert at_town.counts["rejected"] == 1
    reason = f"工会成立日期{ahead:%Y-%m-%d}晚于今天"
    assert [(r.peer_name, r.table_label, r.label, r.reason, r.sequence) for r in at_county.refused_by_peer] == [
        ("南伞镇", "企业工会", "南伞橡胶厂工会", reason, sent.sequence)]

    again, at_town, at_county = round_trip(2)
    assert again.counts.get("enterprise_union") == 1 and "enterprise" not in again.counts
    assert any("重新报送上次被南伞镇拒收的记录" in w and "南伞橡胶厂工会" in w for w in again.warnings)
    assert [r.sequence for r in at_county.refused_by_peer] == [again.sequence]

    with county.db.session() as s:
        u = s.get(EnterpriseUnion, union_id)
        u.established_on = date.today() - timedelta(days=400)
        u.touch()
    fixed, at_town, at_county = round_trip(3)
    assert at_town.counts["rejected"] == 0 and at_county.refused_by_peer == []
    with county.db.read_session() as s:
        assert refused_records(s, county.actor) == []
    (quiet,) = county.export(tmp_path / "c4", TOWN)
    assert "enterprise_union" not in quiet.counts


def test_a_refused_record_the_county_sends_back_with_its_own_field_changed_stays_refused(tmp_path):
    """The county's package carries back a township record the same package's receipt refused
    (the county reviewed it meanwhile): the township takes the review, and the record stays
    listed, unconfirmed, and goes again with the township's next package."""
    county, town = make_office_at(tmp_path, COUNTY), make_office_at(tmp_path, TOWN)
    county.export(tmp_path / "setup", TOWN)
    town.applied(tmp_path / "setup", trust=[county.fingerprint])
    with town.db.session() as s:
        value = IndicatorValue(origin=TOWN, indicator_id=INDICATOR, org_code=TOWN, year=2025, value=12.0, note="据台账")
        s.add(value)
        s.flush()
        value_id = value.id
    (t1,) = town.export(tmp_path / "t1")
    assert county.applied(t1.path, trust=[town.fingerprint])[0].counts["new"] == 1
    town.applied(county.export(tmp_path / "c1", TOWN)[0].path)
    with town.db.read_session() as s:
        assert refused_records(s, town.actor) == []

    with town.db.session() as s:  # pasted with an invisible character: the county refuses the change
        v = s.get(IndicatorValue, value_id)
        v.note = "据台账\x07"
        v.touch()
    (t2,) = town.export(tmp_path / "t2")
    (at_county,) = county.applied(t2.path)
    assert at_county.counts["rejected"] == 1
    with county.db.session() as s:  # meanwhile the county reviews its copy
        v = s.get(IndicatorValue, value_id)
        v.review_status, v.review_opinion = "通过", "数据属实"
        v.touch()
    (c2,) = county.export(tmp_path / "c2", TOWN)
    assert c2.counts.get("indicator_value") == 1

    (at_town,) = town.applied(c2.path)
    assert at_town.counts["updated"] == 1
    with town.db.read_session() as s:
        v = s.get(IndicatorValue, value_id)
        assert (v.review_status, v.note) == ("通过", "据台账\x07")
        listed = refused_records(s, town.actor)
    assert [(r.id, r.reason, r.will_resend) for r in listed] == [(value_id, "说明含有不可见的控制字符", True)]
    assert [r.id for r in at_town.refused_by_peer] == [value_id]
    (t3,) = town.export(tmp_path / "t3")
    assert t3.counts == {"indicator_value": 1}
    assert any("重新报送上次被县总工会拒收的记录" in w for w in t3.warnings)
    assert county.applied(t3.path)[0].counts["rejected"] == 1  # still refused: nothing taken as delivered


def test_an_older_receipt_naming_its_own_id_is_read_through_the_link(tmp_path):
    county = make_office_at(tmp_path, COUNTY)
    with county.db.session() as s:
        s.add(ExchangeAlias(table_name="enterprise", remote_id="theirs-1", local_id="ours-1", peer_code=TOWN))
        s.flush()
        receipt = {"rejected_records": [
            {"table": "enterprise", "id": "theirs-1", "reason": "统一社会信用代码校验位不对"},  # older: no "yours"
            {"table": "enterprise", "id": "theirs-2", "yours": "ours-2", "reason": "名称过长"},
            {"table": "no_such_table", "id": "x", "reason": "?"}, "not a dict", {"table": "enterprise", "id": 7},
        ]}
        assert refused_in(s, TOWN, receipt) == {"enterprise": {"ours-1": "统一社会信用代码校验位不对", "ours-2": "名称过长"}}
        assert refused_in(s, "530924101", receipt)["enterprise"]["theirs-1"] == "统一社会信用代码校验位不对"  # not its link
        assert refused_in(s, TOWN, {"rejected_records": "garbage"}) == {}


def test_a_receipt_naming_fewer_refusals_than_it_counts_confirms_nothing():
    named = [{"table": "enterprise", "id": f"e{i}", "reason": "名称过长"} for i in range(3)]
    assert names_every_refusal({"rejected": 3, "rejected_records": named})
    assert names_every_refusal({"rejected": 0})
    assert names_every_refusal({})  # a receipt without the count (none refused, or an older zkdesk)
    assert not names_every_refusal({"rejected": 4, "rejected_records": named})
    assert not names_every_refusal({"rejected": 1, "rejected_records": "garbage"})
