from __future__ import annotations

from helpline.metrics import WAIT_BINS, bin_label, bin_labels


def test_it_puts_each_duration_in_one_fixed_bin() -> None:
    assert bin_label(0, WAIT_BINS) == "0-30"
    assert bin_label(29.9, WAIT_BINS) == "0-30"
    assert bin_label(30, WAIT_BINS) == "30-60"
    assert bin_label(3599, WAIT_BINS) == "1800-3600"
    assert bin_label(99999, WAIT_BINS) == "3600+"
    assert bin_label(-5, WAIT_BINS) == "0-30"


def test_it_lists_every_bin_in_order() -> None:
    labels = bin_labels(WAIT_BINS)
    assert labels[0] == "0-30" and labels[-1] == "3600+"
    assert len(labels) == len(WAIT_BINS)
