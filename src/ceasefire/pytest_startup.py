"""Loaded by pytest before any other plugin (`-p ceasefire.pytest_startup` in pyproject.toml's addopts), in
every pytest process, xdist workers and nested runs included, to make two start-up costs one-off:

- rfc3987_syntax's IRI grammar, which nbval's import of nbformat, and so jsonschema, would otherwise compile at
  start-up, about 1 s of CPU per process, is deferred (ceasefire.deferred). No test validates an IRI; if one
  did, the real module would load.
- pytest keeps each test module's rewritten asserts as a .pyc in the __pycache__ beside it (git ignores
  them). With PYTHONDONTWRITEBYTECODE set, as on the machine the course was built on, it wrote none, and every
  pytest process rewrote all of them again: ~175 modules (tests, conftest, plugins), 2.7 s of CPU a process,
  half of collecting. So this process writes byte code whatever the environment says; the kernels, servers
  and programs the tests start keep the environment as it is.
"""

import sys

from ceasefire.deferred import defer_iri_grammar

defer_iri_grammar()
sys.dont_write_bytecode = False
