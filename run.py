#!/usr/bin/env python3
"""Set up and run the course with nothing but Python 3.11 or newer (Linux, macOS or Windows).

    python run.py lab     # install the course into .venv and open it in JupyterLab
    python run.py test    # install what the tests need and run every test (pytest options pass through)

Other commands: `setup` (install only; `setup --test` adds the test tools), `bench`, `bench-browser`,
`bench-hub` (performance figures). Run `python run.py --help` for the options.

Everything is installed into `.venv/` inside this folder from the pinned locks in `requirements/`, so
nothing outside it changes. Re-runs are instant until a lock file or pyproject.toml changes (a stamp
in .venv records what was installed). Only the standard library is used here, and the file parses on
old Pythons too, so that a too-old Python gets a clear message rather than a syntax error.
"""

import hashlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
MIN_PYTHON = (3, 11)
VENV_ENV = "CEASEFIRE_VENV"  # where the environment lives, if not ROOT/.venv (tests use it)
JOBS = "2"  # pytest-xdist workers, as `make test` always ran
LAB_PORT = 8888
START_NOTEBOOK = "lessons/00-start-here.ipynb"
LOCKS = {
    "course": ("requirements/course.lock",),
    "test": ("requirements/course.lock", "requirements/test.lock"),
}
BENCHES = {"bench": "bench/run.py", "bench-browser": "bench/browser.py", "bench-hub": "bench/hub.py"}
PIP = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")


def python_problem(version=None, platform=None):
    """A message saying how to get a recent enough Python, or None when this one will do."""
    version = tuple(version or sys.version_info)[:3]
    platform = platform or os.name
    if version >= MIN_PYTHON:
        return None
    have = ".".join(str(part) for part in version)
    want = ".".join(str(part) for part in MIN_PYTHON)
    if platform == "nt":
        how = ("Install it from https://www.python.org/downloads/ (tick 'Add python.exe to PATH'), "
               "then run: py -" + want + " run.py lab")
    else:
        how = ("Install it (python.org, Homebrew on macOS, or your Linux distribution's python" + want +
               " package), then run: python" + want + " run.py lab")
    return "This course needs Python " + want + " or newer; this is Python " + have + ". " + how


def venv_dir(root=ROOT, environ=None):
    environ = os.environ if environ is None else environ
    override = environ.get(VENV_ENV)
    return Path(override).expanduser().resolve() if override else Path(root) / ".venv"


def scripts_dir(venv, platform=None):
    """Where a virtual environment keeps its programs: Scripts\\ on Windows, bin/ elsewhere."""
    return Path(venv) / ("Scripts" if (platform or os.name) == "nt" else "bin")


def program(venv, name, platform=None):
    """The path of an installed program (`python`, `jupyter-lab`, ...) inside the environment."""
    platform = platform or os.name
    return scripts_dir(venv, platform) / (name + ".exe" if platform == "nt" else name)


def wanted(root, kind):
    """What an environment of this kind is installed from: a digest of its locks and pyproject.toml."""
    digest = hashlib.sha256()
    for name in LOCKS[kind] + ("pyproject.toml",):
        digest.update(name.encode() + b"\0" + (Path(root) / name).read_bytes() + b"\0")
    return digest.hexdigest()


def install_commands(root, venv, kind, platform=None):
    """The commands that make `venv` hold the locked packages of `kind` and the course package."""
    python = str(program(venv, "python", platform))
    locks = []
    for lock in LOCKS[kind]:
        locks += ["-r", str(Path(root) / lock)]
    return [[python, *PIP, *locks],
            [python, *PIP, "--no-deps", "-e", str(root)]]


def ensure(kind, root=ROOT, venv=None, run=subprocess.check_call, log=print):
    """Create the environment if needed and install `kind` ("course", or "test": the course and the test
    tools) unless its stamp says it is current; return the environment's python. The venv is made by
    this very Python, so it has the version that was checked."""
    venv = Path(venv or venv_dir(root))
    python = program(venv, "python")
    if not python.exists():
        log("Creating the course's Python environment in " + str(venv) + " ...")
        run([sys.executable, "-m", "venv", str(venv)])
    stamp = venv / (".%s-installed" % kind)
    if stamp.is_file() and stamp.read_text().strip() == wanted(root, kind):
        return python
    log("Installing the pinned packages (" + ", ".join(LOCKS[kind]) + "); the first time takes a few minutes ...")
    for command in install_commands(root, venv, kind):
        run(command)
    # a test install holds the course install too (same course lock, same package)
    for done in ("course", kind):
        (venv / (".%s-installed" % done)).write_text(wanted(root, done) + "\n")
    return python


def compile_command(python, root):
    """Byte-compile the course package (an editable install is not compiled by pip, and a Python told not to
    write bytecode would recompile it in every new kernel); quick when nothing changed."""
    return [str(python), "-m", "compileall", "-q", str(Path(root) / "src")]


def lab_command(root, venv, port, token, extra=(), platform=None, as_root=None):
    """JupyterLab on the loopback interface only, with a token, opening the start-here lesson."""
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    command = [str(program(venv, "jupyter-lab", platform)),
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port=%d" % port, "--ServerApp.port_retries=0",
               "--IdentityProvider.token=" + token, "--ServerApp.root_dir=" + str(root)]
    if as_root:  # Jupyter refuses to run as root unless told; containers and CI machines often are root
        command.append("--allow-root")
    return command + list(extra) + [START_NOTEBOOK]


def lab_url(port, token):
    return "http://127.0.0.1:%d/lab/tree/%s?token=%s" % (port, START_NOTEBOOK, token)


def test_command(python, args=()):
    """Every test: unit tests and strict nbval, two workers, one notebook per worker."""
    return [str(python), "-m", "pytest", "-n", JOBS, "--dist", "loadfile", *args]


def replace_process(command, cwd, platform=None, popen=subprocess.Popen, execv=os.execv):
    """Run `command` in place of this launcher (POSIX: exec, so Ctrl+C and SIGTERM reach it directly);
    on Windows, run it and wait, passing its exit status on."""
    os.chdir(str(cwd))
    sys.stdout.flush()
    if (platform or os.name) == "nt":
        process = popen(command)
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:  # the console sent Ctrl+C to both; let the program shut down
                continue
    execv(command[0], command)


PASS_THROUGH = ("test", *BENCHES)  # everything after these words goes to pytest / the benchmark untouched


def parse(argv):
    """(verb, options): lab and setup options parsed here; test and bench options passed through as given."""
    import argparse

    if argv and argv[0] in PASS_THROUGH:
        return argv[0], list(argv[1:])
    parser = argparse.ArgumentParser(prog="python run.py", description=__doc__.split("\n\n")[0],
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:3]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="COMMAND")
    lab = verbs.add_parser("lab", help="install the course and open it in JupyterLab (127.0.0.1 only)")
    lab.add_argument("--port", type=int, default=LAB_PORT, help="port to serve on (default %(default)s)")
    lab.add_argument("--no-browser", action="store_true", help="only print the address, open no browser")
    lab.add_argument("jupyter_args", nargs="*", metavar="JUPYTER_OPTION",
                     help="further JupyterLab options, after `--` (e.g. -- --ServerApp.log_level=WARN)")
    setup = verbs.add_parser("setup", help="only install (the course; with --test also the test tools)")
    setup.add_argument("--test", action="store_true")
    verbs.add_parser("test", help="install what the tests need and run every test; pytest options follow")
    for name, script in BENCHES.items():
        verbs.add_parser(name, help="print performance figures (%s; its options follow)" % script)
    args = parser.parse_args(argv)
    return args.verb, args


def main(argv=None, run=subprocess.check_call):
    problem = python_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    verb, options = parse(sys.argv[1:] if argv is None else argv)
    venv = venv_dir(ROOT)
    try:
        if verb == "lab":
            run(compile_command(ensure("course", ROOT, venv, run), ROOT))
            token = secrets.token_hex(24)
            print("\n  The course opens at  " + lab_url(options.port, token))
            print("  (if no browser window appears, copy that address into your browser; stop the server with Ctrl+C)\n")
            extra = (["--no-browser"] if options.no_browser else []) + options.jupyter_args
            return replace_process(lab_command(ROOT, venv, options.port, token, extra), ROOT)
        if verb == "setup":
            ensure("test" if options.test else "course", ROOT, venv, run)
            return 0
        python = ensure("test", ROOT, venv, run)
        run(compile_command(python, ROOT))
        if verb == "test":
            return replace_process(test_command(python, options), ROOT)
        return replace_process([str(python), BENCHES[verb], *options], ROOT)
    except subprocess.CalledProcessError as exc:
        print("run.py: this step failed (exit status %d): %s" % (exc.returncode, " ".join(map(str, exc.cmd))),
              file=sys.stderr)
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
