from django.urls import path

from wellness.browse import views

urlpatterns = [
    path("therapies/", views.therapy_list, name="therapy-list"),
    path("therapies/<slug:slug>/", views.therapy_detail, name="therapy-detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("compare/", views.compare, name="compare"),
]
