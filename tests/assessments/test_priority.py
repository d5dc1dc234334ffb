"""The priority score: each factor normalised to 0..1, weighted, explained; every country in one query."""

import datetime as dt
import math

import pytest
from django.core.exceptions import ImproperlyConfigured

from countries import priority
from countries.choices import ComplianceStatus
from tests.factories import CountryFactory

ON = dt.date(2027, 1, 1)
ONLY = dict.fromkeys(priority.FACTOR_LABELS, 0.0)


def row(pk, **values):
    base = {
        "pk": pk, "annual_vessel_arrivals": None, "annual_cargo_tonnes": None, "internal_conditions_rating": None,
        "instruments_history_rating": None, "last_assessment_date": ON - dt.timedelta(days=365),
        "visit_requested_on": None, "compliance_status": ComplianceStatus.SUBSTANTIALLY,
    }
    return {**base, **values}


def factor(result, key):
    return next(f for f in result.factors if f.key == key)


def test_trade_is_log_scaled_against_the_largest_so_a_giant_does_not_flatten_the_rest():
    rows = [row(1, annual_vessel_arrivals=10_000, annual_cargo_tonnes=100_000_000),
            row(2, annual_vessel_arrivals=100, annual_cargo_tonnes=1_000_000),
            row(3)]
    scores = priority.score_countries(rows, on=ON, weights={**ONLY, "trade": 1})
    assert factor(scores[1], "trade").value == pytest.approx(1.0)
    expected = (math.log1p(100) / math.log1p(10_000) + math.log1p(1_000_000) / math.log1p(100_000_000)) / 2
    assert factor(scores[2], "trade").value == pytest.approx(expected)
    assert factor(scores[2], "trade").value > 0.5  # a linear scale would give it 0.01
    assert factor(scores[3], "trade").value == 0.0
    assert scores[2].score == pytest.approx(expected * 100)


def test_never_assessed_counts_as_the_maximum_years_and_years_are_capped():
    rows = [row(1, last_assessment_date=None), row(2, last_assessment_date=dt.date(2020, 1, 1)),
            row(3, last_assessment_date=dt.date(2025, 1, 1))]
    scores = priority.score_countries(rows, on=ON, weights={**ONLY, "years_since_assessment": 1})
    assert factor(scores[1], "years_since_assessment").value == 1.0
    assert factor(scores[2], "years_since_assessment").value == 1.0  # seven years, capped at four
    assert factor(scores[3], "years_since_assessment").value == pytest.approx(730 / 365.25 / 4)


def test_last_outcome_ranks_not_substantially_over_minimally_over_undetermined_over_substantially():
    statuses = [ComplianceStatus.SUBSTANTIALLY, ComplianceStatus.UNDETERMINED, ComplianceStatus.MINIMALLY,
                ComplianceStatus.NOT_SUBSTANTIALLY]
    rows = [row(i, compliance_status=status) for i, status in enumerate(statuses)]
    scores = priority.score_countries(rows, on=ON, weights={**ONLY, "last_outcome": 2})
    values = [scores[i].score for i in range(len(statuses))]
    assert values == sorted(values) and len(set(values)) == 4
    assert values[0] == 0.0 and values[-1] == pytest.approx(100.0)


def test_a_visit_request_counts_until_a_visit_answers_it():
    rows = [row(1, visit_requested_on=ON - dt.timedelta(days=30)),
            row(2, visit_requested_on=ON - dt.timedelta(days=400), last_assessment_date=ON - dt.timedelta(days=200)),
            row(3)]
    scores = priority.score_countries(rows, on=ON, weights={**ONLY, "requested_visit": 1})
    assert [factor(scores[pk], "requested_visit").value for pk in (1, 2, 3)] == [1.0, 0.0, 0.0]


def test_ratings_are_normalised_and_an_unrated_country_counts_as_the_middle():
    rows = [row(1, internal_conditions_rating=5, instruments_history_rating=1), row(2)]
    scores = priority.score_countries(rows, on=ON, weights={**ONLY, "internal_conditions": 1,
                                                             "instruments_history": 1})
    assert factor(scores[1], "internal_conditions").value == 1.0
    assert factor(scores[1], "instruments_history").value == 0.0
    assert factor(scores[2], "internal_conditions").value == 0.5
    assert "Not rated" in factor(scores[2], "internal_conditions").explanation


def test_score_is_the_weighted_sum_over_the_total_weight_and_the_points_add_up():
    weights = {"trade": 3, "internal_conditions": 2, "instruments_history": 1, "years_since_assessment": 3,
               "last_outcome": 2, "requested_visit": 1}
    r = row(1, annual_vessel_arrivals=50, internal_conditions_rating=3, instruments_history_rating=5,
            last_assessment_date=ON - dt.timedelta(days=730),
            compliance_status=ComplianceStatus.MINIMALLY, visit_requested_on=ON)
    other = row(2, annual_vessel_arrivals=50)  # the same trade: both at the top of the scale
    result = priority.score_countries([r, other], on=ON, weights=weights)[1]
    years = 730 / 365.25 / 4
    expected = (3 * 1.0 + 2 * 0.5 + 1 * 1.0 + 3 * years + 2 * (2 / 3) + 1 * 1.0) / 12 * 100
    assert result.score == pytest.approx(expected)
    assert sum(f.points for f in result.factors) == pytest.approx(result.score)
    assert [f.label for f in result.factors] == list(priority.FACTOR_LABELS.values())


def test_countries_rank_by_known_factor_values():
    rows = [
        row(1, annual_vessel_arrivals=5000, compliance_status=ComplianceStatus.NOT_SUBSTANTIALLY,
            last_assessment_date=None, internal_conditions_rating=5),
        row(2, annual_vessel_arrivals=5000, compliance_status=ComplianceStatus.SUBSTANTIALLY,
            internal_conditions_rating=1),
        row(3, annual_vessel_arrivals=10, compliance_status=ComplianceStatus.MINIMALLY,
            last_assessment_date=ON - dt.timedelta(days=1200), internal_conditions_rating=3),
    ]
    scores = priority.score_countries(rows, on=ON)
    ranked = sorted(scores, key=lambda pk: -scores[pk].score)
    assert ranked == [1, 3, 2]


@pytest.mark.parametrize("weights, message", [
    ({"trade": 1, "gdp": 2}, "unknown factors: gdp"),
    ({"trade": -1}, "negative weights: trade"),
])
def test_bad_weights_are_refused_with_a_clear_message(weights, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        priority.priority_weights(weights)


def test_all_weights_zero_scores_zero():
    result = priority.score_countries([row(1, last_assessment_date=None)], on=ON, weights=ONLY)[1]
    assert result.score == 0.0


@pytest.mark.django_db
def test_every_in_scope_country_is_scored_in_one_query(nodes, django_assert_num_queries, settings):
    settings.IPS_PRIORITY_WEIGHTS = {"trade": 1.0, "years_since_assessment": 1.0}
    big = CountryFactory(node=nodes["ACTEUR"], annual_vessel_arrivals=9000, last_assessment_date=ON)
    small = CountryFactory(node=nodes["ACTEUR"], annual_vessel_arrivals=90, last_assessment_date=ON)
    never = CountryFactory(node=nodes["FEACT"])
    outside = CountryFactory(node=nodes["FEACT"], in_scope=False, annual_vessel_arrivals=10**6)
    with django_assert_num_queries(1):
        scores = priority.country_priorities(on=ON)
    assert set(scores) == {big.pk, small.pk, never.pk}
    assert outside.pk not in scores  # an out-of-scope giant does not set the scale either
    assert factor(scores[big.pk], "trade").value == pytest.approx(1.0)
    assert scores[never.pk].score == pytest.approx(50.0)
