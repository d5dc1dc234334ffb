from advisories.views import staff

app_name = "advisories"

# Staff pages at /advisories/...; the public pages are in advisories.views.public, at /public/...
urlpatterns = staff.urlpatterns
