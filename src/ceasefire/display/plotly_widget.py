"""plotly's FigureWidget, with plotly's JavaScript sent to the browser once per kernel rather than once per figure.

Since plotly 6, FigureWidget is an anywidget: every figure carries plotly's whole widget code (about 5 MB,
plotly.js included) in its `_esm` trait. For each explorer the kernel serialises it as JSON text (~30 ms) and
the browser evaluates it again (about 0.9 s of CPU and one more copy of plotly.js in memory), so a lesson with
three explorers cost a student's browser three seconds. Here the code travels once per kernel, as a binary
buffer (no JSON), in one hidden model (`PlotlyWidgetCode`, no view), and each figure's `_esm` is a small
loader (LOADER) that evaluates that code once per page and hands the figure to plotly's own code. The figure's Python side is plotly's, unchanged;
a page reloaded, or a notebook saved with its widget state, still finds the code in the hidden model.

Tested in tests/test_display_and_widgets.py (what the kernel sends) and in the browser suite (every explorer
draws and follows its controls; bench/browser.py prints the time).
"""

import zlib
from pathlib import Path

import ipywidgets as widgets
from traitlets import Bytes, Instance, Unicode, default

from ceasefire.deferred import figure_widget_class

# Runs in the browser for every figure. The evaluated code is kept per page under a global symbol, by the
# code's digest (a kernel restarted with another plotly brings other code). A failed evaluation is not
# kept, so the next figure tries again.
LOADER = """\
// ceasefire.display.plotly_widget: plotly's widget code, evaluated once per page.
const PAGE_CACHE = Symbol.for("ceasefire.plotly-widget-code");

async function plotlyWidget(model) {
  const ref = model.get("_code");
  const holder = typeof ref === "string"
    ? await model.widget_manager.get_model(ref.replace(/^IPY_MODEL_/, ""))
    : ref;
  const cache = (globalThis[PAGE_CACHE] ??= new Map());
  const digest = holder.get("digest");
  if (!cache.has(digest)) {
    const url = URL.createObjectURL(new Blob([holder.get("code")], { type: "text/javascript" }));
    const loading = import(url).finally(() => URL.revokeObjectURL(url));
    loading.catch(() => cache.delete(digest));
    cache.set(digest, loading);
  }
  return (await cache.get(digest)).default;
}

export default () => {
  let figure;
  return {
    async initialize(context) {
      figure = (await plotlyWidget(context.model))();
      return figure.initialize(context);
    },
    render(context) {
      return figure.render(context);
    },
  };
};
"""


class PlotlyWidgetCode(widgets.Widget):
    """A model with no view: plotly's widget code and its digest, shared by every figure of the kernel."""

    code = Bytes(b"").tag(sync=True)     # bytes travel as a binary buffer, beside the JSON message
    digest = Unicode("").tag(sync=True)


def plotly_code() -> bytes:
    """plotly's widget code as UTF-8 bytes: the file anywidget would read (FileContents keeps its path), or
    the text itself if plotly ever gives it another way."""
    esm = figure_widget_class()._esm
    path = getattr(esm, "_path", None)
    return path.read_bytes() if isinstance(path, Path) else str(esm).encode("utf-8")


def code_digest(code: bytes) -> str:
    """The page cache's key for this code: its length and CRC-32. Only told apart from other plotly versions'
    code in the same page, never from an attacker, so a checksum serves (sha256 of the 5 MB cost a
    kernel's first explorer ~4 ms, CRC-32 ~2)."""
    return f"{len(code):x}-{zlib.crc32(code):08x}"


_shared = {}


def shared_code() -> PlotlyWidgetCode:
    """The kernel's one PlotlyWidgetCode (a new one if it was closed, as Widget.close_all() does)."""
    holder = _shared.get("holder")
    if holder is None or holder.comm is None:
        code = plotly_code()
        holder = _shared["holder"] = PlotlyWidgetCode(code=code, digest=code_digest(code))
    return holder


def course_figure_widget_class() -> type:
    """plotly's FigureWidget with the loader as its `_esm` and a reference to the shared code. Made on first
    use, so that importing the course never imports plotly's widget (see ceasefire.deferred)."""
    if "class" not in _shared:
        class CourseFigureWidget(figure_widget_class()):
            _esm = LOADER
            _code = Instance(PlotlyWidgetCode, allow_none=True).tag(sync=True, **widgets.widget_serialization)

            @default("_code")
            def _default_code(self):
                return shared_code()

        _shared["class"] = CourseFigureWidget
    return _shared["class"]
