from tests.assessments.conftest import case, checklist, drive_to, facilities, leader  # noqa: F401
