"""合并重复企业: the enterprises sharing one 统一社会信用代码, the user picks the one to keep, and
the others are merged into it (services/enterprise_merge). Read with a QueryOp, merged with an Op."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from zkdesk.services.enterprise_merge import duplicates_of, merge_enterprises
from zkdesk.ui.form_parts import error_label, ok_cancel
from zkdesk.ui.ops import Op, QueryOp
from zkdesk.ui.widgets.record_view import Column, RecordView


def merge_all(session, actor, keep_id: str, others: list[str]) -> list:
    return [merge_enterprises(session, actor, keep_id, other) for other in others]


class MergeDialog(QDialog):
    def __init__(self, ctx, enterprise_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mergeDialog")
        self.setWindowTitle("合并重复企业")
        self.setMinimumSize(720, 360)
        self.results: list = []
        intro = QLabel("以下企业的统一社会信用代码相同，应是同一家企业。选中要<b>保留</b>的一家，其余企业的年度情况、"
                       "工会、集体合同、质效评估、三室一站和劳模推荐都移到保留的企业名下，其余企业随后删除。"
                       "保留的企业缺少的信息从被合并的企业补上；两边都填了但不同的，保留所选企业的。", wordWrap=True)
        self.view = RecordView([
            Column("企业名称", lambda d: d.name, stretch=True),
            Column("乡镇", lambda d: d.township),
            Column("统一社会信用代码", lambda d: d.uscc),
            Column("年度情况", lambda d: d.years, fmt="int"),
            Column("集体合同", lambda d: d.contracts, fmt="int"),
        ], key=lambda d: d.id, objectName="mergeCandidates", empty="正在读取…", sortable=False)
        self.view.current_changed.connect(lambda _key: self._chosen())
        self.choice = QLabel(objectName="mergeChoice", wordWrap=True)
        self.error = error_label()
        self.buttons = ok_cancel(self, self._merge, "合并", ok_name="mergeButton")
        self.merge_button = self.buttons.buttons()[0]
        self.merge_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.choice)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        QueryOp(self, lambda s, actor: duplicates_of(s, actor, enterprise_id), ctx=ctx).success(self._loaded) \
            .failure(self.error.setText).run()

    def _loaded(self, rows) -> None:
        self.rows = rows
        self.view.set_rows(rows)
        if len(rows) < 2:
            self.view.empty_text = "没有与该企业统一社会信用代码相同的其他企业"
            self.view.set_rows([])
            return
        # the one with most figures is the likely survivor
        best = max(rows, key=lambda d: (d.years + d.contracts, -rows.index(d)))
        self.view.select_key(best.id)
        self._chosen()

    def _chosen(self) -> None:
        keep = self.view.current_row()
        rows = getattr(self, "rows", [])
        others = [d for d in rows if keep is not None and d.id != keep.id]
        self.merge_button.setEnabled(keep is not None and bool(others))
        self.choice.setText(f"保留“{keep.name}”（{keep.township}），并入："
                            + "、".join(f"“{d.name}”" for d in others) if keep is not None and others else "")

    def _merge(self) -> None:
        keep = self.view.current_row()
        if keep is None:
            self.error.setText("请选择要保留的企业")
            return
        others = [d.id for d in self.rows if d.id != keep.id]
        Op(self, lambda s, actor: merge_all(s, actor, keep.id, others), busy="正在合并…", ctx=self.ctx) \
            .success(self._merged).failure(self.error.setText).run()

    def _merged(self, results) -> None:
        self.results = results
        self.accept()
