"""Committee meetings: the list, one meeting's attendance, agenda, votes and decisions, its minutes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from koshiki.committees import access
from koshiki.committees.actions import (
    agenda,
    do_close_meeting,
    do_decide,
    do_open_meeting,
    do_set_attendance,
    do_vote,
    procedures_of,
)
from koshiki.committees.minutes import DOCX_TYPE, build_minutes
from koshiki.committees.models import Meeting, MeetingStatus, Outcome, VoteChoice
from koshiki.errors import ActionError, require
from koshiki.org.access import municipality_of
from koshiki.registry.models import Account
from koshiki.ui.forms import WarekiDateField
from koshiki.ui.outcome import act_and_redirect


class MeetingForm(forms.Form):
    title = forms.CharField(
        label="会議名", max_length=200, help_text="例: 令和8年度 第1回 行政情報化推進委員会"
    )
    held_on = WarekiDateField(label="開催日")
    present = forms.MultipleChoiceField(
        label="出席した委員", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: object, members: list[tuple[object, bool]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(u.pk), f"{'委員長 ' if chair else ''}{u.last_name} {u.first_name}".strip())
            for u, chair in members
        ]


def _city(request: HttpRequest):  # noqa: ANN202
    municipality = municipality_of(request.user)
    require(
        access.can_view_meetings(request.user, municipality),
        "委員会の会議を見られるのは委員・委員会事務局・監査担当です",
    )
    return municipality


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    """The meeting by id, 404 unless the user sees their own city's meetings (an id reveals nothing)."""
    municipality = municipality_of(request.user)
    if not access.can_view_meetings(request.user, municipality):
        raise Http404
    return get_object_or_404(Meeting.objects.select_related("municipality"), pk=pk, municipality=municipality)


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    municipality = _city(request)
    procedures = procedures_of(municipality)
    members = access.members_of(municipality)
    can_keep = access.can_keep_meetings(request.user, municipality)
    form = MeetingForm(
        request.POST or None,
        members=members,
        initial={"held_on": timezone.localdate(), "title": procedures.committee_name},
    )
    if request.method == "POST":
        require(can_keep, "委員会の会議を記録できるのは委員会事務局・委員長です")
        if form.is_valid():
            present = [u for u, _ in members if str(u.pk) in form.cleaned_data["present"]]
            try:
                meeting = do_open_meeting(
                    request.user,
                    municipality,
                    title=form.cleaned_data["title"],
                    held_on=form.cleaned_data["held_on"],
                    present=present,
                )
            except ActionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "会議を記録しました。出席委員の表決の後、委員長が議決を宣告します")
                return redirect("committees:meeting", meeting.pk)
    waiting = Account.objects.filter(
        municipality=municipality,
        status__in=sorted(
            {st for s in procedures.steps if "committee_decision" in s.requires for st in s.from_states}
        ),
    ).count()
    return render(
        request,
        "committees/meetings.html",
        {
            "committee_name": procedures.committee_name,
            "quorum_rule": procedures.committee_quorum,
            "quorum_now": access.quorum_for(procedures.committee_quorum, len(members)) if members else 0,
            "members": members,
            "meetings": Meeting.objects.filter(municipality=municipality).order_by("-held_on", "-pk")[:100],
            "form": form,
            "can_keep": can_keep,
            "waiting": waiting,
        },
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    procedures = procedures_of(m.municipality)
    seats = list(m.attendance.select_related("member"))
    decided = {d.account_id: d for d in m.decisions.select_related("decided_by")}
    items = []
    for acc in agenda(m) + [
        d.account
        for d in m.decisions.select_related("account")
        if d.account_id not in {a.pk for a in agenda(m)}
    ]:
        votes = list(m.votes.filter(account=acc).select_related("member"))
        my_vote = next((v for v in votes if v.member_id == request.user.pk), None)
        items.append(
            {
                "account": acc,
                "votes": votes,
                "my_vote": my_vote,
                "decision": decided.get(acc.pk),
                "counts": {c: sum(1 for v in votes if v.choice == c) for c in VoteChoice.values},
            }
        )
    present = sum(1 for s in seats if s.present)
    return render(
        request,
        "committees/meeting.html",
        {
            "m": m,
            "committee_name": procedures.committee_name,
            "seats": seats,
            "present": present,
            "items": items,
            "open": m.status == MeetingStatus.OPEN,
            "can_keep": access.can_keep_meetings(request.user, m.municipality),
            "can_vote": access.can_vote(request.user, m),
            "can_decide": access.can_decide(request.user, m),
            "vote_choices": VoteChoice.choices,
            "outcomes": Outcome.choices,
            "has_decisions": bool(decided),
        },
    )


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    return act_and_redirect(
        request,
        lambda: do_set_attendance(request.user, m, present),
        "出席を記録しました",
        "committees:meeting",
        m.pk,
    )


@login_required
@require_POST
def vote(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    acc = get_object_or_404(Account, pk=account_pk, municipality=m.municipality)
    return act_and_redirect(
        request,
        lambda: do_vote(
            request.user,
            m,
            acc,
            choice=request.POST.get("choice", ""),
            comment=request.POST.get("comment", ""),
        ),
        "表決を記録しました",
        "committees:meeting",
        m.pk,
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, account_pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    acc = get_object_or_404(Account, pk=account_pk, municipality=m.municipality)
    return act_and_redirect(
        request,
        lambda: do_decide(
            request.user,
            m,
            acc,
            outcome=request.POST.get("outcome", ""),
            reasons=request.POST.get("reasons", ""),
        ),
        f"「{acc.display_name}」について議決し、申請の手続に反映しました",
        "committees:meeting",
        m.pk,
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    return act_and_redirect(
        request,
        lambda: do_close_meeting(request.user, m, minutes=request.POST.get("minutes", "")),
        "議事録を確定し、会議を終了しました",
        "committees:meeting",
        m.pk,
        confirm="議事録の確定と会議の終了",
    )


@login_required
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    response = HttpResponse(
        build_minutes(m, procedures_of(m.municipality).committee_name), content_type=DOCX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="minutes-{m.pk}.docx"'
    return response
