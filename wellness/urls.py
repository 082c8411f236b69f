from django.contrib import admin
from django.urls import path

from wellness import views

admin.site.site_header = "Wellness catalogue"
admin.site.site_title = "Wellness catalogue"
admin.site.index_title = "Catalogue and evidence"

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
]
