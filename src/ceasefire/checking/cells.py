"""Which notebook cells are answer cells: the vocabulary shared by the exercise generator, the grader and the
tamper check (ceasefire.instructor.assign, grade, tamper).

An answer cell ends in `check("qNN.k", name)`: it answers question qNN.k with the value of `name`.
"""

import re

CHECK_CALL = re.compile(r"""^\s*check\(\s*["'](?P<question>q\d\d\.\d+)["']\s*,\s*(?P<answer>[\w.]+)\s*\)\s*$""", re.M)


def answer_cell_metadata(source: str):
    """For a cell that ends in check("qNN.k", name): which question it answers and with which name, else None.
    An answer given by a widget (`check("q05.5", explorer.day)`) is marked live: only the notebook sees it."""
    match = CHECK_CALL.search(source)
    if not match:
        return None
    name = match["answer"]
    return {"question": match["question"], "answer": name, "live": "." in name}
