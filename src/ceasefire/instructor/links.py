"""Launch links for every lesson and exercise: Binder, and nbgitpuller for a JupyterHub."""

from urllib.parse import urlencode

from ceasefire.manifest import Course, binder_url


def repo_url(repo: str) -> str:
    """OWNER/NAME means GitHub; anything with :// is used as the git address as it is."""
    return repo if "://" in repo else f"https://github.com/{repo}"


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller clones into: the last part of the address, without .git."""
    name = repo.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def notebooks(course: Course):
    for lesson in course.lessons:
        if lesson.ready:
            yield lesson, lesson.notebook
            exercise = course.root / "exercises" / f"{lesson.slug}.ipynb"
            if exercise.exists():
                yield lesson, f"exercises/{lesson.slug}.ipynb"


def hub_link(hub: str, repo: str, ref: str, path: str) -> str:
    folder = repo_folder(repo)
    query = urlencode({"repo": repo_url(repo), "branch": ref, "targetpath": folder,
                       "urlpath": f"lab/tree/{folder}/{path}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def links(course: Course, repo: str, ref: str = "main", hub: str | None = None):
    rows = []
    for lesson, path in notebooks(course):
        row = {"lesson": lesson.number, "notebook": path}
        if "://" not in repo:
            row["binder"] = binder_url(repo, path, ref)
        if hub:
            row["hub"] = hub_link(hub, repo, ref, path)
        rows.append(row)
    return rows
