"""Lesson 03 teaching model: determinism, direction of effects, edge cases, bad inputs, figure and widget."""

import math
import time

import numpy as np
import pytest

from ceasefire import display
from ceasefire.lessons import lesson03_durability as durability
from ceasefire.lessons.lesson03_durability import DurabilityError, DurabilityExplorer, simulate
from ceasefire.errors import CourseError


def test_same_seed_same_truces_and_another_seed_differs():
    a, b = simulate(3, 0.5, 0.5, seed=7), simulate(3, 0.5, 0.5, seed=7)
    assert np.array_equal(a.days, b.days)
    assert not np.array_equal(a.days, simulate(3, 0.5, 0.5, seed=8).days)
    assert a.n == 2000 and a.horizon == 180


def test_default_run_is_fixed():
    result = simulate(3, 0.5, 0.5)
    assert result.median_days == 15 and result.collapsed == 2000
    assert sum(result.bin_counts()[1]) == result.collapsed


def test_daily_probability_formula():
    p = durability.violation_probability(0.5) * (1 - 0.5)
    assert durability.daily_collapse_probability(3, 0.5, 0.5) == pytest.approx(1 - (1 - p) ** 3)
    assert durability.violation_probability(0) == pytest.approx(0.05)
    assert durability.violation_probability(1) == pytest.approx(0.01)


@pytest.mark.parametrize("low, high", [(0.0, 0.3), (0.3, 0.6), (0.6, 0.9)])
def test_more_enforcement_means_a_longer_median(low, high):
    weak, strong = simulate(3, low, 0.5), simulate(3, high, 0.5)
    assert strong.median_days > weak.median_days
    assert np.all((strong.days == 0) | (strong.days >= weak.days))   # same draws: no truce collapses sooner


@pytest.mark.parametrize("few, many", [(1, 2), (2, 5), (5, 10)])
def test_more_spoilers_means_a_shorter_median(few, many):
    a, b = simulate(few, 0.4, 0.4), simulate(many, 0.4, 0.4)
    assert b.median_days < a.median_days


def test_more_clarity_means_a_longer_median():
    assert simulate(4, 0.4, 0.9).median_days > simulate(4, 0.4, 0.1).median_days


def test_no_spoilers_never_collapses_and_says_so():
    result = simulate(0, 0.0, 0.0)
    assert result.collapsed == 0 and result.held == 2000 and result.median_days is None
    text = durability.summary(result)
    assert text.startswith("None of the 2,000 simulated truces collapsed within 180 days")
    assert "no spoilers" in text
    assert "no truce collapsed within 180 days" in durability.title(result)


def test_full_enforcement_never_collapses():
    result = simulate(10, 1.0, 0.0)
    assert result.collapsed == 0 and "complete enforcement" in durability.summary(result)


def test_median_beyond_the_horizon_is_reported_as_such():
    long = simulate(1, 0.9, 0.9)
    assert long.median_days is None and long.collapsed > 0
    assert "more than 180 days" in durability.summary(long)
    assert "median more than 180 days" in durability.title(long)


@pytest.mark.parametrize("kwargs, message", [
    (dict(spoilers=-1), "number of spoilers must be a whole number from 0 to 20"),
    (dict(spoilers=2.5), "number of spoilers must be a whole number"),
    (dict(spoilers="3"), "number of spoilers must be a whole number"),
    (dict(spoilers=True), "number of spoilers must be a whole number"),
    (dict(spoilers=21), "from 0 to 20; got 21"),
    (dict(enforcement=1.5), "Enforcement must be a number from 0 to 1"),
    (dict(enforcement=-0.1), "Enforcement must be a number from 0 to 1"),
    (dict(enforcement=math.nan), "Enforcement must be a number from 0 to 1"),
    (dict(enforcement=None), "Enforcement must be a number from 0 to 1"),
    (dict(clarity="high"), "Clarity of definitions must be a number from 0 to 1"),
    (dict(n=0), "number of simulated truces must be a whole number from 1"),
    (dict(horizon=0), "horizon in days must be a whole number from 1"),
    (dict(seed=-3), "seed must be a whole number"),
])
def test_invalid_inputs_are_rejected_clearly(kwargs, message):
    args = dict(spoilers=3, enforcement=0.5, clarity=0.5) | kwargs
    with pytest.raises(DurabilityError, match=message):
        simulate(**args)


def test_model_error_is_a_course_error_and_a_value_error():
    with pytest.raises(CourseError):
        simulate(-1, 0.5, 0.5)
    with pytest.raises(ValueError):
        simulate(1, 2, 0.5)


def test_bins_cover_the_horizon():
    labels, counts = simulate(3, 0.5, 0.5).bin_counts()
    assert labels[0] == "1-10" and labels[-1] == "171-180" and len(labels) == 18
    short = simulate(3, 0.2, 0.2, horizon=25)
    labels, counts = short.bin_counts()
    assert labels == ["1-10", "11-20", "21-25"] and sum(counts) == short.collapsed


def test_figure_title_data_and_description():
    result = simulate(3, 0.5, 0.5)
    fig = durability.figure(result)
    assert fig.layout.title.text.startswith("Days until collapse, 2,000 simulated truces: median 15 days")
    assert sum(fig.data[0].y) + fig.data[1].y[0] == 2000
    text = display.description_of(fig)
    assert "teaching model, not a forecast" in text and "Median day of collapse: 15" in text


def test_scenario_table():
    table = durability.scenario_table()
    assert len(table) == len(durability.SCENARIOS)
    assert table.iloc[-1]["median day of collapse"] == "over 180"
    assert table.iloc[-1]["held 180 days"] == "2,000 of 2,000"


def test_explorer_sliders_update_histogram_title_and_description():
    explorer = DurabilityExplorer()
    start_title, start_text = explorer.figure.layout.title.text, explorer.description.value
    assert "median 15 days" in start_title and "Figure description" in start_text
    assert "teaching model, not a forecast" in explorer.label.value
    explorer.enforcement.value = 0.9
    assert explorer.figure.layout.title.text != start_title
    expected = simulate(3, 0.9, 0.5)
    assert list(explorer.figure.data[0].y) == expected.bin_counts()[1]
    assert explorer.figure.data[1].y[0] == expected.held
    assert f"median {expected.median_days} days" in explorer.figure.layout.title.text
    assert explorer.description.value != start_text
    explorer.spoilers.value = 0
    assert list(explorer.figure.data[0].y) == [0] * 18 and explorer.figure.data[1].y[0] == 2000
    assert "None of the 2,000 simulated truces collapsed" in explorer.description.value
    explorer.spoilers.value, explorer.clarity.value = 10, 0.0
    assert explorer.result.spoilers == 10 and explorer.result.clarity == 0.0


def test_explorer_callback_is_fast():
    explorer = DurabilityExplorer()
    timings = []
    for value in (1, 5, 8, 2, 6):
        start = time.perf_counter()
        explorer.spoilers.value = value
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.1
