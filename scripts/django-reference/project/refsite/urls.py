from django.urls import include, path

# Mounted where cfimages mounts its API (CFIMAGES_PATH_PREFIX, default /cloudflare-images).
urlpatterns = [
    path("cloudflare-images/", include("django_cloudflareimages_toolkit.urls")),
]
