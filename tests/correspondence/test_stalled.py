"""A letter whose PDF job has been queued or rendering too long shows as stalled, with a Retry action for
PSA-1 and LANT-51, on its page, in the letters list and on the program dashboard; saving the wording
unchanged while the PDF is missing asks for it again."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from correspondence import services
from correspondence.choices import JobState, LetterKind
from correspondence.errors import ErrorCode
from correspondence.models import Letter
from ips.dashboards import program
from ips.jobs.choices import OutboxState
from ips.jobs.models import OutboxJob

pytestmark = pytest.mark.django_db

RETRY_BUTTON = "Retry the PDF job"
STALLED = "PDF job stalled"
LEADERSHIP = {"psa1", "lant51"}


def _ago(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


@pytest.fixture
def letter(users, portfolio):
    """A letter anyone with a role may open (no FOUO marking), its PDF job owed and queued."""
    return services.letter_create(country=portfolio["country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                  by=users["lant51"])


def _stall(letter, *, minutes: int = 11, state: str = JobState.QUEUED) -> Letter:
    """The PDF job queued (or rendering) ``minutes`` ago, and the broker lost it."""
    Letter.objects.filter(pk=letter.pk).update(job_state=state, job_queued_at=_ago(minutes + 1),
                                               job_started_at=_ago(minutes) if state == JobState.RENDERING else None)
    OutboxJob.objects.filter(dedupe_key__startswith=f"letter_render:{letter.pk}:").update(
        state=OutboxState.SENT, attempts=1, sent_at=_ago(minutes), next_attempt_at=_ago(minutes - 5))
    return Letter.objects.get(pk=letter.pk)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["psa1", "lant51", "ipslo", "viewer"])
def test_a_stalled_letter_shows_so_and_offers_retry_only_to_psa1_and_lant51(users, letter, who, settings):
    settings.IPS_LETTER_STALLED_MINUTES = 10
    _stall(letter)
    body = _client(users[who]).get(letter.get_absolute_url()).content.decode()
    assert STALLED in body and "more than 10 minutes" in body
    assert (RETRY_BUTTON in body) == (who in LEADERSHIP)
    if who not in LEADERSHIP:
        assert "PSA-1 or LANT-51 can send it again" in body


@pytest.mark.parametrize("who", ["psa1", "lant51", "ipslo", "viewer"])
def test_retrying_a_stalled_letter_is_for_psa1_and_lant51(users, letter, who):
    stalled = _stall(letter)
    response = _client(users[who]).post(reverse("correspondence:letter_retry", args=[letter.pk]))
    letter.refresh_from_db()
    job = OutboxJob.objects.get(dedupe_key=f"letter_render:{letter.pk}:r{letter.revision}")
    if who in LEADERSHIP:
        assert response.status_code == 302
        assert letter.job_state == JobState.QUEUED and letter.job_queued_at > stalled.job_queued_at
        assert not letter.is_stalled
        # The lost job is sent again (the same row, due now), not doubled.
        assert job.state == OutboxState.PENDING and job.next_attempt_at <= timezone.now()
        assert OutboxJob.objects.filter(dedupe_key=job.dedupe_key).count() == 1
    else:
        assert response.status_code == 403
        assert "role_required" in response.content.decode()
        assert (letter.job_queued_at, job.state) == (stalled.job_queued_at, OutboxState.SENT)


def test_a_job_queued_a_few_minutes_ago_is_not_stalled_and_cannot_be_retried(users, letter):
    Letter.objects.filter(pk=letter.pk).update(job_queued_at=_ago(5))
    client = _client(users["lant51"])
    body = client.get(letter.get_absolute_url()).content.decode()
    assert STALLED not in body and RETRY_BUTTON not in body and "PDF queued" in body
    response = client.post(reverse("correspondence:letter_retry", args=[letter.pk]), follow=True)
    assert ErrorCode.NOT_RETRYABLE.label in response.content.decode()


def test_a_rendering_counts_from_when_it_began(letter):
    assert not _stall(letter, minutes=3, state=JobState.RENDERING).is_stalled
    stalled = _stall(letter, minutes=12, state=JobState.RENDERING)
    assert stalled.is_stalled and stalled.job_waiting_since == stalled.job_started_at


def test_a_failed_job_is_still_retried_by_the_countrys_ipslo(users, letter):
    Letter.objects.filter(pk=letter.pk).update(job_state=JobState.FAILED, job_error="WeasyPrint: out of memory")
    services.letter_retry(letter=letter, by=users["ipslo"])
    letter.refresh_from_db()
    assert letter.job_state == JobState.QUEUED and letter.job_error == ""


def test_the_letters_list_filters_the_stalled_letters(users, letter, portfolio):
    fresh = services.letter_create(country=portfolio["country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                   by=users["lant51"])
    _stall(letter)
    body = _client(users["lant51"]).get(reverse("correspondence:index") + "?job=stalled").content.decode()
    assert "Letters with a stalled PDF" in body and letter.reference in body and fresh.reference not in body


def test_the_program_dashboard_counts_and_links_the_stalled_letters(users, letter, portfolio, settings):
    settings.IPS_LETTER_STALLED_MINUTES = 10
    others = [services.letter_create(country=portfolio["country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                     by=users["lant51"]) for _ in range(2)]
    _stall(letter, minutes=30)
    _stall(others[0], minutes=15, state=JobState.RENDERING)  # others[1] was queued just now

    panel = program.stalled_letters(now=timezone.now())
    assert panel.count == 2 and [row.pk for row in panel.letters] == [letter.pk, others[0].pk]

    body = _client(users["lant51"]).get(reverse("home")).content.decode()
    assert "Letters stalled" in body
    assert f'href="{reverse("correspondence:index")}?job=stalled"' in body
    assert letter.get_absolute_url() in body and others[0].get_absolute_url() in body
    assert others[1].get_absolute_url() not in body


def test_saving_the_wording_unchanged_while_the_pdf_is_missing_queues_a_render(users, letter):
    Letter.objects.filter(pk=letter.pk).update(job_state=JobState.FAILED, job_error="Lost.")
    OutboxJob.objects.update(state=OutboxState.FAILED)
    same = {"subject": letter.subject, "body": letter.body}
    services.letter_update(letter=letter, by=users["lant51"], data=same)
    letter.refresh_from_db()
    assert (letter.job_state, letter.job_error, letter.revision) == (JobState.QUEUED, "", 1)
    owed = OutboxJob.objects.filter(dedupe_key=f"letter_render:{letter.pk}:r1", state=OutboxState.PENDING)
    assert owed.count() == 1

    services.letter_render(letter_id=letter.pk)
    OutboxJob.objects.update(state=OutboxState.DONE)
    services.letter_update(letter=letter, by=users["lant51"], data=same)  # ready: nothing to do
    assert not OutboxJob.objects.exclude(state=OutboxState.DONE).exists()
