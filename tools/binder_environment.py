"""The pinned environment, written twice for two installers: requirements/course.lock for pip and
environment.yml for conda and Binder. environment.yml is rendered from the lock so the pins agree;
tests/test_environment.py fails when they drift."""

import re

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)$")
PYTHON_VERSION = "3.11"
CHANNEL = "conda-forge"


def normalise(name: str) -> str:
    """PEP 503 name normalisation: 'PyYAML' and 'pyyaml', 'jupyter_core' and 'jupyter-core' are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict:
    """name -> version for every 'name==version' line; anything else but comments is an error."""
    pins = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        if not match:
            raise ValueError(f"lock line {number} is not an exact pin 'name==version': {line!r}")
        pins[normalise(match.group(1))] = match.group(2)
    return pins


def render_environment_yml(lock_text: str) -> str:
    lines = [
        "# Generated from requirements/course.lock by `make lock`; do not edit by hand.",
        "# Binder and conda users get exactly the pip pins of the lock. The course package itself is",
        "# installed by postBuild (a local path here would make Binder rebuild the whole environment",
        "# on every commit).",
        "name: ceasefire-course",
        "channels:",
        f"  - {CHANNEL}",
        "dependencies:",
        f"  - python={PYTHON_VERSION}",
        "  - pip",
        "  - pip:",
    ]
    for line in lock_text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append(f"      - {line}")
    return "\n".join(lines) + "\n"


def environment_pins(env: dict) -> dict:
    """name -> version from the pip section of a parsed environment.yml."""
    pins = {}
    for dep in env.get("dependencies", []):
        if isinstance(dep, dict) and "pip" in dep:
            for item in dep["pip"]:
                pins.update(parse_lock(str(item)))
    return pins


def drift(lock_pins: dict, env_pins: dict) -> list:
    """Human-readable differences between the lock and environment.yml (empty when they agree)."""
    problems = []
    for name in sorted(set(lock_pins) | set(env_pins)):
        a, b = lock_pins.get(name), env_pins.get(name)
        if a != b:
            problems.append(f"{name}: lock has {a or 'nothing'}, environment.yml has {b or 'nothing'}")
    return problems


# --- lint: the environment.yml mistakes that `repo2docker --no-build` lets through -----------------
# repo2docker renders its Dockerfile for every one of these (measured with 2026.4.0); they break only in
# the real Binder build, minutes later, or silently pick another Python.

BINDER_FOLDERS = ("binder", ".binder")
# repo2docker reads the Python version with `python\s*=+\s*([\d.]*)`: only `python=3.11` or `python==3.11`.
PYTHON_PIN = re.compile(r"^(?:[\w./-]+::)?python\s*=+\s*(\d+(?:\.\d+)*)")
PYTHON_ANY = re.compile(r"^(?:[\w./-]+::)?python(?:\s*[<>=!~].*)?$")
PIP_DEP = re.compile(r"^(?:[\w./-]+::)?pip(?:\s*[<>=!~].*)?$")


def _local_reference(item: str) -> str | None:
    """The local file or folder an entry points at ('-e .' -> '.', '-r req.txt' -> 'req.txt'), else None.
    Same rule as repo2docker's is_local_pip_requirement, plus absolute and home paths."""
    line = item.split("#", 1)[0].strip()
    if not line:
        return None
    if line.startswith(("-r", "-c", "--requirement", "--constraint")):
        return line.split("=", 1)[1].strip() if line.startswith("--") and "=" in line else (line[2:].strip()
                                                                                         or line)
    if line.startswith("--") and "=" in line:
        line = line.split("=", 1)[1].strip()
    elif line.startswith("-"):
        parts = line.split(None, 1)
        if len(parts) < 2:
            return None
        line = parts[1].strip()
    if "file://" in line:
        return line
    path = line.split("://", 1)[1] if "://" in line else line
    if path.startswith((".", "/", "~")):
        return path
    return None


def lint_environment(text: str, path: str = "environment.yml") -> list:
    """Problems in an environment.yml that Binder (repo2docker) would only hit in the real build, or would
    silently work around. `path` is where the file lives in the repository: conda runs the pip section from
    that file's folder, so in binder/environment.yml `-e .` means binder/. Empty list: nothing found."""
    where = path.replace("\\", "/")
    folder = where.rsplit("/", 1)[0] if "/" in where else ""
    env, problems = _parse_environment(text, where)
    if env is None:
        return problems
    problems += _top_level_problems(env, where)
    deps = env.get("dependencies")
    if deps is None:
        return problems + [f"{where}: there is no 'dependencies:' list (and so no python pin)"]
    if not isinstance(deps, list):
        return problems + [f"{where}: 'dependencies:' must be a list ('- python={PYTHON_VERSION}' on its own "
                           f"line, ...), but it is a {type(deps).__name__}: {str(deps)[:60]!r}"]
    return problems + _dependency_problems(deps, where, folder)


def _parse_environment(text: str, where: str):
    """(the parsed mapping, []) or (None, [the one problem that stops the lint])."""
    import yaml

    try:
        env = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [f"{where} is not valid YAML{at}: {problem}"]
    if not isinstance(env, dict):
        kind = "empty" if env is None else f"a {type(env).__name__}"
        return None, [f"{where}: the top level must be a mapping (name:, channels:, dependencies:), but it is {kind}"]
    return env, []


def _top_level_problems(env: dict, where: str) -> list:
    problems = []
    if "pip" in env:
        problems.append(f"{where}: 'pip:' is at the top level, where conda ignores it; move it under "
                        "'dependencies:' as '- pip:' (with '- pip' listed too)")
    channels = env.get("channels")
    if not channels:
        problems.append(f"{where}: no channel is given; add 'channels: [{CHANNEL}]' so the build does not "
                        "depend on the installer's default channel")
    elif not isinstance(channels, list) or not all(isinstance(c, str) and c.strip() for c in channels):
        problems.append(f"{where}: 'channels:' must be a list of channel names, e.g. [{CHANNEL}]")
    return problems


def _dependency_problems(deps: list, where: str, folder: str) -> list:
    problems = []
    strings = [d.strip() for d in deps if isinstance(d, str)]
    pip_lists = []
    for dep in deps:
        if isinstance(dep, dict) and set(dep) == {"pip"}:
            pip_lists.append(dep["pip"])
        elif not isinstance(dep, str):
            problems.append(f"{where}: dependency {str(dep)[:60]!r} is neither a package nor a '- pip:' list")
    if not any(PYTHON_PIN.match(s) for s in strings):
        loose = [s for s in strings if PYTHON_ANY.match(s)]
        how = (f"'{loose[0]}' is not a pin repo2docker can read (it only reads 'python=X.Y')" if loose
               else "there is no python pin")
        problems.append(f"{where}: {how}; repo2docker then falls back to its default Python with only a "
                        f"warning. Add '- python={PYTHON_VERSION}'")
    if pip_lists and not any(PIP_DEP.match(s) for s in strings):
        problems.append(f"{where}: there is a '- pip:' list but 'pip' is not among the dependencies; add "
                        "'- pip' before the list, or conda may have no pip to run it with")
    for item in strings:
        if _local_reference(item) is not None or item.startswith("-"):
            problems.append(f"{where}: '{item}' is a pip-style or local entry among the conda dependencies, "
                            "which conda cannot install; the course package belongs in postBuild "
                            "('pip install --no-deps -e .')")
    return problems + _pip_list_problems(pip_lists, where, folder)


def _pip_list_problems(pip_lists: list, where: str, folder: str) -> list:
    problems = []
    in_binder_folder = folder.split("/")[-1] in BINDER_FOLDERS if folder else False
    for items in pip_lists:
        if not isinstance(items, list):
            problems.append(f"{where}: '- pip:' must be a list of requirements, not {type(items).__name__}")
            continue
        for item in items:
            ref = _local_reference(str(item))
            if ref is None:
                continue
            if in_binder_folder and not ref.startswith(("/", "~", "file:")):
                problems.append(f"{where}: '{item}' is resolved from {folder}/, not from the repository root "
                                "(conda runs the pip section from the environment file's folder: '-e .' there "
                                f"means {folder}/); and any local path makes Binder rebuild the environment on "
                                "every commit. Install the package in postBuild ('pip install --no-deps -e .')")
            else:
                problems.append(f"{where}: '{item}' in the pip list refers to a local path ({ref}); repo2docker "
                                "then installs the environment after copying the repository, so every commit "
                                "rebuilds it on Binder. Install the course package in postBuild "
                                "('pip install --no-deps -e .')")
    return problems
