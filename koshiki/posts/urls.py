"""URLs of the posts pages (staff, login required) and the third party's submission page (token)."""

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
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/instruction.docx", views.campaign_instruction, name="campaign_instruction"),
    path("campaigns/<int:pk>/link/", views.campaign_link, name="campaign_link"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/submissions/<int:pk>/precheck/", views.precheck, name="precheck"),
    path(
        "campaigns/submissions/<int:pk>/publication/", views.campaign_publication, name="campaign_publication"
    ),
    # The third party's page: no login; the token in the link is the credential.
    path("submit/<str:token>/", views.third_party, name="third_party"),
]
