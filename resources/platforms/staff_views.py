"""Staff pages of the partner programme, under /staff/partners/.

Administrators list, create, edit, pause and resume partners and write their message variants;
managers (and administrators) read them and the funnel comparison. Thin views: access through
helpline.staff.access, one access helper per object, one `do_*` per change (service.py).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.staff.access import staff_required, staff_role
from helpline.staff.rules import ADMIN, MANAGER
from resources.platforms.forms import PartnerForm, VariantForm
from resources.platforms.funnel import funnel_report, step_labels
from resources.platforms.models import MessageVariant, Partner
from resources.platforms.service import do_save_partner, do_save_variant, do_set_partner_enabled
from resources.platforms.snippet import snippet
from resources.platforms.tally import flush_now

MAX_FUNNEL_DAYS = 366


def get_partner_for_staff(code: str) -> Partner:
    partner = Partner.objects.filter(code=code).first()
    if partner is None:
        raise Http404("no such partner")
    return partner


def get_variant_for_staff(partner: Partner, variant_id: int) -> MessageVariant:
    variant = MessageVariant.objects.filter(partner=partner, pk=variant_id).first()
    if variant is None:
        raise Http404("no such variant")
    return variant


def _can_edit(request: HttpRequest) -> bool:
    return staff_role(request.user) == ADMIN


@never_cache
@require_GET
@staff_required(ADMIN, MANAGER)
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = Partner.objects.all().prefetch_related("variants")
    return render(request, "platforms/staff/partners.html", {"partners": partners, "can_edit": _can_edit(request)})


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def partner_new(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partner = do_save_partner(
            actor=request.user,
            partner=form.save(commit=False),
            changed=form.changed_data,
            with_examples=form.cleaned_data.get("with_examples", False),
        )
        messages.success(request, f"Partner {partner.name} created.")
        return HttpResponseRedirect(reverse("platforms-partner", args=[partner.code]))
    return render(request, "platforms/staff/partner_form.html", {"form": form, "partner": None})


@never_cache
@require_GET
@staff_required(ADMIN, MANAGER)
def partner_detail(request: HttpRequest, code: str) -> HttpResponse:
    partner = get_partner_for_staff(code)
    variants = list(partner.variants.all())
    by_language: dict[str, list[MessageVariant]] = {}
    for variant in variants:
        by_language.setdefault(variant.language, []).append(variant)
    groups = []
    for language, items in sorted(by_language.items()):
        weight = sum(v.weight for v in items if v.active)
        groups.append(
            {
                "language": language,
                "variants": [(v, round(100 * v.weight / weight) if v.active and weight else 0) for v in items],
            }
        )
    origin = request.build_absolute_uri("/").rstrip("/")
    languages = [code for code, _ in settings.LANGUAGES]
    return render(
        request,
        "platforms/staff/partner.html",
        {
            "partner": partner,
            "groups": groups,
            "can_edit": _can_edit(request),
            "snippet": snippet(origin=origin, code=partner.code, lang=languages[0]),
            "json_url": f"{origin}{reverse('platforms:message-json', args=[partner.code])}?lang={languages[0]}",
            "missing_languages": [lang for lang in languages if lang not in by_language],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def partner_edit(request: HttpRequest, code: str) -> HttpResponse:
    partner = get_partner_for_staff(code)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        do_save_partner(actor=request.user, partner=form.save(commit=False), changed=form.changed_data)
        messages.success(request, "Partner saved.")
        return HttpResponseRedirect(reverse("platforms-partner", args=[partner.code]))
    return render(request, "platforms/staff/partner_form.html", {"form": form, "partner": partner})


@never_cache
@require_POST
@staff_required(ADMIN)
def partner_pause(request: HttpRequest, code: str) -> HttpResponse:
    partner = get_partner_for_staff(code)
    enabled = request.POST.get("enabled") == "1"
    do_set_partner_enabled(actor=request.user, partner=partner, enabled=enabled)
    messages.success(
        request, "Partner resumed." if enabled else "Partner paused: its component shows the generic message."
    )
    return HttpResponseRedirect(reverse("platforms-partner", args=[partner.code]))


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def variant_new(request: HttpRequest, code: str) -> HttpResponse:
    partner = get_partner_for_staff(code)
    initial = {"language": request.GET.get("language", settings.LANGUAGE_CODE)}
    form = VariantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        variant = form.save(commit=False)
        variant.partner = partner
        do_save_variant(actor=request.user, variant=variant, changed=form.changed_data)
        messages.success(request, "Variant added.")
        return HttpResponseRedirect(reverse("platforms-partner", args=[partner.code]))
    return render(request, "platforms/staff/variant_form.html", {"form": form, "partner": partner, "variant": None})


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(ADMIN)
def variant_edit(request: HttpRequest, code: str, variant_id: int) -> HttpResponse:
    partner = get_partner_for_staff(code)
    variant = get_variant_for_staff(partner, variant_id)
    form = VariantForm(request.POST or None, instance=variant)
    if request.method == "POST" and form.is_valid():
        do_save_variant(actor=request.user, variant=form.save(commit=False), changed=form.changed_data)
        messages.success(request, "Variant saved.")
        return HttpResponseRedirect(reverse("platforms-partner", args=[partner.code]))
    return render(request, "platforms/staff/variant_form.html", {"form": form, "partner": partner, "variant": variant})


class FunnelForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and (end < start or (end - start).days >= MAX_FUNNEL_DAYS):  # type: ignore[operator]
            raise forms.ValidationError(f"Choose an end on or after the start, at most {MAX_FUNNEL_DAYS} days in all.")
        return cleaned


@never_cache
@require_GET
@staff_required(ADMIN, MANAGER)
def funnel(request: HttpRequest) -> HttpResponse:
    today = timezone.now().date()
    data = {"start": (today - timedelta(days=27)).isoformat(), "end": today.isoformat()}
    data.update({key: request.GET[key] for key in ("start", "end") if request.GET.get(key)})
    form = FunnelForm(data)
    report = []
    k = int(settings.STATS_MIN_COUNT)
    if form.is_valid():
        # What the live store holds so far goes to the counters first, so the page is current.
        try:
            flush_now()
        except Exception:
            messages.warning(request, "Impressions of the last few seconds could not be included.")
        report = funnel_report(start=form.cleaned_data["start"], end=form.cleaned_data["end"], k=k)
    return render(
        request, "platforms/staff/funnel.html", {"form": form, "report": report, "steps": step_labels(), "k": k}
    )
