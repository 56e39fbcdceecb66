"""Pre-approved scopes: the section head sets them; a post under a scope is checked by a second
person where the profile asks, and reported to the section head, who confirms; overdue ones are listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koshiki.errors import ActionError
from koshiki.posts import actions
from koshiki.posts.models import PostHocReport
from koshiki.posts.states import DraftStatus, SecondCheckResult
from tests.personas import WORKDAY_NOON

pytestmark = pytest.mark.django_db

FACT = "本日開催の「京都マラソン2026」は、9時に西京極総合運動公園をスタートしました。"
URL = "https://x.com/kyoto_koho/status/100"


def _scope_post(city, draft, **kw):
    return actions.do_post_under_scope(
        city.operator, draft, "facts", url=URL, published_at=WORKDAY_NOON, **kw
    )


def test_kyoto_scope_post_with_second_check_and_report_confirmed(kyoto):
    actions.do_set_scopes(
        kyoto.head, kyoto.account, ["facts", "published"], {"facts": "イベントの開催状況と結果"}
    )
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    # 佐藤 checks 山田's text before she posts it (京都市4(1)イ(ウ)c).
    actions.do_record_second_check(kyoto.operator2, draft, SecondCheckResult.CONFIRMED, "日時と場所を確認")
    report = _scope_post(kyoto, draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED and draft.scope.scope_id == "facts"
    assert draft.approved_revision == draft.current_revision
    assert report.second_check.checker == kyoto.operator2
    assert report.due_at - report.reported_at == timedelta(days=3)  # kyoto: [posts.report] deadline_days
    assert draft.publication.matches
    # 田中 confirms the report (4(1)イ(ウ)d).
    actions.do_confirm_report(kyoto.head, report, "確認しました")
    report.refresh_from_db()
    assert report.confirmed_by == kyoto.head
    with pytest.raises(ActionError, match="既に確認されています"):
        actions.do_confirm_report(kyoto.bureau_head, report)


def test_when_possible_second_check_can_be_replaced_by_a_recorded_reason(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    with pytest.raises(ActionError, match="確認できなかった理由を記録"):
        _scope_post(kyoto, draft)
    report = _scope_post(kyoto, draft, no_second_check_reason="休日のイベントで職員が1名のみ")
    assert report.second_check is None and "1名のみ" in report.no_second_check_reason


def test_standard_profile_requires_the_second_check(make_city):
    city = make_city("standard")
    actions.do_set_scopes(city.head, city.account, ["facts"])
    draft = actions.do_create_draft(city.operator, city.account, FACT)
    with pytest.raises(ActionError, match="別の職員による内容の確認が必要です"):
        _scope_post(city, draft, no_second_check_reason="一人しかいない")
    actions.do_record_second_check(city.operator2, draft, SecondCheckResult.CONFIRMED)
    assert _scope_post(city, draft).second_check is not None


def test_a_second_check_that_found_a_problem_blocks_the_post(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    actions.do_record_second_check(
        kyoto.operator2, draft, SecondCheckResult.PROBLEM, "スタートは9時ではなく9時10分"
    )
    with pytest.raises(ActionError, match="9時10分"):
        _scope_post(kyoto, draft, no_second_check_reason="")


def test_the_second_check_is_tied_to_the_revision(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    actions.do_record_second_check(kyoto.operator2, draft, SecondCheckResult.CONFIRMED)
    actions.do_edit_draft(kyoto.operator, draft, FACT.replace("9時", "9時10分"))
    with pytest.raises(ActionError, match="確認できなかった理由"):
        _scope_post(kyoto, draft)


def test_nobody_second_checks_their_own_text(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    with pytest.raises(ActionError, match="自分が書いた版"):
        actions.do_record_second_check(kyoto.operator, draft, SecondCheckResult.CONFIRMED)


def test_scope_post_refused_for_a_scope_not_approved_or_revoked(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    with pytest.raises(ActionError, match="承認されていません"):
        _scope_post(kyoto, draft, no_second_check_reason="x")
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    actions.do_set_scopes(kyoto.head, kyoto.account, [])
    with pytest.raises(ActionError, match="承認されていません"):
        _scope_post(kyoto, draft, no_second_check_reason="x")


def test_scope_post_refused_with_errors_or_warnings(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT + "詳細は担当の携帯090-1234-5678へ。")
    with pytest.raises(ActionError, match="エラーの指摘が1件"):
        _scope_post(kyoto, draft, no_second_check_reason="x")
    actions.do_edit_draft(kyoto.operator, draft, FACT + "詳細は文化市民局（075-366-0123）へ。")
    with pytest.raises(ActionError, match="警告が1件あるため、事前承認の範囲では投稿できません"):
        _scope_post(kyoto, draft, no_second_check_reason="x")


def test_only_the_section_head_sets_scopes_and_only_profile_scopes(kyoto, make_city):
    with pytest.raises(PermissionDenied, match="所属長"):
        actions.do_set_scopes(kyoto.operator, kyoto.account, ["facts"])
    with pytest.raises(PermissionDenied):
        actions.do_set_scopes(kyoto.other_head, kyoto.account, ["facts"])
    with pytest.raises(ActionError, match="ガイドラインにない範囲"):
        actions.do_set_scopes(kyoto.head, kyoto.account, ["rumours"])
    kawasaki = make_city("kawasaki")
    with pytest.raises(ActionError, match="事前承認の範囲の定めがありません.*5\\(11\\)イ"):
        actions.do_set_scopes(kawasaki.head, kawasaki.account, [])


def test_akitakata_published_information_needs_no_second_check(make_city):
    city = make_city("akitakata")
    actions.do_set_scopes(city.head, city.account, ["published"])
    draft = actions.do_create_draft(
        city.operator, city.account, "広報あきたかた7月号を発行しました。市ホームページでもご覧いただけます。"
    )
    report = actions.do_post_under_scope(
        city.operator, draft, "published", url=URL, published_at=WORKDAY_NOON
    )
    assert report.second_check is None and report.no_second_check_reason == ""
    assert report.due_at - report.reported_at == timedelta(days=7)


def test_report_confirmation_only_by_the_section_head_never_by_the_reporter(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    draft = actions.do_create_draft(kyoto.head, kyoto.account, FACT)
    actions.do_record_second_check(kyoto.operator, draft, SecondCheckResult.CONFIRMED)
    report = actions.do_post_under_scope(kyoto.head, draft, "facts", url=URL, published_at=WORKDAY_NOON)
    with pytest.raises(PermissionDenied):
        actions.do_confirm_report(kyoto.operator, report)
    with pytest.raises(ActionError, match="自分の投稿の報告"):
        actions.do_confirm_report(kyoto.head, report)
    actions.do_confirm_report(kyoto.bureau_head, report)


def test_unconfirmed_reports_past_the_deadline_are_listed_as_overdue(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts", "published"])
    late = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    actions.do_record_second_check(kyoto.operator2, late, SecondCheckResult.CONFIRMED)
    late_report = _scope_post(kyoto, late)
    fresh = actions.do_create_draft(
        kyoto.operator, kyoto.account, "市バス・地下鉄の夏の臨時ダイヤを市ホームページに掲載しました。"
    )
    actions.do_record_second_check(kyoto.operator2, fresh, SecondCheckResult.CONFIRMED)
    actions.do_post_under_scope(kyoto.operator, fresh, "published", url=URL + "1", published_at=WORKDAY_NOON)
    PostHocReport.objects.filter(pk=late_report.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert list(PostHocReport.objects.overdue()) == [late_report]

    client = Client()
    client.force_login(kyoto.head)
    page = client.get(reverse("posts:reports") + "?show=overdue").content.decode()
    assert "期限切れ" in page and f"#{late.pk}" in page and f"#{fresh.pk}<" not in page
    home = client.get(reverse("posts:index")).content.decode()
    assert "確認が必要な事後の報告（2件）" in home
    response = client.post(reverse("posts:report_confirm", args=[late_report.pk]), {"comment": "確認"})
    assert response.status_code == 302
    assert not PostHocReport.objects.overdue().exists()


def test_scope_post_page_records_and_reports(kyoto):
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    client = Client()
    client.force_login(kyoto.operator)
    response = client.post(
        reverse("posts:scope_post", args=[draft.pk]),
        {
            "scope": "facts",
            "url": URL,
            "published_on": "令和7年6月11日",
            "published_time": "12:00",
            "confirm": "yes",
            "recorded_text": FACT,
            "no_second_check_reason": "職員1名で対応",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.PUBLISHED and draft.report.scope.scope_id == "facts"


def test_overdue_command_lists_and_fails_for_cron(kyoto):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("overdue_post_reports", stdout=out)
    assert "ありません" in out.getvalue()
    actions.do_set_scopes(kyoto.head, kyoto.account, ["facts"])
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, FACT)
    report = _scope_post(kyoto, draft, no_second_check_reason="職員1名")
    PostHocReport.objects.filter(pk=report.pk).update(due_at=timezone.now() - timedelta(days=1))
    out = StringIO()
    with pytest.raises(CommandError, match="1件"):
        call_command("overdue_post_reports", stdout=out)
    assert f"投稿案#{draft.pk}" in out.getvalue() and "京都市広報" in out.getvalue()
