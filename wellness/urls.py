from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from wellness import health
from wellness.views import pages, questionnaire, results

admin.site.site_header = "Wellness catalogue"
admin.site.site_title = "Wellness catalogue"
admin.site.index_title = "Catalogue and evidence"

urlpatterns = [
    path("", pages.home, name="home"),
    path("help-now/", pages.help_now, name="help-now"),
    path("privacy/", pages.privacy, name="privacy"),
    path("about/", pages.about, name="about"),
    path("changes/", pages.change_log, name="change-log"),
    # The questionnaire: a few short pages, answers kept only in a signed cookie.
    path("questions/", include(questionnaire.urlpatterns)),
    path("results/", include(results.urlpatterns)),
    # Browse the catalogue and its evidence.
    path("", include("wellness.browse.urls")),
    path("api/v1/", include("wellness.api.urls")),
    path("admin/", admin.site.urls),
    # Health for load balancers: alive, and ready (database, cache, broker).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

if settings.BENCH_BARE_VIEW:
    # Benchmarks only (tests/benchmarks/): the cheapest answer Django gives, through the same
    # middleware, so every other page's throughput is read as a share of it.
    def bench_bare(request: HttpRequest) -> JsonResponse:
        return JsonResponse({"ok": True})

    urlpatterns += [path("bench/bare/", bench_bare, name="bench-bare")]

# Problem+json for /api/ paths; the site's own 404 and 500 pages everywhere else.
handler404 = "wellness.api.problems.page_not_found"
handler500 = "wellness.api.problems.server_error"
