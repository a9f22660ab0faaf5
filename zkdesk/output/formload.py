"""Read and check one form definition file. Every mistake becomes a FormError in Chinese that
names the file and the key, so a county editing a form knows where to look."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from zkdesk.output import formdef as fd
from zkdesk.output.sources import SourceSpec, all_sources, get_source
from zkdesk.services.errors import UserError


class FormError(UserError):
    """A malformed form definition file."""


_TYPE_NAMES = {str: "文字", bool: "true 或 false", list: "列表", dict: "表"}


class _Reader:
    """Reads one TOML table, remembering its key path for the error messages."""

    def __init__(self, file_name: str, data: dict, path: str):
        self.file_name, self.data, self.path = file_name, data, path
        self.used: set[str] = set()

    def fail(self, key: str, problem: str) -> FormError:
        where = f"{self.path}.{key}" if self.path and key else (self.path or key)
        return FormError(f"报表定义文件 {self.file_name} 有误：{where} {problem}")

    def _get(self, key: str, kind: type, required: bool):
        self.used.add(key)
        if key not in self.data:
            if required:
                raise self.fail(key, "缺少，必须填写")
            return None
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.fail(key, f"应为{_TYPE_NAMES.get(kind, '数字')}，现为 {value!r}")
        return value

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key, str, default is None)
        return default if value is None else value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self._get(key, float, False)
        if value is None:
            return default
        if not low <= value <= high:
            raise self.fail(key, f"应在 {low:g} 到 {high:g} 之间，现为 {value:g}")
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self._get(key, int, False)
        if value is None:
            return default
        if not low <= value <= high:
            raise self.fail(key, f"应在 {low} 到 {high} 之间，现为 {value}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, bool, False)
        return default if value is None else value

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in options:
            raise self.fail(key, f"应为 {'、'.join(options)} 之一，现为“{value}”")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, list, False) or []
        for i, item in enumerate(value, 1):
            if not isinstance(item, str):
                raise self.fail(f"{key}[{i}]", f"应为文字，现为 {item!r}")
        return tuple(value)

    def sub(self, key: str, required: bool = False) -> _Reader | None:
        value = self._get(key, dict, required)
        return None if value is None else _Reader(self.file_name, value, f"{self.path}.{key}" if self.path else key)

    def subs(self, key: str, required: bool = False) -> list[_Reader]:
        value = self._get(key, list, required)
        if value is None:
            return []
        if required and not value:
            raise self.fail(key, "至少需要一项")
        readers = []
        for i, item in enumerate(value, 1):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{i}]", f"应为表（[[{key}]]），现为 {item!r}")
            readers.append(_Reader(self.file_name, item, f"{self.path + '.' if self.path else ''}{key}[{i}]"))
        return readers

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.fail(unknown[0], "是未知的项（拼写错误？）")


def _field(reader: _Reader, key: str, src: SourceSpec, extra: tuple[str, ...] = ()) -> str:
    name = reader.text(key)
    if name not in src.fields and name not in extra:
        known = "、".join(list(src.fields)[:12]) + ("……" if len(src.fields) > 12 else "")
        raise reader.fail(key, f"“{name}”不是数据源“{src.name}”提供的字段（可用：{known}）")
    return name


def _header(reader: _Reader) -> tuple[str, ...]:
    reader.used.add("header")
    value = reader.data.get("header")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise reader.fail("header", "应为表头文字，或自上而下的多级表头列表，如 [\"集体合同\", \"签订日期\"]")
    return tuple(value)


def _total(reader: _Reader, src: SourceSpec) -> fd.Total | None:
    reader.used.add("total")
    value = reader.data.get("total")
    if value is None:
        return None
    if isinstance(value, str):
        if value not in ("sum", "count"):
            raise reader.fail("total", f"应为 \"sum\"、\"count\" 或 {{ rate = [\"分子字段\", \"分母字段\"] }}，现为“{value}”")
        return fd.Total(value)
    if isinstance(value, dict) and set(value) == {"rate"}:
        pair = value["rate"]
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
            for name in pair:
                if name not in src.fields:
                    raise reader.fail("total.rate", f"“{name}”不是数据源“{src.name}”提供的字段")
            return fd.Total("rate", pair[0], pair[1])
    raise reader.fail("total", "应为 \"sum\"、\"count\" 或 { rate = [\"分子字段\", \"分母字段\"] }")


def _columns(root: _Reader, src: SourceSpec) -> tuple[fd.Column, ...]:
    columns = []
    for r in root.subs("column", required=True):
        field = _field(r, "field", src, extra=(fd.SEQ_FIELD,))
        column = fd.Column(
            header=_header(r),
            field=field,
            width=r.number("width", 20.0, 3.0, 400.0),
            align=r.choice("align", fd.ALIGNS, "center"),
            format=r.choice("format", fd.FORMATS, "text"),
            total=_total(r, src),
            only=r.text("only", ""),
        )
        if column.only and column.only not in fd.ONLY_SCOPES:
            raise r.fail("only", f"应为 {'、'.join(fd.ONLY_SCOPES)} 之一（只在全县或只在乡镇打印时才有的列），"
                                 f"现为“{column.only}”")
        r.finish()
        columns.append(column)
    for county, who in ((True, "全县"), (False, "乡镇")):
        if not any(c.printed_for(county) for c in columns):
            raise root.fail("column", f"中没有{who}打印时的列（only 把所有列都排除了）")
    _check_header_tree(root, columns)
    return tuple(columns)


def _check_header_tree(root: _Reader, columns: list[fd.Column]) -> None:
    """A header group must cover adjacent columns; a group cell cannot also be a leaf."""
    seen_closed: set[tuple[str, ...]] = set()
    previous: tuple[str, ...] = ()
    for i, col in enumerate(columns, 1):
        for depth in range(1, len(col.header)):
            prefix = col.header[:depth]
            if prefix in seen_closed:
                raise root.fail(f"column[{i}].header", f"的上级表头“{prefix[-1]}”与前面同名的表头不相邻，合并表头的列必须连续")
        for depth in range(1, len(previous) + 1):
            prefix = previous[:depth]
            if col.header[:depth] != prefix:
                seen_closed.add(prefix)
        previous = col.header
    leaves = {c.header for c in columns}
    for i, col in enumerate(columns, 1):
        for depth in range(1, len(col.header)):
            if col.header[:depth] in leaves:
                raise root.fail(f"column[{i}].header", f"的上级表头“{col.header[depth - 1]}”同时又是一个独立的列")


def _table(reader: _Reader | None, root: _Reader, src: SourceSpec) -> fd.TableSpec:
    columns = _columns(root, src)
    if reader is None:
        return fd.TableSpec(columns=columns)
    group_by = reader.text("group_by", "")
    if group_by and group_by not in src.fields:
        raise reader.fail("group_by", f"“{group_by}”不是数据源“{src.name}”提供的字段")
    spec = fd.TableSpec(
        columns=columns,
        group_by=group_by,
        group_header=reader.flag("group_header", False),
        subtotal=reader.flag("subtotal", False),
        subtotal_label=reader.text("subtotal_label", "{group}小计"),
        total=reader.flag("total", True),
        total_label=reader.text("total_label", "合计"),
        font_size=reader.number("font_size", 9.0, 6.0, 16.0),
        header_font_size=reader.number("header_font_size", reader.number("font_size", 9.0, 6.0, 16.0), 6.0, 16.0),
        empty_text=reader.text("empty_text", "（无数据）"),
    )
    if (spec.group_header or spec.subtotal) and not group_by:
        raise reader.fail("group_by", "缺少：要分组显示或小计，必须指明按哪个字段分组")
    reader.finish()
    return spec


def _record(reader: _Reader, src: SourceSpec) -> fd.RecordSpec:
    rows = []
    for r in reader.subs("row", required=True):
        cells = []
        for c in r.subs("cells", required=True):
            cells.append(fd.Cell(label=c.text("label"), field=_field(c, "field", src), format=c.choice("format", fd.FORMATS, "text"),
                                 weight=c.number("weight", 1.0, 0.1, 10.0)))
            c.finish()
        r.finish()
        rows.append(tuple(cells))
    photo = None
    p = reader.sub("photo")
    if p is not None:
        photo = fd.Photo(field=_field(p, "field", src), rows=p.integer("rows", 4, 1, len(rows)),
                         width=p.number("width", 35.0, 20.0, 60.0), text=p.text("text", "照片"))
        p.finish()
    sections = []
    for s in reader.subs("section"):
        sections.append(fd.Section(label=s.text("label"), field=_field(s, "field", src), min_height=s.number("min_height", 60.0, 10.0, 230.0)))
        s.finish()
    opinions = []
    for o in reader.subs("opinion"):
        field = o.text("field", "")
        if field and field not in src.fields:
            raise o.fail("field", f"“{field}”不是数据源“{src.name}”提供的字段")
        opinions.append(fd.Opinion(label=o.text("label"), field=field, height=o.number("height", 40.0, 20.0, 200.0),
                                   signature=o.text("signature", "负责人（签字）："), stamp=o.text("stamp", "（盖章）"),
                                   date=o.text("date", "年　　月　　日")))
        o.finish()
    spec = fd.RecordSpec(
        rows=tuple(rows), photo=photo, sections=tuple(sections), opinions=tuple(opinions),
        label_width=reader.number("label_width", 26.0, 12.0, 60.0),
        row_height=reader.number("row_height", 10.0, 6.0, 30.0),
        font_size=reader.number("font_size", 11.0, 7.0, 16.0),
    )
    reader.finish()
    return spec


def _cover(reader: _Reader) -> fd.Cover:
    lines = []
    for i, item in enumerate(reader._get("lines", list, False) or [], 1):
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            raise reader.fail(f"lines[{i}]", "应为 [\"标签\", \"内容\"]")
        lines.append((item[0], item[1]))
    cover = fd.Cover(title=reader.text("title"), lines=tuple(lines), issuer=reader.text("issuer", ""), date=reader.text("date", ""))
    reader.finish()
    return cover


def _notice(reader: _Reader) -> fd.Notice:
    notice = fd.Notice(title=reader.text("title"), paragraphs=reader.texts("paragraphs"))
    reader.finish()
    return notice


def _check_placeholders(form: fd.FormDef, src: SourceSpec, file_name: str) -> None:
    allowed = set(fd.STANDARD_PLACEHOLDERS) | set(src.meta)
    if form.per_person:
        allowed |= set(src.fields)
    for key, template in form.templates():
        try:
            names = fd.placeholders(template)
        except ValueError:
            raise FormError(f"报表定义文件 {file_name} 有误：{key} 中的花括号不成对（文字中的花括号请写成 {{{{ 和 }}}}）") from None
        for name in names:
            if name not in allowed:
                raise FormError(f"报表定义文件 {file_name} 有误：{key} 中的占位符 {{{name}}} 不存在"
                                f"（可用：{'、'.join(sorted(allowed))}）")


def parse_form(path: Path, text: str | None = None) -> fd.FormDef:
    """Load one forms/*.toml file; raises FormError naming the file and the key.

    With `text`, check that content as if it were the file at `path` (which is not read): a
    form arriving in a package is validated before it is written.
    """
    file_name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8") if text is None else text)
    except UnicodeDecodeError:
        raise FormError(f"报表定义文件 {file_name} 不是 UTF-8 编码的文本，请用 UTF-8 保存") from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        at = f"第{where.group(1)}行第{where.group(2)}列" if where else ""
        raise FormError(f"报表定义文件 {file_name} 不是有效的 TOML 格式：{at}附近有语法错误（{exc}）") from None
    root = _Reader(file_name, data, "")
    form_r = root.sub("form", required=True)
    source_name = form_r.text("source")
    src = get_source(source_name)
    if src is None:
        known = "、".join(sorted(all_sources()))
        raise form_r.fail("source", f"“{source_name}”不是已有的数据源（可用：{known}）")
    kind = form_r.choice("kind", fd.KINDS, "table")
    if (kind == "record") != src.per_person:
        wanted = "逐人表（kind = \"record\"）" if src.per_person else "汇总表（kind = \"table\"）"
        raise form_r.fail("kind", f"与数据源“{source_name}”不符：该数据源只能用于{wanted}")
    lines_r = root.sub("lines")
    lines = {}
    if lines_r is not None:
        lines = {k: lines_r.text(k, "") for k in ("left", "center", "right")}
        lines["footer"] = lines_r.texts("footer")
        lines["notes"] = lines_r.texts("notes")
        lines_r.finish()
    table = record = None
    if kind == "table":
        table = _table(root.sub("table"), root, src)
        if root.sub("record") is not None:
            raise root.fail("record", "只用于逐人表（kind = \"record\"）")
    else:
        record = _record(root.sub("record", required=True), src)
        if "column" in root.data:
            raise root.fail("column", "只用于汇总表（kind = \"table\"）；逐人表请用 [[record.row]]")
    cover_r, notice_r = root.sub("cover"), root.sub("notice")
    form = fd.FormDef(
        key=path.stem,
        path=path,
        title=form_r.text("title"),
        name=form_r.text("name", "") or re.sub(r"\{[^}]*\}", "", form_r.text("title")).strip(),
        kind=kind,
        source=source_name,
        number=form_r.text("number", ""),
        authority=form_r.text("authority", ""),
        subtitle=form_r.text("subtitle", ""),
        orientation=form_r.choice("orientation", fd.ORIENTATIONS, "auto"),
        personal=form_r.choice("personal", fd.PERSONAL_MODES, "mask"),
        order=form_r.integer("order", 100, 0, 100000),
        description=form_r.text("description", ""),
        title_size=form_r.number("title_size", 18.0, 10.0, 30.0),
        table=table,
        record=record,
        cover=_cover(cover_r) if cover_r else None,
        notice=_notice(notice_r) if notice_r else None,
        **lines,
    )
    form_r.finish()
    root.finish()
    _check_placeholders(form, src, file_name)
    return _with_fields_used(form)


def _with_fields_used(form: fd.FormDef) -> fd.FormDef:
    from dataclasses import replace

    used: set[str] = set()
    if form.table:
        used |= {c.field for c in form.table.columns}
    if form.record:
        used |= {c.field for row in form.record.rows for c in row}
        used |= {s.field for s in form.record.sections} | {o.field for o in form.record.opinions if o.field}
        if form.record.photo:
            used.add(form.record.photo.field)
    for _, template in form.templates():
        used |= set(fd.placeholders(template))
    return replace(form, fields_used=frozenset(used))
