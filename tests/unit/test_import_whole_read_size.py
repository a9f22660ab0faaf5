"""An .xls/.xlsb/.ods file is read whole by calamine (it cannot be scanned first as an .xlsx
is): one larger than any office register is refused by its size, on disk or unpacked, before
a byte of it is read, with a Chinese message naming the limit, and nothing written."""

from __future__ import annotations

import zipfile

import pytest
from sqlalchemy import func, select

from tests.importing import dry_run
from tests.xlsxfiles import write_ods, write_xls
from zkdesk.domain.uscc import uscc_check_char
from zkdesk.imports.workbook import (
    UNPACKED_LIMIT_MB,
    WHOLE_READ_LIMIT_MB,
    TooLargeFile,
    read_sheets,
)
from zkdesk.store.models import Enterprise

MB = 1 << 20


def sized(path, megabytes: float):
    """A file of that size on disk (sparse: nothing of it is ever read)."""
    with open(path, "wb") as f:
        f.truncate(int(megabytes * MB))
    return path


def count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Enterprise))


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".xlsb", ".XLS"])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(county_db, tmp_path, suffix):
    db, admin = county_db
    path = sized(tmp_path / f"名册{suffix}", WHOLE_READ_LIMIT_MB + 0.5)
    with pytest.raises(TooLargeFile) as refused:
        dry_run(db, admin, "enterprises", path)
    assert str(refused.value) == (
        f"文件“名册{suffix}”有{WHOLE_READ_LIMIT_MB + 0.5:.1f} MB，超过了{suffix.lower()}文件导入的大小上限"
        f"{WHOLE_READ_LIMIT_MB} MB（{suffix.lower()}文件要整个读入内存，一个单位的名册远小于此）："
        "请在Excel或WPS中把它另存为.xlsx文件（.xlsx可以先检查行数再读取），或拆分成几个文件分别导入；数据库没有改动"
    )
    assert count(db) == 0


def test_an_xlsx_of_the_same_size_is_not_refused_by_size(tmp_path):
    """An .xlsx is scanned for its rows instead: this one is no workbook, and says so."""
    with pytest.raises(Exception) as failed:
        read_sheets(sized(tmp_path / "名册.xlsx", WHOLE_READ_LIMIT_MB + 0.5))
    assert not isinstance(failed.value, TooLargeFile)
    assert "已损坏或不是表格文件" in str(failed.value)


def test_an_ods_unpacking_to_more_than_the_limit_is_refused(county_db, tmp_path):
    db, admin = county_db
    path = tmp_path / "名册.ods"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        with zf.open("content.xml", "w", force_zip64=True) as content:
            block = b" " * MB
            for _ in range(UNPACKED_LIMIT_MB + 1):
                content.write(block)
    assert path.stat().st_size < WHOLE_READ_LIMIT_MB * MB  # small on disk
    with pytest.raises(TooLargeFile) as refused:
        dry_run(db, admin, "enterprises", path)
    assert str(refused.value).startswith(
        f"文件“名册.ods”解压后有{UNPACKED_LIMIT_MB + 1:.1f} MB，超过了.ods文件导入的上限{UNPACKED_LIMIT_MB} MB"
    )
    assert str(refused.value).endswith("数据库没有改动")
    assert count(db) == 0


@pytest.mark.parametrize("writer, suffix", [(write_xls, ".xls"), (write_ods, ".ods")])
def test_an_ordinary_xls_or_ods_register_still_imports(county_db, tmp_path, writer, suffix):
    db, admin = county_db
    codes = [body + uscc_check_char(body) for body in ("91530924MA0000001", "91530924MA0000002")]
    path = writer(tmp_path / f"名册{suffix}", [["企业名称", "统一社会信用代码", "所属乡镇"],
                                               ["镇康县甲公司", codes[0], "南伞镇"], ["镇康县乙公司", codes[1], "勐捧镇"]])
    plan = dry_run(db, admin, "enterprises", path)
    assert plan.summary.new == 2 and plan.summary.rejected == []
