from assessments.views import cases, findings_list, planning, recording

app_name = "assessments"

# Each views module lists its own routes; the case workspace pages are at /assessments/<pk>/...
urlpatterns = [*cases.urlpatterns, *recording.urlpatterns, *planning.urlpatterns, *findings_list.urlpatterns]
