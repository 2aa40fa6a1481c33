"""How an answer crosses from the grader's worker to the grader: `to_plain` in the worker, `from_plain` here.

The worker (ceasefire.instructor.worker) runs a student's notebook and must not score it; the grader scores, in
its own process, what the worker reports. The answer therefore travels as JSON. The one rule for this
codec is that the checker gives the same verdict to the decoded answer as to the original one, so that
the gradebook says what `check()` said in the student's notebook (tests/test_plain.py checks this for
every question's right, wrong, blank and odd answers). Anything unusual becomes a tagged placeholder
that the checker reads as the kind of object it was, never an error.

Tags: `__float__` (NaN, infinities), `__date__`, `__nat__` (pandas' missing date), `__period__`, `__figure__` (trace types, x/y, axis titles),
`__widget__` (its value, or `...` while a watched widget is untouched), `__series__` (index and values),
`__array__` (a numpy array or pandas Index: values, type, size), `__dict__`,
`__list__` (with `__kind__` set or list), `__ellipsis__`, `__type__` (anything else, by name).
"""

import datetime as dt
import math
import numbers

MAX_TEXT = 100_000
MAX_ITEMS = 2_000
MAX_DEPTH = 6


def to_plain(value, depth=0):
    """A JSON-able copy of an answer. Anything unusual becomes a tagged placeholder, never an error."""
    try:
        return _to_plain(value, depth)
    except Exception:   # noqa: BLE001 - an object that fails when looked at reads as unreadable, as in check()
        return {"__type__": type(value).__name__}


_NOT_MINE = object()   # what a reader below returns for a value of a kind it does not handle


def _to_plain(value, depth):
    if depth > MAX_DEPTH:
        return {"__type__": "deeply nested object"}
    for reader in (_simple_plain, _time_plain, _rich_plain, _container_plain):   # the order matters
        out = reader(value, depth)
        if out is not _NOT_MINE:
            return out
    return {"__type__": type(value).__name__}


def _simple_plain(value, depth):
    """None, bool, int, str (and their subclasses), `...`, float."""
    if value is None or isinstance(value, (bool, int, str)):
        if isinstance(value, str) and len(value) > MAX_TEXT:
            return value[:MAX_TEXT] + "\u2026"
        return value if type(value) in (bool, int, str) or value is None else _builtin(value)
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else {"__float__": repr(float(value))}
    return _NOT_MINE


def _time_plain(value, depth):
    """Dates, Timestamps, Periods, datetime64; then other numbers (Decimal, Fraction)."""
    kind = type(value).__name__
    if isinstance(value, (dt.date, dt.datetime)) or kind == "Timestamp":
        try:
            text = value.isoformat()
        except Exception:   # noqa: BLE001 - an odd date subclass
            text = "NaT"
        return {"__nat__": True} if text == "NaT" else {"__date__": text}
    if kind == "Period":
        return {"__period__": str(value), "__freq__": str(getattr(value, "freqstr", "") or "")}
    if "datetime64" in kind:
        return {"__date__": str(value)}
    if isinstance(value, numbers.Number) and not isinstance(value, complex) and not hasattr(value, "item"):
        # Decimal, Fraction: the checker reads them with float()
        number = float(value)
        return number if math.isfinite(number) else {"__float__": repr(number)}
    return _NOT_MINE


def _rich_plain(value, depth):
    """Figures, widgets, DataFrames, Series, numpy scalars and arrays, pandas Index."""
    kind, module = type(value).__name__, type(value).__module__ or ""
    if module.startswith("plotly") and hasattr(value, "data") and hasattr(value, "layout"):
        return {"__figure__": _figure_plain(value, depth)}
    if hasattr(value, "observe") and hasattr(value, "value") and hasattr(value, "keys"):   # an ipywidget
        if getattr(value, "_ceasefire_touched", True) is False:   # checks.watch: not moved yet
            return {"__widget__": {"__ellipsis__": True}}
        return {"__widget__": to_plain(value.value, depth + 1)}
    if kind == "DataFrame":
        return {"__type__": "DataFrame"}
    if kind == "Series":
        pairs = list(value.items())[:MAX_ITEMS]
        return {"__series__": [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in pairs]}
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:   # a numpy scalar
        try:
            return to_plain(value.item(), depth + 1)
        except Exception:   # noqa: BLE001
            return {"__type__": kind}
    if hasattr(value, "tolist") and hasattr(value, "size") and not hasattr(value, "columns"):   # ndarray, Index
        try:
            items = list(value.tolist())[:MAX_ITEMS] if getattr(value, "ndim", 1) else []
        except Exception:   # noqa: BLE001
            return {"__type__": kind}
        return {"__array__": [to_plain(v, depth + 1) for v in items], "__kind__": kind, "__size__": int(value.size)}
    return _NOT_MINE


def _container_plain(value, depth):
    """A figure written as a dict, other dicts, lists, tuples and sets."""
    if isinstance(value, dict) and "data" in value:   # a figure written as a dict, which check() accepts
        import plotly.graph_objects as go
        try:
            return {"__figure__": _figure_plain(go.Figure(value), depth)}
        except Exception:   # noqa: BLE001 - not a figure after all: sent as the dict it is
            pass
    if isinstance(value, dict):
        return {"__dict__": [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in list(value.items())[:MAX_ITEMS]]}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)[:MAX_ITEMS]
        return {"__list__": [to_plain(v, depth + 1) for v in items],
                "__kind__": "set" if isinstance(value, (set, frozenset)) else "list"}
    return _NOT_MINE


def _builtin(value):
    """A subclass of bool, int or str (numpy's str_, an IntEnum ...) as the plain built-in value."""
    for kind in (bool, int, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _figure_plain(fig, depth):
    """What the figure check reads, as plain data: each trace's type and x/y values, the axis titles."""
    def values(seq):
        return [] if seq is None else [to_plain(v, depth + 2) for v in list(seq)[:MAX_ITEMS]]
    traces = [{"type": trace.type, "x": values(getattr(trace, "x", None)), "y": values(getattr(trace, "y", None))}
              for trace in list(fig.data)[:20]]
    layout = {axis: {"title": {"text": str(getattr(fig.layout, axis).title.text or "")[:200]}} for axis in ("xaxis", "yaxis")}
    return {"data": traces, "layout": layout}


class Opaque:
    """Stands for an object the worker could not send; the checker describes it by its type's name."""


def _date(value):
    text = value["__date__"]
    try:
        return dt.datetime.fromisoformat(text[:26]) if "T" in text or " " in text else dt.date.fromisoformat(text[:10])
    except ValueError:
        return text


def _period(value):
    """A Period stays one: a month question accepts it, a date question does not."""
    import pandas
    try:
        return pandas.Period(value["__period__"], freq=value.get("__freq__") or None)
    except (ValueError, TypeError):
        return type("Period", (Opaque,), {})()


def _nat(value):
    """pandas' missing date: the checker treats it as pandas does."""
    import pandas
    return pandas.NaT


def _figure(value):
    import plotly.graph_objects as go
    try:
        doc = value["__figure__"]
        traces = [{"type": t.get("type"), "x": from_plain(t.get("x") or []), "y": from_plain(t.get("y") or [])}
                  for t in doc.get("data", [])]
        return go.Figure({"data": traces, "layout": doc.get("layout", {})}, skip_invalid=True)
    except Exception:   # noqa: BLE001
        return type("Figure", (Opaque,), {})()


def _dict(value):
    out = {}
    for k, v in value["__dict__"]:
        k = from_plain(k)
        out[k if isinstance(k, (str, int, float, bool)) or k is None else str(k)] = from_plain(v)
    return out


def _list(value):
    items = [from_plain(v) for v in value["__list__"]]
    if value.get("__kind__") == "set":
        try:
            return set(items)
        except TypeError:
            return set(map(str, items))
    return items


# Tag -> decoder, tried in this order (a document carries one tag).
DECODERS = (
    ("__ellipsis__", lambda value: Ellipsis),
    ("__float__", lambda value: float(value["__float__"])),
    ("__date__", _date), ("__period__", _period), ("__nat__", _nat), ("__figure__", _figure),
    ("__widget__", lambda value: from_plain(value["__widget__"])),
    ("__series__", lambda value: _Series([(from_plain(k), from_plain(v)) for k, v in value["__series__"]])),
    ("__array__", lambda value: _array(str(value.get("__kind__", "ndarray"))[:40],
                                       [from_plain(v) for v in value["__array__"]], value.get("__size__"))),
    ("__dict__", _dict), ("__list__", _list),
    ("__type__", lambda value: type(str(value["__type__"])[:40] or "object", (Opaque,), {})()),
)


def from_plain(value):
    """Undo to_plain: the answer as the checker expects it."""
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    for tag, decode in DECODERS:
        if tag in value:
            return decode(value)
    return value


class _Series(Opaque):
    """A pandas Series as the checker reads one: its values in order (`tolist`) or its pairs (`to_dict`)."""

    def __init__(self, pairs):
        self._pairs = pairs

    def tolist(self):
        return [v for _, v in self._pairs]

    @property
    def size(self):
        return len(self._pairs)

    def item(self):
        if len(self._pairs) != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self._pairs[0][1]

    def to_dict(self):
        return {(k if isinstance(k, (str, int, float, bool)) or k is None else str(k)): v for k, v in self._pairs}


_Series.__name__ = "Series"


def _array(kind, items, size=None):
    """A numpy array or pandas Index as the checker reads one: `tolist`, and `item` when it holds one value."""
    def item(self):
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self._items[0]
    cls = type(kind or "ndarray", (Opaque,), {"tolist": lambda self: list(self._items), "item": item,
                                              "__len__": lambda self: len(self._items),
                                              "__iter__": lambda self: iter(self._items)})
    array = cls()
    array._items, array.size = items, len(items) if size is None else size
    return array
