"""The accessibility helper itself: it must catch what it is meant to catch."""

import pytest

from tests.browser.axe import assert_no_serious_violations, run_axe

ACCESSIBLE = """<!DOCTYPE html><html lang="en"><head><title>Fine</title></head>
<body><main><h1>Fine</h1><label for="q">Search</label><input id="q" type="text"></main></body></html>"""

# An unlabelled input (critical) and an image without alternative text (critical).
INACCESSIBLE = """<!DOCTYPE html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><input id="nolabel" type="text"><img id="noalt" src="data:,"></main></body></html>"""


def test_axe_passes_an_accessible_page(page):
    page.set_content(ACCESSIBLE)

    assert assert_no_serious_violations(page) == []


def test_axe_fails_listing_rule_help_and_target_of_each_serious_violation(page):
    page.set_content(INACCESSIBLE)

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_serious_violations(page)

    message = str(failure.value)
    assert "[critical] label:" in message and "at #nolabel" in message
    assert "[critical] image-alt:" in message and "at #noalt" in message


def test_axe_ignores_violations_of_lesser_impact(page):
    # A page without a level-one heading is a moderate issue only.
    page.set_content('<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><main><p>x</p></main></body>')

    found = run_axe(page, tags=("best-practice",))
    assert {v["impact"] for v in found} == {"moderate"}
    assert assert_no_serious_violations(page, tags=("best-practice",)) == found
