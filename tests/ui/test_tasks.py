"""The one way work leaves the GUI thread: results, messages, progress and a closed owner."""

import threading

from PySide6.QtCore import QThread, QThreadPool
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from zkdesk.services.errors import UserError
from zkdesk.ui.tasks import run_task


def _owner(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_result_arrives_on_the_gui_thread_and_the_work_ran_off_it(qtbot):
    seen = {}

    def work():
        seen["worker"] = QThread.currentThread()
        return 42

    def done(result):
        seen["result"], seen["gui"] = result, QThread.currentThread()

    run_task(_owner(qtbot), work, done, lambda message: seen.setdefault("failed", message))
    qtbot.waitUntil(lambda: "result" in seen, timeout=10_000)
    assert seen["result"] == 42 and "failed" not in seen
    assert seen["gui"] is QApplication.instance().thread()
    assert seen["worker"] is not QApplication.instance().thread()


def test_failures_become_one_chinese_line(qtbot):
    messages = []
    owner = _owner(qtbot)

    def refused():
        raise UserError("年度已锁定，不能修改")

    def missing_file():
        open("/nonexistent-zkdesk-dir/x.pdf", "rb")

    def bug():
        return {}["no such key"]

    for work in (refused, missing_file, bug):
        run_task(owner, work, lambda result: messages.append(("done", result)), messages.append)
    qtbot.waitUntil(lambda: len(messages) == 3, timeout=10_000)
    assert "年度已锁定，不能修改" in messages
    assert any(m.startswith("文件操作失败：No such file") for m in messages)
    assert any(m.startswith("程序内部错误（KeyError") for m in messages)


def test_progress_and_cancel_flag(qtbot):
    steps, outcome = [], []
    release = threading.Event()

    def work(progress, cancelled):
        progress(1, 3, "第一步")
        release.wait(10)
        return "cancelled" if cancelled() else "finished"

    task = run_task(_owner(qtbot), work, outcome.append, outcome.append,
                    on_progress=lambda done, total, message: steps.append((done, total, message)))
    qtbot.waitUntil(lambda: bool(steps), timeout=10_000)
    assert steps == [(1, 3, "第一步")] and not task.cancelled
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    assert outcome == ["cancelled"] and task.cancelled


def test_a_closed_owner_hears_nothing_and_nothing_breaks(qtbot):
    release = threading.Event()
    heard, after = [], []
    pool = QThreadPool()
    pool.setMaxThreadCount(1)  # the next task runs, and reports, only after the late one
    owner = QWidget()  # deleted below, so not handed to qtbot
    run_task(owner, lambda: release.wait(10) and "late", heard.append, heard.append, pool=pool)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not isValid(owner), timeout=10_000)
    release.set()
    run_task(_owner(qtbot), lambda: "next", after.append, after.append, pool=pool)
    qtbot.waitUntil(lambda: bool(after), timeout=10_000)
    assert heard == [] and after == ["next"]
