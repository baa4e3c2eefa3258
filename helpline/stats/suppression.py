"""Small-count suppression for published statistics (docs/ARCHITECTURE.md, invariant 5). Pure: no I/O.

Rules (docs/PRIVACY.md, "Statistics"):

- Primary suppression: a count from 1 to k-1 is published as "<k". Zeros are published.
- Secondary suppression: in every table, no suppressed count may be worked out from the published
  cells and totals. A table is a set of cells and a set of lines (a row or a column with its
  total); the total of a line is itself a cell of another line (the margins and the grand total
  of a two-way table form the extra "total" row and column). Cells withheld to protect others are
  published as "x". We repeat, until nothing changes:
    1. In every line, if the published cells, the line's equation and what the markers tell
       ("<k" is 1..k-1, "x" is at least k, because zeros are never withheld and anything from
       1 to k-1 would be "<k") leave any suppressed cell with only one possible value, withhold
       the smallest non-zero published cell of that line that is not pinned.
    2. Across lines: cells and lines form a graph (a line is a node, a suppressed cell an edge
       between the two lines it belongs to). A suppressed cell's value follows from the linear
       equations of the whole table exactly when its edge is a bridge (it lies on no cycle).
       For a bridge, withhold the smallest non-zero published cell that closes a cycle through it.
- Pinned cells (a table's grand total, published elsewhere on the same page) are never withheld
  to protect others, so every table agrees on them. If a table cannot be protected without
  withholding a pinned cell, every cell of the table except the pinned ones is withheld.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHOWN = "shown"
SMALL = "small"  # primary: 1..k-1
WITHHELD = "withheld"  # secondary: withheld so that a small count cannot be worked out
INFINITY = 1 << 62


@dataclass(frozen=True)
class Published:
    """A count as it may be published: `value` is None unless status is SHOWN."""

    value: int | None
    status: str = SHOWN

    @property
    def shown(self) -> bool:
        return self.status == SHOWN

    def text(self, k: int) -> str:
        if self.status == SMALL:
            return f"<{k}"
        if self.status == WITHHELD:
            return "x"
        return str(self.value)

    def json(self, k: int) -> int | str:
        return self.value if self.status == SHOWN and self.value is not None else self.text(k)


def publish(value: int, status: str) -> Published:
    return Published(value if status == SHOWN else None, status)


def primary_status(value: int, *, k: int) -> str:
    if value < 0:
        raise ValueError("counts are never negative")
    return SMALL if 0 < value < k else SHOWN


def suppress_small_counts(values: Iterable[int], *, k: int) -> list[Published]:
    """Primary suppression only: for a list of counts that has no published total."""
    return [publish(v, primary_status(v, k=k)) for v in values]


def bounds(status: str, *, k: int) -> tuple[int, int]:
    """What a reader who knows these rules can tell about a suppressed cell from its marker."""
    if status == SMALL:
        return 1, k - 1
    return k, INFINITY


@dataclass(frozen=True)
class Line:
    """members add up to total (all are cell indices)."""

    members: tuple[int, ...]
    total: int


def _line_discloses(line: Line, values: Sequence[int], status: Sequence[str], *, k: int) -> bool:
    hidden = [(i, 1) for i in line.members if status[i] != SHOWN]
    if status[line.total] != SHOWN:
        hidden.append((line.total, -1))
    if not hidden:
        return False
    for i, sign in hidden:
        low, high = bounds(status[i], k=k)
        # Moving cell i by one must be balanced by one other hidden cell of the line, moving in
        # the same direction if it is on the other side of the equation, the opposite otherwise.
        can_rise = values[i] < high and any(
            (values[j] > bounds(status[j], k=k)[0]) if s == sign else (values[j] < bounds(status[j], k=k)[1])
            for j, s in hidden
            if j != i
        )
        can_fall = values[i] > low and any(
            (values[j] < bounds(status[j], k=k)[1]) if s == sign else (values[j] > bounds(status[j], k=k)[0])
            for j, s in hidden
            if j != i
        )
        if not can_rise and not can_fall:
            return True
    return False


def _edges(lines: Sequence[Line], n_cells: int) -> list[list[int]]:
    """The lines each cell belongs to (one or two)."""
    owners: list[list[int]] = [[] for _ in range(n_cells)]
    for number, line in enumerate(lines):
        for i in (*line.members, line.total):
            owners[i].append(number)
    return owners


def _reachable(start: int, adjacency: dict[int, list[tuple[int, int]]], skip: int) -> set[int]:
    seen = {start}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        for other, cell in adjacency.get(node, []):
            if cell != skip and other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _find_bridge(
    lines: Sequence[Line], owners: Sequence[list[int]], status: Sequence[str]
) -> tuple[int, set[int], set[int]] | None:
    """A suppressed cell that lies on no cycle, with the two sides it joins; None if there is none."""
    outside = len(lines)  # cells of a single line hang between that line and a shared outside node
    adjacency: dict[int, list[tuple[int, int]]] = {}
    ends: dict[int, tuple[int, int]] = {}
    for cell, lines_of_cell in enumerate(owners):
        if status[cell] == SHOWN or not lines_of_cell:
            continue
        a, b = (lines_of_cell[0], lines_of_cell[1]) if len(lines_of_cell) > 1 else (lines_of_cell[0], outside)
        ends[cell] = (a, b)
        adjacency.setdefault(a, []).append((b, cell))
        adjacency.setdefault(b, []).append((a, cell))
    for cell, (a, b) in ends.items():
        side_a = _reachable(a, adjacency, cell)
        if b not in side_a:
            return cell, side_a, _reachable(b, adjacency, cell)
    return None


def protect(
    values: Sequence[int],
    lines: Sequence[Line],
    *,
    k: int,
    pinned: Iterable[int] = (),
    known: Iterable[int] = (),
) -> list[str] | None:
    """Statuses (SHOWN, SMALL, WITHHELD) for every cell, or None if the table must be withheld.

    `known` cells are not published here but a reader may know them exactly from elsewhere, so
    they are treated as published (and pinned) while protecting the others.
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    known_cells = set(known)
    pinned_cells = set(pinned) | known_cells
    status = [SHOWN if i in known_cells else primary_status(v, k=k) for i, v in enumerate(values)]
    owners = _edges(lines, len(values))

    def candidate(cells: Iterable[int]) -> int | None:
        choices = [i for i in cells if status[i] == SHOWN and values[i] > 0 and i not in pinned_cells]
        return min(choices, key=lambda i: (values[i], i)) if choices else None

    while True:
        changed = False
        for line in lines:
            while _line_discloses(line, values, status, k=k):
                # Prefer the line's members; its total only when no member is left.
                chosen = candidate(line.members)
                if chosen is None:
                    chosen = candidate([line.total])
                if chosen is None:
                    return None
                status[chosen] = WITHHELD
                changed = True
        if changed:
            continue
        bridge = _find_bridge(lines, owners, status)
        if bridge is None:
            return status
        _cell, side_a, side_b = bridge
        outside = len(lines)
        closing = []
        for i, lines_of_cell in enumerate(owners):
            ends = set(lines_of_cell) if len(lines_of_cell) > 1 else {lines_of_cell[0], outside}
            if len(ends) == 2 and ends & side_a and ends & side_b:
                closing.append(i)
        chosen = candidate(closing)
        if chosen is None:
            return None
        status[chosen] = WITHHELD


@dataclass(frozen=True)
class ProtectedLine:
    cells: list[Published]
    total: Published
    rest: Published | None = None  # the part of the total not split by this dimension, if any
    withheld: bool = False


@dataclass(frozen=True)
class ProtectedTable:
    cells: list[list[Published]]
    row_totals: list[Published]
    col_totals: list[Published]
    total: Published
    withheld: bool = False


def protect_line(values: Sequence[int], *, k: int, total: int | None = None) -> ProtectedLine:
    """A list of counts and its total, pinned because the same total is published elsewhere.

    `total` may exceed the sum (counts not split by this dimension): the remainder is one more
    member of the line, published as `rest` under the same rules.
    """
    grand = sum(values) if total is None else total
    if grand < sum(values):
        raise ValueError("a total cannot be smaller than its parts")
    cells = list(values)
    remainder = grand - sum(values)
    if remainder:
        cells.append(remainder)
    members = tuple(range(len(cells)))
    cells.append(grand)
    status = protect(cells, [Line(members, len(cells) - 1)], k=k, pinned=[len(cells) - 1])
    total_published = publish(grand, primary_status(grand, k=k))
    if status is None:
        hidden = Published(None, WITHHELD)
        return ProtectedLine([hidden] * len(values), total_published, hidden if remainder else None, withheld=True)
    published = [publish(v, s) for v, s in zip(cells, status, strict=True)]
    return ProtectedLine(published[: len(values)], published[-1], published[len(values)] if remainder else None)


def protect_table(matrix: Sequence[Sequence[int]], *, k: int, known_margins: bool = False) -> ProtectedTable:
    """A two-way table with row totals, column totals and a pinned grand total.

    With known_margins, the row and column totals are not published with this table but are
    assumed known to the reader (they may follow from other tables), and are returned as withheld.
    """
    n_rows = len(matrix)
    n_cols = len(matrix[0]) if n_rows else 0
    if any(len(row) != n_cols for row in matrix):
        raise ValueError("every row needs the same number of columns")
    width = n_cols + 1

    def at(r: int, c: int) -> int:
        return r * width + c

    values = [0] * ((n_rows + 1) * width)
    for r, row in enumerate(matrix):
        for c, v in enumerate(row):
            values[at(r, c)] = v
        values[at(r, n_cols)] = sum(row)
    for c in range(width):
        values[at(n_rows, c)] = sum(values[at(r, c)] for r in range(n_rows))
    lines = [Line(tuple(at(r, c) for c in range(n_cols)), at(r, n_cols)) for r in range(n_rows + 1)]
    lines += [Line(tuple(at(r, c) for r in range(n_rows)), at(n_rows, c)) for c in range(n_cols + 1)]
    grand = at(n_rows, n_cols)
    margins = [at(r, n_cols) for r in range(n_rows)] + [at(n_rows, c) for c in range(n_cols)]
    status = protect(values, lines, k=k, pinned=[grand], known=margins if known_margins else ())
    total = publish(values[grand], primary_status(values[grand], k=k))
    if status is None:
        hidden = Published(None, WITHHELD)
        return ProtectedTable(
            [[hidden] * n_cols for _ in range(n_rows)], [hidden] * n_rows, [hidden] * n_cols, total, withheld=True
        )
    cells = [publish(v, s) for v, s in zip(values, status, strict=True)]
    if known_margins:
        for i in margins:
            cells[i] = Published(None, WITHHELD)
    return ProtectedTable(
        [[cells[at(r, c)] for c in range(n_cols)] for r in range(n_rows)],
        [cells[at(r, n_cols)] for r in range(n_rows)],
        [cells[at(n_rows, c)] for c in range(n_cols)],
        total,
    )
