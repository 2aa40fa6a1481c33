"""`python -m ceasefire.instructor.singleuser`: JupyterHub's single-user server, started about a second sooner.

It is `jupyterhub-singleuser` (same options, same behaviour) except for one import. The server imports
jupyter_events, which imports jsonschema, which imports rfc3987_syntax only to have an "iri" format checker
ready; importing that compiles a lark grammar, about 1 s of CPU on every student's server start (two thirds
of the server's own start), and a class starting together on a few cores waits for all of them. No server
validates an IRI when it starts, so rfc3987_syntax is registered as a stand-in that imports the real module
the first time anything uses it and hands over: jsonschema works exactly as before. This is the stand-in the
course's kernels get from `ceasefire.display.setup`, from ceasefire.deferred, which imports only the
standard library (importing ceasefire.display here would cost more than it saves: plotly and pandas).

A hub uses it with `c.Spawner.cmd = ["python", "-m", "ceasefire.instructor.singleuser"]` when the course
package is installed in the students' environment (instructors/running-a-class.md); tests/hub_class.py does.
"""

import sys

from ceasefire.deferred import defer_iri_grammar


def main():
    """Run jupyterhub-singleuser with this process's arguments, the IRI grammar deferred."""
    defer_iri_grammar()
    from jupyterhub.singleuser import main as singleuser

    sys.argv[0] = "jupyterhub-singleuser"
    return singleuser()


if __name__ == "__main__":
    sys.exit(main())
