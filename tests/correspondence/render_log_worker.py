"""A Celery worker for the fault tests whose letter rendering notes each start and end in a file and
can be slowed down, so that a test can kill it mid-render and count the renderings.

``python -m tests.correspondence.render_log_worker -A ips worker ...`` with ``IPS_TEST_RENDER_LOG`` (the
file) and ``IPS_TEST_RENDER_PAUSE`` (seconds to wait before rendering, default 0) in the environment.
"""

import os
import sys
import time


def _note(path: str, line: str) -> None:
    with open(path, "a") as log:
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ips.settings")
    import django

    django.setup()
    from correspondence import rendering

    render = rendering.render_letter
    path = os.environ["IPS_TEST_RENDER_LOG"]
    pause = float(os.environ.get("IPS_TEST_RENDER_PAUSE", "0"))

    def logged(letter):
        _note(path, f"start {letter.pk}")
        time.sleep(pause)
        rendered = render(letter)
        _note(path, f"done {letter.pk}")
        return rendered

    rendering.render_letter = logged
    from celery.__main__ import main as celery

    sys.argv = ["celery", *sys.argv[1:]]
    celery()


if __name__ == "__main__":
    main()
