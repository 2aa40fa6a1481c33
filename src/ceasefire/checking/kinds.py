"""One handler per kind of question: it compiles the plain key into hashes AND checks an answer against them.

`compile(qid, spec)` runs when an instructor runs `ceasefire assign`, on a spec already read from
solutions/keys.yml and checked against solutions/keys.schema.json (ceasefire.instructor.compile_keys);
it adds the checks a schema cannot make (is the answer among the options? can the key be read?).
`check(qid, key, answer)` runs in the student's kernel on the compiled key. Both build canonical forms
with the encoders of ceasefire.checking.keys. Options, items and match targets are public: they are part
of the question.

Kinds and what counts as right:
  number   within `tolerance` (in buckets of tolerance/2)   date, month, text   the same day, month, words
  choice   one of `options`     multi   a subset of `options`, partial credit per option
  order    `items` in order, partial credit per position
  match    `keys` -> one of `values` each, partial credit per pair (also used to classify)
  figure   a plotly figure: trace type, its x/y data and both axis titles
"""

from ceasefire.checking import answers, keys as codes, verdict
from ceasefire.checking.verdict import DEFAULT_HINT, Feedback
from ceasefire.errors import CourseError


def key_problem(qid: str, field: str, text: str) -> CourseError:
    """A mistake in solutions/keys.yml, naming the question and the field: "q03.4: `answer` ..."."""
    return CourseError(f"{qid}: {field} {text}")


def _mistake(number: int, field: str) -> str:
    return f"`{field}` of `wrong` entry {number}"


def _among(qid, field, value, allowed, what):
    if answers.text(value) not in {answers.text(a) for a in allowed}:
        raise key_problem(qid, field, f"{value!r} is not among the {what}.")


class Kind:
    """What every kind shares. A subclass gives the public part of its key (`public`), the canonical forms
    of the right answer (`key_codes`) and of one known mistake (`mistake_codes`), and `check`."""
    name = ""
    collection = False     # several parts, each credited: size = number of accepted parts
    keep_order = False     # accepted codes kept in the key's order instead of sorted

    def public(self, qid: str, spec: dict) -> dict:
        return {}

    def key_codes(self, qid: str, spec: dict, public: dict) -> list:
        raise NotImplementedError

    def mistake_codes(self, qid: str, number: int, wrong: dict, spec: dict, public: dict) -> list:
        raise NotImplementedError

    def check(self, qid: str, key: dict, answer) -> Feedback:
        raise NotImplementedError

    def compile(self, qid: str, spec: dict) -> dict:
        public = self.public(qid, spec)
        accepted = [codes.digest(qid, c) for c in self.key_codes(qid, spec, public)]
        out = {"lesson": spec["lesson"], "objective": int(spec["objective"]), "kind": self.name,
               "live": bool(spec.get("live")), "hint": spec.get("hint", DEFAULT_HINT), **public,
               "accept": accepted if self.keep_order else sorted(set(accepted))}
        out["wrong"] = [{"hint": wrong["hint"], "match": sorted({codes.digest(qid, c) for c in
                                                                 self.mistake_codes(qid, n, wrong, spec, public)})}
                        for n, wrong in enumerate(spec.get("wrong", []), start=1)]
        out["size"] = len(out["accept"]) if self.collection else 1
        return out


# ---- one answer, one canonical form ---------------------------------------------------------------------

class Single(Kind):
    """date, month and text: the answer's canonical form is right or not."""

    def __init__(self, name, encode):
        self.name, self.encode = name, encode

    def code(self, answer, key: dict) -> str:
        return self.encode(answer)

    def _key_code(self, qid, field, value, public):
        try:
            return self.code(value, public)
        except answers.Unreadable as exc:
            raise key_problem(qid, field, f"cannot be read: {exc}") from None

    def key_codes(self, qid, spec, public):
        return [self._key_code(qid, "`answer`" if i == 0 else "`accept`", value, public)
                for i, value in enumerate([spec["answer"], *spec.get("accept", [])])]

    def mistake_codes(self, qid, number, wrong, spec, public):
        return [self._key_code(qid, _mistake(number, "answer"), wrong["answer"], public)]

    def check(self, qid, key, answer):
        return verdict.single(qid, key, codes.digest(qid, self.code(answer, key)))


class Choice(Single):
    def __init__(self):
        super().__init__("choice", codes.text_code)

    def public(self, qid, spec):
        return {"options": list(spec["options"])}

    def key_codes(self, qid, spec, public):
        for i, value in enumerate([spec["answer"], *spec.get("accept", [])]):
            _among(qid, "`answer`" if i == 0 else "`accept`", value, public["options"], "`options`")
        return super().key_codes(qid, spec, public)

    def mistake_codes(self, qid, number, wrong, spec, public):
        _among(qid, _mistake(number, "answer"), wrong["answer"], public["options"], "`options`")
        return super().mistake_codes(qid, number, wrong, spec, public)

    def code(self, answer, key):
        if answers.text(answer) not in {answers.text(o) for o in key["options"]}:
            raise answers.Unreadable("That is not one of the options: " + "; ".join(key["options"]) + ".")
        return codes.text_code(answer)


class Number(Single):
    """A number within the tolerance: keys hold every bucket of width tolerance/2 close enough to the answer."""

    def __init__(self):
        super().__init__("number", None)

    def public(self, qid, spec):
        tolerance = float(spec["tolerance"])
        return {"unit": spec.get("unit", ""), "tolerance": tolerance, "step": tolerance / 2 if tolerance > 0 else 1e-9}

    def _buckets(self, value, public):
        return [codes.bucket_code(k) for k in codes.number_buckets(float(value), public["tolerance"], public["step"])]

    def key_codes(self, qid, spec, public):
        return self._buckets(spec["answer"], public)

    def mistake_codes(self, qid, number, wrong, spec, public):
        return self._buckets(wrong["answer"], public)

    def code(self, answer, key):
        return codes.number_code(answers.number(answer, key.get("unit", "")), key["step"])


# ---- answers of several parts -----------------------------------------------------------------------------

class Multi(Kind):
    name, collection = "multi", True

    def public(self, qid, spec):
        return {"options": list(spec["options"])}

    def key_codes(self, qid, spec, public):
        for value in spec["answer"]:
            _among(qid, "`answer`", value, public["options"], "`options`")
        return [codes.text_code(a) for a in spec["answer"]]

    def mistake_codes(self, qid, number, wrong, spec, public):
        _among(qid, _mistake(number, "answer"), wrong["answer"], public["options"], "`options`")
        return [codes.text_code(wrong["answer"])]

    def check(self, qid, key, answer):
        chosen = answers.items(answer, "`options`")
        allowed = {answers.text(o) for o in key["options"]}
        bad = [c for c in chosen if answers.text(c) not in allowed]
        if bad:
            raise answers.Unreadable(f"'{bad[0][:40]}' is not one of the options: " + "; ".join(key["options"]) + ".")
        hashes = [codes.digest(qid, c) for c in dict.fromkeys(codes.text_code(c) for c in chosen)]
        extra = len(hashes) - sum(h in key["accept"] for h in hashes)
        return verdict.credit(qid, key, hashes, extra, lambda right: f"{right} of the {key['size']} right options chosen"
                              + (f", {extra} that do not belong" if extra else ""))


class Order(Kind):
    name, collection, keep_order = "order", True, True

    def public(self, qid, spec):
        return {"items": sorted(spec["answer"], key=answers.text)}   # alphabetical, not the answer's order

    def key_codes(self, qid, spec, public):
        return [codes.position_code(i, a) for i, a in enumerate(spec["answer"])]

    def mistake_codes(self, qid, number, wrong, spec, public):
        _among(qid, _mistake(number, "item"), wrong["item"], spec["answer"], "items of `answer`")
        if not 0 <= wrong["position"] < len(spec["answer"]):
            raise key_problem(qid, _mistake(number, "position"), f"must be 0 to {len(spec['answer']) - 1} "
                                                                  "(0 is the first place).")
        return [codes.position_code(wrong["position"], wrong["item"])]

    def check(self, qid, key, answer):
        given = answers.items(answer, "events")
        if sorted(answers.text(g) for g in given) != sorted(answers.text(i) for i in key["items"]):
            raise answers.Unreadable(f"Put all {len(key['items'])} items in order, each once: "
                                     + "; ".join(key["items"]) + ".")
        hashes = [codes.digest(qid, codes.position_code(i, g)) for i, g in enumerate(given)]
        return verdict.credit(qid, key, hashes, 0, lambda right: f"{right} of {key['size']} in the right place")


class Match(Kind):
    name, collection = "match", True

    def public(self, qid, spec):
        return {"keys": list(spec["answer"]), "values": list(spec["values"])}

    def key_codes(self, qid, spec, public):
        for key, value in spec["answer"].items():
            _among(qid, f"`answer` of {key!r}", value, public["values"], "`values`")
        return [codes.pair_code(k, v) for k, v in spec["answer"].items()]

    def mistake_codes(self, qid, number, wrong, spec, public):
        _among(qid, _mistake(number, "key"), wrong["key"], public["keys"], "keys of `answer`")
        _among(qid, _mistake(number, "value"), wrong["value"], public["values"], "`values`")
        return [codes.pair_code(wrong["key"], wrong["value"])]

    def check(self, qid, key, answer):
        pairs = answers.mapping(answer)
        known = {answers.text(k) for k in key["keys"]}
        values = {answers.text(v) for v in key["values"]}
        for k, v in pairs.items():
            if answers.text(k) not in known:
                raise answers.Unreadable(f"'{k[:40]}' is not one of the things to match: " + ", ".join(key["keys"]) + ".")
            if answers.text(v) not in values:
                raise answers.Unreadable(f"'{v[:40]}' is not an allowed value; use one of: " + ", ".join(key["values"]) + ".")
        given = {answers.text(p) for p in pairs}
        missing = [k for k in key["keys"] if answers.text(k) not in given]
        hashes = [codes.digest(qid, codes.pair_code(k, v)) for k, v in pairs.items()]
        return verdict.credit(qid, key, hashes, 0, lambda right: f"{right} of {key['size']} pairs right"
                              + (f"; still to match: {', '.join(missing)}" if missing else ""))


class Figure(Kind):
    """Three parts, each a third: the kind of chart, the data plotted, both axes titled."""
    name = "figure"

    def public(self, qid, spec):
        return {"trace_type": spec["answer"]["type"]}

    def key_codes(self, qid, spec, public):
        answer = spec["answer"]
        return [codes.figure_code(answer["type"], answer["x"], answer["y"])]

    def mistake_codes(self, qid, number, wrong, spec, public):
        return [codes.figure_code(public["trace_type"], wrong["x"], wrong["y"])]

    def check(self, qid, key, answer):
        traces, titles = answers.figure(answer)
        if not traces:
            return Feedback(qid, "incorrect", "The figure has no data yet: add a trace.")
        trace_type, x, y = traces[0]
        parts = {"type": trace_type == key["trace_type"],
                 "data": codes.digest(qid, codes.figure_code(trace_type, x, y)) in key["accept"],
                 "axes": all(str(t or "").strip() for t in titles)}
        if all(parts.values()):
            return Feedback(qid, "correct", "Well done: the right kind of chart, the right data, both axes titled.", 1.0)
        notes = []
        if not parts["type"]:
            notes.append(f"the chart is a {trace_type} chart, but the question asks for a {key['trace_type']} chart")
        if not parts["data"]:
            known = verdict.hint_for(key, [codes.digest(qid, codes.figure_code(key["trace_type"], x, y))])
            notes.append(known or "the data plotted are not the ones asked for")
        if not parts["axes"]:
            notes.append("give both axes a title that says what they show")
        right = sum(parts.values())
        return Feedback(qid, "partial" if right else "incorrect",
                        f"{right} of 3 parts right: " + "; ".join(notes) + ".", round(right / 3, 3))


KINDS = {kind.name: kind for kind in (
    Number(), Single("date", codes.date_code), Single("month", codes.month_code), Single("text", codes.text_code),
    Choice(), Multi(), Order(), Match(), Figure())}
