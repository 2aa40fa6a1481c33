"""The worker's answer codec (ceasefire.instructor.plain): what crosses from the student's process to the grader.

The rule: the checker gives the decoded answer the same verdict and score as the original, for every
question's right, known wrong, blank and odd answers, in the shapes students really give them (numpy and
pandas values, tuples, sets, Series, dates of every kind, widgets, figures). Plain values come back equal.
"""

import datetime as dt
import decimal
import fractions
import json

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings, strategies as st

from ceasefire import data
from ceasefire.checking.checks import evaluate, watch
from ceasefire.instructor.compile_keys import read_plain
from ceasefire.instructor.plain import from_plain, to_plain
from conftest import ROOT

PLAIN = read_plain(ROOT / "solutions" / "keys.yml")
IDS = sorted(PLAIN)


def through(value):
    """What the grader receives: encoded in the worker, sent as JSON, decoded."""
    return from_plain(json.loads(json.dumps(to_plain(value))))


def figure(x, y, kind="bar", titles=True):
    fig = go.Figure(go.Bar(x=x, y=y) if kind == "bar" else go.Scatter(x=x, y=y))
    return fig.update_layout(xaxis_title="month", yaxis_title="deaths") if titles else fig


def shapes(value):
    """The same answer in the forms students produce."""
    out = [value]
    if isinstance(value, list):
        out += [tuple(value), set(value), np.array(value, dtype=object), pd.Series(value), pd.Index(value),
                pd.Series(value).iloc[:1], value[:1], value[::-1], ", ".join(map(str, value))]
    elif isinstance(value, dict):
        out += [pd.Series(value), list(value.items()), {k: v.upper() for k, v in value.items()},
                dict(list(value.items())[:1]), {1: 2}]
    elif isinstance(value, bool):
        pass
    elif isinstance(value, (int, float)):
        out += [np.float64(value), np.int64(round(value)), np.array([value]), pd.Series([value]), decimal.Decimal(str(value)),
                fractions.Fraction(str(value)), str(value), f"{value:,}", np.float32(value), float("nan"), float("inf"),
                complex(value, 1), [value]]
    elif isinstance(value, str):
        out += [value.upper(), f"  {value}. ", np.str_(value), [value], (value,), value.encode(), pd.Series([value])]
        try:
            day = dt.date.fromisoformat(value if len(value) == 10 else value + "-01")
            out += [day, dt.datetime.combine(day, dt.time(12)), pd.Timestamp(day), np.datetime64(day),
                    pd.Period(day, "M"), pd.Period(day, "D"), pd.NaT, pd.Timestamp(day, tz="UTC"),
                    pd.Series([pd.Timestamp(day)])]
        except ValueError:
            pass
    return out


def cases(qid):
    spec = PLAIN[qid]
    if spec["kind"] == "figure":
        x, y = spec["answer"]["x"], spec["answer"]["y"]
        months = pd.to_datetime([f"{m}-01" for m in x])
        return [figure(x, y), figure(x, y, titles=False), figure(x, y, "scatter"), figure(months, y),
                figure(x, np.array(y)), go.Figure(), figure(x, y).to_dict(), px.bar(x=x, y=y, labels={"x": "m", "y": "d"}),
                go.FigureWidget(figure(x, y)), figure(x, y[::-1])] + \
               [figure(w["x"], w["y"]) for w in spec["wrong"]]
    out = shapes(spec["answer"])
    for wrong in spec["wrong"]:
        if "answer" in wrong:
            out += shapes(wrong["answer"])
    return out


ODD = [..., None, "", "...", "   ", 0, True, [], {}, [[1, 2]], {"a": [1, {"b": 2}]}, object(), len, range(3),
       (x for x in "ab"), b"bytes", "x" * 3000, list(range(500)), data.deaths_monthly(), np.zeros((2, 2)),
       pd.DataFrame({"a": [1]}), decimal.Decimal("NaN"), 10**400, 1e308]


@pytest.mark.parametrize("qid", IDS)
def test_every_answer_gets_the_same_verdict_after_the_trip(qid):
    for value in cases(qid) + ODD:
        before, after = evaluate(qid, value), evaluate(qid, through(value))
        assert (after.status, after.score) == (before.status, before.score), (qid, repr(value)[:120], before, after)


def test_widgets_travel_as_their_value_and_untouched_watched_ones_as_blank():
    import ipywidgets as widgets
    slider = widgets.SelectionSlider(options=["2016-09-12", "2016-09-17"], value="2016-09-12")
    assert through(slider) == "2016-09-12"
    watched = watch(widgets.Dropdown(options=["a", "b"], value="a"))
    assert through(watched) is Ellipsis
    watched.value = "b"
    assert through(watched) == "b"


def test_encoding_is_json_and_never_raises():
    class Hostile:
        def __getattr__(self, name):
            raise RuntimeError("no")
    for value in ODD + [Hostile(), [Hostile()], {"k": Hostile()}]:
        json.dumps(to_plain(value))


def test_series_keep_their_order_and_their_pairs():
    series = pd.Series(["b", "a"], index=["P02", "P01"])
    decoded = through(series)
    assert decoded.tolist() == ["b", "a"] and decoded.to_dict() == {"P02": "b", "P01": "a"}
    assert type(decoded).__name__ == "Series"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_plain_values_come_back_equal(value):
    assert through(value) == value


@settings(max_examples=100, deadline=None)
@given(st.sets(st.text(max_size=10), max_size=6))
def test_sets_of_text_come_back_equal(value):
    assert through(value) == value
