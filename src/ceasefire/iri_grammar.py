"""Defer the one expensive import that jsonschema makes: rfc3987_syntax's IRI grammar.

jsonschema imports rfc3987_syntax only to have an "iri" format checker ready, and importing it compiles a
lark grammar: about 1 s of CPU (several seconds in a kernel whose heap is already full, as garbage collection
walks it all). Two places pay it for nothing: a lesson's first FigureWidget (plotly's renderers -> nbformat
-> jsonschema) and every student's single-user server on a hub (jupyter_events -> jsonschema). Neither ever
validates an IRI. So, unless it is already loaded, rfc3987_syntax is registered as a stand-in whose
functions import the real module on first use and hand over to it: jsonschema behaves exactly as before.
Standard library only, so that the hub launcher (ceasefire.instructor.singleuser) can use it without
importing plotly or pandas.
"""

import importlib
import importlib.util
import sys
import types

IRI_MODULE = "rfc3987_syntax"


def defer_iri_grammar(name: str = IRI_MODULE) -> bool:
    """Register `name` as a stand-in that loads the real module on first use; True if it did. Does nothing
    (idempotent) if the module, or jsonschema that would already hold the real one, is loaded, or if it is
    not installed."""
    if name in sys.modules or "jsonschema" in sys.modules or importlib.util.find_spec(name) is None:
        return False

    def real():
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name)

    def is_valid_syntax(*args, **kwargs):
        return real().is_valid_syntax(*args, **kwargs)

    def attribute_of_real(attribute):
        if attribute.startswith("__"):   # the import system probes __path__, __spec__ ...: not a use
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    stand_in = types.ModuleType(name, f"Stand-in for {name}: loads it on first use (ceasefire.iri_grammar).")
    stand_in.is_valid_syntax = is_valid_syntax
    stand_in.__getattr__ = attribute_of_real
    sys.modules[name] = stand_in
    return True
