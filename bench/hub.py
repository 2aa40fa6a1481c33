"""Class-size figures on a local JupyterHub (prints figures, asserts nothing).

    .venv/bin/python bench/hub.py                 # N = 3 and 6, lessons 00 and 03
    .venv/bin/python bench/hub.py --sizes 3 6 10 --lessons lessons/00-start-here.ipynb
    .venv/bin/python bench/hub.py --sizes 6 --servers-only --singleuser plain   # start figures only, stock server

1. Hub start: launch to `GET /hub/api/` answering 200 through the proxy.
2. Students brought up at once: N servers asked for together (fresh users each round, so every one is a
   first start), seconds until the last is ready.
3. Memory per student, for the students of the last round, all running: the single-user server alone;
   then with the course pulled (nbgitpuller link), the start-here lesson run in its kernel; then with a
   second lesson run in a second kernel (both notebooks left open, as students do). RSS of the server
   plus its kernels, and PSS (shared libraries shared out: the figure to add up for a machine).
4. A capacity estimate from those figures.

Same setup as tests/test_hub.py (tests/hub_class.py): everything on 127.0.0.1, in a temporary folder,
stopped at the end. Needs git, node and npm.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hub_class import BIN, BRANCH, COURSE_FOLDER, SINGLEUSER, Class, install_proxy, memory, missing_tools  # noqa: E402

from ceasefire.instructor.links import hub_link  # noqa: E402

FOLDER = COURSE_FOLDER


def mib(values):
    return f"median {statistics.median(values):.0f} MiB (min {min(values):.0f}, max {max(values):.0f})"


def process_mib(proc):
    import psutil
    try:
        info = proc.memory_full_info()
        return info.rss / 2**20, info.pss / 2**20
    except psutil.Error:
        return 0.0, 0.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3, 6], help="class sizes to bring up at once")
    parser.add_argument("--lessons", nargs="+", default=["lessons/00-start-here.ipynb",
                                                         "lessons/03-february-failure.ipynb"],
                        help="notebooks each student runs, each in its own kernel (left open)")
    parser.add_argument("--machine-gib", type=float, nargs="+", default=[4, 8, 16, 32, 64],
                        help="machine sizes for the capacity estimate")
    parser.add_argument("--singleuser", choices=["launcher", "plain"], default="launcher",
                        help="what the spawner runs: the course's launcher (ceasefire.instructor.singleuser, as "
                             "tests/test_hub.py) or the stock jupyterhub-singleuser, to compare")
    parser.add_argument("--servers-only", action="store_true", help="stop after the start figures (1 and 2)")
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        sys.exit(f"bench/hub.py needs {', '.join(missing)}")
    install_proxy()

    rounds, names = [], []
    for size in args.sizes:
        rounds.append([f"r{len(rounds) + 1}s{i:02d}" for i in range(1, size + 1)])
        names += rounds[-1]
    import os
    import psutil

    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB, "
          f"load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="ceasefire-hub-bench-") as workdir:
        singleuser = SINGLEUSER if args.singleuser == "launcher" else [str(BIN / "jupyterhub-singleuser")]
        print(f"single-user servers run: {' '.join(singleuser)}")
        klass = Class(Path(workdir), students=names, singleuser=singleuser)
        try:
            klass.start(servers=False)
            print(f"hub start (launch -> /hub/api/ 200 through the proxy): {klass.hub.start_seconds:.1f} s")
            hub_rss, hub_pss = process_mib(psutil.Process(klass.hub.process.pid))
            for number, group in enumerate(rounds):
                ready = klass.hub.start_servers(group, timeout=300)
                times = sorted(ready.values())
                print(f"{len(group)} students at once: all ready after {times[-1]:.1f} s "
                      f"(first {times[0]:.1f} s, median {statistics.median(times):.1f} s)")
                if number < len(rounds) - 1:
                    klass.hub.stop_servers(group)
            if args.servers_only:
                return
            group = rounds[-1]
            idle = {n: memory(klass.hub.server_pid(n)) for n in group}
            link = hub_link(klass.hub.url, klass.repo.url, BRANCH, args.lessons[0])
            stages = [("server only, just started", idle)]

            def pull(student):
                student.follow(link)
                started = time.perf_counter()
                student.pull(link)
                return time.perf_counter() - started
            pulls = klass.each(pull, group)
            print(f"{len(group)} pulls at once: slowest {max(pulls.values()):.1f} s")
            kernels = {n: [] for n in group}
            for lesson in args.lessons:
                def run(student, lesson=lesson):
                    started = time.perf_counter()
                    failures, _, kernel = student.run_notebook(f"{FOLDER}/{lesson}", keep_open=True)
                    kernels[student.name].append(kernel)
                    return failures, time.perf_counter() - started
                results = klass.each(run, group)
                failed = [f for failures, _ in results.values() for f in failures]
                slowest = max(seconds for _, seconds in results.values())
                print(f"{lesson} run in {len(group)} kernels at once: slowest {slowest:.1f} s"
                      + (f"; FAILURES: {failed[:3]}" if failed else ""))
                stages.append((f"+ {Path(lesson).stem} run (kernels open: {len(kernels[group[0]])})",
                               {n: memory(klass.hub.server_pid(n)) for n in group}))
            proxy = [p for p in klass.hub.descendants() if "configurable-http-proxy" in " ".join(p.cmdline())]
            proxy_rss, proxy_pss = process_mib(proxy[0]) if proxy else (0.0, 0.0)
            print(f"\nmemory per student ({len(group)} students, all running):")
            for label, figures in stages:
                rows = list(figures.values())
                print(f"  {label}:")
                print(f"    server RSS {mib([r['server_rss'] for r in rows])}; kernels RSS "
                      f"{mib([r['kernels_rss'] for r in rows])}")
                print(f"    server + kernels: RSS {mib([r['total_rss'] for r in rows])}; "
                      f"PSS {mib([r['total_pss'] for r in rows])}")
            print(f"  shared by the class: hub RSS {hub_rss:.0f} MiB (PSS {hub_pss:.0f}), "
                  f"proxy RSS {proxy_rss:.0f} MiB (PSS {proxy_pss:.0f})")

            worst = max(r["total_pss"] for r in stages[-1][1].values())
            one_kernel = max(r["total_pss"] for r in stages[1][1].values())
            base = hub_pss + proxy_pss + 1024          # hub, proxy and 1 GiB for the system
            print(f"\ncapacity estimate (PSS per student: {one_kernel:.0f} MiB with one lesson open, {worst:.0f} MiB "
                  f"with {len(args.lessons)}; plus 25 % headroom; hub + proxy + 1 GiB for the system):")
            for gib in args.machine_gib:
                free = gib * 1024 - base
                print(f"  {gib:g} GiB: {int(free / (one_kernel * 1.25))} students with one lesson open, "
                      f"{int(free / (worst * 1.25))} with {len(args.lessons)} notebooks open")
            for student_kernels in kernels.values():
                for kernel in student_kernels:
                    kernel.close()
        finally:
            started = time.perf_counter()
            leftovers = klass.stop()
            print(f"\nstopped in {time.perf_counter() - started:.1f} s; processes left behind: {len(leftovers)}")


if __name__ == "__main__":
    main()
