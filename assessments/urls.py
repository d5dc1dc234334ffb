from assessments.views import cases, planning, recording

app_name = "assessments"

# Each views module lists its own routes; the case workspace pages are at /assessments/<pk>/...
urlpatterns = [*cases.urlpatterns, *recording.urlpatterns, *planning.urlpatterns]
