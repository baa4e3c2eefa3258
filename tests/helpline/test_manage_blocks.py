"""Blocks in the staff administration (helpline.blocks): listed without the address hash, lifted, audited."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User

from chat.store import get_store
from helpline.blocks import block_id_of, do_lift_block, list_active_blocks
from helpline.models import AuditEvent
from tests.personas import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

ADDR_HASH = "5e" * 32


@pytest.fixture
def blocked() -> str:
    store = get_store()
    async_to_sync(store.flush_everything)()
    async_to_sync(store.block)(ADDR_HASH, 7200, placed_by="Sam", reason="threats")
    yield block_id_of(ADDR_HASH)
    async_to_sync(store.flush_everything)()


def test_it_lists_blocks_by_an_opaque_id_never_the_address_hash(blocked: str, supervisor: User) -> None:
    (block,) = list_active_blocks()
    assert block.block_id == blocked and ADDR_HASH not in block.block_id
    assert (block.placed_by, block.reason) == ("Sam", "threats") and 7190 < block.seconds_left <= 7200
    html = signed_in_client(supervisor).get("/staff/manage/blocks/").content.decode()
    assert "threats" in html and "2 h 0 min" in html
    assert ADDR_HASH not in html and ADDR_HASH[:16] not in html


def test_it_lifts_a_block_and_audits_it_without_the_hash(blocked: str, admin: User) -> None:
    response = signed_in_client(admin).post("/staff/manage/blocks/lift/", {"block": blocked})
    assert response.status_code == 302
    assert list_active_blocks() == []
    assert async_to_sync(get_store().is_blocked)(ADDR_HASH) is False
    event = AuditEvent.objects.get(action="block.lifted")
    assert event.actor == admin and event.target == f"block:{blocked}"
    assert ADDR_HASH not in str(AuditEvent.objects.values_list())


def test_lifting_an_unknown_or_malformed_block_changes_nothing(blocked: str, admin: User) -> None:
    assert do_lift_block(actor=admin, block_id="0" * 16) is False
    assert do_lift_block(actor=admin, block_id="<script>") is False
    assert len(list_active_blocks()) == 1
    assert not AuditEvent.objects.filter(action="block.lifted").exists()
