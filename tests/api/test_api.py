"""The JSON API contract: same output as the CLI, every refusal, tokens and their page.

Every response of ``/api/check`` in this module goes through ``ContractClient``,
which validates it against the response schema the OpenAPI document gives for
its status code (a small JSON-schema subset validator below: the project does
not depend on ``jsonschema``).
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import timezone

from koshiki.api import views
from koshiki.api.actions import MAX_ACTIVE_TOKENS, do_create_api_token, do_revoke_api_token
from koshiki.api.models import ApiToken
from koshiki.api.openapi import ERROR_CODES, MAX_BODY_BYTES, openapi_document
from koshiki.audit.events import verify_chain
from koshiki.audit.models import AuditEvent
from koshiki.checker import cli
from koshiki.checker.comments import CommentContext
from koshiki.checker.context import CheckContext, ContextError
from koshiki.checker.engine import check as engine_check
from koshiki.checker.findings import Severity
from koshiki.checker.profiles import available
from koshiki.errors import ActionError
from koshiki.org.models import Municipality, OrgUnit, RoleAssignment
from koshiki.org.roles import Role

pytestmark = pytest.mark.django_db

CHECK_URL = "/api/check"
PHONE_POST = (
    "【子育て支援課】乳幼児健診の日程変更について、詳しくは担当の携帯090-1234-5678までご連絡ください。"
)
PAID_POST = "市内の人気洋菓子店と一緒に新作スイーツを開発しました！ぜひ食べてみてください。"
LINK_POST = "桜の開花情報を更新しました🌸\n詳しくは http://bit.ly/sakura2025 をご覧ください。"
CLEAN_POST = "本日から市役所本庁舎１階で、子ども向け防災パネル展を開催しています。ぜひお立ち寄りください。"


# ---- a JSON-schema subset (what the OpenAPI document uses) ------------------------------------


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), f"only local $ref is supported: {ref}"
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
    return schema


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_SUPPORTED = {
    "$ref", "type", "enum", "const", "required", "properties", "additionalProperties", "items",
    "minimum", "anyOf", "oneOf", "description", "default", "format", "examples", "title",
    "minLength", "maxLength", "minItems", "maxItems", "propertyNames",
}  # fmt: skip


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema`` (empty when it conforms); unknown keywords fail loudly."""
    schema = _resolve(schema, root)
    assert set(schema) <= _SUPPORTED, f"validator does not know {set(schema) - _SUPPORTED} at {at}"
    errors: list[str] = []
    if "anyOf" in schema and all(schema_errors(value, sub, root, at) for sub in schema["anyOf"]):
        errors.append(f"{at}: matches none of anyOf")
    if "oneOf" in schema:
        matching = sum(not schema_errors(value, sub, root, at) for sub in schema["oneOf"])
        if matching != 1:
            errors.append(f"{at}: matches {matching} of oneOf (exactly one expected)")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            return [*errors, f"{at}: {value!r} is not of type {types}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in enum {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{at}: {value!r} != {schema['const']!r}")
    if "minimum" in schema and isinstance(value, int | float) and value < schema["minimum"]:
        errors.append(f"{at}: {value} < {schema['minimum']}")
    for key, sized, low in (("minLength", str, True), ("maxLength", str, False),
                            ("minItems", list, True), ("maxItems", list, False)):  # fmt: skip
        if (
            key in schema
            and isinstance(value, sized)
            and (len(value) < schema[key] if low else len(value) > schema[key])
        ):
            errors.append(f"{at}: length {len(value)} breaks {key} {schema[key]}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errors += [f"{at}: missing {key!r}" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in props:
                errors += schema_errors(item, props[key], root, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{at}: unexpected {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(item, schema["additionalProperties"], root, f"{at}.{key}")
    if isinstance(value, dict) and "propertyNames" in schema:
        for key in value:
            errors += schema_errors(key, schema["propertyNames"], root, f"{at} key {key!r}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(item, schema["items"], root, f"{at}[{i}]")
    return errors


def assert_documented(response: Any, path: str = CHECK_URL, method: str = "post") -> None:
    """The response's status is documented and its JSON body fits the documented schema."""
    doc = openapi_document()
    responses = doc["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"status {status} is not documented for {method.upper()} {path}"
    assert response["Content-Type"].split(";")[0] == "application/json"
    schema = responses[status]["content"]["application/json"]["schema"]
    body = json.loads(response.content.decode("utf-8"))
    assert schema_errors(body, schema, doc) == []
    if response.status_code >= 400:
        assert ERROR_CODES[body["error"]["code"]] == response.status_code
        assert body["error"]["message"].isascii() is False, "error messages are Japanese"


class ContractClient(Client):
    """A test client that checks every /api/check response against the OpenAPI document."""

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        if request.get("PATH_INFO") == CHECK_URL:
            assert_documented(response)
        return response


# ---- fixtures -----------------------------------------------------------------------------------


def make_user(username: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(username, password="correct horse battery", **extra)


@pytest.fixture
def kyoto():
    return Municipality.objects.create(name="京都市", profile_id="kyoto")


@pytest.fixture
def operator(kyoto):
    """山田: an operator of 京都市 総合企画局 広報担当."""
    user = make_user("yamada", first_name="太郎", last_name="山田")
    unit = OrgUnit.objects.create(municipality=kyoto, kind=OrgUnit.Kind.SECTION, name="広報担当")
    unit.path = f"/{unit.pk}/"
    unit.save(update_fields=["path"])
    RoleAssignment.objects.create(municipality=kyoto, user=user, role=Role.OPERATOR, unit=unit)
    return user


@pytest.fixture
def issued(operator):
    return do_create_api_token(operator, "ブラウザ拡張（広報課の共用PC）")


@pytest.fixture
def api() -> ContractClient:
    return ContractClient()


def post_check(api: Client, payload: Any, secret: str | None, **headers: Any) -> Any:
    extra = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    extra.update(headers)
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload, ensure_ascii=False)
    content_type = extra.pop("content_type", "application/json")
    # CONTENT_TYPE again in the environ: the test client drops it for an empty body.
    return api.post(CHECK_URL, body, content_type=content_type, CONTENT_TYPE=content_type, **extra)


def cli_json(tmp_path, capsys, text: str, *args: str) -> dict[str, Any]:
    """What ``koshiki check --format json`` prints for the text (exit code 0 or 1)."""
    path = tmp_path / "post.txt"
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    code = cli.main(["check", "--format", "json", *args, str(path)])
    assert code in (cli.EXIT_OK, cli.EXIT_FINDINGS)
    return json.loads(capsys.readouterr().out)


# ---- the contract with the CLI ------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["standard", "kyoto", "komae"])
@pytest.mark.parametrize(
    "text",
    [PHONE_POST, LINK_POST, CLEAN_POST, "", "ｱｲｳ\r\n０９０－１２３４－５６７８"],
    ids=["phone", "link", "clean", "empty", "fullwidth-crlf"],
)
def test_check_returns_exactly_the_cli_json(api, issued, tmp_path, capsys, text, profile):
    response = post_check(api, {"text": text, "profile": profile}, issued.secret)
    assert response.status_code == 200
    assert response.json() == cli_json(tmp_path, capsys, text, "--profile", profile)


@pytest.mark.parametrize("kind", ["official", "influencer"])
def test_paid_third_party_context_matches_the_cli_flags(api, issued, tmp_path, capsys, kind):
    context = {"paid_third_party": True, "author_kind": kind}
    response = post_check(api, {"text": PAID_POST, "profile": "kyoto", "context": context}, issued.secret)
    expected = cli_json(
        tmp_path, capsys, PAID_POST, "--profile", "kyoto", "--paid-third-party", "--author-kind", kind
    )
    assert response.json() == expected
    assert any(f["rule"].startswith("promo.") for f in expected["findings"])


def test_full_context_is_parsed_like_the_checker_does(api, issued):
    context = {
        "paid_third_party": False,
        "recent_posts": ["本日から市役所本庁舎１階で、子ども向け防災パネル展を開催しています。"],
        "public_contacts": ["075-222-3111"],
        "posted_at": "2025-06-11T12:00:00+09:00",
    }
    response = post_check(api, {"text": CLEAN_POST, "profile": "kyoto", "context": context}, issued.secret)
    findings = engine_check(CLEAN_POST, "kyoto", CheckContext.from_dict(context))
    assert response.json() == {"profile": "kyoto", "findings": [f.as_dict() for f in findings]}


def test_profile_defaults_to_the_users_municipality(api, issued):
    response = post_check(api, {"text": PHONE_POST}, issued.secret)
    assert response.json()["profile"] == "kyoto"
    assert response.json()["findings"][0]["clause"]["profile"] == "kyoto"


def test_profile_defaults_to_standard_without_a_municipality(api):
    loner = make_user("visitor")
    secret = do_create_api_token(loner, "CMS連携").secret
    response = post_check(api, {"text": PHONE_POST, "profile": None, "context": None}, secret)
    assert response.status_code == 200
    assert response.json()["profile"] == "standard"


def test_results_are_utf8_json_and_not_cached(api, issued):
    response = post_check(api, {"text": PHONE_POST}, issued.secret)
    assert "携帯".encode() in response.content
    assert response["Cache-Control"] == "no-store"


def test_a_post_just_under_the_limit_is_accepted(api, issued):
    text = ("市民の皆さまへお知らせです。" * 4000)[: (MAX_BODY_BYTES - 100) // 3]
    response = post_check(api, {"text": text}, issued.secret)
    assert response.status_code == 200


# ---- refusals -------------------------------------------------------------------------------------


def error_of(response: Any) -> tuple[int, str, str]:
    body = json.loads(response.content)["error"]
    return response.status_code, body["code"], body["message"]


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_other_methods_get_405_with_allow(api, issued, method):
    response = getattr(api, method)(CHECK_URL, HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert error_of(response)[:2] == (405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_missing_token_is_401_with_a_bearer_challenge(api):
    response = post_check(api, {"text": PHONE_POST}, None)
    status, code, message = error_of(response)
    assert (status, code) == (401, "token_missing")
    assert "Authorization: Bearer" in message
    assert response["WWW-Authenticate"] == 'Bearer realm="koshiki"'


@pytest.mark.parametrize(
    "header",
    ["Token abc", "Bearer", "Bearer ksk_short", "Basic eWFtYWRhOnB3", "Bearer ksk_" + "A" * 43],
)
def test_malformed_or_unknown_token_is_401(api, issued, header):
    response = post_check(api, {"text": PHONE_POST}, None, HTTP_AUTHORIZATION=header)
    assert error_of(response)[:2] == (401, "token_invalid")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_scheme_is_case_insensitive(api, issued):
    response = post_check(api, {"text": CLEAN_POST}, None, HTTP_AUTHORIZATION=f"bearer {issued.secret}")
    assert response.status_code == 200


def test_a_session_login_is_not_an_api_credential(api, operator):
    api.force_login(operator)
    assert error_of(post_check(api, {"text": PHONE_POST}, None))[:2] == (401, "token_missing")


def test_revoked_token_stops_working_at_once(api, operator, issued):
    assert post_check(api, {"text": CLEAN_POST}, issued.secret).status_code == 200
    do_revoke_api_token(operator, issued.token)
    assert error_of(post_check(api, {"text": CLEAN_POST}, issued.secret))[:2] == (401, "token_revoked")


def test_expired_token_is_refused(api, operator):
    issued = do_create_api_token(operator, "期限付き", timezone.now() + timedelta(days=1))
    assert post_check(api, {"text": CLEAN_POST}, issued.secret).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert error_of(post_check(api, {"text": CLEAN_POST}, issued.secret))[:2] == (401, "token_expired")


def test_token_of_a_deactivated_user_is_refused(api, operator, issued):
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    assert error_of(post_check(api, {"text": CLEAN_POST}, issued.secret))[:2] == (401, "token_invalid")


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "text/plain", "application/json; charset=shift_jis"],
)
def test_non_json_media_type_is_415(api, issued, content_type):
    response = post_check(api, json.dumps({"text": "x"}), issued.secret, content_type=content_type)
    assert error_of(response)[:2] == (415, "unsupported_media_type")


def test_json_with_utf8_charset_is_accepted(api, issued):
    response = post_check(
        api, {"text": CLEAN_POST}, issued.secret, content_type="application/json; charset=UTF-8"
    )
    assert response.status_code == 200


def test_body_over_the_limit_by_content_length_is_413(api, issued):
    response = post_check(api, {"text": "あ" * (MAX_BODY_BYTES // 3 + 10)}, issued.secret)
    status, code, message = error_of(response)
    assert (status, code) == (413, "payload_too_large")
    assert "65,536" in message


def test_body_over_the_limit_without_content_length_is_413(issued):
    """A chunked upload (no Content-Length, e.g. under ASGI) is capped by the actual read."""
    body = json.dumps({"text": "あ" * MAX_BODY_BYTES}).encode()
    request = RequestFactory().generic(
        "POST", CHECK_URL, CONTENT_TYPE="application/json", HTTP_AUTHORIZATION=f"Bearer {issued.secret}"
    )
    request.META.pop("CONTENT_LENGTH", None)
    request._stream = io.BytesIO(body)
    response = views.check(request)
    assert_documented(response)
    assert error_of(response)[:2] == (413, "payload_too_large")


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        ('{"text": "市政だより"', "invalid_json", "JSON として読めません"),
        ("", "invalid_json", "空です"),
        (b'{"text": "\xff\xfe"}', "invalid_json", "UTF-8"),
        ('{"text": "\\ud800"}', "invalid_json", "サロゲート"),
        ("[" * 20000 + "]" * 20000, "invalid_json", "入れ子が深すぎます"),
        ('{"text": "x", "profile": ' + "9" * 5000 + "}", "invalid_json", "桁数の多すぎる数"),
        ('["市政だより"]', "invalid_request", "JSON オブジェクト"),
        ('{"text": "市政だより", "profle": "kyoto"}', "invalid_request", "profle"),
        ('{"profile": "kyoto"}', "invalid_text", "text は文字列"),
        ('{"text": 42}', "invalid_text", "text は文字列"),
        ('{"text": null}', "invalid_text", "text は文字列"),
        ('{"text": "市政だより", "profile": 1}', "invalid_request", "profile"),
        ('{"text": "市政だより", "profile": "osaka"}', "unknown_profile", "osaka"),
        ('{"text": "市政だより", "profile": "../standard"}', "unknown_profile", "利用可能"),
    ],
)
def test_malformed_requests_are_400_with_a_japanese_message(api, issued, body, code, fragment):
    status, got_code, message = error_of(post_check(api, body, issued.secret))
    assert (status, got_code) == (400, code)
    assert fragment in message


@pytest.mark.parametrize(
    "context",
    [
        ["paid_third_party"],
        {"paid": True},
        {"paid_third_party": "yes"},
        {"author_kind": "mayor"},
        {"recent_posts": "前回の投稿"},
        {"posted_at": "令和7年4月1日"},
    ],
)
def test_bad_context_gets_the_checkers_own_message(api, issued, context):
    with pytest.raises(ContextError) as expected:
        CheckContext.from_dict(context)
    response = post_check(api, {"text": CLEAN_POST, "context": context}, issued.secret)
    assert error_of(response) == (400, "invalid_context", str(expected.value))


def test_unknown_profile_message_lists_the_available_ones(api, issued):
    message = error_of(post_check(api, {"text": "x", "profile": "osaka"}, issued.secret))[2]
    assert all(pid in message for pid in available())
    assert "/" not in message  # no server path leaks into the message


def test_check_is_csrf_exempt_but_the_token_page_is_not(operator, issued):
    strict = ContractClient(enforce_csrf_checks=True)
    assert post_check(strict, {"text": CLEAN_POST}, issued.secret).status_code == 200
    strict.force_login(operator)
    assert strict.post("/api/tokens/new/", {"name": "CSRFなし"}).status_code == 403
    assert not ApiToken.objects.filter(name="CSRFなし").exists()


# ---- tokens --------------------------------------------------------------------------------------


def test_token_is_never_stored_in_clear(operator, issued):
    row = ApiToken.objects.filter(pk=issued.token.pk).values().get()
    assert issued.secret.startswith("ksk_") and len(issued.secret) == 47
    assert all(issued.secret not in str(value) for value in row.values())
    assert row["token_hash"] == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret.startswith(row["prefix"]) and len(row["prefix"]) == 12
    trail = json.dumps(list(AuditEvent.objects.values("summary")), ensure_ascii=False)
    assert issued.secret not in trail and row["token_hash"] not in trail


def test_two_tokens_never_share_a_secret(operator):
    first = do_create_api_token(operator, "一つ目")
    second = do_create_api_token(operator, "二つ目")
    assert first.secret != second.secret and first.token.token_hash != second.token.token_hash


def test_last_used_at_is_recorded(api, issued):
    assert issued.token.last_used_at is None
    before = timezone.now()
    post_check(api, {"text": CLEAN_POST}, issued.secret)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None and issued.token.last_used_at >= before


def test_refused_request_with_a_valid_token_still_counts_as_use(api, issued):
    post_check(api, "not json", issued.secret)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_create_and_revoke_are_audited(operator):
    issued = do_create_api_token(operator, "CMS連携")
    created = AuditEvent.objects.get(action="api.token.create", object_id=str(issued.token.pk))
    assert created.actor_id == operator.pk and created.object_type == "api.apitoken"
    assert created.after["name"] == "CMS連携" and created.after["prefix"] == issued.token.prefix
    do_revoke_api_token(operator, issued.token)
    revoked = AuditEvent.objects.get(action="api.token.revoke", object_id=str(issued.token.pk))
    assert revoked.actor_id == operator.pk
    assert revoked.before == {"revoked_at": None} and revoked.after["revoked_at"]
    assert verify_chain().ok


def test_revoking_twice_is_refused(operator, issued):
    do_revoke_api_token(operator, issued.token)
    with pytest.raises(ActionError, match="既に失効"):
        do_revoke_api_token(operator, issued.token)
    assert AuditEvent.objects.filter(action="api.token.revoke").count() == 1


def test_nobody_revokes_another_users_token_not_even_an_auditor(kyoto, issued):
    auditor = make_user("kansa")
    RoleAssignment.objects.create(municipality=kyoto, user=auditor, role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        do_revoke_api_token(auditor, issued.token)
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_create_refuses_blank_name_past_expiry_and_too_many(operator):
    with pytest.raises(ActionError, match="名前"):
        do_create_api_token(operator, "  ")
    with pytest.raises(ActionError, match="今より後"):
        do_create_api_token(operator, "過去", timezone.now() - timedelta(days=1))
    for i in range(MAX_ACTIVE_TOKENS):
        do_create_api_token(operator, f"道具{i}")
    with pytest.raises(ActionError, match=f"{MAX_ACTIVE_TOKENS}個まで"):
        do_create_api_token(operator, "もう一つ")
    assert AuditEvent.objects.filter(action="api.token.create").count() == MAX_ACTIVE_TOKENS


def test_anonymous_cannot_create_a_token():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        do_create_api_token(AnonymousUser(), "匿名")


# ---- the token page ------------------------------------------------------------------------------


def test_token_page_requires_login(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post("/api/tokens/new/", {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_token_page_shows_the_secret_once(client, operator):
    client.force_login(operator)
    response = client.post("/api/tokens/new/", {"name": "ブラウザ拡張", "expires_on": "令和20年3月31日"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=operator)
    page = response.content.decode()
    secret = page.split('id="issued-secret" value="')[1].split('"')[0]
    assert secret.startswith(token.prefix) and len(secret) == 47
    assert "今回だけ" in page and response["Cache-Control"] == "no-store"
    assert (
        token.expires_at is not None
        and timezone.localtime(token.expires_at).date().isoformat() == "2038-04-01"
    )
    listing = client.get("/api/tokens/").content.decode()
    assert "ブラウザ拡張" in listing and token.prefix in listing and secret not in listing
    assert post_check(ContractClient(), {"text": CLEAN_POST}, secret).status_code == 200


def test_token_page_shows_form_errors_in_japanese(client, operator):
    client.force_login(operator)
    response = client.post("/api/tokens/new/", {"name": "過去の期限", "expires_on": "令和2年4月1日"})
    assert response.status_code == 400
    assert "今より後" in response.content.decode()
    response = client.post("/api/tokens/new/", {"name": ""})
    assert "トークンの名前を入力してください" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_page_lists_only_ones_own_tokens(client, operator, issued):
    other = make_user("sato")
    theirs = do_create_api_token(other, "佐藤さんのCMS連携")
    client.force_login(operator)
    page = client.get("/api/tokens/").content.decode()
    assert issued.token.name in page and issued.token.prefix in page
    assert theirs.token.name not in page and theirs.token.prefix not in page


def test_token_page_revokes_own_token(client, operator, issued):
    client.force_login(operator)
    # Irreversible: refused until the confirmation box is ticked (issue 9 item 10).
    response = client.post(f"/api/tokens/{issued.token.pk}/revoke/", follow=True)
    assert "トークンの失効は取り消せません。確認の欄にチェックを入れて" in response.content.decode()
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    response = client.post(f"/api/tokens/{issued.token.pk}/revoke/", {"confirm": "yes"}, follow=True)
    assert "失効させました" in response.content.decode()
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    response = client.post(f"/api/tokens/{issued.token.pk}/revoke/", {"confirm": "yes"}, follow=True)
    assert "既に失効" in response.content.decode()


def test_another_users_token_cannot_be_revoked_by_id(client, operator):
    theirs = do_create_api_token(make_user("sato"), "佐藤さんのCMS連携")
    client.force_login(operator)
    assert client.post(f"/api/tokens/{theirs.token.pk}/revoke/").status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api.token.revoke").exists()


def test_revoke_needs_post(client, operator, issued):
    client.force_login(operator)
    assert client.get(f"/api/tokens/{issued.token.pk}/revoke/").status_code == 405


# ---- the OpenAPI document ------------------------------------------------------------------------


def test_openapi_is_served_as_json_without_login(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc == json.loads(json.dumps(openapi_document()))
    assert doc["openapi"].startswith("3.1")
    assert "投稿" in doc["info"]["title"]


def test_documented_profiles_are_exactly_the_available_ones():
    schemas = openapi_document()["components"]["schemas"]
    assert schemas["ProfileId"]["enum"] == available()
    assert schemas["Severity"]["enum"] == [s.value for s in Severity]
    assert set(schemas["Error"]["properties"]["error"]["properties"]["code"]["enum"]) == set(ERROR_CODES)


def test_documented_statuses_are_exactly_the_error_statuses():
    responses = openapi_document()["paths"]["/api/check"]["post"]["responses"]
    assert set(responses) == {"200"} | {str(s) for s in ERROR_CODES.values()}


def test_bearer_security_scheme_is_declared():
    doc = openapi_document()
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
    assert doc["paths"]["/api/check"]["post"]["security"] == [{"bearerAuth": []}]


def test_every_example_fits_its_schema():
    doc = openapi_document()
    operation = doc["paths"]["/api/check"]["post"]
    media = operation["requestBody"]["content"]["application/json"]
    for example in media["examples"].values():
        assert schema_errors(example["value"], media["schema"], doc) == []
        if example["value"].get("subject") == "comment":
            CommentContext.from_dict(example["value"].get("context"))
        else:
            CheckContext.from_dict(example["value"].get("context"))
    for status, response in operation["responses"].items():
        media = response["content"]["application/json"]
        for name, example in media["examples"].items():
            assert schema_errors(example["value"], media["schema"], doc) == [], (status, name)
            if status != "200":
                assert example["value"]["error"]["code"] == name
                assert ERROR_CODES[name] == int(status)


def test_the_response_example_is_what_the_checker_says(api, issued):
    """The documented example request really produces the documented findings (rule and span)."""
    operation = openapi_document()["paths"]["/api/check"]["post"]
    request = operation["requestBody"]["content"]["application/json"]["examples"]["phone"]["value"]
    example = operation["responses"]["200"]["content"]["application/json"]["examples"]["phone"]["value"]
    actual = post_check(api, request, issued.secret).json()

    def key(result: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(f["rule"], f["severity"], f["start"], f["end"]) for f in result["findings"]]

    assert actual["profile"] == example["profile"] and key(actual) == key(example)


def test_validator_catches_a_wrong_shape():
    doc = openapi_document()
    finding = {"$ref": "#/components/schemas/Finding"}
    assert schema_errors({"rule": "pii.phone"}, finding, doc)
    bad = {
        "rule": "pii.phone", "severity": "fatal", "start": -1, "end": 3, "message": "m",
        "clause": {"profile": "kyoto", "ref": "4(3)ウ", "title": "t"}, "suggestion": {"title": 1},
    }  # fmt: skip
    errors = " ".join(schema_errors(bad, finding, doc))
    assert "fatal" in errors and "-1" in errors and "suggestion" in errors
    item = {"$ref": "#/components/schemas/CommentItem"}
    errors = " ".join(schema_errors({"author": "", "text": "本文", "posted_at": "2025-06-10"}, item, doc))
    assert "minLength" in errors


# ---- concurrency (real row locks: PostgreSQL only) ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_revocations_exactly_one_wins():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (select_for_update is a no-op); runs on PostgreSQL")
    import threading

    from django.db import close_old_connections

    owner = make_user("yamada")
    issued = do_create_api_token(owner, "ブラウザ拡張")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def revoke() -> None:
        try:
            token = ApiToken.objects.get(pk=issued.token.pk)
            barrier.wait()
            do_revoke_api_token(owner, token)
            outcomes.append("revoked")
        except ActionError:
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=revoke) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "revoked"]
    assert AuditEvent.objects.filter(action="api.token.revoke").count() == 1
    assert verify_chain().ok
