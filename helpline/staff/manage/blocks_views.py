"""Blocks: the connections a counsellor blocked, with time left, who and why; lifting one.

Never an address: helpline.blocks names each block by an opaque id.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from chat.store.base import StoreUnavailable
from helpline.blocks import do_lift_block, list_active_blocks, time_left_words
from helpline.staff.access import staff_required
from helpline.staff.manage.common import FLOOR_STEERING


@never_cache
@require_GET
@staff_required(*FLOOR_STEERING)
def blocks(request: HttpRequest) -> HttpResponse:
    try:
        rows = [(block, *time_left_words(block.seconds_left)) for block in list_active_blocks()]
        unavailable = False
    except StoreUnavailable:
        rows, unavailable = [], True
    context = {"rows": rows, "unavailable": unavailable, "section": "blocks"}
    return render(request, "helpline/manage/blocks.html", context, status=503 if unavailable else 200)


@never_cache
@csrf_protect
@require_POST
@staff_required(*FLOOR_STEERING)
def lift_block(request: HttpRequest) -> HttpResponse:
    block_id = request.POST.get("block", "")[:32]
    try:
        lifted = do_lift_block(actor=request.user, block_id=block_id)
    except StoreUnavailable:
        messages.error(request, _("The live store cannot be reached, so the block was not lifted. Please try again."))
        return HttpResponseRedirect(reverse("manage-blocks"))
    if lifted:
        messages.success(request, _("The block was lifted. That connection can start a chat again."))
    else:
        messages.info(request, _("That block had already ended."))
    return HttpResponseRedirect(reverse("manage-blocks"))
