from ips import permissions


def navigation(request):
    """The navigation links the current user may follow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = [("home", "Home")]
    if permissions.can(user, "countries.view_country"):
        links.append(("countries:list", "Countries"))
    if permissions.can(user, "countries.view_portfolios"):
        links.append(("countries:portfolios", "Portfolios"))
    return {"nav_links": links}
