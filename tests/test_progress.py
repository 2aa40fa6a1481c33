"""The progress file: latest result per question, atomic writes, concurrent writers, damaged files kept."""

import json
import multiprocessing
import os

import pytest

from ceasefire.checking import progress
from ceasefire.checking.checks import check


def test_record_keeps_the_latest_result_and_counts_attempts(tmp_path):
    path = tmp_path / "p.json"
    progress.record("q01.1", "incorrect", 0.0, path)
    progress.record("q01.1", "correct", 1.0, path)
    assert progress.load(path) == {"q01.1": {"status": "correct", "score": 1.0, "attempts": 2}}


def test_check_records_but_unknown_questions_do_not(tmp_path, monkeypatch):
    monkeypatch.setenv("CEASEFIRE_PROGRESS", str(tmp_path / "p.json"))
    check("q02.1", "2016-09-12")
    check("q02.1", ...)
    check("no-such-question", 1)
    assert progress.load() == {"q02.1": {"status": "unanswered", "score": 0.0, "attempts": 2}}


def _hammer(args):
    path, worker = args
    for n in range(40):
        progress.record(f"q{worker}.{n}", "correct", 1.0, path)


def test_two_writers_at_once_lose_nothing(tmp_path):
    path = tmp_path / "p.json"
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_hammer, [(path, 1), (path, 2)])
    assert len(progress.load(path)) == 80


def test_a_failed_write_leaves_the_last_good_file(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    progress.record("q01.1", "correct", 1.0, path)
    good = path.read_text()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt   # as if the kernel were interrupted between writing and renaming
    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        progress.record("q01.2", "correct", 1.0, path)
    monkeypatch.undo()
    assert path.read_text() == good
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".p.json.")] == []   # no temp litter


def test_a_damaged_file_is_moved_aside_not_lost(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{half a file", encoding="utf-8")
    progress.record("q01.1", "correct", 1.0, path)
    assert json.loads(path.read_text())["questions"]["q01.1"]["status"] == "correct"
    assert (tmp_path / "p.json.damaged-1").read_text() == "{half a file"


def test_summary_and_figure_per_lesson():
    keys = {"q01.1": {"lesson": "01-reading-the-column"}, "q01.2": {"lesson": "01-reading-the-column"},
            "q03.1": {"lesson": "03-february-failure"}}
    results = {"q01.1": {"status": "correct"}, "q01.2": {"status": "unanswered"}, "q03.1": {"status": "partial"}}
    from ceasefire.display import progress as chart   # the file is read here, drawn in the display layer

    table = chart.summary(keys, results)
    assert table[["lesson", "questions", "answered", "correct"]].values.tolist() == [["01", 2, 1, 1], ["03", 1, 1, 0]]
    fig = chart.figure(table)
    assert fig.layout.title.text == "Your progress: 1 of 3 questions correct"
    assert [t.name for t in fig.data] == ["questions", "answered", "correct"]
    assert list(fig.data[2].y) == [1, 0]


def test_killing_a_writer_midway_leaves_a_valid_file(tmp_path):
    """SIGKILL a process that is writing as fast as it can: the file is always the last good state."""
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "p.json"
    progress.record("q00.0", "correct", 1.0, path)
    code = ("import sys\nfrom ceasefire.checking import progress\nn = 0\n"
            "while True:\n    n += 1\n    progress.record(f'q{n}', 'correct', 1.0, sys.argv[1])\n")
    for _ in range(5):
        writer = subprocess.Popen([sys.executable, "-c", code, str(path)])
        time.sleep(0.3)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        doc = json.loads(path.read_text())          # never half-written
        assert doc["questions"]["q00.0"]["status"] == "correct"


def test_loading_before_any_check_creates_no_file(tmp_path):
    assert progress.load(tmp_path / "p.json") == {}
    assert list(tmp_path.iterdir()) == []      # neither a progress file nor a lock file
