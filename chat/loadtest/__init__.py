"""Tooling for measuring and checking the service; nothing in the running service imports it.

- `loadgen.py`: the load generator behind `manage.py loadtest` (real encrypted chats, open loop).
- `bench.py`: `make bench` (`python -m chat.loadtest.bench`), the service against its baselines.
- `baseline.py`: B0, the smallest relay that speaks the same frames (the benchmark's yardstick).
- `provision.py`: signed-in, certified counsellor accounts for load tests and the test suite
  (`python -m chat.loadtest.provision N`).
- `e2ee_vector.py`: builds the worked example in the appendix of docs/PROTOCOL.md
  (`python -m chat.loadtest.e2ee_vector --write`).

The Python reference client of the protocol (chat/client.py) is not here: it is the protocol's
second implementation, used by these tools, by the tests and by anyone writing another client.
`tests/test_architecture_doc.py` checks that no runtime module imports this package.
"""

from __future__ import annotations
