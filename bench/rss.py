"""Wall time, CPU time and peak resident memory of the stages of one run, sampled from /proc.

CPU time (all threads of this process, plus the linker's forked workers once they have exited)
is kept beside wall time because the benchmark may share the machine with other work: wall time
then stretches, CPU time much less. Peak RSS is this process's; a forked worker shares its pages
copy-on-write and adds only what it writes, which this figure does not include.

ru_maxrss only ever grows over a process's life, so a stage's own peak is sampled by a
thread that reads VmRSS every few milliseconds while the stage runs.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


def cpu_time() -> float:
    """CPU seconds of this process and of its children that have been waited for."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def status_mib(pid: int | str = "self") -> dict[str, float]:
    """A process's memory figures from /proc/PID/status (VmRSS, VmHWM, …), MiB."""
    out: dict[str, float] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("Vm"):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0]) / 1024
    return out


def rss_mib() -> float:
    try:
        return status_mib()["VmRSS"]
    except (OSError, KeyError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class StageTimer:
    interval: float = 0.005
    stages: dict[str, dict[str, float]] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        peak = [rss_mib()]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(self.interval):
                peak[0] = max(peak[0], rss_mib())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started, cpu_started = time.perf_counter(), cpu_time()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            cpu = cpu_time() - cpu_started
            stop.set()
            sampler.join()
            peak[0] = max(peak[0], rss_mib())
            entry = self.stages.setdefault(name, {"seconds": 0.0, "cpu_seconds": 0.0, "peak_rss_mib": 0.0})
            entry["seconds"] += elapsed
            entry["cpu_seconds"] += cpu
            entry["peak_rss_mib"] = max(entry["peak_rss_mib"], round(peak[0], 1))

