"""``POST /api/check`` with ``"subject": "comment"``: the CLI's JSON, the OpenAPI schema, refusals."""

from __future__ import annotations

import pytest

from tests.api.test_api import api, cli_json, issued, kyoto, operator, post_check  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SPAM = "在宅で月収50万！スマホだけで稼げる副業、詳しくはプロフのリンクから"
QUESTION = "粗大ごみの申込みは電話以外でもできますか？"
PROPOSAL = "図書館の開館時間を平日は夜8時まで延ばしてほしいです"


@pytest.mark.parametrize("profile", ["standard", "kyoto", "akitakata"])
@pytest.mark.parametrize(
    "text", [SPAM, QUESTION, PROPOSAL, ""], ids=["spam", "question", "proposal", "empty"]
)
def test_comment_check_returns_exactly_the_cli_json(api, issued, tmp_path, capsys, text, profile):  # noqa: F811
    payload = {"subject": "comment", "text": text, "profile": profile, "context": {"post_text": "お知らせ"}}
    response = post_check(api, payload, issued.secret)
    assert response.status_code == 200
    expected = cli_json(
        tmp_path, capsys, text, "--subject", "comment", "--post-text", "お知らせ", "--profile", profile
    )
    assert response.json() == expected
    assert response.json()["action"] in (
        "none", "reply", "interim_reply", "redirect_to_official_email", "hide_or_delete", "escalate",
    )  # fmt: skip


def test_comment_with_policy_clauses_cites_the_accounts_policy(api, issued):  # noqa: F811
    payload = {
        "subject": "comment",
        "text": SPAM,
        "context": {
            "policy_clauses": {
                "comment.commercial": {"ref": "注意事項(5)", "title": "営利目的", "version": 2}
            }
        },
    }
    body = post_check(api, payload, issued.secret).json()
    assert body["profile"] == "kyoto"  # the user's municipality
    assert body["action"] == "hide_or_delete"
    assert body["findings"][0]["policy"] == {"ref": "注意事項(5)", "title": "営利目的", "version": 2}


@pytest.mark.parametrize(
    ("payload", "code", "fragment"),
    [
        ({"subject": "letter", "text": "x"}, "invalid_request", "subject"),
        (
            {"subject": "comment", "text": "x", "context": {"paid_third_party": True}},
            "invalid_context",
            "不明な項目",
        ),
        (
            {"subject": "comment", "text": "x", "context": {"reply_policy": "sometimes"}},
            "invalid_context",
            "reply_policy",
        ),
        ({"subject": "comment", "text": 3}, "invalid_text", "text"),
    ],
)
def test_bad_comment_requests_are_400(api, issued, payload, code, fragment):  # noqa: F811
    response = post_check(api, payload, issued.secret)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and fragment in error["message"]
