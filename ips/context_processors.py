from django.urls import reverse

from ips import permissions
from ips.notifications import unread_count


def navigation(request):
    """The navigation links the current user may follow, and the home page's shortcuts (built lazily)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = [("home", "Home")]
    # LANT-51's home page is the program dashboard; PSA-1 reaches it from here.
    if permissions.can(user, "ips.view_program_dashboard") and permissions.home_page(user) != "program":
        links.append(("dashboard", "Program dashboard"))
    if permissions.can(user, "countries.view_country"):
        links.append(("countries:list", "Countries"))
    if permissions.can(user, "countries.view_portfolios"):
        links.append(("countries:portfolios", "Portfolios"))
    if permissions.can(user, "assessments.view_assessment"):
        links.append(("assessments:list", "Assessments"))
    if permissions.can(user, "assessments.view_finding_list"):
        links.append(("assessments:finding_list", "Findings"))
    if permissions.can(user, "correspondence.view_correspondence"):
        links.append(("correspondence:index", "Letters"))
    if permissions.can(user, "advisories.view_portsecurityadvisory"):
        links.append(("advisories:list", "Advisories"))
    if permissions.can(user, "assessments.view_queue_review"):
        links.append(("assessments:queue_review", "Review queue"))
    if permissions.can(user, "assessments.view_queue_decision"):
        links.append(("assessments:queue_decisions", "Decisions"))
    if permissions.can(user, "assessments.view_plan"):
        links.append(("assessments:plan", "Annual plan"))
    if permissions.can(user, "ips.manage_api_clients"):
        links.append(("api_clients:list", "API clients"))
    if permissions.can(user, "ips.view_notification_list"):
        unread = unread_count(user)
        links.append(("notifications", f"Notifications ({unread})" if unread else "Notifications"))
    return {
        "nav_links": links,
        "nav_current": _current(request.path, links),
        "home_links": lambda: _home_links(user, links),
    }


def _current(path: str, links) -> str | None:
    """The link whose address is the longest prefix of the page's path (one link is current)."""
    best, best_len = None, 0
    for url_name, _ in links:
        href = reverse(url_name)
        if (path == href or (href != "/" and path.startswith(href))) and len(href) > best_len:
            best, best_len = url_name, len(href)
    return best


COUNTRY_PAGES = frozenset({"home", "countries:list", "countries:portfolios"})


def _home_links(user, nav_links) -> list[dict]:
    """Shortcuts on the home page: only to pages that exist and that the user may open."""
    links = []
    if permissions.can(user, "countries.view_country"):
        if permissions.can(user, "countries.view_own_portfolio"):
            links.append(
                {
                    "label": "My portfolio",
                    "description": "The countries for which you are the primary IPSLO.",
                    "href": f"{reverse('countries:list')}?ipslo={user.pk}",
                    "action": "Open my countries",
                }
            )
        links.append(
            {
                "label": "Countries",
                "description": "Every country with its node, IPSLO, contacts, ports and port facilities.",
                "href": reverse("countries:list"),
                "action": "Browse countries",
            }
        )
    if permissions.can(user, "countries.manage_portfolios"):
        links.append(
            {
                "label": "Portfolios",
                "description": "Assign and reassign IPSLOs, and hand over a departing IPSLO's portfolio.",
                "href": reverse("countries:portfolios"),
                "action": "Manage portfolios",
            }
        )
    elif permissions.can(user, "countries.view_portfolios"):
        links.append(
            {
                "label": "Portfolios",
                "description": "Which IPSLO covers which countries, and in-scope countries with no IPSLO.",
                "href": reverse("countries:portfolios"),
                "action": "View portfolios",
            }
        )
    # Every other page in the navigation gets a plain shortcut.
    for url_name, label in nav_links:
        if url_name not in COUNTRY_PAGES:
            links.append(
                {"label": label, "description": "", "href": reverse(url_name), "action": f"Open {label.lower()}"}
            )
    return links
