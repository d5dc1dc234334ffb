"""Two publications at the same moment: the row locks and the constraint leave exactly one advisory in force."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from advisories import services
from advisories.choices import AdvisoryStatus
from advisories.errors import AdvisoryError, ErrorCode
from advisories.models import PortSecurityAdvisory
from tests.advisories.conftest import TEXTS, publish_revision

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
]


def _race(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            outcomes[index] = ("ok", work())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def _ready_draft(by, supersedes=None):
    """A complete draft; a second one is written directly, as two PSA-1 members could have started two."""
    return PortSecurityAdvisory.objects.create(
        created_by=by, supersedes=supersedes, effective_date=dt.date(2026, 7, 1), **TEXTS)


def test_the_same_draft_published_twice_at_once_is_published_once(users, deputy):
    first = publish_revision(users["psa1"])
    draft = services.advisory_draft_start(by=users["psa1"])
    services.advisory_draft_update(advisory=draft, by=users["psa1"],
                                   data={**TEXTS, "effective_date": dt.date(2026, 8, 1)})

    outcomes = _race([
        lambda: services.advisory_publish(advisory=PortSecurityAdvisory.objects.get(pk=draft.pk), by=users["psa1"]),
        lambda: services.advisory_publish(advisory=PortSecurityAdvisory.objects.get(pk=draft.pk), by=deputy),
    ])

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    refused = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(refused, AdvisoryError) and refused.error_code == ErrorCode.ALREADY_PUBLISHED
    assert list(PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.IN_FORCE).values_list("pk", flat=True)) == [
        draft.pk]
    first.refresh_from_db()
    assert first.status == AdvisoryStatus.SUPERSEDED
    assert PortSecurityAdvisory.objects.get(pk=draft.pk).releases.count() == 1


def test_two_drafts_published_at_once_leave_exactly_one_in_force(users, deputy):
    current = publish_revision(users["psa1"])
    one, two = _ready_draft(users["psa1"], current), _ready_draft(deputy, current)

    outcomes = _race([
        lambda: services.advisory_publish(advisory=one, by=users["psa1"]),
        lambda: services.advisory_publish(advisory=two, by=deputy),
    ])

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    refused = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(refused, AdvisoryError) and refused.error_code == ErrorCode.STALE_DRAFT
    in_force = PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.IN_FORCE)
    assert in_force.count() == 1 and in_force.get().pk in (one.pk, two.pk)
    assert PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.DRAFT).count() == 1
    assert PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.SUPERSEDED).get().pk == current.pk


def test_two_first_ever_drafts_published_at_once_leave_exactly_one_in_force(users, deputy):
    one, two = _ready_draft(users["psa1"]), _ready_draft(deputy)

    outcomes = _race([
        lambda: services.advisory_publish(advisory=one, by=users["psa1"]),
        lambda: services.advisory_publish(advisory=two, by=deputy),
    ])

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    assert PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.IN_FORCE).count() == 1
    assert PortSecurityAdvisory.objects.filter(status=AdvisoryStatus.DRAFT).count() == 1
