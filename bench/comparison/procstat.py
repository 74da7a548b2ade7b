"""CPU time and resident memory of a process, read from /proc."""

import os
import threading

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time of the process so far (utime + stime in /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    # The command name, field 2, is in parentheses and may hold spaces: count fields after it.
    fields = stat[stat.rindex(")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])   # fields 14 and 15 of proc(5)
    return (utime + stime) / _TICKS_PER_S


def rss_kb(pid):
    """VmRSS in KiB (the kernel's "kB")."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


class PeakRssSampler:
    """Reads a process's VmRSS every `interval_s` on a thread until stopped, keeping the largest."""

    def __init__(self, pid, interval_s=0.2):
        self.pid, self.interval_s = pid, interval_s
        self.peak_kb = rss_kb(pid)
        self.samples = 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self):
        while not self._stop.wait(self.interval_s):
            self._sample()

    def _sample(self):
        try:
            self.peak_kb = max(self.peak_kb, rss_kb(self.pid))
            self.samples += 1
        except (OSError, RuntimeError):
            pass   # the process is gone; the run will report its exit
