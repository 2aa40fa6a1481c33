"""`ceasefire doctor`: what a student or instructor runs when something looks wrong."""

import importlib.metadata
import subprocess
import sys

PACKAGES = ("jupyterlab", "ipywidgets", "anywidget", "plotly", "pandas", "nbformat", "nbclient")
EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "jupyterlab-plotly", "anywidget")


def checks():
    """(ok, what, detail) for each thing worth knowing."""
    out = []
    ok = sys.version_info >= (3, 11)
    out.append((ok, "Python", f"{sys.version.split()[0]}" + ("" if ok else " (the course needs 3.11 or newer)")))
    for name in PACKAGES:
        try:
            out.append((True, name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            out.append((False, name, "not installed: run `python run.py lab` (or pip install -r requirements/course.lock)"))
    try:
        listing = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"], capture_output=True,
                                 text=True, timeout=60, env={**__import__("os").environ, "NO_COLOR": "1"})
        text = (listing.stdout + listing.stderr).replace("\x1b[32m", "").replace("\x1b[0m", "")
        lines = {line.split()[0]: line for line in text.splitlines() if line.strip() and not line.startswith(("JupyterLab", "/"))}
        for name in EXTENSIONS:
            line = lines.get(name, "")
            state = "enabled" in line and "OK" in line
            out.append((state, f"JupyterLab extension {name}", line.split(None, 1)[1].strip() if state else "missing or disabled"))
    except Exception as exc:   # noqa: BLE001 - doctor reports, never crashes
        out.append((False, "JupyterLab extensions", f"could not be listed ({type(exc).__name__})"))
    try:
        from ceasefire import display
        import plotly.io as pio
        display.setup()
        out.append((pio.renderers.default == display.RENDERER, "plotly renderer", pio.renderers.default))
    except Exception as exc:   # noqa: BLE001
        out.append((False, "plotly renderer", f"cannot be set ({exc})"))
    try:
        from ceasefire.data import check_all
        problems = check_all()
        out.append((not problems, "data files", "all valid" if not problems else f"{len(problems)} problem(s): {problems[0]}"))
    except Exception as exc:   # noqa: BLE001
        out.append((False, "data files", str(exc).splitlines()[0]))
    try:
        from ceasefire.checking.keys import load_keys
        out.append((True, "answer keys", f"{len(load_keys())} questions"))
    except Exception as exc:   # noqa: BLE001
        out.append((False, "answer keys", str(exc)))
    return out


def report() -> int:
    results = checks()
    for ok, what, detail in results:
        print(f"[{'ok' if ok else '!!'}] {what}: {detail}")
    bad = sum(not ok for ok, _, _ in results)
    print("Everything looks right." if not bad else f"{bad} thing(s) need attention (marked !!).")
    return 1 if bad else 0
