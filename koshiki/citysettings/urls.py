"""City settings URLs, mounted under ``/settings/``."""

from django.urls import path

from koshiki.citysettings import views

app_name = "citysettings"

urlpatterns = [path("", views.city_settings, name="settings")]
