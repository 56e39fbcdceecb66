"""Koshiki's URLs: staff pages (login required), auth, and static files; wiring only."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from koshiki.api import comments as comments_api
from koshiki.home import views
from koshiki.home.login import LoginView
from koshiki.people.password import OwnPasswordChangeView

urlpatterns = [
    path("", views.home, name="home"),
    # Django's login view (its ``next`` accepts same-site URLs only) with the lockout form and device cookie.
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The person's own change, audited; an initial password must be replaced before any other page.
    path("password/", OwnPasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The second factor (TOTP, recovery codes) and the office's reset.
    path("security/", include("koshiki.security.urls")),
    path("accounts/", include("koshiki.registry.urls")),
    path("posts/", include("koshiki.posts.urls")),
    # Campaigns live under /posts/ too, so their paths and the submission links handed out stay.
    path("posts/", include("koshiki.campaigns.urls")),
    path("documents/", include("koshiki.documents.urls")),
    path("org/", include("koshiki.people.urls")),
    path("settings/", include("koshiki.citysettings.urls")),
    path("audit/", include("koshiki.audit.urls")),
    path("inbox/", include("koshiki.notify.urls")),
    path("duties/", include("koshiki.duties.urls")),
    path("committees/", include("koshiki.committees.urls")),
    path("incidents/", include("koshiki.incidents.urls")),
    path("comments/", include("koshiki.comments.urls")),
    # JSON API for other tools (token-authenticated) and the token page.
    path("api/comments", comments_api.comments, name="api_comments"),
    path("api/", include("koshiki.api.urls")),
    # Any staff member: check a private post before posting it (nothing stored).
    path("selfcheck/", include("koshiki.selfcheck.urls")),
    # Public pages for citizens (no login): official-account list, open data, verify API.
    path("public/", include("koshiki.directory.urls")),
    # Operations: /healthz for the load balancer and the service manager.
    path("", include("koshiki.ops.urls")),
]
# /static/ is served by whitenoise (settings.MIDDLEWARE) unless KOSHIKI_SERVE_STATIC=0.
