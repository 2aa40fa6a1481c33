"""Compare a submission's locked cells with the released exercise: edited, deleted, duplicated, moved.

Locked cells are every cell of the released exercise except answer cells (a `check("qNN.k", ...)` call)
and the reflection cell. Cells a student adds for their own work are allowed and listed, not blamed.
The result is a list of findings in plain words and a unified diff of what changed.
"""

import difflib

from ceasefire.checking.cells import answer_cell_metadata


def _editable(cell) -> bool:
    meta = cell.metadata.get("ceasefire")
    if isinstance(meta, dict) and (meta.get("reflection") or meta.get("question")):
        return True
    return cell.cell_type == "code" and answer_cell_metadata(cell.source) is not None


def _key(cell):
    return cell.cell_type, "\n".join(line.rstrip() for line in cell.source.strip().splitlines())


def _label(cell, number):
    first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else "(empty)"
    return f"{cell.cell_type} cell {number} ({first!r})"


def _longest_increasing(positions):
    """Indices (into positions) of one longest strictly increasing subsequence."""
    best, links = [], {}
    import bisect
    tails, tail_idx = [], []
    for i, p in enumerate(positions):
        k = bisect.bisect_left(tails, p)
        if k == len(tails):
            tails.append(p)
            tail_idx.append(i)
        else:
            tails[k] = p
            tail_idx[k] = i
        links[i] = tail_idx[k - 1] if k else None
    i = tail_idx[-1] if tail_idx else None
    while i is not None:
        best.append(i)
        i = links[i]
    return set(best)


def compare_cells(released, submitted):
    """(findings, diff) for the locked cells of `released` as they appear in `submitted`."""
    locked = [(n, c) for n, c in enumerate(released.cells, start=1) if not _editable(c)]
    theirs = [(n, c) for n, c in enumerate(submitted.cells, start=1) if not _editable(c)]
    their_keys = [_key(c) for _, c in theirs]
    findings, diff_parts, used = [], [], set()
    matched = []   # (released position, their position) for cells found unchanged
    unmatched = []
    for n, cell in locked:
        hits = [j for j, k in enumerate(their_keys) if k == _key(cell)]
        if not hits:
            unmatched.append((n, cell))
            continue
        if len(hits) > 1:
            findings.append(f"{_label(cell, n)} appears {len(hits)} times (duplicated)")
        free = [j for j in hits if j not in used] or hits
        used.add(free[0])
        matched.append((n, free[0]))
    in_order = _longest_increasing([j for _, j in matched])
    for i, (n, j) in enumerate(matched):
        if i not in in_order:
            findings.append(f"{_label(released.cells[n - 1], n)} was moved (now cell {theirs[j][0]})")
    leftovers = [j for j in range(len(theirs)) if j not in used]
    for n, cell in unmatched:
        same_type = [j for j in leftovers if theirs[j][1].cell_type == cell.cell_type]
        scored = sorted(((difflib.SequenceMatcher(None, cell.source, theirs[j][1].source).ratio(), j) for j in same_type),
                        reverse=True)
        if scored and scored[0][0] >= 0.5:
            j = scored[0][1]
            leftovers.remove(j)
            findings.append(f"{_label(cell, n)} was edited")
            # lines without their ends, joined here: a cell's last line has no newline, and difflib would glue
            # its - and + versions onto one line
            diff_parts.append("\n".join(difflib.unified_diff(
                cell.source.splitlines(), theirs[j][1].source.splitlines(),
                fromfile=f"released cell {n}", tofile=f"submitted cell {theirs[j][0]}", lineterm="")) + "\n")
        else:
            findings.append(f"{_label(cell, n)} was deleted")
            diff_parts.append(f"--- released cell {n}\n+++ (deleted)\n" +
                              "".join(f"-{line}\n" for line in cell.source.splitlines()))
    return findings, "".join(diff_parts)
