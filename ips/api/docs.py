"""The API's interactive documentation (Swagger UI and Redoc from drf-spectacular-sidecar), served under
the site's Content-Security-Policy: the templates give every script and style element the response's
nonce instead of relaxing the policy.

Redoc alone needs one addition: its search index runs in a web worker that it starts from a blob: URL.
Two things it does stay refused, on purpose: the stylesheet of its custom scroll bars, injected without a
nonce when its bundle loads (the page uses the browser's own scroll bars instead), and its logo from
cdn.redoc.ly (nothing is fetched from a CDN at run time).
"""

from csp.constants import SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView


class ApiDocsSwaggerView(SpectacularSwaggerView):
    template_name = "api/docs/swagger_ui.html"


@method_decorator(csp_update({"worker-src": [SELF, "blob:"]}), name="dispatch")
class ApiDocsRedocView(SpectacularRedocView):
    template_name = "api/docs/redoc.html"
