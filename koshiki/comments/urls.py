"""URLs of the comment pages (staff, login required); ``POST /api/comments`` is wired in ``web.urls``."""

from django.urls import path

from koshiki.comments import views

app_name = "comments"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("import/", views.import_comments, name="import"),
    path("<int:pk>/", views.comment_detail, name="comment"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("decisions/<int:pk>/review/", views.review, name="review"),
    path("decisions/<int:pk>/reverse/", views.reverse, name="reverse"),
    path("account/<int:account_id>/follows/", views.follows, name="follows"),
    path("follows/<int:pk>/end/", views.end_follow, name="end_follow"),
    path("account/<int:account_id>/transparency/", views.transparency, name="transparency"),
]
