"""Which countries to visit first: a priority score from weighted, explained factors.

Each factor is normalised to 0..1 (1 = the strongest reason to visit soon); the score is the weighted
sum divided by the total weight, times 100. The weights come from ``settings.IPS_PRIORITY_WEIGHTS``
(a deployment may tune them; a factor left out there weighs nothing).

The factors read only fields of the country row, so scoring every country takes one query
(:func:`country_priorities`) or none when the caller already holds the rows (:func:`score_countries`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from countries.choices import ComplianceStatus
from countries.models import Country

# The factors, in the order the plan page explains them.
TRADE = "trade"
INTERNAL_CONDITIONS = "internal_conditions"
INSTRUMENTS_HISTORY = "instruments_history"
YEARS_SINCE_ASSESSMENT = "years_since_assessment"
LAST_OUTCOME = "last_outcome"
REQUESTED_VISIT = "requested_visit"

FACTOR_LABELS = {
    TRADE: "Trade volume with the U.S.",
    INTERNAL_CONDITIONS: "Internal conditions",
    INSTRUMENTS_HISTORY: "History with international instruments",
    YEARS_SINCE_ASSESSMENT: "Years since the last assessment",
    LAST_OUTCOME: "Last outcome",
    REQUESTED_VISIT: "Country asked for a visit",
}

# Years since the last assessment count up to this many; a country never assessed counts as this many.
YEARS_SINCE_ASSESSMENT_CAP = 4
DAYS_PER_YEAR = 365.25
# A rating not yet recorded counts as the middle of the 1-5 scale: neither reassuring nor alarming.
UNRATED = 0.5
# The last outcome, from the most to the least reason to visit soon.
OUTCOME_VALUES = {
    ComplianceStatus.NOT_SUBSTANTIALLY: 1.0,
    ComplianceStatus.MINIMALLY: 2 / 3,
    ComplianceStatus.UNDETERMINED: 1 / 3,
    ComplianceStatus.SUBSTANTIALLY: 0.0,
}

# The country fields the score reads (for ``.values()`` and ``.only()``).
SCORE_FIELDS = (
    "pk", "annual_vessel_arrivals", "annual_cargo_tonnes", "internal_conditions_rating",
    "instruments_history_rating", "last_assessment_date", "visit_requested_on", "compliance_status",
)


@dataclass(frozen=True)
class Factor:
    key: str
    label: str
    value: float  # 0..1
    weight: float
    points: float  # the factor's share of the 0..100 score
    explanation: str


@dataclass(frozen=True)
class Priority:
    country_id: int
    score: float  # 0..100
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class TradeScale:
    """The largest trade volumes in the data, against which each country's volume is normalised."""

    max_arrivals: int
    max_tonnes: int


def priority_weights(weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """The configured weights, checked: known factors only, none negative."""
    weights = dict(settings.IPS_PRIORITY_WEIGHTS if weights is None else weights)
    unknown = sorted(set(weights) - set(FACTOR_LABELS))
    if unknown:
        raise ImproperlyConfigured(f"IPS_PRIORITY_WEIGHTS names unknown factors: {', '.join(unknown)}.")
    negative = sorted(key for key, value in weights.items() if float(value) < 0)
    if negative:
        raise ImproperlyConfigured(f"IPS_PRIORITY_WEIGHTS has negative weights: {', '.join(negative)}.")
    return {key: float(weights.get(key, 0.0)) for key in FACTOR_LABELS}


def _get(row, name: str):
    return row[name] if isinstance(row, Mapping) else getattr(row, name)


def trade_scale(rows: Iterable) -> TradeScale:
    rows = list(rows)
    return TradeScale(
        max_arrivals=max((_get(r, "annual_vessel_arrivals") or 0 for r in rows), default=0),
        max_tonnes=max((_get(r, "annual_cargo_tonnes") or 0 for r in rows), default=0),
    )


def _log_share(value: int | None, largest: int) -> float | None:
    """``value`` against the largest on a log scale (so one giant does not flatten the rest)."""
    if value is None:
        return None
    if largest <= 0:
        return 0.0
    return min(1.0, math.log1p(value) / math.log1p(largest))


def _rating(value: int | None) -> tuple[float, str]:
    if value is None:
        return UNRATED, "Not rated: counts as the middle of the scale"
    return (value - 1) / 4, f"Rated {value} of 5"


def _factor_values(row, *, on: dt.date, scale: TradeScale) -> dict[str, tuple[float, str]]:
    arrivals, tonnes = _get(row, "annual_vessel_arrivals"), _get(row, "annual_cargo_tonnes")
    shares = [s for s in (_log_share(arrivals, scale.max_arrivals), _log_share(tonnes, scale.max_tonnes))
              if s is not None]
    if shares:
        parts = []
        if arrivals is not None:
            parts.append(f"{arrivals:,} vessel arrivals")
        if tonnes is not None:
            parts.append(f"{tonnes:,} tonnes of cargo")
        trade = (sum(shares) / len(shares), " and ".join(parts) + " a year (log scale, against the largest)")
    else:
        trade = (0.0, "No trade figures recorded")

    last = _get(row, "last_assessment_date")
    if last is None:
        years = (1.0, f"Never assessed: counts as {YEARS_SINCE_ASSESSMENT_CAP} years")
    else:
        elapsed = max(0.0, (on - last).days / DAYS_PER_YEAR)
        years = (min(elapsed, YEARS_SINCE_ASSESSMENT_CAP) / YEARS_SINCE_ASSESSMENT_CAP,
                 f"{elapsed:.1f} years since the visit of {last:%d %b %Y} (counted up to {YEARS_SINCE_ASSESSMENT_CAP})")

    status = _get(row, "compliance_status") or ComplianceStatus.UNDETERMINED
    outcome = (OUTCOME_VALUES.get(status, OUTCOME_VALUES[ComplianceStatus.UNDETERMINED]),
               ComplianceStatus(status).label if status in ComplianceStatus.values else str(status))

    requested_on = _get(row, "visit_requested_on")
    # A request counts until a visit answers it.
    if requested_on is not None and (last is None or requested_on > last):
        requested = (1.0, f"Asked on {requested_on:%d %b %Y}")
    elif requested_on is not None:
        requested = (0.0, f"Asked on {requested_on:%d %b %Y}; visited since")
    else:
        requested = (0.0, "No request")

    return {
        TRADE: trade,
        INTERNAL_CONDITIONS: _rating(_get(row, "internal_conditions_rating")),
        INSTRUMENTS_HISTORY: _rating(_get(row, "instruments_history_rating")),
        YEARS_SINCE_ASSESSMENT: years,
        LAST_OUTCOME: outcome,
        REQUESTED_VISIT: requested,
    }


def score_country(row, *, on: dt.date, scale: TradeScale, weights: Mapping[str, float] | None = None) -> Priority:
    """The score of one country row (a model instance or a ``.values()`` dict)."""
    weights = priority_weights(weights)
    total = sum(weights.values())
    factors = []
    for key, (value, explanation) in _factor_values(row, on=on, scale=scale).items():
        weight = weights[key]
        points = weight * value / total * 100 if total else 0.0
        factors.append(Factor(key=key, label=FACTOR_LABELS[key], value=value, weight=weight, points=points,
                              explanation=explanation))
    return Priority(country_id=_get(row, "pk"), score=sum(f.points for f in factors), factors=tuple(factors))


def score_countries(rows: Iterable, *, on: dt.date, weights: Mapping[str, float] | None = None) -> dict[int, Priority]:
    """Scores of the given country rows, trade normalised against the largest among them. No query."""
    rows = list(rows)
    weights = priority_weights(weights)
    scale = trade_scale(rows)
    return {_get(row, "pk"): score_country(row, on=on, scale=scale, weights=weights) for row in rows}


def country_priorities(*, on: dt.date, weights: Mapping[str, float] | None = None) -> dict[int, Priority]:
    """The score of every in-scope country, by country id (one query)."""
    rows = Country.objects.filter(in_scope=True).values(*SCORE_FIELDS)
    return score_countries(rows, on=on, weights=weights)
