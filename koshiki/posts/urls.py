"""URLs of the posts pages (staff, login required) (campaigns: ``koshiki.campaigns.urls``)."""

from django.urls import path

from koshiki.posts import media_views, views

app_name = "posts"

urlpatterns = [
    path("", views.index, name="index"),
    path("approvals/", views.approvals, name="approvals"),
    path("check-live/", views.check_live, name="check_live"),
    path("account/<int:account_id>/", views.account_drafts, name="account"),
    path("account/<int:account_id>/new/", views.draft_new, name="new"),
    path("account/<int:account_id>/scopes/", views.scopes, name="scopes"),
    path("<int:pk>/", views.draft_detail, name="draft"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/recall/", views.recall, name="recall"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/approval/", views.approval, name="approval"),
    # Images and videos of a draft; files go out only through these views (access-checked).
    path("<int:pk>/media/add/", media_views.add, name="media_add"),
    path("<int:pk>/media/<int:position>/", media_views.detail, name="media"),
    path("<int:pk>/files/<int:attachment_id>/preview.jpg", media_views.preview_file, name="media_preview"),
    path("<int:pk>/files/<int:attachment_id>/original", media_views.original_file, name="media_original"),
    path("<int:pk>/files/<int:attachment_id>/consent", media_views.consent_document, name="media_consent"),
    path("<int:pk>/second-check/", views.second_check, name="second_check"),
    path("<int:pk>/second-check/request/", views.second_check_request, name="second_check_request"),
    path("<int:pk>/scope-post/", views.scope_post, name="scope_post"),
    path("<int:pk>/publication/", views.publication, name="publication"),
    path("<int:pk>/correction/", views.correction, name="correction"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/confirm/", views.report_confirm, name="report_confirm"),
]
