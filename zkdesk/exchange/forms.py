"""Form definition files (forms/*.toml) travelling from the county to its townships.

What travels: the county's own forms, the files in `<data directory>/forms/` (where an office
adds a form or overrides a shipped one, see output/catalog.py), as {"name", "text", "sha256"}
items of the payload's "forms" list. A form goes to a township when it is new or changed since
the content that township confirmed with a receipt (all of them with --full), and goes again
until confirmed, like records. A file the county's own loader rejects, or whose name a township
would refuse, is not sent: the export says which and why.

Never in the clear set-up package: forms are not secret, but a custom form may carry names or
telephone numbers in its footer lines, and the one unencrypted package stays as narrow as it
was (plan catalog and keys). A township gets the county's forms in its next, encrypted, package.

At the township, before anything is written:
  - the list is checked as a whole (check_forms_shape; PackageRefused for the whole package):
    plain `[a-z0-9-]+.toml` names (no folders, no path tricks, no device names), no name twice,
    bounded size and count, the stated sha256 matching the text;
  - each form is checked with the form loader: a malformed one is rejected with the loader's
    Chinese message (and listed in the receipt), the rest of the package applies;
  - an older package never replaces a form a newer one brought; forms from a township are
    rejected (the county owns forms, ownership.py).
What was taken is recorded in the package's transaction (record_forms); the files are written
only after it commits (write_forms), each atomically. A crash between the two leaves the record
of which content belongs there, and importing the same package again writes the file.
A township's own file of the same name is replaced (the county decides) but kept under
forms/replaced/.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zkdesk.exchange.container import PackageRefused
from zkdesk.exchange.ownership import takes_forms_from
from zkdesk.exchange.safefile import replace_atomically
from zkdesk.output.formload import FormError, parse_form
from zkdesk.services import audit
from zkdesk.store.models.exchange import ExchangeFormState

FORMS_KEY = "forms"
FORM_NAME = re.compile(r"[a-z0-9-]{1,60}\.toml")
# Windows opens these as devices whatever the extension ("con.toml" is the console).
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
MAX_FORM_BYTES = 256 * 1024  # the shipped forms are 2 to 4 KB
MAX_FORMS = 200
REPLACED_FOLDER = "replaced"


@dataclass(frozen=True)
class FormFile:
    name: str
    text: str = field(repr=False)
    sha256: str

    def to_payload(self) -> dict:
        return {"name": self.name, "text": self.text, "sha256": self.sha256}


@dataclass
class FormDecision:
    name: str
    action: str  # new | update | unchanged | reject
    sha256: str
    text: str = field(default="", repr=False)
    reason: str = ""
    take: bool = False  # record this content as taken from the sender
    keep_old: bool = False  # the file there is not one the county sent: keep a copy of it


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def name_problem(name: str) -> str:
    """Why a form file name may not travel or be written, or ''."""
    if not FORM_NAME.fullmatch(name):
        return "文件名只能由小写字母、数字和连字符组成并以 .toml 结尾，不能含文件夹"
    if name[: -len(".toml")] in _DEVICE_NAMES:
        return "文件名是 Windows 的设备名"
    return ""


# -- at the county ------------------------------------------------------------------------------
def county_forms(folder: Path) -> tuple[list[FormFile], list[str]]:
    """The office's own form files that can travel, and a note for each one that cannot."""
    files: list[FormFile] = []
    notes: list[str] = []
    if not folder.is_dir():
        return files, notes
    for path in sorted(folder.glob("*.toml")):
        if not path.is_file():
            continue
        problem, text = name_problem(path.name), ""
        try:
            if not problem:
                raw = path.read_bytes()
                if len(raw) > MAX_FORM_BYTES:
                    problem = f"超过 {MAX_FORM_BYTES // 1024} KB 的上限"
                else:
                    text = raw.decode("utf-8")
                    parse_form(path, text)
        except OSError as exc:
            problem = f"无法读取（{exc.strerror or exc}）"
        except UnicodeDecodeError:
            problem = "不是 UTF-8 编码的文本"
        except FormError as exc:
            notes.append(f"{exc}；该文件未随数据包发出")
            continue
        if problem:
            notes.append(f"报表定义文件 {path.name} 未随数据包发出：{problem}")
            continue
        files.append(FormFile(path.name, text, sha256_text(text)))
    return files, notes


def forms_to_send(session: Session, receiver: str, folder: Path, full: bool) -> tuple[list[FormFile], list[str]]:
    """The county's forms `receiver` has not confirmed in their current content (all with `full`)."""
    files, notes = county_forms(folder)
    acked = dict(session.execute(
        select(ExchangeFormState.name, ExchangeFormState.acked_sha256).where(ExchangeFormState.peer_code == receiver)
    ).all())
    wanted = [f for f in files if full or acked.get(f.name) != f.sha256]
    if len(wanted) > MAX_FORMS:
        notes.append(f"报表定义文件超过 {MAX_FORMS} 个，本次只发出前 {MAX_FORMS} 个，其余随下一个数据包发出")
        wanted = wanted[:MAX_FORMS]
    return wanted, notes


def mark_forms_sent(session: Session, receiver: str, sequence: int, forms: list[FormFile]) -> None:
    for f in forms:
        row = session.get(ExchangeFormState, (receiver, f.name))
        if row is None:
            row = ExchangeFormState(peer_code=receiver, name=f.name)
            session.add(row)
        row.sent_sha256, row.sent_seq = f.sha256, sequence


def acknowledge_forms(session: Session, peer: str, sequence: int) -> None:
    """The peer's receipt for our package `sequence`: the forms it carried need not go again
    (a form it rejected neither: it goes again once the county changes it)."""
    session.execute(
        update(ExchangeFormState)
        .where(ExchangeFormState.peer_code == peer, ExchangeFormState.sent_seq == sequence)
        .values(acked_sha256=ExchangeFormState.sent_sha256)
    )


# -- at the receiver ----------------------------------------------------------------------------
def check_forms_shape(payload: dict, package: str) -> None:
    """Refuse the whole package, before anything is written, when its form list is not one we
    wrote: a path in a name, a name twice, an oversized file, a checksum that does not match."""
    def refused(why: str, code: str = "content") -> PackageRefused:
        return PackageRefused(f"数据包 {package} 的内容格式无效（{why}），未作任何改动。", code)

    forms = payload.get(FORMS_KEY, [])
    if not isinstance(forms, list):
        raise refused("报表定义列表")
    if len(forms) > MAX_FORMS:
        raise refused(f"报表定义超过 {MAX_FORMS} 个", "too_large")
    seen: set[str] = set()
    for item in forms:
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("name", "text", "sha256")):
            raise refused("报表定义")
        name = item["name"]
        problem = name_problem(name)
        if problem:
            raise refused(f"报表定义文件名 {name[:80]!r} 不合法：{problem}")
        if name in seen:
            raise refused(f"报表定义文件 {name} 出现两次")
        seen.add(name)
        try:
            size = len(item["text"].encode("utf-8"))
        except UnicodeEncodeError:
            raise refused(f"报表定义文件 {name} 的文字无效") from None
        if size > MAX_FORM_BYTES:
            raise refused(f"报表定义文件 {name} 超过 {MAX_FORM_BYTES // 1024} KB 的上限", "too_large")
        if sha256_text(item["text"]) != item["sha256"]:
            raise refused(f"报表定义文件 {name} 的校验值不符")


def _sha_on_disk(path: Path) -> str | None:
    """The file's sha256, None when there is none, '' when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError:
        return ""


def plan_forms(session: Session, items: list[dict], sender: str, sequence: int, folder: Path) -> list[FormDecision]:
    """What each form of a package (already through check_forms_shape) would do here. Reads only."""
    out: list[FormDecision] = []
    for item in items:
        name, text, sha = item["name"], item["text"], item["sha256"]
        if not takes_forms_from(sender):
            out.append(FormDecision(name, "reject", sha, reason=f"报表定义文件 {name} 由县总工会统一下发，不接受乡镇报送"))
            continue
        state = session.get(ExchangeFormState, (sender, name))
        if state is not None and state.received_seq > sequence and state.received_sha256 != sha:
            out.append(FormDecision(name, "unchanged", sha, reason="较新的数据包已带来该报表定义的另一版本"))
            continue
        try:
            parse_form(folder / name, text)
        except FormError as exc:
            out.append(FormDecision(name, "reject", sha, reason=str(exc)))
            continue
        on_disk = _sha_on_disk(folder / name)
        action = "unchanged" if on_disk == sha else ("new" if on_disk is None else "update")
        foreign = on_disk is not None and on_disk != sha and (state is None or on_disk != state.received_sha256)
        out.append(FormDecision(name, action, sha, text, take=True, keep_old=foreign))
    return out


def form_counts(decisions: list[FormDecision]) -> dict[str, int]:
    def n(action: str) -> int:
        return sum(1 for d in decisions if d.action == action)

    return {"new": n("new"), "updated": n("update"), "unchanged": n("unchanged"), "rejected": n("reject")}


def form_summary(counts: dict[str, int]) -> str:
    """新增1 更新0 未变2 拒收0, for the preview and the exchange log."""
    return (f"新增{counts.get('new', 0)} 更新{counts.get('updated', 0)} 未变{counts.get('unchanged', 0)} "
            f"拒收{counts.get('rejected', 0)}")


def rejected_forms(decisions: list[FormDecision]) -> list[dict]:
    return [{"name": d.name, "reason": d.reason} for d in decisions if d.action == "reject"]


def record_forms(session: Session, username: str, sender: str, sequence: int, decisions: list[FormDecision]) -> None:
    """In the package's transaction: which content of each form now belongs here."""
    for d in decisions:
        if not d.take:
            continue
        row = session.get(ExchangeFormState, (sender, d.name))
        if row is None:
            row = ExchangeFormState(peer_code=sender, name=d.name)
            session.add(row)
        old = row.received_sha256
        row.received_sha256, row.received_seq = d.sha256, max(row.received_seq or 0, sequence)
        if d.action in ("new", "update") and old != d.sha256:
            audit.record(session, username, "exchange_form", "form", d.name,
                         {"old": {"sha256": old} if old else None, "new": {"sha256": d.sha256, "package": sequence}})


def _keep_copy(folder: Path, target: Path, now: datetime) -> Path:
    kept_dir = folder / REPLACED_FOLDER
    kept_dir.mkdir(exist_ok=True)
    stem = f"{target.stem}-{now:%Y%m%d-%H%M%S}"
    kept, n = kept_dir / f"{stem}.toml", 1
    while kept.exists():
        n += 1
        kept = kept_dir / f"{stem}-{n}.toml"
    shutil.copy2(target, kept)
    return kept


def write_forms(folder: Path, decisions: list[FormDecision], now: datetime | None = None) -> list[str]:
    """After the package's transaction committed: write the forms it took. Returns a note per
    file kept aside or not written (importing the package again writes those)."""
    todo = [d for d in decisions if d.take and d.action in ("new", "update")]
    notes: list[str] = []
    if not todo:
        return notes
    now = now or datetime.now()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return [f"无法创建报表定义文件夹（{exc.strerror or exc}），报表定义未写入：请再导入一次该数据包以补写"]
    for d in todo:
        if name_problem(d.name):  # checked on the way in; never write outside the folder
            continue
        target = folder / d.name
        try:
            if d.keep_old and target.is_file():
                kept = _keep_copy(folder, target, now)
                notes.append(f"本机原有的报表定义文件 {d.name} 已换成县总工会下发的版本，原文件另存为 {REPLACED_FOLDER}/{kept.name}")
            replace_atomically(target, d.text.encode("utf-8"))
        except OSError as exc:
            notes.append(f"报表定义文件 {d.name} 未能写入（{exc.strerror or exc}）：请再导入一次该数据包以补写")
    return notes
