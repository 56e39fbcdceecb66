"""The comment contract of ``POST /api/comments``: token, account scope, all-or-nothing batches, the reply shape.

Every response in this module is checked against the OpenAPI document (its status is
declared for ``POST /api/comments`` and its body fits the declared schema), with the
validator of ``tests/api/test_api.py``.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from koshiki.api.actions import do_create_api_token
from koshiki.api.comments import STATUS
from koshiki.api.openapi import openapi_document
from koshiki.comments.models import Comment
from koshiki.comments.states import Source
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role
from tests.api.test_api import schema_errors
from tests.personas import account_in

URL = "/api/comments"


def _post(secret: str | None, body: object, content_type: str = "application/json") -> tuple[int, dict]:
    extra = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    response = Client().post(URL, data=data, content_type=content_type, **extra)
    _assert_documented(response)
    return response.status_code, response.json()


def _assert_documented(response) -> None:  # noqa: ANN001
    """The status is declared for POST /api/comments and the body fits its schema."""
    doc = openapi_document()
    responses = doc["paths"][URL]["post"]["responses"]
    status = str(response.status_code)
    assert status in responses, f"status {status} is not documented for POST {URL}"
    schema = responses[status]["content"]["application/json"]["schema"]
    body = response.json()
    assert schema_errors(body, schema, doc) == []
    if response.status_code >= 400:
        assert STATUS[body["error"]["code"]] == response.status_code


def test_the_document_declares_every_status_and_code_of_the_endpoint():
    doc = openapi_document()
    operation = doc["paths"][URL]["post"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert set(operation["responses"]) == {"201"} | {str(s) for s in STATUS.values()}
    codes = doc["components"]["schemas"]["CommentsError"]["properties"]["error"]["properties"]["code"]
    assert set(codes["enum"]) == set(STATUS)
    media = operation["requestBody"]["content"]["application/json"]
    for example in media["examples"].values():
        assert schema_errors(example["value"], media["schema"], doc) == []


def test_the_documented_example_request_is_stored_as_documented(make_city):  # noqa: ANN001
    city = make_city("kyoto")
    media = openapi_document()["paths"][URL]["post"]["requestBody"]["content"]["application/json"]
    example = media["examples"]["youtube"]["value"]
    # The 広報 account of the test city (kyoto_koho): schemathesis' city, so its examples reach 201.
    assert example["account"] == city.accounts["main"].handle
    secret = do_create_api_token(city.operator, "コメント取込みツール").secret
    status, body = _post(secret, example)
    assert status == 201 and len(body["created"]) == 2
    assert body["created"][0]["categories"] == []  # a question, no finding
    assert "comment.commercial" in body["created"][1]["categories"]


def _item(n: int, text: str = "保育園の申込みの締切はいつですか？") -> dict:
    return {"author": f"citizen_{n}", "text": text, "posted_at": "2025-06-10T09:00:00+09:00", "id": f"yt-{n}"}


@pytest.fixture
def token(kyoto):  # noqa: ANN001
    return do_create_api_token(kyoto.people["operator"], "コメント取込みツール").secret


def test_a_batch_is_stored_classified_and_answered_with_each_comments_action(kyoto, token):
    status, body = _post(
        token,
        {
            "account": kyoto.account.pk,
            "comments": [_item(1), _item(2, "副業で月収100万円！プロフのリンクから登録")],
        },
    )
    assert status == 201
    assert body["account"] == kyoto.account.pk and body["duplicates"] == 0
    assert [c["state"] for c in body["created"]] == ["open", "open"]
    spam = body["created"][1]
    assert spam["action"] == "hide_or_delete" and "comment.commercial" in spam["categories"]
    assert spam["findings"][0]["policy"]["ref"] == "注意事項(5)"
    assert Comment.objects.filter(source=Source.API).count() == 2
    # The same ids again: recognised, nothing stored twice. The account may be named by its handle.
    status, body = _post(token, {"account": kyoto.account.handle, "comments": [_item(1), _item(2)]})
    assert status == 201 and body["created"] == [] and body["duplicates"] == 2


def test_one_bad_item_refuses_the_whole_batch_naming_each_problem(kyoto, token):
    items = [
        _item(1),
        {"author": "", "text": "本文", "posted_at": "昨日"},
        {"author": "a", "text": "x", "posted_at": "2025-06-10", "likes": 3},
        "文字列",
    ]
    status, body = _post(token, {"account": kyoto.account.pk, "comments": items})
    assert status == 400
    assert body["error"]["code"] == "invalid_comments"
    assert body["error"]["errors"] == [
        "comments[1]: 投稿者がありません、投稿日時「昨日」を読めません（例: 2025-04-01 09:30 または 2025-04-01T09:30:00+09:00）",
        "comments[2]: 不明な項目があります: likes",
        "comments[3]: オブジェクトで指定してください",
    ]
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "invalid_json"),
        ([1, 2], "invalid_request"),
        ({"account": 1}, "invalid_request"),
        ({"account": None, "comments": [_item(1)]}, "invalid_request"),
        ({"account": 99999, "comments": [_item(1)]}, "unknown_account"),
        ({"account": 1, "comments": [], "extra": 1}, "invalid_request"),
    ],
)
def test_malformed_requests_get_a_japanese_error(kyoto, token, body, code):
    status, answer = _post(token, body)
    assert answer["error"]["code"] == code
    assert status in (400, 404)
    assert any("\u3040" <= ch <= "\u30ff" for ch in answer["error"]["message"])


def test_no_token_or_a_wrong_method_or_type_is_refused(kyoto, token):
    assert _post(None, {"account": kyoto.account.pk, "comments": [_item(1)]})[0] == 401
    assert Client().get(URL).status_code == 405
    status, body = _post(token, "account=1", content_type="application/x-www-form-urlencoded")
    assert status == 415 and body["error"]["code"] == "unsupported_media_type"


def test_scope_other_units_account_is_unknown_and_an_auditors_token_is_read_only(kyoto):
    other = account_in(kyoto, "listed", unit="b")
    secret = do_create_api_token(kyoto.people["operator"], "ツール").secret
    status, body = _post(secret, {"account": other.pk, "comments": [_item(1)]})
    assert status == 404 and body["error"]["code"] == "unknown_account"
    auditor = do_create_api_token(kyoto.people["auditor"], "監査").secret
    status, body = _post(auditor, {"account": kyoto.account.pk, "comments": [_item(1)]})
    assert status == 403 and body["error"]["code"] == "forbidden"
    assert not Comment.objects.exists()


def test_a_contractor_imports_only_into_its_own_account(kyoto):
    contractor = kyoto.people["contractor"]
    own = account_in(kyoto, "listed", unit="b")
    do_assign_role(
        contractor,
        Role.CONTRACTOR,
        municipality=kyoto.municipality,
        account=own,
        company="株式会社みなとデジタル",
        bootstrap=True,
        actor=None,
    )
    secret = do_create_api_token(contractor, "委託先ツール").secret
    assert _post(secret, {"account": own.pk, "comments": [_item(1)]})[0] == 201
    status, body = _post(secret, {"account": kyoto.account.pk, "comments": [_item(2)]})
    assert status == 404
    assert Comment.objects.filter(account=kyoto.account).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "code", "challenge"),
    [
        (None, "token_missing", 'Bearer realm="koshiki"'),
        ("Bearer ksk_" + "A" * 43, "token_invalid", 'Bearer realm="koshiki", error="invalid_token"'),
    ],
)
def test_refused_tokens_get_the_same_rfc6750_challenge_as_the_check_endpoint(header, code, challenge):  # noqa: ANN001
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().post(
        URL, data='{"account": 1, "comments": []}', content_type="application/json", **extra
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response["WWW-Authenticate"] == challenge
    assert response["Cache-Control"] == "no-store"
