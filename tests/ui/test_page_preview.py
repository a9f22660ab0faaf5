"""The print preview scales a page's image only when the page comes near the view: a long report
is laid out at once (every page at its size) and scrolling scales the pages it reaches."""

from PySide6.QtGui import QColor, QImage

from zkdesk.ui.page_preview import FIT_WIDTH, PagePreview


def _pages(count: int) -> list[QImage]:
    images = []
    for _ in range(count):
        image = QImage(992, 1403, QImage.Format.Format_RGB32)  # A4 at 120 dpi
        image.fill(QColor("white"))
        images.append(image)
    return images


def _scaled(preview: PagePreview) -> list[bool]:
    return [not label.pixmap().isNull() for label in preview._labels]


def test_only_the_pages_near_the_view_are_scaled_until_scrolled_to(qtbot):
    preview = PagePreview()
    qtbot.addWidget(preview)
    preview.resize(800, 600)
    preview.show()
    qtbot.waitExposed(preview)
    preview.set_zoom(FIT_WIDTH)
    preview.set_pages(_pages(40))

    scaled = _scaled(preview)
    assert scaled[0] and not scaled[-1]
    assert sum(scaled) < 10
    first = preview._labels[0]
    # every page has its place and size already, scaled or not
    assert all(label.size() == first.size() for label in preview._labels)
    assert first.pixmap().width() == first.width() > 200

    bar = preview.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    assert _scaled(preview)[-1]
    assert preview._labels[-1].pixmap().size() == preview._labels[-1].size()
    assert not all(_scaled(preview))  # the middle, never reached, is still unscaled


def test_new_pages_replace_the_old_ones(qtbot):
    preview = PagePreview()
    qtbot.addWidget(preview)
    preview.resize(800, 600)
    preview.show()
    preview.set_pages(_pages(30))
    preview.set_pages(_pages(2))
    assert preview.page_count == 2 and all(_scaled(preview))
    preview.show_message("没有数据")
    assert preview.page_count == 0
