"""URLs of the campaign pages (staff, login required) and the third party's submission page (token).

Mounted under ``/posts/`` beside the posts pages, so the paths (and the
submission links already handed out) are the ones they were.
"""

from django.urls import path

from koshiki.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.campaigns, name="list"),
    path("campaigns/new/", views.campaign_new, name="new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/instruction.docx", views.campaign_instruction, name="instruction"),
    path("campaigns/<int:pk>/link/", views.campaign_link, name="link"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="close"),
    path("campaigns/submissions/<int:pk>/precheck/", views.precheck, name="precheck"),
    path("campaigns/submissions/<int:pk>/publication/", views.campaign_publication, name="publication"),
    # The third party's page: no login; the token in the link is the credential.
    path("submit/<str:token>/", views.third_party, name="third_party"),
]
