"""Parity (issue 11): the gradebook says what `check()` said in the student's notebook.

From every solution notebook, variants are built with the habits students really have (below); each
variant is executed in a real Jupyter kernel with nbclient, where the verdict printed under every check is
read ("q03.1: Correct. ..."), and the same files are graded with `ceasefire grade`. Every question of every
variant must get the same verdict both ways: 0 differences. Answers vary too (right, a known wrong one, the
blank `...`, an unreadable table), so that correct, partly correct, incorrect, not answered and unreadable
verdicts all occur. Widget-answered (live) questions are not graded and not compared.

One kernel runs all the variants, one after the other (a cell between two variants deletes the student's
names; the habits that change the session for good, autoreload and show-every-expression, come in the last
variant of each lesson), while the grader grades the same files.

How few variants still prove it (see `variants`): ROUNDS = 4 per lesson, 20 notebooks, 112 verdicts. Question j
of variant k gets answer choice (j + k) mod 4, so over the 4 variants every question gets every answer choice
once (right, wrong, blank, unreadable: every answer decoder, every verdict). Habits are dealt out in turn, like
cards, over every answer cell of every variant, lesson after lesson: a lesson's 4 x n cells (n >= 5, except
lesson 05's four questions) take 17 habits in a row, so every habit meets nearly every lesson, every habit
meets every answer choice (but for a table passed to check() directly), and no two neighbouring questions
share one. The coverage test asserts all of
that, so a change to the scheme that loses a combination fails. (Before: 9 variants per lesson, 45
notebooks; the extra ones repeated combinations already covered.)
`test_parity_catches_a_broken_grader` re-grades some variants with two deliberately broken graders (the
old magic-stripping runner, a lossy answer decoder) and requires differences: the test can fail.
"""

import concurrent.futures
import csv
import re
from pathlib import Path

import nbclient
import nbclient.output_widget
import nbformat
import pytest

from ceasefire.instructor import runner, scoring
from ceasefire.instructor.grade import Limits, grade
from ceasefire.checking.keys import load_keys
from ceasefire.instructor.compile_keys import read_plain
from conftest import ROOT
from submissions import LESSONS, answer_indices, exercise, solution_parts

# nbclient 0.11 can stall until its timeout on Output-widget cells (nbclient #311/#312): see
# ceasefire.instructor.notebooks and the stack recipe. A finite timeout too, so a stall can never hang the suite.
nbclient.output_widget.OutputWidget.sync_state = lambda self: None
CELL_TIMEOUT = 120
KEYS = load_keys()
PLAIN = read_plain(ROOT / "solutions" / "keys.yml")
LABELS = {"Correct": "correct", "Partly correct": "partial", "Not yet": "incorrect",
          "Not answered yet": "not answered", "Cannot read this answer": "unreadable", "Unknown question": "unknown"}
VERDICT = re.compile(r"^(q\d\d\.\d+): (" + "|".join(map(re.escape, LABELS)) + r")\.", re.M)


# ---- the answers: right, wrong, blank, unreadable ------------------------------------------------------

def wrong_expression(qid):
    """A known wrong answer of keys.yml as Python source (as tests/test_checks.py builds them)."""
    spec = PLAIN[qid]
    wrong = spec["wrong"][0]
    kind = spec["kind"]
    if kind in ("number", "date", "month", "text", "choice"):
        return repr(wrong["answer"])
    if kind == "multi":
        return repr(list(spec["answer"]) + [wrong["answer"]])
    if kind == "match":
        return repr(dict(spec["answer"], **{wrong["key"]: wrong["value"]}))
    if kind == "order":
        items = [item for item in spec["answer"] if item != wrong["item"]]
        items.insert(wrong["position"], wrong["item"])
        return repr(items)
    return (f"go.Figure(go.Bar(x={wrong['x']!r}, y={wrong['y']!r})).update_layout(xaxis_title='month', "
            f"yaxis_title='deaths')")


def answer_expression(qid, value, choice):
    return {"right": value, "wrong": wrong_expression(qid), "blank": "...", "table": "data.deaths_monthly()"}[choice]


CHOICES = ("right", "wrong", "blank", "table")


# ---- the habits ----------------------------------------------------------------------------------------
# Each takes (before, target, expression, check_line) of an answer cell and returns the cells that replace
# it: extra cells first, the answer cell (with its check) last.

def _cell(*lines):
    return "\n".join(line for line in lines if line)


CELL_HABITS = {
    "as released": lambda b, t, v, c: [_cell(b, f"{t} = {v}", c)],
    "display() the value": lambda b, t, v, c: [_cell(b, f"{t} = {v}", f"display({t})", c)],
    "print the value": lambda b, t, v, c: [_cell(b, f"{t} = {v}", f"print({t})", c)],
    "%time line magic": lambda b, t, v, c: [_cell(b, f"%time {t} = {v}", c)],
    "%%time cell magic": lambda b, t, v, c: [_cell("%%time", b, f"{t} = {v}", c)],
    "%timeit once": lambda b, t, v, c: [_cell(b, f"%timeit -n 1 -r 1 {v}", f"{t} = {v}", c)],
    "top-level await": lambda b, t, v, c: [_cell("import asyncio", b, "async def compute():", f"    return {v}",
                                                 "await asyncio.sleep(0)", f"{t} = await compute()", c)],
    "trailing expression, then _": lambda b, t, v, c: [_cell(b, v), _cell(f"{t} = _", c)],
    "computed above, checked below": lambda b, t, v, c: [_cell(b, f"{t} = {v}", t), c],
    "; suppresses the display": lambda b, t, v, c: [_cell(b, f"{t} = {v}", f"{t};"), c],
    "value passed to check directly": lambda b, t, v, c: [_cell(b, c.replace(f", {t})", f", {v})"))],
    "!ls shell escape": lambda b, t, v, c: [_cell("!ls", b, f"{t} = {v}", c)],
    "files = !ls": lambda b, t, v, c: [_cell("files = !ls", b, f"{t} = {v}", c)],
    "get_ipython()": lambda b, t, v, c: [_cell(b, f"{t} = {v}", "shell = get_ipython()",
                                               f"assert shell.user_ns[{t!r}] is {t}", c)],
    "help and ?": lambda b, t, v, c: ["check?", _cell("help(check)", b, f"{t} = {v}", c)],
    "Out history": lambda b, t, v, c: [_cell(b, v), _cell(f"{t} = list(Out.values())[-1]", c)],
    "%who and %%capture": lambda b, t, v, c: [_cell("%%capture", "print('noise')"), _cell("%who", b, f"{t} = {v}", c)],
}
# Cells a student adds once per notebook, after the imports. The last two change the session for good.
# `%pip install` takes seconds in the kernel, so only the first variant of the first lesson has it.
PIP = "%pip install plotly"
NOTEBOOK_HABITS = [
    "%matplotlib inline",
    "%%writefile notes.txt\nmy notes",
    "%%bash\necho hello",
    "%conda list",
]
SESSION_HABITS = ["%load_ext autoreload\n%autoreload 2",
                  "from IPython.core.interactiveshell import InteractiveShell\n"
                  "InteractiveShell.ast_node_interactivity = 'all'"]
# Between two variants in one kernel: the student's names go (cheaply: `%reset -f` collects garbage, ~0.5 s).
RESET = ('for _name in [n for n in list(globals()) if n[:1].isalpha() and n not in ("In", "Out", "exit", "quit", '
         '"get_ipython", "open")]:\n    del globals()[_name]')


ROUNDS = len(CHOICES)


def _answered(lesson):
    """The lesson's questions answered in code (not with a widget): the ones compared."""
    return [qid for qid, part in sorted(solution_parts(lesson).items()) if part is not None]


def variants(lesson):
    """[(notebook, {qid: answer choice}, habit per qid)]: ROUNDS variants of the lesson. Question j of variant k
    gets answer choice (j + k) mod 4; habits go round in turn over the answer cells of all lessons (the count
    of cells in the lessons before this one says where this lesson starts). See the module's docstring."""
    parts = solution_parts(lesson)
    habits = list(CELL_HABITS)
    dealt = ROUNDS * sum(len(_answered(name)) for name in LESSONS[:LESSONS.index(lesson)])
    out = []
    for k in range(ROUNDS):
        nb = exercise(lesson)
        indices = answer_indices(nb)
        chosen, used = {}, {}
        replacements = {}
        for j, qid in enumerate(sorted(indices)):
            if parts[qid] is None:     # a widget-answered question: left as released, not compared
                continue
            before, target, value, after = parts[qid]
            choice = CHOICES[(j + k) % len(CHOICES)]
            habit = habits[dealt % len(habits)]
            dealt += 1
            if habit == "value passed to check directly" and choice == "table":
                choice = "wrong"
            expression = answer_expression(qid, value, choice)
            if choice == "wrong" and PLAIN[qid]["kind"] == "figure":
                before = _cell(before, "import plotly.graph_objects as go")
            cells = CELL_HABITS[habit](before, target, expression, after)
            replacements[indices[qid]] = cells
            chosen[qid], used[qid] = choice, habit
        new_cells = []
        for i, cell in enumerate(nb.cells):
            if i in replacements:
                *extra, last = replacements[i]
                new_cells += [nbformat.v4.new_code_cell(source) for source in extra]
                cell.source = last
            new_cells.append(cell)
            if i == 1:   # after the imports
                extra = [PIP if (k, lesson) == (0, LESSONS[0]) else NOTEBOOK_HABITS[k % len(NOTEBOOK_HABITS)]]
                if k == ROUNDS - 1:
                    extra += SESSION_HABITS
                new_cells += [nbformat.v4.new_code_cell(source) for source in extra]
        nb.cells = new_cells
        out.append((nb, chosen, used))
    return out


# ---- the kernel's verdicts -----------------------------------------------------------------------------

def kernel_verdicts(built, folder: Path):
    """Run every variant in one kernel, in order; [{qid: {status}}] per variant, read from the outputs."""
    cells, owner = [], []
    for n, (nb, _, _) in enumerate(built):
        if n:
            cells.append(nbformat.v4.new_code_cell(RESET))
            owner.append(None)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cells.append(nbformat.v4.new_code_cell(cell.source))
                owner.append(n)
    run = nbformat.v4.new_notebook(cells=cells, metadata=built[0][0].metadata)
    nbclient.NotebookClient(run, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}}).execute()
    found = [{} for _ in built]
    for cell, n in zip(run.cells, owner):
        if n is None:
            continue
        for output in cell.outputs:
            text = output.get("text", "") if output.get("output_type") == "stream" else \
                output.get("data", {}).get("text/plain", "")
            for qid, label in VERDICT.findall(text if isinstance(text, str) else "".join(text)):
                found[n].setdefault(qid, set()).add(LABELS[label])
    return found


def graded_verdicts(built, folder: Path, tag="ok"):
    """Grade the variants (all lessons at once) as submissions; [{qid: status}] per variant."""
    paths = []
    for n, (nb, _, _) in enumerate(built):
        path = folder / tag / "submissions" / f"variant{n:03d}" / f"{nb.metadata['ceasefire']['lesson']}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        paths.append(path)
    out = folder / tag / "gradebook.csv"
    grade(paths, ROOT, out, folder / tag / "feedback", jobs=2, limits=Limits(wall_seconds=60, cpu_seconds=30),
          forbidden=[ROOT / "solutions"], log=lambda *_: None)
    found = [{} for _ in built]
    for row in csv.DictReader(out.open()):
        found[int(row["student"][len("variant"):])][row["question"]] = row["status"]
    return found


def compared(built, kernel, graded):
    """(number of verdicts compared, [differences])."""
    count, differences = 0, []
    for n, (nb, chosen, used) in enumerate(built):
        for qid in chosen:
            count += 1
            seen = kernel[n].get(qid, set())
            if len(seen) != 1 or graded[n].get(qid) not in seen:
                differences.append(f"{nb.metadata['ceasefire']['lesson']} variant {n} {qid} [{used[qid]}, {chosen[qid]} "
                                   f"answer]: kernel said {sorted(seen) or 'nothing'}, the gradebook {graded[n].get(qid)!r}")
    return count, differences


@pytest.fixture(scope="module")
def parity(tmp_path_factory):
    """Every variant of every lesson, run in one kernel while the grader grades the same files."""
    folder = tmp_path_factory.mktemp("parity")
    built = [variant for lesson in LESSONS for variant in variants(lesson)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        grading = pool.submit(graded_verdicts, built, folder)
        kernel = kernel_verdicts(built, folder)
        graded = grading.result()
    return {"built": built, "kernel": kernel, "graded": graded, "folder": folder}


def _of(parity, lesson):
    keep = [n for n, (nb, _, _) in enumerate(parity["built"]) if nb.metadata["ceasefire"]["lesson"] == lesson]
    return [[parity[part][n] for n in keep] for part in ("built", "kernel", "graded")]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_verdict_in_the_gradebook_is_the_kernels(parity, lesson):
    count, differences = compared(*_of(parity, lesson))
    assert count == ROUNDS * len(_answered(lesson))
    assert not differences, f"{len(differences)} of {count} verdicts differ:\n" + "\n".join(differences)


def test_the_variants_cover_every_habit_and_every_kind_of_verdict(parity):
    count, differences = compared(parity["built"], parity["kernel"], parity["graded"])
    print(f"parity: {count} verdicts compared over {len(parity['built'])} notebooks, {len(differences)} differ")
    met = {(used[q], chosen[q]) for _, chosen, used in parity["built"] for q in chosen}
    direct = "value passed to check directly"    # a table passed to check() directly is no habit: "wrong" instead
    assert met == {(h, c) for h in CELL_HABITS for c in CHOICES if (h, c) != (direct, "table")}
    asked = {(q, chosen[q]) for _, chosen, _ in parity["built"] for q in chosen}
    swapped = {(q, "table") for _, chosen, used in parity["built"] for q in chosen if used[q] == direct}
    assert asked | swapped == {(q, c) for q, _ in asked for c in CHOICES}, "every question gets every answer choice"
    statuses = {s for per in parity["kernel"] for seen in per.values() for s in seen}
    assert {"correct", "partial", "incorrect", "not answered", "unreadable"} <= statuses
    questions = {q for _, chosen, _ in parity["built"] for q in chosen}
    assert questions == {q for q, k in KEYS.items() if not k.get("live")}


def test_shell_commands_are_skipped_and_reported(parity):
    """`!ls`, `%pip`, `%%bash`, `%conda` ran in the kernel; the grader skips them and says so."""
    notes = "\n".join(p.read_text() for p in (parity["folder"] / "ok" / "feedback").glob("*.md"))
    for command in ("`!ls`", "`%pip install plotly`", "`%%bash`", "`%conda list`"):
        assert command in notes, command
    assert "the rest of the cell ran" in notes


def _old_runner_cells(nb):
    """The grader before issue 11: magics and shell escapes replaced by `pass`, cells run with exec()."""
    magic = re.compile(r"^\s*[%!]", re.M)
    return [(i, magic.sub("pass  # notebook magic removed by the grader: ", c.source))
            for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def test_parity_catches_a_broken_grader(parity, monkeypatch):
    """The comparison fails for a grader that strips magics, and for one that decodes answers lossily."""
    built, kernel = parity["built"], parity["kernel"]

    def some(wanted):
        keep = [n for n, (_, chosen, used) in enumerate(built) if any(wanted(chosen[q], used[q], q) for q in chosen)][:3]
        return [built[n] for n in keep], [kernel[n] for n in keep]
    timed, timed_kernel = some(lambda choice, habit, q: habit == "%time line magic" and choice in ("right", "wrong"))
    monkeypatch.setattr(runner, "_code_cells", _old_runner_cells)
    _, differences = compared(timed, timed_kernel, graded_verdicts(timed, parity["folder"], tag="magic-stripped"))
    assert len(differences) >= len(timed) >= 2, differences
    monkeypatch.undo()

    ordered, ordered_kernel = some(lambda choice, habit, q: PLAIN[q]["kind"] == "order" and choice == "right")
    real = scoring.from_plain

    def lossy(value):   # a decoder that loses the order of a list (as one going through a set would)
        decoded = real(value)
        return sorted(decoded, key=str) if isinstance(decoded, list) else decoded
    monkeypatch.setattr(scoring, "from_plain", lossy)
    _, differences = compared(ordered, ordered_kernel, graded_verdicts(ordered, parity["folder"], tag="lossy"))
    assert len(differences) >= len(ordered) >= 2, differences
