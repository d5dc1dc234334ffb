"""The letter jobs: queued after the approval commits, idempotent, retried, and failures shown."""

import threading

import pytest
from django.db import OperationalError, connection

from assessments.choices import Outcome
from correspondence import rendering, services, tasks
from correspondence.choices import JobState, LetterKind
from correspondence.models import Letter
from ips.jobs import services as jobs
from ips.jobs.choices import OutboxState
from ips.jobs.models import OutboxJob

DISPATCH_AFTER_COMMIT = jobs._dispatch_after_commit  # before the conftest records the jobs instead


@pytest.mark.django_db
def test_approval_records_the_letter_job_in_its_transaction_and_sends_it_after_commit(
    case, decide, queued_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        determination = decide(case)
    job = OutboxJob.objects.get(dedupe_key=f"determination_letter:{determination.pk}")
    assert (job.task, job.kwargs, job.state) == (
        "correspondence.letter_for_determination", {"determination_id": determination.pk}, OutboxState.PENDING)
    assert queued_jobs == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert ("correspondence.letter_for_determination", {"determination_id": determination.pk}) in queued_jobs


@pytest.mark.django_db
def test_running_the_job_twice_leaves_exactly_one_letter(case, decide):
    determination = decide(case)
    first = tasks.letter_for_determination(determination.pk)
    second = tasks.letter_for_determination(determination.pk)
    assert first == second
    letters = Letter.objects.filter(determination=determination)
    assert letters.count() == 1
    assert letters.get().job_state == JobState.READY


@pytest.mark.django_db
def test_second_run_does_not_render_again(case, decide, monkeypatch):
    determination = decide(case)
    tasks.letter_for_determination(determination.pk)
    sha = Letter.objects.get(determination=determination).pdf_sha256

    def boom(letter):
        raise AssertionError("rendered again")

    monkeypatch.setattr(rendering, "render_letter", boom)
    tasks.letter_for_determination(determination.pk)
    assert Letter.objects.get(determination=determination).pdf_sha256 == sha


@pytest.mark.django_db
def test_job_for_a_determination_not_approved_makes_no_letter(case, decide):
    determination = decide(case, approve=False)
    assert tasks.letter_for_determination(determination.pk) is None
    assert tasks.letter_for_determination(987654) is None
    assert not Letter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_jobs_leave_exactly_one_letter(case, decide):
    determination = decide(case)
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            tasks.letter_for_determination(determination.pk)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    letter = Letter.objects.get(determination=determination)
    assert letter.job_state == JobState.READY
    assert Letter.objects.count() == 1
    assert letter.sequence == 1  # no reference number was used up by the losers


@pytest.mark.django_db
def test_permanent_failure_marks_the_letter_failed_with_the_reason(case, decide, monkeypatch):
    determination = decide(case)

    def broken(letter):
        raise ValueError("template exploded")

    monkeypatch.setattr(rendering, "render_letter", broken)
    tasks.letter_for_determination.apply(args=[determination.pk])
    letter = Letter.objects.get(determination=determination)
    assert letter.job_state == JobState.FAILED
    assert "template exploded" in letter.job_error


@pytest.mark.django_db
def test_transient_failure_is_retried_then_recorded(case, decide, monkeypatch):
    determination = decide(case)
    letter, _ = services.letter_for_determination_ensure(determination_id=determination.pk)
    attempts = []

    def flaky(letter):
        attempts.append(1)
        raise OperationalError("database went away")

    monkeypatch.setattr(rendering, "render_letter", flaky)
    tasks.letter_render.apply(args=[letter.pk])
    assert len(attempts) == tasks.letter_render.max_retries + 1
    letter.refresh_from_db()
    assert letter.job_state == JobState.FAILED
    assert "database went away" in letter.job_error


@pytest.mark.django_db
def test_failed_job_can_be_retried_and_then_succeeds(case, decide, users, monkeypatch, queued_jobs):
    determination = decide(case)
    monkeypatch.setattr(rendering, "render_letter", lambda letter: (_ for _ in ()).throw(ValueError("no")))
    tasks.letter_for_determination.apply(args=[determination.pk])
    letter = Letter.objects.get(determination=determination)
    assert letter.job_state == JobState.FAILED
    monkeypatch.undo()

    services.letter_retry(letter=letter, by=users["lant51"])
    letter.refresh_from_db()
    assert letter.job_state == JobState.QUEUED and letter.job_error == ""
    tasks.letter_render(letter.pk)
    letter.refresh_from_db()
    assert letter.job_state == JobState.READY


@pytest.mark.django_db
def test_task_settings_acknowledge_late_and_back_off():
    for task in (tasks.letter_for_determination, tasks.letter_render):
        assert task.acks_late is True
        assert task.retry_backoff
        assert OperationalError in task.autoretry_for
        assert task.max_retries >= 3


def test_time_limits_fit_a_letter_and_the_broker_hands_out_a_job_again_only_after_them():
    from ips.celery import app

    # A letter renders in well under a second; the longest accepted (40 pages) in a few seconds.
    assert 10 <= app.conf.task_soft_time_limit < app.conf.task_time_limit <= 300
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert app.conf.task_time_limit < visibility <= 15 * 60  # not the hour of the broker's default
    assert tasks.letter_render.retry_backoff_max < visibility


@pytest.mark.django_db
def test_seed_letters_generates_missing_letters_once(case, decide, users):
    determination = decide(case, outcome=Outcome.MINIMALLY)
    made = services.seed_letters(by=users["lant51"])
    assert [letter.kind for letter in made] == [LetterKind.FINDINGS]
    assert made[0].determination_id == determination.pk and made[0].job_state == JobState.READY
    assert services.seed_letters(by=users["lant51"]) == []
    assert Letter.objects.count() == 1


@pytest.fixture
def in_process(monkeypatch):
    """The demo's mode (no REDIS_URL): Celery runs every job in-process, and the jobs owed are dispatched
    after the commit (not intercepted as in the other tests here)."""
    from ips.celery import app

    monkeypatch.setattr(jobs, "_dispatch_after_commit", DISPATCH_AFTER_COMMIT)
    eager = {"task_always_eager": True, "task_eager_propagates": True}
    saved = {name: app.conf.get(name) for name in eager}
    app.conf.update(eager)
    yield
    app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_letter_is_made_in_process_as_soon_as_the_approval_commits(case, decide, in_process):
    determination = decide(case, outcome=Outcome.MINIMALLY)
    letter = Letter.objects.get(determination=determination)
    assert letter.job_state == JobState.READY and letter.pdf
    job = OutboxJob.objects.get(dedupe_key=f"determination_letter:{determination.pk}")
    assert (job.state, job.attempts) == (OutboxState.DONE, 1)


@pytest.mark.django_db
def test_a_letter_job_that_gives_up_marks_the_letter_and_its_outbox_job_failed(case, decide, monkeypatch):
    determination = decide(case)
    job = OutboxJob.objects.get(dedupe_key=f"determination_letter:{determination.pk}")
    monkeypatch.setattr(rendering, "render_letter", lambda letter: (_ for _ in ()).throw(ValueError("no fonts")))
    tasks.letter_for_determination.apply(kwargs=job.kwargs, task_id=str(job.task_id))
    job.refresh_from_db()
    assert job.state == OutboxState.FAILED and job.last_error == "ValueError: no fonts"
    assert Letter.objects.get(determination=determination).job_state == JobState.FAILED


@pytest.mark.django_db
def test_editing_the_wording_owes_a_render_of_the_new_revision(case, decide, users):
    determination = decide(case)
    letter, _ = services.letter_for_determination_ensure(determination_id=determination.pk)
    services.letter_update(letter=letter, by=users["lant51"], data={"body": "New wording."})
    services.letter_update(letter=letter, by=users["lant51"], data={"body": "Newer wording."})
    owed = set(OutboxJob.objects.filter(task="correspondence.letter_render").values_list("dedupe_key", flat=True))
    assert owed == {f"letter_render:{letter.pk}:r2", f"letter_render:{letter.pk}:r3"}
