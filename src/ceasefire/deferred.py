"""Imports that other packages make at import time for something the course never does, deferred to first use.

1. rfc3987_syntax's IRI grammar. jsonschema imports rfc3987_syntax only to have an "iri" format checker
   ready, and importing it compiles a lark grammar: about 1 s of CPU (several seconds in a kernel whose heap
   is already full, as garbage collection walks it all). Every student's single-user server on a hub pays
   it (jupyter_events -> jsonschema), and so would any kernel that loads jsonschema. Neither ever validates
   an IRI. So, unless it is already loaded, rfc3987_syntax is registered as a stand-in whose functions
   import the real module on first use and hand over to it: jsonschema behaves exactly as before.
2. nbformat, for plotly's FigureWidget. plotly.basewidget imports plotly.io._renderers, which imports
   nbformat (and with it jsonschema, about 100 ms: most of a lesson's first interactive cell) only to check
   nbformat's version when a figure is shown through plotly's own renderers (`fig.show()`). The course
   shows figures through ceasefire.display.show and never needs it. `figure_widget_class` imports plotly's
   widget with a stand-in for nbformat that plotly keeps; a student's `fig.show()` is its first use and
   imports the real nbformat. Upstream: plotly/plotly.py#4856 ("Move renderer optional imports into
   function calls").

Standard library only at import, so that the hub launcher (ceasefire.instructor.singleuser) can use it
without importing plotly or pandas.
"""

import importlib
import importlib.util
import sys
import types

IRI_MODULE = "rfc3987_syntax"


def _stand_in(name: str, dunders_are_uses: bool) -> types.ModuleType:
    """A module object for `name`: the first lookup of an attribute it lacks imports the real module (taking
    the stand-in out of sys.modules first, if it is there) and answers from it. Names like __path__ that the
    import system probes count as a use only if `dunders_are_uses`."""
    def real():
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name)

    def attribute_of_real(attribute):
        if attribute.startswith("__") and not dunders_are_uses:
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    stand_in = types.ModuleType(name, f"Stand-in for {name}: loads it on first use (ceasefire.deferred).")
    stand_in.__getattr__ = attribute_of_real
    stand_in._load_real = real
    return stand_in


def defer_iri_grammar(name: str = IRI_MODULE) -> bool:
    """Register `name` as a stand-in that loads the real module on first use; True if it did. Does nothing
    (idempotent) if the module, or jsonschema that would already hold the real one, is loaded, or if it is
    not installed."""
    if name in sys.modules or "jsonschema" in sys.modules or importlib.util.find_spec(name) is None:
        return False
    stand_in = _stand_in(name, dunders_are_uses=False)

    def is_valid_syntax(*args, **kwargs):   # jsonschema takes this name at import: it must not load the grammar
        return stand_in._load_real().is_valid_syntax(*args, **kwargs)

    stand_in.is_valid_syntax = is_valid_syntax
    sys.modules[name] = stand_in
    return True


def figure_widget_class() -> type:
    """plotly's FigureWidget, imported without nbformat (see the module's note). The stand-in is in
    sys.modules only while plotly's renderers are imported, so no other import ever receives it; plotly
    keeps it as its module-level `nbformat` and reaches the real one through it (its version check asks
    for __version__, hence dunders count as uses). If plotly's renderers or nbformat are already loaded, or
    nbformat is not installed, this is a plain import."""
    if ("plotly.io._renderers" not in sys.modules and "nbformat" not in sys.modules
            and importlib.util.find_spec("nbformat") is not None):
        stand_in = _stand_in("nbformat", dunders_are_uses=True)
        sys.modules["nbformat"] = stand_in
        try:
            importlib.import_module("plotly.io._renderers")
        finally:
            if sys.modules.get("nbformat") is stand_in:
                del sys.modules["nbformat"]
    from plotly.graph_objs import FigureWidget
    return FigureWidget
