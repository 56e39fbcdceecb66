"""URLs of the media pages, under /posts/ beside the drafts they belong to (login required)."""

from django.urls import path

from koshiki.attachments import views

app_name = "attachments"

urlpatterns = [
    path("<int:pk>/media/add/", views.add, name="add"),
    path("<int:pk>/media/<int:position>/", views.detail, name="detail"),
    path("<int:pk>/files/<int:attachment_id>/preview.jpg", views.preview_file, name="preview"),
    path("<int:pk>/files/<int:attachment_id>/original", views.original_file, name="original"),
    path("<int:pk>/files/<int:attachment_id>/consent", views.consent_document, name="consent"),
]
