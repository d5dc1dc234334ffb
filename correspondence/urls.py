from django.urls import path, re_path

from correspondence import views

app_name = "correspondence"

ISO3 = r"(?P<iso3>[A-Za-z]{3})"

urlpatterns = [
    path("", views.letter_index, name="index"),
    re_path(rf"^countries/{ISO3}/$", views.country_letters, name="country"),
    re_path(rf"^countries/{ISO3}/letters/new/$", views.letter_new, name="letter_new"),
    re_path(rf"^countries/{ISO3}/incoming/new/$", views.incoming_new, name="incoming_new"),
    re_path(rf"^countries/{ISO3}/generate/$", views.country_generate_missing, name="generate_missing"),
    path("letters/<int:pk>/", views.letter_detail, name="letter"),
    path("letters/<int:pk>/job/", views.letter_job, name="letter_job"),
    path("letters/<int:pk>/approve/", views.letter_approve, name="letter_approve"),
    path("letters/<int:pk>/sent/", views.letter_send, name="letter_send"),
    path("letters/<int:pk>/acknowledged/", views.letter_acknowledge, name="letter_acknowledge"),
    path("letters/<int:pk>/correct/", views.letter_correct, name="letter_correct"),
    path("letters/<int:pk>/retry/", views.letter_retry, name="letter_retry"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("incoming/<int:pk>/file/", views.incoming_file, name="incoming_file"),
    path("cases/<int:pk>/visit-request/", views.case_visit_request, name="case_visit_request"),
]
