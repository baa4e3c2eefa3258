"""The pure rules: codes, sources, origins, frame-ancestors, languages, weights."""

from __future__ import annotations

import pytest

from resources.platforms import rules


def test_it_round_trips_a_source_code() -> None:
    assert rules.source_for("example-search", 12) == "example-search_12"
    assert rules.parse_source("example-search_12") == ("example-search", 12)
    assert rules.parse_source("example-search_0") == ("example-search", 0)


@pytest.mark.parametrize("bad", ["", "x_1", "Example_1", "example_01", "example_12345678", "example", "a-_1", 7, None])
def test_it_refuses_what_is_not_a_source(bad: object) -> None:
    assert rules.parse_source(bad) is None


def test_it_keeps_every_source_within_the_protocols_32_characters() -> None:
    longest = rules.source_for("a" * rules.MAX_PARTNER_CODE, rules.MAX_VARIANT_ID)
    assert len(longest) <= 32


def test_it_normalises_origins() -> None:
    assert rules.parse_origins("https://WWW.Example.com/\nhttp://127.0.0.1:8123, https://*.example.org") == [
        "https://www.example.com",
        "http://127.0.0.1:8123",
        "https://*.example.org",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://example.com",
        "https://example.com/search?q=x",
        "example.com",
        "https://user@example.com",
        "https://*.com",
        "https://exa*mple.com",
        "https://a.*.example.com",
        "https://",
        "https://example.com:99999",
    ],
)
def test_it_refuses_what_is_not_an_origin(bad: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_origins(bad)


def test_it_frames_nowhere_without_origins() -> None:
    assert rules.frame_ancestors([]) == "frame-ancestors 'none'"
    assert rules.frame_ancestors(["https://a.example", "https://b.example"]) == (
        "frame-ancestors https://a.example https://b.example"
    )


@pytest.mark.parametrize(
    ("requested", "accept", "expected"),
    [
        ("de", "en-GB,en;q=0.9", "de"),
        ("de-AT", "", "de"),
        ("fr", "de-CH;q=0.8, fr;q=0.9", "de"),
        (None, "fr, de;q=0.5, en;q=0.4", "de"),
        (None, "de;q=0, en;q=0.1", "en"),
        (None, "", "en"),
        ("<script>", "xx", "en"),
    ],
)
def test_it_chooses_the_partners_language_then_the_browsers(requested: str | None, accept: str, expected: str) -> None:
    assert (
        rules.choose_language(requested=requested, accept_language=accept, supported=["en", "de"], default="en")
        == expected
    )


def test_it_splits_impressions_by_weight_exactly() -> None:
    weights = [1, 0, 3]
    picks = [rules.weighted_index(weights, step / 400) for step in range(400)]
    assert picks.count(0) == 100
    assert picks.count(1) == 0
    assert picks.count(2) == 300


def test_it_picks_nothing_when_every_weight_is_zero() -> None:
    assert rules.weighted_index([0, 0], 0.5) is None
    assert rules.weighted_index([], 0.5) is None


def test_it_reads_variant_ids_from_urls() -> None:
    assert rules.variant_id_shape("0") == 0
    assert rules.variant_id_shape("42") == 42
    for bad in ("", "01", "-1", "1e3", "١٢", "12345678"):
        assert rules.variant_id_shape(bad) is None
