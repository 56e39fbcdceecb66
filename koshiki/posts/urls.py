"""URLs of the posts pages (staff, login required) (campaigns: ``koshiki.campaigns.urls``)."""

from django.urls import path

from koshiki.posts import views

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
    path("<int:pk>/second-check/", views.second_check, name="second_check"),
    path("<int:pk>/scope-post/", views.scope_post, name="scope_post"),
    path("<int:pk>/publication/", views.publication, name="publication"),
    path("<int:pk>/correction/", views.correction, name="correction"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/confirm/", views.report_confirm, name="report_confirm"),
]
