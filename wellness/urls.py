from django.contrib import admin
from django.urls import include, path

from wellness.views import pages, questionnaire, results

admin.site.site_header = "Wellness catalogue"
admin.site.site_title = "Wellness catalogue"
admin.site.index_title = "Catalogue and evidence"

urlpatterns = [
    path("", pages.home, name="home"),
    path("help-now/", pages.help_now, name="help-now"),
    path("privacy/", pages.privacy, name="privacy"),
    # The questionnaire: one question a page, answers kept only in a signed cookie.
    path("questions/", include(questionnaire.urlpatterns)),
    path("results/", include(results.urlpatterns)),
    # Browse the catalogue and its evidence.
    path("", include("wellness.browse.urls")),
    path("api/v1/", include("wellness.api.urls")),
    path("admin/", admin.site.urls),
]
