"""Printing a form: check who may print what, read the rows, mask personal data, render the PDF
or the spreadsheet, and record in the audit trail when unmasked personal data leaves zkdesk.

The caller opens the session. Rendering needs no session, so a window can prepare in one
short session and render in a worker thread.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zkdesk.domain.orgcodes import is_county
from zkdesk.domain.roles import Permission
from zkdesk.output.formatting import format_value
from zkdesk.output.formdef import FormDef
from zkdesk.output.sources import SourceQuery, SourceSpec, get_source
from zkdesk.services import audit
from zkdesk.services.actor import Actor
from zkdesk.services.errors import NotFound, UserError
from zkdesk.services.office import office_unit
from zkdesk.services.privacy import mask_for, sees_personal
from zkdesk.store.models import OrgUnit

_MASK_AS = {"id": "id_number", "phone": "phone"}  # a source's personal kind -> mask_for's keyword


@dataclass(frozen=True)
class PrintRequest:
    form_key: str
    year: int | None = None  # None: the latest year with data
    org_code: str | None = None  # None: the actor's own office
    person_id: str | None = None  # per-person forms; None prints every person of the year


@dataclass(frozen=True)
class Texts:
    title: str
    subtitle: str = ""
    left: str = ""
    center: str = ""
    right: str = ""
    footer: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    cover_title: str = ""
    cover_lines: tuple[tuple[str, str], ...] = ()
    cover_issuer: str = ""
    cover_date: str = ""
    notice_title: str = ""
    notice_paragraphs: tuple[str, ...] = ()


@dataclass
class PreparedForm:
    form: FormDef
    year: int
    org_code: str
    org_name: str
    rows: list[dict[str, object]]  # already masked where the actor may not see personal data
    texts: list[Texts]  # one for a table form; one per person for a per-person form
    masked: bool
    unmasked_personal: bool  # true when full ID or phone numbers appear in the output
    person_id: str | None = None

    def file_stem(self) -> str:
        title = re.sub(r'[\\/:*?"<>|\s]+', "", self.texts[0].title if len(self.texts) == 1 else self.form.title)
        return f"{title}_{self.org_name}_{self.year}"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


@dataclass(frozen=True)
class OutputSummary:
    path: Path
    kind: str  # pdf | xlsx
    pages: int | None
    rows: int
    masked: bool


def _source(form: FormDef) -> SourceSpec:
    src = get_source(form.source)
    if src is None:  # the catalog checked it; a source module may have been removed since
        raise UserError(f"报表“{form.title}”的数据源“{form.source}”不存在")
    return src


def printable_orgs(session: Session, actor: Actor) -> list[OrgUnit]:
    """The county prints for itself and every township; a township only for itself."""
    query = select(OrgUnit).where(OrgUnit.level.in_(("county", "township")), OrgUnit.active.is_(True)).order_by(OrgUnit.sort_order)
    units = list(session.scalars(query))
    return [u for u in units if actor.sees(u.code)]


def _resolve_org(session: Session, actor: Actor, org_code: str | None) -> OrgUnit:
    code = (org_code or actor.office_code).strip()
    unit = session.get(OrgUnit, code)
    if unit is None or unit.level not in ("county", "township"):
        raise UserError(f"单位代码 {code} 不是镇康县或所属乡镇的统计用区划代码")
    actor.require_scope(code, unit.name)
    return unit


def form_years(session: Session, actor: Actor, form: FormDef, org_code: str | None = None) -> list[int]:
    """Years with data for the form (newest first); this year when the source cannot tell."""
    unit = _resolve_org(session, actor, org_code)
    src = _source(form)
    years = src.years(session, unit.code) if src.years else []
    return sorted(set(years), reverse=True) or [date.today().year]


def form_persons(session: Session, actor: Actor, form: FormDef, org_code: str | None, year: int) -> list[tuple[str, str]]:
    actor.require(Permission.VIEW)
    unit = _resolve_org(session, actor, org_code)
    src = _source(form)
    return src.persons(session, unit.code, year) if src.persons else []


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format_map(values) if template else ""


def _texts(form: FormDef, values: dict[str, str]) -> Texts:
    cover, notice = form.cover, form.notice
    return Texts(
        title=_fill(form.title, values),
        subtitle=_fill(form.subtitle, values),
        left=_fill(form.left, values),
        center=_fill(form.center, values),
        right=_fill(form.right, values),
        footer=tuple(_fill(t, values) for t in form.footer),
        notes=tuple(_fill(t, values) for t in form.notes),
        cover_title=_fill(cover.title, values) if cover else "",
        cover_lines=tuple((_fill(a, values), _fill(b, values)) for a, b in cover.lines) if cover else (),
        cover_issuer=_fill(cover.issuer, values) if cover else "",
        cover_date=_fill(cover.date, values) if cover else "",
        notice_title=_fill(notice.title, values) if notice else "",
        notice_paragraphs=tuple(_fill(t, values) for t in notice.paragraphs) if notice else (),
    )


def prepare(session: Session, actor: Actor, form: FormDef, request: PrintRequest, today: date | None = None) -> PreparedForm:
    """Everything the renderers need, read in the caller's session (read only)."""
    actor.require(Permission.VIEW)
    unit = _resolve_org(session, actor, request.org_code)
    form = form.for_org(is_county(unit.code))
    src = _source(form)
    year = request.year or form_years(session, actor, form, unit.code)[0]
    if not 1900 <= year <= 2200:
        raise UserError(f"年度 {year} 不合理")
    person_id = request.person_id.strip() if request.person_id else None
    if person_id and not form.per_person:
        raise UserError(f"“{form.title}”是汇总表，不能指定人员")
    if person_id:
        person_id = _resolve_person(session, actor, form, unit.code, year, person_id)
    result = src.fn(SourceQuery(session=session, actor=actor, org_code=unit.code, year=year, person_id=person_id))
    rows = [dict(r) for r in result.rows]
    if form.per_person and not rows:
        raise UserError(f"{unit.name}{year}年没有可打印的记录")
    unmasked = form.personal == "official" or sees_personal(actor)  # an official form carries them whole
    personal_used = [f for f in src.personal if f in form.fields_used]
    if not unmasked:
        for row in rows:
            for name, kind in src.personal.items():
                row[name] = mask_for(actor, **{_MASK_AS[kind]: str(row.get(name) or "")})
    office = office_unit(session)
    today = today or date.today()
    values = _Blank(
        year=str(year), org_name=unit.name, org_short_name=unit.short_name, org_code=unit.code,
        office_name=office.name if office else "", today=f"{today.year}年{today.month}月{today.day}日",
        user_name=actor.display_name,
    )
    values.update({k: str(v) for k, v in result.meta.items()})
    if form.per_person:
        texts = [_texts(form, _Blank(values, **{k: format_value(v) for k, v in row.items() if not isinstance(v, bytes)}))
                 for row in rows]
    else:
        texts = [_texts(form, values)]
    return PreparedForm(
        form=form, year=year, org_code=unit.code, org_name=unit.name, rows=rows, texts=texts, masked=not unmasked,
        unmasked_personal=unmasked and any(row.get(f) for row in rows for f in personal_used), person_id=person_id,
    )


def _resolve_person(session: Session, actor: Actor, form: FormDef, org_code: str, year: int, wanted: str) -> str:
    """A person by record id, a unique id prefix (≥ 6 characters) or a unique name."""
    persons = form_persons(session, actor, form, org_code, year)
    if wanted in {pid for pid, _ in persons} or len(wanted) == 36:
        return wanted  # a full record id: the source checks it belongs to the org unit
    matches = [pid for pid, label in persons
               if (len(wanted) >= 6 and pid.startswith(wanted)) or label.split("（")[0] == wanted]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"{year}年所选单位中没有人员“{wanted}”（可用记录编号或姓名指定）")
    raise UserError(f"“{wanted}”对应多名人员，请改用记录编号指定")


def render_pdf(prepared: PreparedForm) -> RenderedPdf:
    from zkdesk.output.pdf_form import render_form_pdf  # reportlab: only when a PDF is made

    data, pages = render_form_pdf(prepared)
    return RenderedPdf(data, pages)


def render_xlsx(prepared: PreparedForm) -> bytes:
    from zkdesk.output.xlsx import workbook_bytes

    return workbook_bytes(prepared)


_TARGETS = {"pdf": "PDF", "xlsx": "Excel", "printer": "打印机"}


def record_output(session: Session, actor: Actor, prepared: PreparedForm, target: str) -> None:
    """Audit a print, save or export that carries unmasked personal data."""
    if not prepared.unmasked_personal:
        return
    audit.personal_data_disclosed(
        session, actor, f"{prepared.texts[0].title}（{_TARGETS.get(target.split(':')[0], target.split(':')[0])}）",
        len(prepared.rows), entity_id=prepared.form.key, year=prepared.year, org=prepared.org_code,
        person=prepared.person_id or "", target=target)


def write_atomically(path: Path, data: bytes) -> None:
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}")
    fd, tmp = tempfile.mkstemp(prefix=".zkdesk-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_kind(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UserError(f"输出文件的扩展名应为 .pdf 或 .xlsx：{Path(path).name}")
    return suffix[1:]


def write_output(session: Session, actor: Actor, prepared: PreparedForm, path: Path) -> OutputSummary:
    """Render by the file's extension, write it, and audit unmasked personal data."""
    kind = output_kind(path)
    pages = None
    if kind == "pdf":
        rendered = render_pdf(prepared)
        data, pages = rendered.data, rendered.pages
    else:
        data = render_xlsx(prepared)
    write_atomically(Path(path), data)
    record_output(session, actor, prepared, f"{kind}:{Path(path).name}")
    return OutputSummary(Path(path), kind, pages, len(prepared.rows), prepared.masked)

