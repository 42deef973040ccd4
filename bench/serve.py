"""
gunicorn servers for ``python -m bench http``: started as production starts
them (``gunicorn -c gunicorn.conf.py``, so every site gets the same workers,
timeouts and recycling), in a session of their own so a stop reaches the
master and its workers and nothing else, and always stopped, also on errors.
"""

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

GUNICORN_CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path, timeout=30):
    """(status, body bytes) of one GET, redirects not followed: a 301 must show as a 301."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", quote(path, safe="/?=&%"), headers={"User-Agent": "bench-http"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Server:
    """One gunicorn master with its workers, serving ``app`` from ``cwd``."""

    def __init__(self, name, gunicorn, app, cwd, env, log):
        self.name = name
        self.port = free_port()
        self.command = [str(gunicorn), "-c", str(GUNICORN_CONFIG), app]
        self.cwd = cwd
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            # An empty value is not "off" to gunicorn (it tries to open the file ""):
            # lines are formatted and thrown away, as cheaply as logging can be.
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
        self.log = Path(log)
        self.process = None

    def start(self, probe="/", timeout=60):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited\n{self.log_tail()}")
            try:
                get(self.port, probe, timeout=5)
            except OSError:
                time.sleep(0.2)
                continue
            if len(self.workers()) >= self.expected_workers():
                return self
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: not serving after {timeout} s\n{self.log_tail()}")

    def expected_workers(self):
        return int(self.env.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))

    def workers(self):
        """The master's children: the workers (by their parent pid, from /proc)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …; comm may hold spaces and parentheses.
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid:
                found.append(int(entry.name))
        return found

    def worker_rss_mb(self):
        """VmRSS of each worker, in MiB."""
        sizes = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self):
        """TERM to the master (graceful), KILL to its session if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self):
        return tail(self.log)


def tail(path, lines=20):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
