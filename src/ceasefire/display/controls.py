"""Controls with an accessible name: a slider, a range slider, a dropdown and a button, each a native HTML
element (<input type="range">, <select>, <button>) with a <label>, drawn by anywidget (no server extension).

Why not ipywidgets' own: its sliders are noUiSlider handles with no accessible name (a screen reader
announces a bare number) and a readout that is not tied to them. Here every control is named by its
visible label, a slider tells its value in words (aria-valuetext: "17 Sep", "0.50"), arrow keys move it,
and the focused control has a visible outline. The Python side keeps the API the course's widgets use:
`value` (observe it with `names="value"`), `options`, `description`, and min/max/step for number sliders.

A slider's value travels as an `index` into its option labels: the browser moves positions, Python maps
them to values, so a float step never drifts and dates stay strings.
"""

import math

import anywidget
import traitlets

from ceasefire.errors import CourseError

ALL = "all"     # the choice that means "no filter", in every menu of the course

# Shared by every control: one stylesheet, the same focus outline everywhere (WCAG 2.4.7).
CSS = """
.ceasefire-control { display: flex; align-items: center; gap: 0.5em; margin: 2px 12px 2px 0;
  font-size: var(--jp-widgets-font-size, 13px); color: var(--jp-widgets-label-color, #222); }
.ceasefire-control label, .ceasefire-control .ceasefire-legend { white-space: nowrap; }
.ceasefire-control input[type="range"] { width: var(--ceasefire-width, 220px); accent-color: #0072B2; }
.ceasefire-control select { min-width: 10em; max-width: 40em; padding: 2px 4px; }
.ceasefire-control button { padding: 3px 10px; cursor: pointer; }
.ceasefire-control .ceasefire-readout { min-width: 3em; font-variant-numeric: tabular-nums; }
.ceasefire-control input:focus-visible, .ceasefire-control select:focus-visible,
.ceasefire-control button:focus-visible { outline: 3px solid #D55E00; outline-offset: 2px; }
"""

_COMMON_JS = """
let counter = 0;
function uid() { counter += 1; return `ceasefire-${Math.random().toString(36).slice(2, 8)}-${counter}`; }
function box(el, kind) { const d = document.createElement("div"); d.className = `ceasefire-control ${kind}`;
  el.appendChild(d); return d; }
// JupyterLab binds the arrow keys to notebook commands for any focused element that is not a text field,
// and those bindings swallow the keys before a slider or a select sees them; Lumino skips its bindings
// inside an element marked like this, so the arrows move the control.
function ownKeys(element) { element.setAttribute("data-lm-suppress-shortcuts", "true"); return element; }
function labelFor(parent, text, id) { const l = document.createElement("label"); l.htmlFor = id;
  l.textContent = text; parent.appendChild(l); return l; }
"""

SLIDER_JS = _COMMON_JS + """
function slider(parent, id, name, model, key) {
  const input = document.createElement("input");
  Object.assign(input, {type: "range", id, min: 0, step: 1});
  if (name) input.setAttribute("aria-label", name);
  parent.appendChild(ownKeys(input));
  const readout = document.createElement("span");
  readout.className = "ceasefire-readout"; readout.setAttribute("aria-hidden", "true");
  parent.appendChild(readout);
  const show = (i) => { const labels = model.get("labels"); const text = labels[i] ?? "";
    input.setAttribute("aria-valuetext", text); readout.textContent = text; };
  const sync = () => { input.max = Math.max(0, model.get("labels").length - 1);
    if (model.get("width")) input.style.width = model.get("width");
    input.value = model.get(key); show(model.get(key)); };
  input.addEventListener("input", () => show(Number(input.value)));
  input.addEventListener("change", () => { model.set(key, Number(input.value)); model.save_changes(); });
  model.on(`change:${key}`, sync); model.on("change:labels", sync); sync();
  return input;
}
"""

_SLIDER_RENDER = SLIDER_JS + """
export default { render({ model, el }) {
  const b = box(el, "ceasefire-slider"); const id = uid();
  labelFor(b, model.get("description"), id); slider(b, id, null, model, "index");
} };
"""

_RANGE_RENDER = SLIDER_JS + """
export default { render({ model, el }) {
  const b = box(el, "ceasefire-range"); b.setAttribute("role", "group");
  const legend = document.createElement("span"); legend.className = "ceasefire-legend"; legend.id = uid();
  legend.textContent = model.get("description"); b.appendChild(legend);
  b.setAttribute("aria-labelledby", legend.id);
  const d = model.get("description");
  slider(b, uid(), `${d}, from`, model, "low"); slider(b, uid(), `${d}, to`, model, "high");
} };
"""

_DROPDOWN_RENDER = _COMMON_JS + """
export default { render({ model, el }) {
  const b = box(el, "ceasefire-dropdown"); const id = uid();
  labelFor(b, model.get("description"), id);
  const select = document.createElement("select"); select.id = id; b.appendChild(ownKeys(select));
  const fill = () => { select.replaceChildren(...model.get("labels").map((text, i) => {
    const o = document.createElement("option"); o.value = String(i); o.textContent = text; return o; }));
    select.value = String(model.get("index")); };
  select.addEventListener("change", () => { model.set("index", Number(select.value)); model.save_changes(); });
  model.on("change:index", () => { select.value = String(model.get("index")); });
  model.on("change:labels", fill); fill();
} };
"""

_BUTTON_RENDER = _COMMON_JS + """
export default { render({ model, el }) {
  const b = box(el, "ceasefire-button");
  const button = document.createElement("button"); button.type = "button";
  const draw = () => { const arrow = {left: "\u25c0 ", right: " \u25b6"}[model.get("arrow")] || "";
    const glyph = document.createElement("span"); glyph.setAttribute("aria-hidden", "true"); glyph.textContent = arrow;
    const text = document.createTextNode(model.get("description"));
    button.replaceChildren(...(model.get("arrow") === "right" ? [text, glyph] : [glyph, text])); };
  button.addEventListener("click", () => { model.send({event: "click"}); });
  model.on("change:description", draw); model.on("change:arrow", draw); draw(); b.appendChild(button);
} };
"""


class _Named:
    """A short, stable repr (anywidget's shows a memory address, which would change every stored output)."""

    def __repr__(self) -> str:
        value = getattr(self, "value", None)
        shown = "" if value is None else f", value={value!r}"
        return f"{type(self).__name__}(description={getattr(self, 'description', '')!r}{shown})"


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
        except (TypeError, ValueError):
            return False
    return a == b


def _pairs(options) -> list:
    """[(label, value)] from a list of values or of (label, value) pairs."""
    pairs = [tuple(o) if isinstance(o, (tuple, list)) else (str(o), o) for o in options]
    if not pairs:
        raise CourseError("A control needs at least one option to choose from.")
    return [(str(label), value) for label, value in pairs]


class _Choice(_Named, anywidget.AnyWidget):
    """One value out of a list of options (label, value), sent to the browser as an index into the labels."""
    _css = CSS
    description = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    index = traitlets.Int(0).tag(sync=True)
    width = traitlets.Unicode("").tag(sync=True)     # of a slider's track, as CSS: "520px"
    value = traitlets.Any()

    def __init__(self, options, value=None, description: str = "", **kwargs):
        pairs = _pairs(options)
        self._values = [v for _, v in pairs]
        super().__init__(description=description, labels=[label for label, _ in pairs], **kwargs)
        self.value = self._values[0] if value is None else value
        self.index = self.index_of(self.value)

    @property
    def options(self) -> list:
        return list(zip(self.labels, self._values))

    def index_of(self, value) -> int:
        """The position of `value` among the options; a CourseError naming the choices if it is not one."""
        return choice_index(value, self._values, (self.description or "such choice").lower())

    @traitlets.validate("value")
    def _valid_value(self, proposal):
        return self._values[self.index_of(proposal["value"])]

    @traitlets.observe("value")
    def _value_to_index(self, change):
        self.index = self.index_of(change["new"])

    @traitlets.observe("index")
    def _index_to_value(self, change):
        self.value = self._values[change["new"]]


class ChoiceError(CourseError, ValueError):
    """A value that is not one of the choices offered; the message lists them."""


def choice_index(value, choices, what: str, allow_all: bool = False) -> int:
    """Where `value` is among `choices`; otherwise a ChoiceError: "There is no <what> <value>; choose one
    of: ..." (with "'all' or" when ALL is also accepted, which the caller checks)."""
    choices = list(choices)
    for i, choice in enumerate(choices):
        if _same(value, choice):
            return i
    listed = ", ".join(str(c) for c in choices[:12]) + (", ..." if len(choices) > 12 else "")
    raise ChoiceError(f"There is no {what} {value!r}; choose {chr(39) + ALL + chr(39) + ' or ' if allow_all else ''}"
                      f"one of: {listed}.")


def check_choice(value, choices, what: str, allow_all: bool = True):
    """`value` if it is one of `choices` (or ALL, when allowed); else a ChoiceError naming the choices.
    The one "is this one of the choices" check of the course."""
    if allow_all and value == ALL:
        return value
    choices = list(choices)
    return choices[choice_index(value, choices, what, allow_all)]


class Slider(_Choice):
    """A slider over a list of options: `Slider(options=[("1 Sep", "2016-09-01"), ...], value=..., description=...)`.
    Arrow keys move it one option; screen readers hear the label of the option, not a position."""
    _esm = _SLIDER_RENDER


class Dropdown(_Choice):
    """A <select> named by its label: `Dropdown(options=[("all kinds", "all"), ...], value=..., description=...)`."""
    _esm = _DROPDOWN_RENDER


def number_options(low, high, step, fmt: str = "") -> list:
    """(label, value) for low, low + step, ... high: ints stay ints, floats are rounded so 0.05 * 3 == 0.15."""
    if step <= 0 or high < low:
        raise CourseError(f"A number slider needs low <= high and a step above 0; got {low}, {high}, {step}.")
    count = int(round((high - low) / step)) + 1
    whole = all(isinstance(x, int) for x in (low, high, step))
    values = [low + i * step if whole else round(low + i * step, 10) for i in range(count)]
    return [(format(v, fmt), v) for v in values]


class NumberSlider(Slider):
    """A slider over numbers from `min` to `max` by `step`, its readout written with `readout_format`."""

    def __init__(self, value, min, max, step=1, description: str = "", readout_format: str = "", **kwargs):
        self.min, self.max, self.step = min, max, step
        super().__init__(number_options(min, max, step, readout_format), value, description, **kwargs)

    def index_of(self, value) -> int:
        try:
            return super().index_of(value)
        except ChoiceError:
            raise ChoiceError(f"{self.description or 'This slider'} takes a number from {self.min} to {self.max} "
                              f"in steps of {self.step}; got {value!r}.") from None


class RangeSlider(_Named, anywidget.AnyWidget):
    """Two sliders in a group, `value` = (low, high) over a list of options (e.g. years); low stays <= high."""
    _esm = _RANGE_RENDER
    _css = CSS
    description = traitlets.Unicode("").tag(sync=True)
    width = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    low = traitlets.Int(0).tag(sync=True)
    high = traitlets.Int(0).tag(sync=True)
    value = traitlets.Tuple()

    def __init__(self, options, value=None, description: str = "", **kwargs):
        pairs = _pairs(options)
        self._values = [v for _, v in pairs]
        super().__init__(description=description, labels=[label for label, _ in pairs], **kwargs)
        self.value = (self._values[0], self._values[-1]) if value is None else tuple(value)

    @property
    def options(self) -> list:
        return list(zip(self.labels, self._values))

    @traitlets.validate("value")
    def _valid_value(self, proposal):
        if len(proposal["value"]) != 2:
            raise CourseError(f"{self.description or 'A range'} takes two values, (first, last).")
        low, high = (choice_index(v, self._values, (self.description or "such value").lower())
                     for v in proposal["value"])
        low, high = sorted((low, high))
        return self._values[low], self._values[high]

    @traitlets.observe("value")
    def _value_to_ends(self, change):
        with self.hold_trait_notifications():      # both ends move before anyone hears of either
            self.low, self.high = (self._values.index(v) for v in change["new"])

    @traitlets.observe("low", "high")
    def _ends_to_value(self, change):
        low, high = sorted((self.low, self.high))     # a person dragged one end past the other
        with self.hold_trait_notifications():
            self.low, self.high = low, high
        self.value = (self._values[low], self._values[high])


def year_options(first: int, last: int) -> list:
    return [(str(y), y) for y in range(first, last + 1)]


class Button(_Named, anywidget.AnyWidget):
    """A native <button> whose accessible name is its text: `Button(description="Next event")`, then
    `button.on_click(callback)`; the callback gets the button."""
    _esm = _BUTTON_RENDER
    _css = CSS
    description = traitlets.Unicode("").tag(sync=True)
    arrow = traitlets.Enum(("", "left", "right"), "").tag(sync=True)   # drawn beside the text, hidden from screen readers

    def __init__(self, description: str, arrow: str = "", **kwargs):
        super().__init__(description=description, arrow=arrow, **kwargs)
        self._callbacks = []
        self.on_msg(self._handle)

    def on_click(self, callback):
        self._callbacks.append(callback)

    def click(self):
        """What a click in the browser does: call every callback (tests call this directly)."""
        for callback in self._callbacks:
            callback(self)

    def _handle(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("event") == "click":
            self.click()


_LINK_RENDER = _COMMON_JS + """
export default { render({ model, el }) {
  el.hidden = true;
  let tries = 0;
  const link = () => {
    const root = el.closest(".ceasefire-explorer");
    const figure = root && root.querySelector(".ceasefire-figure");
    const text = root && root.querySelector(".ceasefire-description");
    if (!figure || !text) { if (tries++ < 300) setTimeout(link, 100); return; }
    if (!text.id) text.id = uid();
    figure.setAttribute("role", "figure");
    figure.setAttribute("aria-describedby", text.id);
    const name = () => figure.setAttribute("aria-label", model.get("label"));
    model.on("change:label", name); name();
  };
  link();
} };
"""


class FigureLink(_Named, anywidget.AnyWidget):
    """Invisible: inside an explorer (a box with the class `ceasefire-explorer`), it makes the FigureWidget
    (class `ceasefire-figure`) a `role="figure"` named by `label` (the figure's title) and described by the
    text under it (class `ceasefire-description`), so a screen reader meets the figure with its text.
    (DOMWidget's `tooltip` cannot do this: on a FigureWidget it breaks the view in ipywidgets 8.1.9.)"""
    _esm = _LINK_RENDER
    label = traitlets.Unicode("").tag(sync=True)
