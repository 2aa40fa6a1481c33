"""write_atomic: the one way the course saves a file (progress, grades, reports, exports)."""

import os
import stat

import pytest

from ceasefire import files


def litter(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_a_new_file_and_its_folder(tmp_path):
    path = tmp_path / "deep" / "er" / "marks.csv"
    assert files.write_atomic(path, "a,b\r\n1,2\n") == path
    assert path.read_bytes() == b"a,b\r\n1,2\n"            # line endings exactly as given
    assert stat.S_IMODE(path.stat().st_mode) == files.NEW_FILE_MODE
    assert litter(path.parent) == []


def test_replaces_a_file_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o600)
    files.write_atomic(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓" and stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("step", ["replace", "fsync"])
def test_a_failure_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch, step):
    path = tmp_path / "gradebook.csv"
    path.write_text("good", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt   # as if the kernel were interrupted at that moment
    monkeypatch.setattr(os, step, interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(path, "half")
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == "good"
    assert litter(tmp_path) == []


def test_text_that_cannot_be_encoded_fails_before_touching_the_file(tmp_path):
    path = tmp_path / "out.md"
    with pytest.raises(UnicodeEncodeError):
        files.write_atomic(path, "lone surrogate \udc80")
    assert not path.exists() and litter(tmp_path) == []


def test_the_litter_check_would_see_a_leftover(tmp_path, monkeypatch):
    """Test of the test: without the clean-up, an interrupted write does leave a temporary file behind."""
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    monkeypatch.setattr(files.Path, "unlink", lambda self, missing_ok=False: None)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(tmp_path / "x.txt", "text")
    assert len(litter(tmp_path)) == 1


def test_every_atomic_writer_uses_write_atomic():
    """No module writes a temporary file and renames it by hand any more."""
    from pathlib import Path
    src = Path(files.__file__).parent
    by_hand = [p.relative_to(src).as_posix() for p in src.rglob("*.py")
               if p.name != "files.py" and "mkstemp" in p.read_text(encoding="utf-8")]
    assert by_hand == []
