"""helpline/redis_conn.py and the Redis settings: sharded channel layer, Sentinel fail-over.

The Sentinel and sharding tests start their own throw-away redis-server processes (no
persistence) on free ports, so they never touch another engineer's Redis database.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from helpline.redis_conn import (
    cache_config,
    channel_layer_hosts,
    make_redis_client,
    parse_sentinels,
    redis_client_kwargs,
)
from tests.conftest import REPO, free_port, missing_service

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


# --- Pure configuration -----------------------------------------------------------------------------


def test_it_reads_sentinels_as_host_port_pairs() -> None:
    assert parse_sentinels(["10.0.0.1:26379", "[::1]:26380", "sentinel.internal:26381"]) == [
        ("10.0.0.1", 26379),
        ("::1", 26380),
        ("sentinel.internal", 26381),
    ]
    for bad in ("10.0.0.1", ":26379", "host:port"):
        with pytest.raises(ImproperlyConfigured, match="host:port"):
            parse_sentinels([bad])


def test_it_shards_the_layer_across_hosts_in_the_given_order() -> None:
    hosts = ["redis://10.0.0.1:6379/0", "redis://10.0.0.2:6379/0"]
    assert channel_layer_hosts(hosts=hosts, sentinels=[], master_name="m", db=0, password="") == hosts
    assert channel_layer_hosts(hosts=hosts, sentinels=[], master_name="m", db=0, password="pw") == [
        {"address": hosts[0], "password": "pw"},
        {"address": hosts[1], "password": "pw"},
    ]


def test_it_gives_channels_redis_the_sentinel_shape_it_documents() -> None:
    # channels-redis: {"sentinels": [(host, port)], "master_name": ..., **connection kwargs}
    assert channel_layer_hosts(
        hosts=["redis://ignored"], sentinels=["s1:26379", "s2:26379"], master_name="helpline", db=3, password="pw"
    )[0] | {"retry": None} == {
        "sentinels": [("s1", 26379), ("s2", 26379)], "master_name": "helpline", "db": 3, "password": "pw",
        "sentinel_kwargs": {"socket_timeout": 2.0, "socket_connect_timeout": 2.0}, "socket_connect_timeout": 1.0,
        "retry": None,
    }


def test_it_lets_the_layer_find_a_new_master_quickly() -> None:
    from redis.backoff import ConstantBackoff

    (host,) = channel_layer_hosts(hosts=[], sentinels=["s1:26379"], master_name="m", db=0, password="")
    assert isinstance(host, dict)
    assert host["retry"].get_retries() == 2 and isinstance(host["retry"]._backoff, ConstantBackoff)


def settings_in_subprocess(env: dict[str, str]) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'layer': settings.CHANNEL_LAYERS['default'], 'cache': settings.CACHES['default'],"
        " 'store': settings.LIVE_STORE}, default=lambda o: type(o).__name__))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "DJANGO", "PYTEST"))}
    base.update({"DJANGO_SETTINGS_MODULE": "helpline.settings", "SECRET_KEY": "k" * 50, **env})
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=base, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_loads_settings_with_sentinels_and_no_redis_url() -> None:
    loaded = settings_in_subprocess({"REDIS_SENTINELS": "10.0.0.1:26379,10.0.0.2:26379", "REDIS_SENTINEL_DB": "2"})
    assert loaded["layer"]["CONFIG"]["hosts"] == [  # type: ignore[index]
        {"sentinels": [["10.0.0.1", 26379], ["10.0.0.2", 26379]], "master_name": "mymaster", "db": 2,
         "sentinel_kwargs": {"socket_timeout": 2.0, "socket_connect_timeout": 2.0}, "socket_connect_timeout": 1.0,
         "retry": "Retry"}
    ]
    assert loaded["cache"]["OPTIONS"]["pool_class"] == "helpline.redis_conn.SentinelMasterPool"  # type: ignore[index]
    assert loaded["store"] == "chat.store.redis.RedisStore"


def test_it_keeps_the_cache_on_one_redis_when_the_layer_is_sharded() -> None:
    loaded = settings_in_subprocess({"REDIS_HOSTS": "redis://10.0.0.1:6379/0,redis://10.0.0.2:6379/0"})
    assert loaded["layer"]["CONFIG"]["hosts"] == [  # type: ignore[index]
        "redis://10.0.0.1:6379/0",
        "redis://10.0.0.2:6379/0",
    ]
    # Django would read from every further LOCATION as a replica: the cache gets exactly one.
    assert loaded["cache"]["LOCATION"] == "redis://10.0.0.1:6379/0"  # type: ignore[index]


def test_it_says_when_no_redis_is_configured() -> None:
    with override_settings(REDIS_URL="", REDIS_HOSTS=[], REDIS_SENTINELS=[]):
        with pytest.raises(ImproperlyConfigured, match="no Redis is configured"):
            redis_client_kwargs()


# --- Real Redis and Sentinel processes ------------------------------------------------------------


@pytest.fixture
def redis_process(tmp_path: Path) -> Iterator[Callable[..., int]]:
    """Start redis-server (or, with sentinel_for=port, a Sentinel) on a free port; stopped after."""
    if not Path(REDIS_SERVER).exists():
        missing_service("redis-server is not installed")
    processes: list[subprocess.Popen[bytes]] = []

    def start(*, sentinel_for: int | None = None, master_name: str = "helpline") -> int:
        port = free_port()
        directory = tmp_path / f"redis-{port}"
        directory.mkdir()
        lines = [f"port {port}", "bind 127.0.0.1", f'dir "{directory}"', 'save ""', "appendonly no"]
        if sentinel_for is not None:
            lines = [f"port {port}", "bind 127.0.0.1", f'dir "{directory}"']
            lines += [f"sentinel monitor {master_name} 127.0.0.1 {sentinel_for} 1"]
        config = directory / "redis.conf"
        config.write_text("\n".join(lines) + "\n")
        args = [REDIS_SERVER, str(config)] + (["--sentinel"] if sentinel_for is not None else [])
        processes.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        import redis

        client = redis.Redis(port=port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis on {port} did not start") from None
                time.sleep(0.05)
        client.close()
        return port

    yield start
    for process in processes:
        process.terminate()
        process.wait(10)


@pytest.mark.redis
def test_it_follows_the_sentinel_master_for_the_store_the_cache_and_the_layer(redis_process) -> None:
    from channels_redis.core import RedisChannelLayer
    from django.core.cache.backends.redis import RedisCache

    master = redis_process()
    sentinel = redis_process(sentinel_for=master)
    sentinels = [f"127.0.0.1:{sentinel}"]

    with override_settings(REDIS_SENTINELS=sentinels, REDIS_SENTINEL_MASTER="helpline", REDIS_SENTINEL_DB=4):
        sync_client = make_redis_client(async_=False)
        sync_client.set("helpline:test", "through-sentinel")
        assert sync_client.connection_pool.get_master_address() == ("127.0.0.1", master)  # type: ignore[union-attr]

        async def async_read() -> bytes | None:
            client = make_redis_client(socket_timeout=5)
            try:
                return await client.get("helpline:test")  # type: ignore[no-any-return]
            finally:
                await client.aclose()

        assert asyncio.run(async_read()) == b"through-sentinel"
        sync_client.close()

    import redis

    direct = redis.Redis(port=master, db=4)
    assert direct.get("helpline:test") == b"through-sentinel"

    config = cache_config(url="", sentinels=sentinels, master_name="helpline", db=4, password="")
    cache = RedisCache(config["LOCATION"], {"OPTIONS": config["OPTIONS"]})
    cache.set("address-key", "abc", 30)
    assert cache.get("address-key") == "abc"
    assert direct.exists(cache.make_and_validate_key("address-key")) == 1

    hosts = channel_layer_hosts(hosts=[], sentinels=sentinels, master_name="helpline", db=4, password="")

    async def round_trip() -> dict[str, object]:
        layer = RedisChannelLayer(hosts=hosts)
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "relay", "n": 1})
        message = await layer.receive(channel)
        await layer.flush()
        await layer.close_pools()
        return message

    assert asyncio.run(round_trip()) == {"type": "relay", "n": 1}
    direct.flushdb()
    direct.close()


@pytest.mark.redis
def test_it_spreads_channels_over_every_shard(redis_process, redis_client, redis_url: str) -> None:
    import redis
    from channels_redis.core import RedisChannelLayer

    second = redis_process()
    hosts = channel_layer_hosts(
        hosts=[redis_url, f"redis://127.0.0.1:{second}/0"], sentinels=[], master_name="", db=0, password=""
    )

    async def send_many() -> list[str]:
        layer = RedisChannelLayer(hosts=hosts, expiry=30)
        channels = [f"specific.{n}!" for n in range(40)]
        for channel in channels:
            await layer.send(channel, {"type": "relay"})
        await layer.close_pools()
        return channels

    asyncio.run(send_many())
    other = redis.Redis(port=second)
    assert redis_client.dbsize() > 0  # type: ignore[attr-defined]
    assert other.dbsize() > 0
    other.close()
