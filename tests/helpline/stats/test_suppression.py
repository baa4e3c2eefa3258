"""Suppression: no published count in 1..k-1, and no suppressed count can be worked out.

The checks here are written independently of the implementation: interval arithmetic per line
(what a reader can conclude from one row or column, knowing what "<k" and "x" mean) and exact
linear algebra over the whole table (what follows from all rows and columns together).
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from helpline.stats.suppression import (
    SHOWN,
    SMALL,
    WITHHELD,
    Published,
    protect_line,
    protect_table,
    suppress_small_counts,
)

K = 5
BIG = 10**9

# Mostly small counts and zeros, where suppression matters, with some large ones.
counts = st.one_of(st.integers(0, 6), st.integers(0, 6), st.integers(0, 40))


def marker_bounds(cell: Published, value: int) -> tuple[int, int]:
    if cell.status == SHOWN:
        return value, value
    if cell.status == SMALL:
        return 1, K - 1
    return K, BIG


def extended(matrix: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in matrix]
    rows.append([sum(r[c] for r in rows) for c in range(len(rows[0]))])
    return rows


def published_extended(table) -> list[list[Published]]:
    rows = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
    rows.append([*table.col_totals, table.total])
    return rows


def lines_of(n_rows: int, n_cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    lines = [([(r, c) for c in range(n_cols)], (r, n_cols)) for r in range(n_rows + 1)]
    lines += [([(r, c) for r in range(n_rows)], (n_rows, c)) for c in range(n_cols + 1)]
    return lines


def determined_in_line(members, total, truth, shown) -> list[tuple[int, int]]:
    """Suppressed cells whose value a reader can pin down from this one line and the markers."""
    terms = [(cell, 1) for cell in members] + [(total, -1)]
    found = []
    for cell, sign in terms:
        if shown[cell].status == SHOWN:
            continue
        low_rest = high_rest = 0
        for other, other_sign in terms:
            if other == cell:
                continue
            lo, hi = marker_bounds(shown[other], truth[other])
            low_rest += min(other_sign * lo, other_sign * hi)
            high_rest += max(other_sign * lo, other_sign * hi)
        # sign * x + rest = 0, so x lies in [-high_rest, -low_rest] * sign.
        candidates = sorted([-high_rest * sign, -low_rest * sign])
        lo, hi = marker_bounds(shown[cell], truth[cell])
        lo, hi = max(lo, candidates[0]), min(hi, candidates[1])
        assert lo <= truth[cell] <= hi, "the true value must stay possible"
        if lo == hi:
            found.append(cell)
    return found


def rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank_found = 0
    n_cols = len(rows[0]) if rows else 0
    for col in range(n_cols):
        pivot = next((i for i in range(rank_found, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank_found], rows[pivot] = rows[pivot], rows[rank_found]
        for i in range(len(rows)):
            if i != rank_found and rows[i][col] != 0:
                factor = rows[i][col] / rows[rank_found][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank_found], strict=True)]
        rank_found += 1
    return rank_found


def determined_by_table(lines, hidden: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Hidden cells whose value follows from the equations of all lines together."""
    matrix = []
    for members, total in lines:
        matrix.append([Fraction(1 if h in members else -1 if h == total else 0) for h in hidden])
    full = rank(matrix)
    return [h for i, h in enumerate(hidden) if full - rank([row[:i] + row[i + 1 :] for row in matrix]) == 1]


tables = st.integers(1, 5).flatmap(
    lambda w: st.lists(st.lists(counts, min_size=w, max_size=w), min_size=1, max_size=5)
)


@settings(max_examples=400, deadline=None)
@given(tables, st.booleans())
def test_it_never_publishes_or_leaks_a_small_count_in_a_two_way_table(
    matrix: list[list[int]], known_margins: bool
) -> None:
    table = protect_table(matrix, k=K, known_margins=known_margins)
    truth_rows = extended(matrix)
    shown_rows = published_extended(table)
    n_rows, n_cols = len(matrix), len(matrix[0])
    truth = {(r, c): truth_rows[r][c] for r in range(n_rows + 1) for c in range(n_cols + 1)}
    shown = {(r, c): shown_rows[r][c] for r in range(n_rows + 1) for c in range(n_cols + 1)}

    for cell, published in shown.items():
        if published.status == SHOWN:
            assert published.value == truth[cell]
            assert not 1 <= truth[cell] < K
        elif published.status == SMALL:
            assert 1 <= truth[cell] < K
        else:
            assert published.status == WITHHELD and published.value is None
            assert table.withheld or known_margins or truth[cell] >= K

    # The grand total is published everywhere under the primary rule only, so tables agree on it.
    assert table.total.status == (SMALL if 1 <= truth[(n_rows, n_cols)] < K else SHOWN)

    if table.withheld:
        assert all(p.status == WITHHELD for cell, p in shown.items() if cell != (n_rows, n_cols))
        return
    if known_margins:
        # Not published here, but assume the reader knows the margins exactly from elsewhere.
        for cell in shown:
            if (cell[0] == n_rows) != (cell[1] == n_cols):
                assert shown[cell].status == WITHHELD
                shown[cell] = Published(truth[cell], SHOWN)
    lines = lines_of(n_rows, n_cols)
    for members, total in lines:
        assert determined_in_line(members, total, truth, shown) == []
    hidden = [cell for cell, p in shown.items() if p.status != SHOWN]
    if hidden:
        assert determined_by_table(lines, hidden) == []


@settings(max_examples=400, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12), st.integers(0, 8))
def test_it_protects_a_list_with_its_total(values: list[int], unsplit: int) -> None:
    line = protect_line(values, k=K, total=sum(values) + unsplit)
    truth = {i: v for i, v in enumerate(values)}
    shown = dict(enumerate(line.cells))
    members = list(range(len(values)))
    if unsplit:
        truth["rest"] = unsplit
        assert line.rest is not None
        shown["rest"] = line.rest
        members.append("rest")
    truth["total"] = sum(values) + unsplit
    shown["total"] = line.total
    for key, published in shown.items():
        if published.status == SHOWN:
            assert not 1 <= truth[key] < K and published.value == truth[key]
    if line.withheld:
        assert all(p.status == WITHHELD for key, p in shown.items() if key != "total")
        return
    assert determined_in_line(members, "total", truth, shown) == []


def test_it_shows_zeros_and_large_counts_and_hides_small_ones() -> None:
    assert [p.text(K) for p in suppress_small_counts([0, 1, 4, 5, 120], k=K)] == ["0", "<5", "<5", "5", "120"]


def test_it_withholds_the_next_smallest_cell_when_one_is_small() -> None:
    line = protect_line([3, 9, 40], k=K)
    assert [p.text(K) for p in line.cells] == ["<5", "x", "40"]
    assert line.total.text(K) == "52"


def test_it_withholds_a_whole_list_when_the_total_would_give_it_away() -> None:
    # 1 + 5 = 6: with "<5" meaning 1..4 and "x" meaning at least 5, only 1 and 5 fit.
    line = protect_line([1, 5], k=K)
    assert line.withheld
    assert [p.text(K) for p in line.cells] == ["x", "x"]
    assert line.total.text(K) == "6"
