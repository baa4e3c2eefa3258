from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class SeekerConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.close(code=4503)


class CounsellorConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.close(code=4503)
