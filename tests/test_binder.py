"""Binder, checked offline and without Docker, on the committed tree (a clone of HEAD, so uncommitted
edits in the working folder neither help nor hurt).

1. `repo2docker --no-build` renders the Dockerfile Binder would build: it must pick the conda build pack
   with Python 3.11, install environment.yml before copying the repository (so content commits do not
   rebuild the environment), and run postBuild. Content providers are limited to Local and Git by a
   config file (the defaults probe the internet). We assert on key lines, never on the whole file: it
   holds host paths.
2. repo2docker lets most environment.yml mistakes through; tools/binder_environment.py (lint_environment)
   catches them (unit tests in tests/test_environment.py), and here it must pass on the committed file.
3. The stand-in for the conda build: the environment's pip section, then postBuild, in a FRESH virtual
   environment, which must import the package and execute lessons/00-start-here.ipynb.

repo2docker or git missing: skipped with one line, or a failure where CEASEFIRE_REQUIRE_HUB=1 (CI).
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from binder_environment import lint_environment
from hub_class import BIN, ROOT, git, skip_or_fail

R2D_CONFIG = """\
# Offline: only the Local and Git content providers (the others probe the internet).
from repo2docker import contentproviders
c.Repo2Docker.content_providers = [contentproviders.Local, contentproviders.Git]
"""
PYTHON = "3.11"
START_HERE = "lessons/00-start-here.ipynb"


def _repo2docker() -> list:
    if (BIN / "repo2docker").exists():
        return [str(BIN / "repo2docker")]
    if importlib.util.find_spec("repo2docker") is not None:
        return [sys.executable, "-m", "repo2docker"]
    skip_or_fail("Binder check skipped: repo2docker not installed (it is in requirements/test.lock)")


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """(clone, sha): a clone of the commit under test, on a branch of its own."""
    if not shutil.which("git"):
        skip_or_fail("Binder check skipped: git not found")
    sha = git("rev-parse", "HEAD", cwd=ROOT).strip()
    clone = tmp_path_factory.mktemp("binder") / "course"
    git("clone", "--quiet", "--no-checkout", str(ROOT), str(clone))
    git("checkout", "--quiet", "-B", "binder-check", sha, cwd=clone)
    return clone, sha


def render(repo: Path, ref: str, workdir: Path) -> tuple:
    """(returncode, Dockerfile, log) of `repo2docker --no-build` on file://repo at ref (Git provider)."""
    config = workdir / "repo2docker_config.py"
    config.write_text(R2D_CONFIG)
    result = subprocess.run([*_repo2docker(), "--config", str(config), "--no-build", "--ref", ref,
                             f"file://{repo}"], cwd=workdir, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def binder_problems(returncode: int, dockerfile: str, log: str, python: str = PYTHON) -> list:
    """What is wrong with a rendered Binder build: empty when it is the build the course needs."""
    if returncode != 0:
        return [f"repo2docker --no-build failed ({returncode}): {log.strip()[-800:]}"]
    problems = []
    if "Picked Git content provider" not in log:
        problems.append("repo2docker did not use the Git content provider (the committed tree)")
    if f"Building conda environment for python={python}" not in log:
        found = [line for line in log.splitlines() if "Building" in line]
        problems.append(f"not the conda build pack with python={python}: {found or log[-300:]}")
    lines = [line.strip() for line in dockerfile.splitlines()]

    def first(predicate):
        return next((n for n, line in enumerate(lines) if predicate(line)), None)
    env_copy = first(lambda line: line.startswith("COPY") and line.endswith("src/environment.yml "
                                                                              "${REPO_DIR}/environment.yml"))
    env_update = first(lambda line: "env update" in line and '--file "environment.yml"' in line)
    repo_copy = first(lambda line: line.startswith("COPY") and line.endswith("src/ ${REPO_DIR}/"))
    post_build = first(lambda line: line == "RUN ./postBuild")
    if None in (env_copy, env_update, repo_copy):
        problems.append("environment.yml is not installed in its own step (a local path in it?)")
    elif not env_copy < env_update < repo_copy:
        problems.append("environment.yml is installed after the repository is copied: every commit would "
                        "rebuild the environment (a local path such as '-e .' in its pip list?)")
    if post_build is None:
        problems.append("postBuild is not run")
    elif repo_copy is not None and post_build < repo_copy:
        problems.append("postBuild runs before the repository is copied")
    return problems


@pytest.mark.slow
def test_repo2docker_renders_the_binder_build_of_the_committed_tree(committed, tmp_path):
    clone, sha = committed
    assert not (clone / "binder").exists() and not (clone / ".binder").exists(), \
        "a binder/ folder would make repo2docker ignore environment.yml and postBuild at the top"
    started = time.perf_counter()
    returncode, dockerfile, log = render(clone, sha, tmp_path)
    print(f"\nrepo2docker --no-build: {time.perf_counter() - started:.1f} s")
    assert binder_problems(returncode, dockerfile, log) == [], log
    assert f'LABEL repo2docker.ref="{sha}"' in dockerfile
    assert any(line.startswith("FROM ") and "buildpack-deps" in line for line in dockerfile.splitlines())
    assert lint_environment((clone / "environment.yml").read_text(), "environment.yml") == []
    post_build = (clone / "postBuild").read_text()
    assert post_build.startswith("#!") and "pip install --no-deps -e ." in post_build
    assert os.access(clone / "postBuild", os.X_OK) or "chmod +x postBuild" in dockerfile


@pytest.mark.slow
def test_the_binder_check_fails_on_a_broken_environment(committed, tmp_path):
    """The same check on a commit whose environment.yml forgot the python pin and installs the package
    with `-e .`: repo2docker still renders, but with another Python and no pre-assembly, and the check
    reports both; lint_environment names the mistakes."""
    clone, _ = committed
    broken = tmp_path / "broken"
    git("clone", "--quiet", str(clone), str(broken))
    env = (broken / "environment.yml").read_text()
    env = env.replace("  - python=3.11\n", "").replace("  - pip:\n", "  - pip:\n      - -e .\n")
    (broken / "environment.yml").write_text(env)
    git("commit", "--quiet", "-am", "break the environment", cwd=broken)
    sha = git("rev-parse", "HEAD", cwd=broken).strip()
    returncode, dockerfile, log = render(broken, sha, tmp_path)
    assert returncode == 0, "repo2docker lets these mistakes through"
    problems = binder_problems(returncode, dockerfile, log)
    assert any("python=3.11" in p for p in problems), problems
    assert any("after the repository is copied" in p or "own step" in p for p in problems), problems
    lint = lint_environment(env)
    assert any("no python pin" in p for p in lint) and any("'-e .' in the pip list" in p for p in lint), lint

    (broken / "environment.yml").write_text("- python=3.11\n- pip\n")
    git("commit", "--quiet", "-am", "a list at the top", cwd=broken)
    returncode, dockerfile, log = render(broken, git("rev-parse", "HEAD", cwd=broken).strip(), tmp_path)
    assert binder_problems(returncode, dockerfile, log)[0].startswith("repo2docker --no-build failed")


def _clean_env(venv: Path) -> dict:
    drop = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX", "CEASEFIRE_PROGRESS", "CEASEFIRE_COURSE_ROOT",
            "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "PIP_USER")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != BIN.resolve()]
    env.update(PATH=os.pathsep.join([str(venv / "bin"), *path]), VIRTUAL_ENV=str(venv), PYTHONNOUSERSITE="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


RUN_START_HERE = """
import sys, nbformat, nbclient, ceasefire
from pathlib import Path
nb = nbformat.read("{notebook}", as_version=4)
nb.cells.append(nbformat.v4.new_code_cell("import sys, ceasefire; print(sys.prefix); print(ceasefire.__file__)"))
nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                        resources={{"metadata": {{"path": str(Path("{notebook}").parent)}}}}).execute()
errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
assert not errors, errors
print("KERNEL", nb.cells[-1].outputs[0]["text"].replace(chr(10), " ").strip())
print("DRIVER", sys.prefix, ceasefire.__file__)
"""


@pytest.mark.slow
def test_a_fresh_venv_from_the_pip_section_and_postbuild_runs_start_here(committed, tmp_path):
    """The conda build, stood in for by pip: what Binder installs, and nothing of this test's own venv."""
    clone, _ = committed
    env_file = clone / "environment.yml"
    spec = yaml.safe_load(env_file.read_text())
    pip_items = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict) and "pip" in d)
    requirements = tmp_path / "binder-requirements.txt"
    requirements.write_text("\n".join(pip_items) + "\n")
    venv = tmp_path / "fresh"
    env = _clean_env(venv)
    timings = {}

    def step(name, cmd, cwd, timeout=600):
        started = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        timings[name] = time.perf_counter() - started
        assert result.returncode == 0, f"{name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    base_python = getattr(sys, "_base_executable", None) or sys.executable
    step("venv", [base_python, "-m", "venv", str(venv)], tmp_path)
    # conda runs the pip section from the environment file's folder. --no-compile halves pip's CPU time:
    # only the modules the lesson imports get byte-compiled, on first import.
    step("pip section", [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", "--no-compile", "-r",
                         str(requirements)], env_file.parent)
    step("postBuild", ["bash", str(clone / "postBuild")], clone)
    out = step("start-here", [str(venv / "bin/python"), "-c", RUN_START_HERE.format(notebook=clone / START_HERE)],
               clone / "lessons", timeout=300)
    print("\nfresh Binder stand-in: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
          + f", total {sum(timings.values()):.1f} s")
    kernel = next(line for line in out.splitlines() if line.startswith("KERNEL")).split()
    driver = next(line for line in out.splitlines() if line.startswith("DRIVER")).split()
    for prefix, package in (kernel[1:3], driver[1:3]):
        assert Path(prefix) == venv, f"ran in {prefix}, not the fresh venv"
        assert Path(package).resolve() == (clone / "src/ceasefire/__init__.py").resolve(), package
    listed = step("pip list", [str(venv / "bin/python"), "-m", "pip", "list", "--format=freeze"], clone)
    assert "jupyterlab==4.6.6" in listed and "ceasefire-course==0.1.0" in listed
