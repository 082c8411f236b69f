from django.urls import path

from wellness.browse import views

urlpatterns = [
    path("therapies/", views.therapy_list, name="therapy-list"),
]
