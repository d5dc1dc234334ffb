"""A worker stopped between writing a letter's PDF and committing the row that names it leaves a file no
letter references: the sweep (nightly, ``run_scheduled_jobs``, ``manage.py sweep_letter_files``) deletes
it once it is older than the grace period, and never a file a letter names."""

import datetime as dt
import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from correspondence import constants, services
from correspondence.choices import JobState, LetterKind
from correspondence.models import Letter

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no clean-up code of the service runs."""


@pytest.fixture
def letter(users, portfolio):
    return services.letter_create(country=portfolio["country"], kind=LetterKind.RECIPROCAL_INVITATION,
                                  by=users["lant51"])


def _stored(media) -> list[str]:
    return sorted(path.relative_to(media).as_posix() for path in Path(media).rglob("*.pdf"))


def _age(media, name: str, *, hours: float) -> None:
    past = time.time() - hours * 3600
    os.utime(Path(media) / name, (past, past))


def _killed_after_the_file_is_written(monkeypatch, letter) -> str:
    """Render ``letter`` and stop dead when its row is saved, after the PDF was written."""
    save = Letter.save

    def killed(self, *args, **kwargs):
        if "pdf" in (kwargs.get("update_fields") or ()):
            raise WorkerKilled
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Letter, "save", killed)
    with pytest.raises(WorkerKilled):
        services.letter_render(letter_id=letter.pk)
    monkeypatch.setattr(Letter, "save", save)


def test_a_render_killed_before_its_commit_leaves_a_file_the_sweep_deletes(monkeypatch, letter, private_media):
    _killed_after_the_file_is_written(monkeypatch, letter)
    orphans = _stored(private_media)
    letter.refresh_from_db()
    assert len(orphans) == 1 and not letter.pdf and letter.job_state == JobState.RENDERING  # the row was not saved

    assert services.letter_files_sweep() == []  # young: its rendering might still be committing
    _age(private_media, orphans[0], hours=2)
    assert services.letter_files_sweep() == orphans
    assert _stored(private_media) == []


def test_the_sweep_keeps_the_files_letters_name(monkeypatch, letter, private_media):
    _killed_after_the_file_is_written(monkeypatch, letter)
    orphan = _stored(private_media)[0]
    rendered = services.letter_render(letter_id=letter.pk)  # the job, delivered again, renders the letter
    assert rendered.job_state == JobState.READY
    for name in _stored(private_media):
        _age(private_media, name, hours=2)

    assert services.letter_files_sweep(dry_run=True) == [orphan]
    assert len(_stored(private_media)) == 2  # a dry run deletes nothing
    assert services.letter_files_sweep() == [orphan]
    assert _stored(private_media) == [rendered.pdf.name]
    with rendered.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_sweep_command_lists_and_deletes(monkeypatch, letter, private_media):
    _killed_after_the_file_is_written(monkeypatch, letter)
    orphan = _stored(private_media)[0]
    out = StringIO()
    call_command("sweep_letter_files", "--dry-run", "--grace-minutes", "0", stdout=out)
    assert f"Would delete {orphan}" in out.getvalue() and _stored(private_media) == [orphan]
    call_command("sweep_letter_files", "--grace-minutes", "0", stdout=StringIO())
    assert _stored(private_media) == []


def test_the_sweep_copes_with_no_letter_files_at_all(private_media):
    assert services.letter_files_sweep(older_than=dt.timedelta(0)) == []


def test_the_grace_period_outlasts_any_rendering(settings):
    # A file younger than the longest a job may run could belong to a rendering about to commit.
    assert dt.timedelta(seconds=settings.IPS_JOB_TIME_LIMIT_SECONDS) < constants.ORPHAN_FILE_GRACE
