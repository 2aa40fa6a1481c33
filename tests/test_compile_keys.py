"""solutions/keys.yml is checked before it is hashed: each kind of mistake in a broken copy gets its own sentence
naming the question and the field (never `malformed entry (KeyError(...))`)."""

import ast
import copy
import datetime as dt
import re

import pytest

from ceasefire.checking.kinds import KINDS
from ceasefire.errors import CourseError
from ceasefire.instructor.compile_keys import compile_keys, problems, read_plain
from conftest import ROOT

PLAIN = read_plain(ROOT / "solutions" / "keys.yml")


def _set(path, value):
    def change(plain):
        *parents, last = path
        target = plain
        for part in parents:
            target = target[part]
        target[last] = value
    return change


def _drop(path):
    def change(plain):
        *parents, last = path
        target = plain
        for part in parents:
            target = target[part]
        del target[last]
    return change


def _rename(old, new):
    def change(plain):
        plain[new] = plain.pop(old)
    return change


# (what is broken, how, the sentence expected). Schema mistakes first, then the handlers' own checks.
MISTAKES = [
    ("tolerance not a number", _set(["q03.4", "tolerance"], "half"), "q03.4: `tolerance` must be a number."),
    ("tolerance missing", _drop(["q03.4", "tolerance"]), "q03.4: `tolerance` is missing."),
    ("negative tolerance", _set(["q03.4", "tolerance"], -1), "q03.4: `tolerance` must be at least 0."),
    ("number answer as text", _set(["q03.2", "answer"], "1728 deaths"), "q03.2: `answer` must be a number."),
    ("unknown kind", _set(["q03.4", "kind"], "numbr"), "q03.4: `kind` must be one of: number, date, month"),
    ("kind missing", _drop(["q03.4", "kind"]), "q03.4: `kind` is missing."),
    ("lesson missing", _drop(["q01.1", "lesson"]), "q01.1: `lesson` is missing."),
    ("lesson not a slug", _set(["q01.1", "lesson"], "Lesson one"), "q01.1: `lesson` must be a lesson slug from course.yml"),
    ("objective zero", _set(["q01.1", "objective"], 0), "q01.1: `objective` must be the number of one of the lesson's"),
    ("field of another kind", _set(["q03.4", "options"], ["a", "b"]), "q03.4: `options` is not a field of a number question."),
    ("misspelt field", lambda p: p["q03.4"].__setitem__("tolerence", p["q03.4"].pop("tolerance")),
     "q03.4: `tolerence` is not a field of a number question."),
    ("one known mistake only", lambda p: p["q03.4"]["wrong"].pop(), "q03.4: `wrong` must list at least 2 known wrong answers"),
    ("wrong entry without hint", _drop(["q03.4", "wrong", 1, "hint"]), "q03.4: `hint` of `wrong` entry 2 is missing."),
    ("empty hint", _set(["q03.4", "wrong", 0, "hint"], ""), "q03.4: `hint` of `wrong` entry 1 must be a sentence"),
    ("unquoted date", _set(["q02.1", "answer"], dt.date(2016, 9, 12)), "q02.1: `answer` must be text in quotes"),
    ("question id", _rename("q03.4", "q3.4"), "`q3.4` is not a question id"),
    ("order position not a number", _set(["q05.1", "wrong", 0, "position"], "first"),
     "q05.1: `position` of `wrong` entry 1 must be a place in the order"),
    ("match answer not a mapping", _set(["q04.4", "answer"], ["Russia"]), "q04.4: `answer` must map each thing"),
    ("figure without y", _drop(["q03.5", "answer", "y"]), "q03.5: `y` of `answer` is missing."),
    ("choice without options", _drop(["q01.1", "options"]), "q01.1: `options` is missing."),
    ("extra field in a wrong entry", _set(["q03.4", "wrong", 0, "value"], 3),
     "q03.4: `wrong` entry 1: `value` is not a field of a known wrong answer (answer, hint)."),
    # what only the handler of the kind can tell
    ("choice answer outside the options", _set(["q01.1", "answer"], "Damascus, Syria"),
     "q01.1: `answer` 'Damascus, Syria' is not among the `options`."),
    ("choice mistake outside the options", _set(["q01.1", "wrong", 1, "answer"], "Homs"),
     "q01.1: `answer` of `wrong` entry 2 'Homs' is not among the `options`."),
    ("multi answer outside the options", lambda p: p["q03.6"]["answer"].append("Something else"),
     "q03.6: `answer` 'Something else' is not among the `options`."),
    ("date not in the calendar", _set(["q02.1", "answer"], "31 September 2016"), "q02.1: `answer` cannot be read: "),
    ("month not readable", _set(["q03.3", "wrong", 0, "answer"], "Marchember 2016"),
     "q03.3: `answer` of `wrong` entry 1 cannot be read: "),
    ("match value outside the values", _set(["q04.4", "wrong", 0, "value"], "France"),
     "q04.4: `value` of `wrong` entry 1 'France' is not among the `values`."),
    ("match mistake on a key that is not asked", _set(["q04.4", "wrong", 0, "key"], "Kurdish forces"),
     "q04.4: `key` of `wrong` entry 1 'Kurdish forces' is not among the keys of `answer`."),
    ("order mistake place out of range", _set(["q05.1", "wrong", 0, "position"], 9),
     "q05.1: `position` of `wrong` entry 1 must be 0 to 5"),
    ("order mistake on an unknown item", _set(["q05.1", "wrong", 0, "item"], "A summit in Paris"),
     "q05.1: `item` of `wrong` entry 1 'A summit in Paris' is not among the items of `answer`."),
]


@pytest.mark.parametrize("what, change, expected", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_gets_a_sentence_naming_question_and_field(what, change, expected):
    broken = copy.deepcopy(PLAIN)
    change(broken)
    with pytest.raises(CourseError) as caught:
        compile_keys(broken)
    message = str(caught.value)
    assert expected in message, message
    assert "malformed" not in message and "KeyError" not in message and "Traceback" not in message


def test_the_real_keys_have_no_mistakes():
    assert problems(PLAIN) == []
    assert set(compile_keys(PLAIN)) == set(PLAIN)


def test_every_mistake_is_listed_at_once():
    broken = copy.deepcopy(PLAIN)
    broken["q03.4"]["tolerance"] = "half"
    broken["q01.1"]["objective"] = 0
    found = problems(broken)
    assert len(found) == 2 and found[0].startswith("q01.1") and found[1].startswith("q03.4"), found


def test_every_kind_has_a_handler_and_the_schema_knows_every_kind():
    from ceasefire.instructor.compile_keys import load_schema
    kinds = load_schema(ROOT)["$defs"]["question"]["properties"]["kind"]["enum"]
    assert sorted(kinds) == sorted(KINDS) and {spec["kind"] for spec in PLAIN.values()} == set(KINDS)


def test_a_question_written_twice_is_refused(tmp_path):
    path = tmp_path / "keys.yml"
    text = (ROOT / "solutions" / "keys.yml").read_text(encoding="utf-8")
    block = text[text.index("q03.4:"):text.index("q03.5:")]
    path.write_text(text + "\n" + block, encoding="utf-8")
    with pytest.raises(CourseError, match=r"line \d+: 'q03.4' is written twice"):
        read_plain(path)


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "keys.yml"
    path.write_text("q01.1:\n  kind: [choice\n", encoding="utf-8")
    with pytest.raises(CourseError, match=r"keys.yml, line \d+, column \d+: not valid YAML"):
        read_plain(path)


# ---- one set of encoders --------------------------------------------------------------------------------

CODE_PREFIX = re.compile(r"^[ndmtop]:")


def _canonical_prefixes(source: str) -> list:
    """Line numbers of string literals (or f-string starts) that spell a canonical form like "n:" or f"t:{x}"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            text = node.values[0].value
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if CODE_PREFIX.match(text):
            found.append(node.lineno)
    return sorted(set(found))


def test_canonical_forms_are_spelt_only_by_the_encoders():
    """Compiling and checking share checking/keys.py's encoders: no other module writes "n:", f"t:{...}" ..."""
    package = ROOT / "src" / "ceasefire"
    spelt = {str(p.relative_to(package)): lines for p in sorted(package.rglob("*.py"))
             if (lines := _canonical_prefixes(p.read_text(encoding="utf-8")))}
    assert set(spelt) == {"checking/keys.py"}, spelt


def test_the_encoder_scan_sees_a_second_spelling():
    """Test of the test: a handler that writes its own f"o:{i}:{item}" is caught."""
    assert _canonical_prefixes('def code(i, item):\n    return f"o:{i}:{item}"\n') == [2]
    assert _canonical_prefixes('PREFIX = "n:"\n') == [1]
    assert _canonical_prefixes('NOTE = "no: not a code"\n') == []
