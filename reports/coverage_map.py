"""The coverage planner's dot map: each council a mark at its register coordinates (the
mySociety register's lat/long, read from the file the councils were loaded from: the Council
rows do not keep them), projected equirectangularly with longitude scaled by the cosine of
England's middle latitude, so the country keeps its shape. Server-rendered SVG, no tiles.
Each status has its own colour AND its own shape, so the map reads without colour."""

import csv
import math
from dataclasses import dataclass
from functools import cache

from reports.coverage import BOOKED, CURRENT, LAPSED, NEVER, STATUSES, CouncilCoverage
from workflow.councils import DEFAULT_REGISTER

# England and a margin: south-west Cornwall to the Wash, the Scilly Isles to Berwick.
WEST, EAST, SOUTH, NORTH = -6.5, 1.9, 49.8, 55.9
WIDTH = 480  # SVG units; the height follows the projection
PAD = 12
SCALE_X = math.cos(math.radians((SOUTH + NORTH) / 2))
HEIGHT = round(WIDTH * (NORTH - SOUTH) / ((EAST - WEST) * SCALE_X))
# (shape, fill colour): GOV.UK colours; shapes drawn by the template.
MARKS = {
    CURRENT: ("circle", "#00703c"),  # green
    BOOKED: ("square", "#1d70b8"),  # blue
    LAPSED: ("triangle", "#f47738"),  # orange
    NEVER: ("cross", "#d4351c"),  # red
}


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    status: str
    shape: str
    colour: str
    title: str


@cache
def coordinates() -> dict[str, tuple[float, float]]:
    """Council code -> (latitude, longitude), for the councils the register places."""
    found = {}
    with open(DEFAULT_REGISTER, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                found[row["local-authority-code"]] = (float(row["lat"]), float(row["long"]))
            except (KeyError, ValueError):
                continue  # no coordinates: the council is in the table, not on the map
    return found


def project(lat: float, lon: float) -> tuple[float, float]:
    x = PAD + (lon - WEST) / (EAST - WEST) * (WIDTH - 2 * PAD)
    y = PAD + (NORTH - lat) / (NORTH - SOUTH) * (HEIGHT - 2 * PAD)
    return round(x, 1), round(y, 1)


def dots(rows: list[CouncilCoverage]) -> list[Dot]:
    where = coordinates()
    out = []
    for row in rows:
        if row.council.code not in where:
            continue
        x, y = project(*where[row.council.code])
        shape, colour = MARKS[row.status]
        out.append(Dot(x, y, row.status, shape, colour, f"{row.council.name}: {row.status_label}"))
    return out


def legend(rows: list[CouncilCoverage]) -> list[dict]:
    counts = {status: 0 for status in STATUSES}
    for row in rows:
        counts[row.status] += 1
    return [
        {
            "status": s,
            "label": label,
            "count": counts[s],
            "shape": MARKS[s][0],
            "colour": MARKS[s][1],
        }
        for s, label in STATUSES.items()
    ]
