"""Loaded by pytest before any other plugin (`-p ceasefire.pytest_startup` in pyproject.toml's addopts), in
every pytest process, xdist workers and nested runs included: defers rfc3987_syntax's IRI grammar
(ceasefire.deferred), which nbval's import of nbformat, and so jsonschema, would otherwise compile at
start-up, about 1 s of CPU per process. No test validates an IRI; if one did, the real module would load."""

from ceasefire.deferred import defer_iri_grammar

defer_iri_grammar()
