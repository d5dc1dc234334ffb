"""The product's URLs plus /bench/bare/, a minimal Django JSON view served by the same processes."""

from django.http import JsonResponse
from django.urls import path

from ips.urls import urlpatterns as product_urlpatterns


def bare(request):
    return JsonResponse({"status": "ok", "n": 1})


urlpatterns = [path("bench/bare/", bare), *product_urlpatterns]
