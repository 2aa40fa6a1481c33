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
