"""The nomination list's columns (rows come masked from services/nominations.py), for a RecordView."""

from __future__ import annotations

from zkdesk.domain import nomination_workflow as wf
from zkdesk.services.nominations import NominationRow
from zkdesk.ui.widgets.record_view import Column

_STATUS_COLOURS = {
    wf.HONOURED: "#1b7f3b",
    wf.REJECTED: "#8a8a8a",
    wf.PUBLICIZED: "#a15c00",
}


def _notes(row: NominationRow) -> str:
    notes = []
    if row.duplicate_of:
        notes.append("重复推荐：" + "、".join(h.township_name for h in row.duplicate_of))
    if row.has_objections:
        notes.append("公示有异议")
    if row.status == wf.PUBLICIZED and row.publicity_end:
        notes.append(f"公示至{row.publicity_end:%m月%d日}")
    return "；".join(notes)


COLUMNS = [
    Column("推荐单位", lambda r: r.township_name, sort=lambda r: r.township_code),  # the official order
    Column("姓名", lambda r: r.name),
    Column("性别", lambda r: r.gender),
    Column("民族", lambda r: r.ethnicity),
    Column("年龄", lambda r: r.age, fmt="int"),
    Column("身份证号", lambda r: r.id_number, personal="id_number"),
    Column("联系电话", lambda r: r.phone, personal="phone"),
    Column("工作单位", lambda r: r.employer),
    Column("职务/职称", lambda r: r.job_title),
    Column("人员类别", lambda r: r.category),
    Column("产业工人", lambda r: r.industrial_worker, fmt="yes"),
    Column("政治面貌", lambda r: r.political_status),
    Column("状态", lambda r: r.status_label, colour=lambda r: _STATUS_COLOURS.get(r.status)),
    Column("提示", lambda r: _notes(r), colour=lambda r: "#b00020" if r.duplicate_of else None),
]
