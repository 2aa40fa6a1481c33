"""Compile solutions/keys.yml (plain answers, instructors only) into the hashed keys.json students receive.

The plain file is read here, not in the student's checker: checking/ never loads YAML. It is first
validated against solutions/keys.schema.json; every mistake is reported at once, each naming the question
and the field ("q03.4: `tolerance` must be a number"). Then each question goes to the handler of its kind
(ceasefire.checking.kinds), which adds the checks a schema cannot make (an answer that is not among the
options, a date that is not in the calendar) and turns the answers into salted hashes.
"""

import json
from pathlib import Path

import yaml

from ceasefire.checking.kinds import KINDS
from ceasefire.errors import CourseError
from ceasefire.paths import course_root

SCHEMA_NAME = "keys.schema.json"
TYPE_WORDS = {"number": "a number", "integer": "a whole number", "string": "text", "array": "a list",
              "object": "a mapping (indented `field: value` lines)", "boolean": "true or false"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A question (or a field) written twice would silently keep only its last copy: refuse it."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise CourseError(f"solutions/keys.yml, line {key_node.start_mark.line + 1}: {key!r} is written twice.")
            seen.add(key)
        return super().construct_mapping(node, deep)


def read_plain(path: Path) -> dict:
    """solutions/keys.yml as a dict (not yet validated: compile_keys does that)."""
    path = Path(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise CourseError(f"{path} is missing (it lives in solutions/, which students do not receive).") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CourseError(f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', None) or exc}).") from None


def load_schema(root: Path | None = None) -> dict:
    path = Path(root or course_root()) / "solutions" / SCHEMA_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path} is missing: the answer keys cannot be checked without it.") from None


def _place(path) -> str:
    """['wrong', 0] -> "`wrong` entry 1" (entries counted from 1, as a person counts)."""
    return " ".join(f"entry {part + 1}" if isinstance(part, int) else f"`{part}`" for part in path)


def _field(path) -> str:
    """['tolerance'] -> "`tolerance`"; ['wrong', 0, 'hint'] -> "`hint` of `wrong` entry 1"."""
    if len(path) > 1 and isinstance(path[-1], str):
        return f"`{path[-1]}` of {_place(path[:-1])}"
    return _place(path)


def _describe(error) -> str:
    """One validation error as "q03.4: `tolerance` must be a number"."""
    path = list(error.absolute_path)
    qid, rest = (str(path[0]), path[1:]) if path else ("", [])
    own = isinstance(error.schema, dict) and error.schema.get("errorMessage")
    if "propertyNames" in error.absolute_schema_path:        # the instance is the offending name itself
        where = "".join(f"{part}: " for part in (qid, _place(rest)) if part)
        return f"{where}`{error.instance}` {own or 'is not allowed here'}."
    label = _field(rest) if rest else "the question"
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return f"{qid}: " + "; ".join(f"{_field(rest + [name])} is missing" for name in missing) + "."
    if own:
        return f"{qid}: {label} {own}."
    value = error.validator_value
    text = {"type": lambda: "must be " + " or ".join(TYPE_WORDS.get(t, t) for t in ([value] if isinstance(value, str) else value)),
            "enum": lambda: "must be one of: " + ", ".join(map(str, value)),
            "minItems": lambda: f"needs at least {value} entries",
            "minProperties": lambda: f"needs at least {value} entries",
            "minimum": lambda: f"must be at least {value}",
            "minLength": lambda: "must not be empty",
            "uniqueItems": lambda: "lists the same entry twice"}.get(error.validator, lambda: error.message)()
    return f"{qid}: {label} {text}."


def problems(plain, schema: dict | None = None) -> list:
    """Every way `plain` breaks the schema, one sentence each, in the order of the file."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema or load_schema())
    found = sorted(validator.iter_errors(plain), key=lambda e: [str(p) for p in e.absolute_path])
    return list(dict.fromkeys(_describe(error) for error in found))


def compile_keys(plain, schema: dict | None = None) -> dict:
    """The hashed keys, question by question; a CourseError listing every mistake if the plain keys have any."""
    if not isinstance(plain, dict) or not plain:
        raise CourseError("solutions/keys.yml must map question ids (like q03.2) to their keys.")
    found = problems(plain, schema)
    compiled = {}
    if not found:
        for qid, spec in sorted(plain.items()):
            try:
                compiled[qid] = KINDS[spec["kind"]].compile(qid, spec)
            except CourseError as exc:
                found.append(str(exc))
    if found:
        raise CourseError("solutions/keys.yml has mistakes:\n" + "\n".join(f"- {p}" for p in found))
    return compiled


def render(compiled: dict) -> str:
    return json.dumps(compiled, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
