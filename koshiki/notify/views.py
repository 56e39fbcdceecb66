"""The inbox 「あなたの対応待ち」: the signed-in person's notifications, unread first, and their mail setting."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from koshiki.errors import ActionError
from koshiki.notify.actions import do_mark_all_read, do_mark_read, do_set_delivery
from koshiki.notify.models import Delivery, Notification
from koshiki.notify.service import delivery_of
from koshiki.ui.outcome import act_and_redirect


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label="メールの受け取り方", choices=Delivery.choices, widget=forms.RadioSelect
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "unread")
    items = Notification.objects.filter(recipient=request.user)
    if show != "all":
        show = "unread"
        items = items.unread()
    return render(
        request,
        "notify/inbox.html",
        {
            "items": list(items.order_by("-created_at", "-pk")[:200]),
            "show": show,
            "unread": Notification.objects.unread().filter(recipient=request.user).count(),
            "delivery": Delivery(delivery_of(request.user)).label,
        },
    )


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to the page the notification points at (only a path on this site)."""
    n = get_object_or_404(Notification, pk=pk, recipient=request.user)
    do_mark_read(request.user, n)
    if url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}) and n.url.startswith("/"):
        return redirect(n.url)
    return redirect("notify:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    return act_and_redirect(
        request, lambda: do_mark_all_read(request.user), "すべて既読にしました", "notify:inbox"
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    form = DeliveryForm(request.POST or None, initial={"delivery": delivery_of(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            do_set_delivery(request.user, form.cleaned_data["delivery"])
        except ActionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "通知の受け取り方を変更しました")
            return redirect("notify:settings")
    return render(request, "notify/settings.html", {"form": form, "has_email": bool(request.user.email)})
