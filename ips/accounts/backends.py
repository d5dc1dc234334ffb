"""The lockout check that runs before any password is checked (first in ``AUTHENTICATION_BACKENDS``)."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses every password while the account or the client address is locked out (django-axes).

    It only refuses: the password itself is checked by the next backend. Every sign-in form passes
    the request, which carries the client address the lockout counts. A call without a request
    (a management command, a shell) is not a sign-in from the network and is not counted.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
