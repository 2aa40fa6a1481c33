"""Pinned npm packages the tests need (the hub's proxy, axe-core), installed by the tests themselves into a
folder under the venv, so `python run.py test` on a fresh machine needs nothing installed by hand."""

import json
import subprocess
from pathlib import Path


def npm_install(package: str, version: str, folder: Path, wanted: str) -> Path:
    """`package@version` from npm into `folder` (reused while that version is there); returns the path of
    `wanted` (relative to folder/node_modules) or raises RuntimeError with npm's message."""
    target = folder / "node_modules" / wanted
    manifest = folder / "node_modules" / package / "package.json"
    if target.exists() and manifest.exists() and json.loads(manifest.read_text())["version"] == version:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix",
                             str(folder), f"{package}@{version}"], capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(f"npm could not install {package}@{version}:\n{result.stderr[-2000:]}")
    return target
