"""Partners and variants in the staff area: admins edit, managers read, others are refused; every
change is audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from helpline.models import AuditEvent
from resources.platforms import catalogue
from resources.platforms.models import MessageVariant, Partner
from tests.personas import signed_in_client


def _client(user: User) -> Client:
    return signed_in_client(user, client=Client(HTTP_HOST="localhost"))


def test_it_lets_an_admin_create_a_partner_with_example_variants(admin: User) -> None:
    response = _client(admin).post(
        "/staff/partners/new/",
        {
            "name": "Example Host",
            "code": "example-host",
            "allowed_origins": "https://files.example.com/\n",
            "enabled": "on",
            "with_examples": "on",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get(code="example-host")
    assert partner.allowed_origins == "https://files.example.com"
    assert partner.variants.count() == 4
    assert all(v.is_example for v in partner.variants.all())
    event = AuditEvent.objects.get(action="partner.created")
    assert event.actor == admin
    assert event.target == "partner:example-host"
    assert event.detail["examples"] is True


def test_it_refuses_an_origin_with_a_path(admin: User) -> None:
    response = _client(admin).post(
        "/staff/partners/new/", {"name": "X", "code": "x-host", "allowed_origins": "https://x.example/search?q="}
    )
    assert response.status_code == 200
    assert "must be an origin only" in response.content.decode()
    assert not Partner.objects.exists()


def test_it_pauses_and_resumes_a_partner_and_audits_both(admin: User, partner: Partner) -> None:
    client = _client(admin)
    client.post("/staff/partners/example-search/pause/", {"enabled": "0"})
    partner.refresh_from_db()
    assert not partner.enabled
    assert catalogue.partner("example-search").enabled is False  # type: ignore[union-attr]
    client.post("/staff/partners/example-search/pause/", {"enabled": "1"})
    partner.refresh_from_db()
    assert partner.enabled
    assert list(
        AuditEvent.objects.filter(action__startswith="partner.").order_by("id").values_list("action", flat=True)
    ) == ["partner.paused", "partner.resumed"]


def test_it_edits_a_variant_and_the_embed_shows_it_at_once(admin: User, partner: Partner) -> None:
    variant = partner.variants.get(language="de")
    response = _client(admin).post(
        f"/staff/partners/example-search/variants/{variant.pk}/",
        {
            "label": variant.label,
            "language": "de",
            "heading": "Neue Überschrift",
            "body": "Ruhiger Text.",
            "action": "Hilfe",
            "weight": "3",
            "active": "on",
        },
    )
    assert response.status_code == 302
    html = Client(HTTP_HOST="localhost").get("/embed/example-search/?lang=de").content.decode()
    assert "Neue Überschrift" in html
    event = AuditEvent.objects.get(action="variant.changed")
    assert event.detail["variant"] == variant.pk
    assert "heading" in event.detail["fields"]
    assert "Neue" not in str(event.detail)  # the audit names fields, never the text


def test_it_adds_a_variant_in_a_language(admin: User, partner: Partner) -> None:
    _client(admin).post(
        "/staff/partners/example-search/variants/new/",
        {"label": "C", "language": "en", "heading": "H", "body": "B", "action": "A", "weight": "2", "active": "on"},
    )
    assert MessageVariant.objects.filter(partner=partner, label="C", weight=2).exists()
    assert AuditEvent.objects.filter(action="variant.created", target="partner:example-search").exists()


def test_it_lets_a_manager_read_but_not_change(manager: User, partner: Partner) -> None:
    client = _client(manager)
    assert client.get("/staff/partners/").status_code == 200
    page = client.get("/staff/partners/example-search/")
    assert page.status_code == 200
    assert "Edit partner" not in page.content.decode()
    assert client.get("/staff/partners/funnel/").status_code == 200
    assert client.get("/staff/partners/new/").status_code == 403
    assert client.post("/staff/partners/example-search/pause/", {"enabled": "0"}).status_code == 403
    variant = partner.variants.first()
    assert client.get(f"/staff/partners/example-search/variants/{variant.pk}/").status_code == 403  # type: ignore[union-attr]
    partner.refresh_from_db()
    assert partner.enabled
    assert not AuditEvent.objects.filter(action__startswith=("partner.")).exists()
    assert not AuditEvent.objects.filter(action__startswith="variant.").exists()


def test_it_refuses_counsellors_and_supervisors(counsellor: User, supervisor: User, partner: Partner) -> None:
    for user in (counsellor, supervisor):
        client = _client(user)
        for path in ("/staff/partners/", "/staff/partners/example-search/", "/staff/partners/funnel/"):
            assert client.get(path).status_code == 403


def test_it_sends_the_signed_out_to_the_sign_in_page(db: None) -> None:
    response = Client(HTTP_HOST="localhost").get("/staff/partners/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login/")


def test_it_shows_the_snippet_for_the_partner(admin: User, partner: Partner) -> None:
    html = _client(admin).get("/staff/partners/example-search/").content.decode()
    assert "http://localhost/embed/example-search/?lang=en" in html
    assert "referrerpolicy=&quot;no-referrer&quot;" in html


def test_it_shows_the_funnel_with_suppression(manager: User, partner: Partner, visitor: Client) -> None:
    for _ in range(3):
        visitor.get("/embed/example-search/?lang=en")
    html = _client(manager).get("/staff/partners/funnel/").content.decode()
    assert "Example Search" in html
    assert "&lt;5" in html
    assert "Not yet meaningful" in html


def test_the_statistics_dashboard_links_to_the_partner_funnel(manager: User) -> None:
    html = _client(manager).get("/manage/stats/").content.decode()
    assert 'href="/staff/partners/funnel/"' in html
