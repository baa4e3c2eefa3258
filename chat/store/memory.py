from __future__ import annotations


class MemoryStore:
    async def ping(self) -> bool:
        return True
