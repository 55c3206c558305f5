"""A real ``extractor serve`` process on 127.0.0.1, for the tests that need one (a kill and
restart, a browser) and for the service benchmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess:
    """``extractor serve`` started with ``arguments``; ``url`` once ``/healthz`` answers.

    Its stderr goes to ``log`` (a file, so that a full pipe never blocks the server)."""

    def __init__(
        self, *arguments: str, env: dict[str, str] | None = None, log: Path, port: int = 0
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log: IO[bytes] = log.open("ab")
        command = [sys.executable, "-m", "extractor", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning", *arguments],
            env={**os.environ, **(env or {})},
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,  # a stuck server's workers can be killed with it
        )
        self._wait_ready()

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"extractor serve exited with {self.process.returncode}")
            try:
                if httpx2.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"extractor serve did not answer in {seconds} s")

    def kill(self) -> None:
        """SIGKILL the server process alone, as the out-of-memory killer would: no shutdown
        code runs, and its worker processes are left to end by themselves."""
        self.process.kill()
        self.process.wait(10)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._log.close()
