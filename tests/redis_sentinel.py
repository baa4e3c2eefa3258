"""A throwaway Redis primary, a replica and three Sentinels on free loopback ports.

For the fail-over test (tests/chat/test_failover_sentinel.py) and the churn soak (tests/soak/);
never the machine's shared Redis. Every server runs without persistence, as in production
(docs/OPERATIONS.md section 7.4 has the same configuration for operators), with the Sentinels'
timers shortened so that a fail-over takes a couple of seconds: down-after-milliseconds 1000,
failover-timeout 5000.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from tests.conftest import free_port

MASTER_NAME = "helpline"


def _wait(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():  # type: ignore[operator]
                return
        except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def sentinel_config(*, port: int, master_port: int, directory: Path) -> str:
    """The Sentinel configuration the test runs (and docs/OPERATIONS.md shows)."""
    return "\n".join([
        f"port {port}",
        "bind 127.0.0.1",
        f"dir {directory}",
        f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 2",
        f"sentinel down-after-milliseconds {MASTER_NAME} 1000",
        f"sentinel failover-timeout {MASTER_NAME} 5000",
        f"sentinel parallel-syncs {MASTER_NAME} 1",
        "",
    ])


class SentinelCluster:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.redis_ports = [free_port(), free_port()]
        self.sentinel_ports = [free_port(), free_port(), free_port()]
        self.processes: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def sentinels(self) -> str:
        """REDIS_SENTINELS for the workers."""
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)

    def worker_env(self) -> dict[str, str]:
        return {"REDIS_SENTINELS": self.sentinels, "REDIS_SENTINEL_MASTER": MASTER_NAME, "REDIS_SENTINEL_DB": "0"}

    def _start_redis(self, port: int, *extra: str) -> None:
        self.processes[port] = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory), "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
             *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        _wait(lambda: redis.Redis(port=port, socket_connect_timeout=0.5).ping(), 10, f"redis on {port}")

    def start(self) -> None:
        if shutil.which("redis-server") is None or shutil.which("redis-sentinel") is None:
            raise FileNotFoundError("redis-server and redis-sentinel are needed")
        primary, replica = self.redis_ports
        self._start_redis(primary)
        self._start_redis(replica, "--replicaof", "127.0.0.1", str(primary))
        _wait(lambda: redis.Redis(port=replica).info("replication")["master_link_status"] == "up", 15,
              "the replica to sync")
        for port in self.sentinel_ports:
            config = self.directory / f"sentinel-{port}.conf"
            config.write_text(sentinel_config(port=port, master_port=primary, directory=self.directory))
            self.processes[port] = subprocess.Popen(["redis-sentinel", str(config)], stdout=subprocess.DEVNULL,
                                                    stderr=subprocess.DEVNULL)
        for port in self.sentinel_ports:
            client = redis.Redis(port=port, socket_connect_timeout=0.5, decode_responses=True)
            # Each Sentinel must know the replica (to promote it) and the two others (to agree).
            # (Raw commands: redis-py 6.4's parser of these answers fails.)
            _wait(lambda c=client: len(c.execute_command("SENTINEL", "REPLICAS", MASTER_NAME)) == 1, 20,
                  "Sentinels to find the replica")
            _wait(lambda c=client: len(c.execute_command("SENTINEL", "SENTINELS", MASTER_NAME)) == 2, 20,
                  "Sentinels to find each other")

    def master_port(self) -> int | None:
        """The master's port as the first Sentinel that answers sees it."""
        for port in self.sentinel_ports:
            try:
                client = redis.Redis(port=port, socket_connect_timeout=0.5, socket_timeout=0.5)
                found = client.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
                if found:
                    return int(found[1])
            except (redis.ConnectionError, redis.TimeoutError):
                continue
        return None

    def kill(self, port: int) -> None:
        """SIGKILL: what a crash or an out-of-memory kill looks like."""
        process = self.processes.get(port)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)

    def stop(self) -> None:
        for port in list(self.processes):
            self.kill(port)
