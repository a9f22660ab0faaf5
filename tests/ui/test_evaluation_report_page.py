"""打印报表 → 评估报告: choose plan, unit and years, see the PDF preview, type the narratives and
save them (the preview then prints them), save PDF and Word; unsaved words are asked about."""

from __future__ import annotations

import os

import pytest
from docx import Document
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QPushButton, QTabWidget

from tests.output_helpers import compact
from tests.ui.modal import answer_modal
from tests.ui.settle import settle
from zkdesk.app import build_context
from zkdesk.services.auth import login_and_commit
from zkdesk.services.demo import DEMO_ADMIN, DEMO_PASSWORD, fill_demo
from zkdesk.services.narratives import get_narratives
from zkdesk.store.migrate import open_database
from zkdesk.ui import file_dialogs
from zkdesk.ui.main_window import MainWindow


@pytest.fixture
def demo_window(qtbot, home):
    db = open_database(home.db_path, home.backups_dir)
    with db.session() as s:
        fill_demo(s)
    window = MainWindow(build_context(home, db, login_and_commit(db, DEMO_ADMIN, DEMO_PASSWORD)))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    yield window, db
    window.close()
    db.dispose()


def open_evaluation(qtbot, window):
    nav = window.findChild(QListWidget, "navList")
    item = nav.findItems("打印报表", Qt.MatchFlag.MatchExactly)[0]
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center())
    page = window.pages["print"]
    tabs = page.findChild(QTabWidget, "printTabs")
    tabs.setCurrentIndex([tabs.tabText(i) for i in range(tabs.count())].index("评估报告"))
    return page.evaluation


def wait_for_preview(qtbot, panel, title: str, timeout=90_000):
    qtbot.waitUntil(lambda: panel._current is not None and panel._current.report.title == title
                    and panel.preview.page_count > 0 and panel.save_pdf_button.isEnabled(), timeout=timeout)


def test_preview_narratives_and_both_files(qtbot, demo_window, tmp_path, monkeypatch):
    window, db = demo_window
    panel = open_evaluation(qtbot, window)
    wait_for_preview(qtbot, panel, "镇康县十四五规划终期评估报告")
    assert panel.findChild(QComboBox, "evalPlanCombo").currentData() == "zk-2021-2025"
    assert (panel.year_from.currentData(), panel.year_to.currentData()) == (2021, 2025)
    assert "已完成" in panel.status.text() and panel.preview.page_count > 10
    if os.environ.get("ZKDESK_SCREENSHOTS"):  # a look at the screen at 1366×768 (not part of the test)
        qtbot.wait(300)
        panel.preview._images[0].save(os.path.join(os.environ["ZKDESK_SCREENSHOTS"], "page1.png"))
        window.grab().save(os.path.join(os.environ["ZKDESK_SCREENSHOTS"], "evaluation-report.png"))
        panel.preview.verticalScrollBar().setValue(panel.preview.verticalScrollBar().maximum() // 8)
        qtbot.wait(300)
        window.grab().save(os.path.join(os.environ["ZKDESK_SCREENSHOTS"], "evaluation-report-2.png"))

    # type 主要成效 and save: stored for the plan, the county and 2021–2025; the preview prints it
    edit = panel.texts["effects"]
    qtbot.mouseClick(edit.viewport(), Qt.MouseButton.LeftButton)
    edit.insertPlainText("全县新建劳模创新工作室十二个。")  # as an input method commits it (keyClicks is Latin-1 only)
    save_texts = panel.findChild(QPushButton, "evalSaveTexts")
    assert save_texts.isEnabled() and "主要成效" in panel.unsaved_changes()
    qtbot.mouseClick(save_texts, Qt.MouseButton.LeftButton)
    settle(qtbot, 90_000)
    with db.read_session() as s:
        assert get_narratives(s, window.ctx.actor, "zk-2021-2025")["effects"] == "全县新建劳模创新工作室十二个。"
    qtbot.waitUntil(lambda: panel._current is not None
                    and panel._current.report.narratives["effects"] == "全县新建劳模创新工作室十二个。", timeout=90_000)
    assert not save_texts.isEnabled() and panel.unsaved_changes() == ""

    pdf = tmp_path / "终期.pdf"
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: pdf)
    qtbot.mouseClick(panel.save_pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: str(pdf) in panel.status.text(), timeout=30_000)
    text = compact("".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert "镇康县十四五规划终期评估报告" in text and "全县新建劳模创新工作室十二个。" in text

    word = tmp_path / "终期"  # no suffix typed: .docx is added
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: word)
    qtbot.mouseClick(panel.save_word_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "终期.docx" in panel.status.text(), timeout=90_000)
    doc = Document(str(tmp_path / "终期.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "全县新建劳模创新工作室十二个。" in paragraphs and len(doc.inline_shapes) >= 18


def test_a_townships_mid_term_and_unsaved_words_are_asked_about(qtbot, demo_window):
    window, db = demo_window
    panel = open_evaluation(qtbot, window)
    wait_for_preview(qtbot, panel, "镇康县十四五规划终期评估报告")
    panel.texts["problems"].insertPlainText("部分指标未分解到乡镇。")
    org = panel.findChild(QComboBox, "evalOrgCombo")
    # 取消: nothing changes, the words stay
    answer_modal(qtbot, "取消", "unsavedBox")
    org.setCurrentIndex(org.findText("南伞镇"))
    assert org.currentText().startswith("镇康县") and "存在的问题" in panel.unsaved_changes()
    # 保存: stored for the county's final report, then the township's mid-term report is shown
    answer_modal(qtbot, "保存", "unsavedBox")
    org.setCurrentIndex(org.findText("南伞镇"))
    settle(qtbot, 60_000)
    qtbot.waitUntil(lambda: org.currentText() == "南伞镇" and panel.unsaved_changes() == "", timeout=30_000)
    kind = panel.findChild(QComboBox, "evalKindCombo")
    kind.setCurrentIndex(kind.findText("中期评估"))
    wait_for_preview(qtbot, panel, "南伞镇十四五规划中期评估报告")
    assert (panel.year_from.currentData(), panel.year_to.currentData()) == (2021, 2023)
    assert panel._current.report.townships == [] and panel.texts["problems"].toPlainText() == ""
    settle(qtbot)
    with db.read_session() as s:
        assert get_narratives(s, window.ctx.actor, "zk-2021-2025")["problems"] == "部分指标未分解到乡镇。"
    # a single year is a 年度工作总结
    kind.setCurrentIndex(kind.findText("年度工作总结"))
    wait_for_preview(qtbot, panel, "南伞镇十四五规划实施2023年度工作总结")
    assert not panel.year_from.isEnabled()


def test_a_plan_made_meanwhile_is_offered(qtbot, demo_window):
    """The 十五五 plan made in 规划与目标 while this tab is open appears among the plans, and its
    report (no figures yet) previews."""
    from zkdesk.services.plans import copy_plan
    from zkdesk.services.progress import plan_by_code
    from zkdesk.ui.ops import Op

    window, _db = demo_window
    panel = open_evaluation(qtbot, window)
    wait_for_preview(qtbot, panel, "镇康县十四五规划终期评估报告")

    def make(session, actor):
        source = plan_by_code(session, "zk-2021-2025")
        copy_plan(session, actor, source.id, "zk-2026-2030", "镇康县产业工人队伍建设改革“十五五”规划", "十五五", 2026, 2030)

    Op(panel, make, ctx=window.ctx).run()
    plans = panel.findChild(QComboBox, "evalPlanCombo")
    qtbot.waitUntil(lambda: plans.findData("zk-2026-2030") >= 0, timeout=60_000)
    assert plans.currentData() == "zk-2021-2025"  # the choice stays
    plans.setCurrentIndex(plans.findData("zk-2026-2030"))
    wait_for_preview(qtbot, panel, "镇康县十五五规划终期评估报告")
    assert (panel.year_from.currentData(), panel.year_to.currentData()) == (2026, 2030)


def test_a_newer_choice_stops_the_report_being_made_so_two_renders_do_not_run_back_to_back(
        qtbot, demo_window, monkeypatch):
    """Another unit chosen while the county's report is still being built: the older preview stops
    before its PDF is drawn, and only the township's report is drawn and shown."""
    import threading

    import zkdesk.output.evaluation.pdf as report_pdf
    import zkdesk.services.evaluation_report as evaluation_report

    gate, built, drawn = threading.Event(), [], []
    build_report, render_report_pdf = evaluation_report.build_report, report_pdf.render_report_pdf

    def held_build(session, actor, plan, org, *args, **kwargs):
        built.append(org)
        if len(built) == 1:
            gate.wait(60)  # the county's report is being built while the clerk picks a township
        return build_report(session, actor, plan, org, *args, **kwargs)

    def counted_render(report, *args, **kwargs):
        drawn.append(report.title)
        return render_report_pdf(report, *args, **kwargs)

    monkeypatch.setattr(evaluation_report, "build_report", held_build)
    monkeypatch.setattr(report_pdf, "render_report_pdf", counted_render)
    window, _db = demo_window
    panel = open_evaluation(qtbot, window)
    qtbot.waitUntil(lambda: len(built) == 1, timeout=30_000)
    org = panel.findChild(QComboBox, "evalOrgCombo")
    org.setCurrentIndex(org.findText("南伞镇"))  # nothing typed yet: nothing to ask
    gate.set()
    wait_for_preview(qtbot, panel, "南伞镇十四五规划终期评估报告")
    settle(qtbot, 90_000)
    assert built[0] != "530924103" and built[-1] == "530924103", built
    assert drawn == ["南伞镇十四五规划终期评估报告"], drawn  # the county's report was never drawn
