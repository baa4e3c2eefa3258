"""`hs_init`, `hs_offer`, `hs_confirm`: the server's part of the handshake.

Through both websocket endpoints in process, against the in-memory and the Redis store."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from chat import e2ee
from chat.loadtest.provision import ProvisionedCounsellor
from chat.store.base import LiveStore
from tests.chat.live_helpers import Counsellor, Seeker

# Serialized rollback keeps the shipped defaults (triage questions, opening hours) between tests.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_background_janitor", "fresh_content_caches"),
]


async def test_the_server_refuses_an_offer_with_a_revoked_certificate(
    live_store: LiveStore, root_public: bytes, certified_counsellor: ProvisionedCounsellor
) -> None:

    from chat.certificates import do_revoke
    from chat.models import IdentityKey

    keys = IdentityKey.objects.filter(user_id=certified_counsellor.user_id)
    await sync_to_async(lambda: [do_revoke(key=k) for k in keys])()
    seeker = Seeker(root_public)
    await seeker.join({})
    worker = Counsellor(certified_counsellor)
    await worker.start()
    chat = await worker.take()
    await seeker.handshake_start()
    init = await worker.expect("hs_init", session=chat["session"])
    handshake = e2ee.CounsellorHandshake(
        chat["session"], certified_counsellor.identity_private, certified_counsellor.cert, certified_counsellor.sig_cert
    )
    await worker.send({"type": "hs_offer", "session": chat["session"], **handshake.offer(init["eph"])})
    assert (await worker.expect("error"))["code"] == "not_allowed"
    assert await seeker.nothing(0.3)
    await seeker.close()
    await worker.close()
