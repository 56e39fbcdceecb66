"""The OpenAPI 3.1 document of the API, written as data and served at ``/api/openapi.json``.

Only the two enums that must follow the checker are filled in from code: the
severities (``Severity``) and the profile ids (``profiles.available()``), so
the document cannot list a profile the server does not have. Tests validate
every response of the suite against the response schemas below.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from koshiki.api import comments as comments_api
from koshiki.checker.comments import ACTIONS, CATEGORIES
from koshiki.checker.context import AUTHOR_KINDS
from koshiki.checker.engine import DEFAULT_PROFILE
from koshiki.checker.findings import Severity
from koshiki.checker.profiles import available, load_profile
from koshiki.comments.importers import MAX_HANDLE, MAX_TEXT
from koshiki.comments.states import CommentState

MAX_BODY_BYTES = 64 * 1024

# Every error code the API returns, with its HTTP status (docs/api.md has the same table).
ERROR_CODES: dict[str, int] = {
    "invalid_json": 400,
    "invalid_request": 400,
    "invalid_text": 400,
    "invalid_context": 400,
    "unknown_profile": 400,
    "token_missing": 401,
    "token_invalid": 401,
    "token_revoked": 401,
    "token_expired": 401,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
}

_EXAMPLE_TEXT = (
    "【子育て支援課】乳幼児健診の日程変更について、詳しくは担当の携帯090-1234-5678までご連絡ください。"
)
_PAID_TEXT = "市内の人気洋菓子店と一緒に新作スイーツを開発しました！ぜひ食べてみてください。"


def _error_response(description: str, examples: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "examples": {
                    key: {"summary": summary, "value": {"error": {"code": key, "message": message}}}
                    for key, (summary, message) in examples.items()
                },
            }
        },
    }


def _error_schema(codes: list[str], **extra: dict[str, Any]) -> dict[str, Any]:
    """``{"error": {"code", "message", ...extra}}`` with the codes an endpoint returns."""
    return {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "enum": codes},
                    "message": {"type": "string", "description": "日本語一行の説明"},
                    **extra,
                },
            }
        },
    }


def _comments_error(description: str, examples: dict[str, tuple[str, str]]) -> dict[str, Any]:
    response = _error_response(description, examples)
    response["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/CommentsError"}
    return response


def _comments_path(unauthorized: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/comments`` (issue 7 item 1): a batch of comments into one account's inbox."""
    denied = {
        **unauthorized,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommentsError"}}},
    }
    return {
        "post": {
            "tags": ["comments"],
            "operationId": "importComments",
            "summary": "コメントをアカウントの受信箱に取り込む",
            "description": (
                "他の道具（各プラットフォームとの連携など）が、公式アカウントに付いた市民のコメントを"
                "まとめて送る入口です。`POST /api/check` と同じトークンを使います。トークンの利用者が"
                "そのアカウントのコメントを扱えること（運用担当・自分のアカウントの委託事業者・所属長）が必要で、"
                "監査担当のトークンは断られます。1件でも正しくないコメントがあれば1件も取り込まず、"
                "問題のあるコメントをすべて `errors` に挙げます。同じコメント（同じ id、または同じ投稿者・日時・本文）を"
                "もう一度送ると取り込まずに `duplicates` に数えます。取り込んだコメントは、アカウントが公開している"
                "運用ポリシー（コメント時点の版）で判定され、指摘・区分・対応の提案とともに返ります。"
                f"本文は {comments_api.MAX_BODY // 1024} KB、コメントは一度に {comments_api.MAX_ITEMS} 件まで。"
            ),
            "security": [{"bearerAuth": []}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/CommentsRequest"},
                        "examples": {
                            "youtube": {
                                "summary": "動画に付いた2件のコメント（アカウントはIDで指定）",
                                "value": {
                                    "account": "kyoto_koho",
                                    "comments": [
                                        {
                                            "author": "citizen_1",
                                            "text": "保育園の申込みの締切はいつですか？",
                                            "posted_at": "2025-06-10T09:00:00+09:00",
                                            "id": "yt-1",
                                        },
                                        {
                                            "author": "fukugyo_info",
                                            "text": "副業で月収100万円！プロフのリンクから登録",
                                            "posted_at": "2025-06-10 09:05",
                                            "url": "https://www.youtube.com/watch?v=xxxx&lc=yt-2",
                                            "id": "yt-2",
                                        },
                                    ],
                                },
                            }
                        },
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "取り込んだコメント（判定の結果つき）と、取り込まなかった重複の数",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/CommentsResponse"}}
                    },
                },
                "400": _comments_error(
                    "リクエストの内容が正しくない（1件も取り込んでいない）",
                    {
                        "invalid_comments": (
                            "正しくないコメントがある",
                            "2件のコメントに問題があるため、1件も取り込んでいません",
                        ),
                        "invalid_request": (
                            "account や comments がない",
                            "comments にコメントの配列（1件以上）を指定してください",
                        ),
                    },
                ),
                "401": denied,
                "403": _comments_error(
                    "トークンの利用者がこのアカウントのコメントを扱えない",
                    {
                        "forbidden": (
                            "監査担当のトークン",
                            "このトークンの利用者は、このアカウントのコメントを取り込めません",
                        )
                    },
                ),
                "404": _comments_error(
                    "アカウントがない、または利用者に見えない",
                    {
                        "unknown_account": (
                            "別の自治体のアカウント",
                            "指定のアカウントが見つからないか、このトークンの利用者には見えません",
                        )
                    },
                ),
                "405": _comments_error(
                    "POST 以外のメソッド",
                    {"method_not_allowed": ("GET で呼んだ", "このURLは POST で呼んでください")},
                ),
                "413": _comments_error(
                    "本文が大きすぎる、またはコメントが多すぎる",
                    {
                        "payload_too_large": (
                            "1,001件を送った",
                            f"一度に送れるのは {comments_api.MAX_ITEMS} 件までです",
                        )
                    },
                ),
                "415": _comments_error(
                    "JSON 以外の本文",
                    {
                        "unsupported_media_type": (
                            "フォーム形式で送った",
                            "Content-Type: application/json で JSON を送ってください",
                        )
                    },
                ),
            },
        }
    }


# The schemas of POST /api/comments (request, response, its error with the per-item list).
_COMMENTS_SCHEMAS: dict[str, Any] = {
    "CommentsRequest": {
        "type": "object",
        "description": "1つのアカウントに付いたコメントの一括。知らない項目があると 400 になります。",
        "required": ["account", "comments"],
        "additionalProperties": False,
        "properties": {
            "account": {
                "description": "アカウントの番号（整数）か、アカウントのID（@ は付けても付けなくてもよい）",
                "oneOf": [{"type": "integer"}, {"type": "string", "minLength": 1}],
            },
            "comments": {
                "type": "array",
                "minItems": 1,
                "maxItems": comments_api.MAX_ITEMS,
                "items": {"$ref": "#/components/schemas/CommentItem"},
            },
        },
    },
    "CommentItem": {
        "type": "object",
        "required": ["author", "text", "posted_at"],
        "additionalProperties": False,
        "properties": {
            "author": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_HANDLE,
                "description": "コメントした人のID（@ は付けても付けなくてもよい）",
            },
            "text": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_TEXT,
                "description": "コメントの本文",
            },
            "posted_at": {
                "type": "string",
                "description": "コメントの日時。ISO 8601 か「2025/04/01 09:30」（時差がなければ日本時間）。未来の日時は不可",
            },
            "url": {
                "type": "string",
                "maxLength": 500,
                "description": "コメントのURL（http:// か https://）",
            },
            "id": {
                "type": "string",
                "maxLength": 200,
                "description": "プラットフォームのコメントID（重複の判定に使う）",
            },
            "in_reply_to": {
                "type": "string",
                "maxLength": 500,
                "description": "コメントが付いた公式投稿のURL（分かれば公開記録と結び付ける）",
            },
        },
    },
    "CommentsResponse": {
        "type": "object",
        "required": ["account", "created", "duplicates"],
        "additionalProperties": False,
        "properties": {
            "account": {"type": "integer", "description": "アカウントの番号"},
            "created": {"type": "array", "items": {"$ref": "#/components/schemas/StoredComment"}},
            "duplicates": {"type": "integer", "minimum": 0, "description": "重複として取り込まなかった件数"},
        },
    },
    "StoredComment": {
        "type": "object",
        "required": ["id", "state", "action", "categories", "findings"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "state": {"type": "string", "enum": list(CommentState.values)},
            "action": {
                "type": "string",
                "enum": list(ACTIONS),
                "description": "対応の提案（プロファイルの返信ルールとアカウントの返信方針から）",
            },
            "categories": {"type": "array", "items": {"type": "string", "enum": list(CATEGORIES)}},
            "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
        },
    },
    "CommentsError": _error_schema(
        list(comments_api.STATUS),
        errors={
            "type": "array",
            "items": {"type": "string"},
            "description": "invalid_comments のとき: 問題のあるコメントごとの説明（comments[番号]: …）",
        },
    ),
}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The whole document (built once per process; callers must not mutate it)."""
    profile_ids = available()
    # Every reply policy some profile defines (a profile refuses the ones it lacks: 400).
    reply_policies = sorted(
        {key for pid in profile_ids for key in load_profile(pid).comments.get("replies", {})}
    )
    unauthorized = _error_response(
        "認証されていません（トークンがない・正しくない・失効している・期限切れ）",
        {
            "token_missing": (
                "トークンがない",
                "APIトークンがありません。Authorization: Bearer <トークン> を付けてください",
            ),
            "token_revoked": (
                "失効したトークン",
                "このAPIトークンは失効しています。新しいトークンを発行してください",
            ),
        },
    )
    unauthorized["headers"] = {
        "WWW-Authenticate": {
            "description": "RFC 6750 の Bearer チャレンジ",
            "schema": {"type": "string"},
            "example": 'Bearer realm="koshiki", error="invalid_token"',
        }
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Koshiki 投稿チェック API",
            "version": "1.0.0",
            "summary": "自治体公式SNSの投稿文をガイドラインに照らしてチェックします。",
            "description": (
                "`koshiki check --format json` と同じ形の JSON で指摘を返します。"
                "ブラウザ拡張や CMS などの道具から使うためのものです。"
                "トークンは Koshiki の「APIトークン」画面で発行します（docs/api.md）。"
            ),
        },
        "servers": [{"url": "/", "description": "この Koshiki サーバー"}],
        "tags": [
            {"name": "check", "description": "投稿文のチェック"},
            {"name": "comments", "description": "市民のコメントの取り込み（docs/comments.md）"},
        ],
        "paths": {
            "/api/check": {
                "post": {
                    "tags": ["check"],
                    "operationId": "checkPost",
                    "summary": "投稿文をチェックする",
                    "description": (
                        "投稿文をプロファイル（自治体のガイドライン）の規則でチェックし、指摘を位置の順に返します。"
                        "`start`/`end` は送った `text` の Unicode コードポイント単位の位置（半開区間）です。"
                        f"`profile` を省略すると利用者の自治体のプロファイル、自治体がなければ `{DEFAULT_PROFILE}` を使います。"
                        f"本文は {MAX_BODY_BYTES // 1024} KB まで。"
                    ),
                    "security": [{"bearerAuth": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CheckRequest"},
                                "examples": {
                                    "phone": {
                                        "summary": "担当者の携帯番号を書いてしまった投稿",
                                        "value": {"text": _EXAMPLE_TEXT, "profile": "kyoto"},
                                    },
                                    "comment": {
                                        "summary": "市民のコメント（subject: comment）",
                                        "value": {
                                            "subject": "comment",
                                            "text": "在宅で月収50万！詳しくはプロフのリンクから",
                                            "profile": "kyoto",
                                            "context": {"post_text": "【お知らせ】市民まつりを開催します。"},
                                        },
                                    },
                                    "paid": {
                                        "summary": "PRの表示がない依頼投稿（謝礼を払った第三者の投稿）",
                                        "value": {
                                            "text": _PAID_TEXT,
                                            "profile": "kyoto",
                                            "context": {
                                                "paid_third_party": True,
                                                "author_kind": "influencer",
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "チェックの結果（指摘がなければ findings は空の配列）",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/CheckResponse"},
                                    "examples": {
                                        "phone": {
                                            "summary": "携帯番号の指摘",
                                            "value": {
                                                "profile": "kyoto",
                                                "findings": [
                                                    {
                                                        "rule": "pii.phone",
                                                        "severity": "error",
                                                        "start": 32,
                                                        "end": 45,
                                                        "message": "携帯電話・IP電話の番号「090-1234-5678」が書かれています（個人の番号の可能性があります）",
                                                        "clause": {
                                                            "profile": "kyoto",
                                                            "ref": "4(3)ウ",
                                                            "title": "個人情報・肖像権・著作権等への配慮",
                                                        },
                                                        "suggestion": {
                                                            "title": "市の代表番号や担当課の番号に置き換えてください",
                                                            "replacement": None,
                                                        },
                                                    }
                                                ],
                                            },
                                        },
                                        "clean": {
                                            "summary": "指摘なし",
                                            "value": {"profile": "standard", "findings": []},
                                        },
                                    },
                                }
                            },
                        },
                        "400": _error_response(
                            "リクエストの内容が正しくありません",
                            {
                                "invalid_json": (
                                    "JSON として読めない",
                                    "リクエスト本文が JSON として読めません（1 行 10 文字目）",
                                ),
                                "invalid_text": ("text がない", "text は文字列で指定してください"),
                                "invalid_context": (
                                    "context の誤り",
                                    "paid_third_party は true か false で指定してください",
                                ),
                                "unknown_profile": (
                                    "プロファイルがない",
                                    f"プロファイル「osaka」はありません（利用可能: {', '.join(profile_ids)}）",
                                ),
                            },
                        ),
                        "401": unauthorized,
                        "405": _error_response(
                            "POST 以外のメソッド",
                            {"method_not_allowed": ("GET で呼んだ", "このURLは POST で呼んでください")},
                        ),
                        "413": _error_response(
                            "本文が大きすぎる",
                            {
                                "payload_too_large": (
                                    "64 KB を超えた",
                                    f"リクエスト本文が大きすぎます（上限 {MAX_BODY_BYTES:,} バイト）",
                                )
                            },
                        ),
                        "415": _error_response(
                            "JSON 以外の本文",
                            {
                                "unsupported_media_type": (
                                    "フォーム形式で送った",
                                    "Content-Type: application/json で JSON を送ってください",
                                )
                            },
                        ),
                    },
                }
            },
            "/api/comments": _comments_path(unauthorized),
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapiDocument",
                    "summary": "この OpenAPI 文書",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 の文書",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "ksk_ で始まる47文字のトークン",
                    "description": "「APIトークン」画面で発行したトークンを `Authorization: Bearer <トークン>` で送ります。",
                }
            },
            "schemas": {
                "CheckRequest": {
                    "description": "チェックする投稿文またはコメントと条件。知らない項目があると 400 になります（綴りの誤りで既定値が使われないように）。",
                    "oneOf": [
                        {"$ref": "#/components/schemas/PostCheckRequest"},
                        {"$ref": "#/components/schemas/CommentCheckRequest"},
                    ],
                },
                "PostCheckRequest": {
                    "type": "object",
                    "description": "公式の投稿文のチェック（subject を省略するか post）",
                    "required": ["text"],
                    "additionalProperties": False,
                    "properties": {
                        "text": {
                            "type": "string",
                            "description": "投稿文（画像の代替テキストなども含めてよい）",
                        },
                        "profile": {
                            "anyOf": [{"$ref": "#/components/schemas/ProfileId"}, {"type": "null"}],
                            "description": "プロファイル id。省略または null で利用者の自治体のプロファイル",
                        },
                        "subject": {"type": "string", "enum": ["post"], "default": "post"},
                        "context": {"anyOf": [{"$ref": "#/components/schemas/Context"}, {"type": "null"}]},
                    },
                },
                "CommentCheckRequest": {
                    "type": "object",
                    "description": "市民のコメントのチェック（対応の提案 action も返す）",
                    "required": ["text", "subject"],
                    "additionalProperties": False,
                    "properties": {
                        "text": {"type": "string", "description": "コメントの本文"},
                        "profile": {
                            "anyOf": [{"$ref": "#/components/schemas/ProfileId"}, {"type": "null"}],
                            "description": "プロファイル id。省略または null で利用者の自治体のプロファイル",
                        },
                        "subject": {"type": "string", "enum": ["comment"]},
                        "context": {
                            "anyOf": [{"$ref": "#/components/schemas/CommentContext"}, {"type": "null"}]
                        },
                    },
                },
                "CommentContext": {
                    "type": "object",
                    "description": "コメントの事情（CLI の --batch で subject が comment の行の context と同じ）",
                    "additionalProperties": False,
                    "properties": {
                        "post_text": {"type": "string", "description": "コメントが付いた公式投稿の本文"},
                        "platform": {
                            "type": "string",
                            "description": "x / facebook / instagram / line / youtube など",
                        },
                        "reply_policy": {
                            "type": "string",
                            "enum": reply_policies,
                            "description": "アカウントの返信方針（プロファイルの [comments.replies] のキー。exceptions_only は akitakata だけ）。省略でプロファイルの既定",
                        },
                        "policy_clauses": {
                            "type": "object",
                            "propertyNames": {"enum": list(CATEGORIES)},
                            "description": "規則 id → 公開している運用ポリシーの条項（コメント時点の版）。省略でプロファイルの既定の番号",
                            "additionalProperties": {"$ref": "#/components/schemas/PolicyClause"},
                        },
                        "posted_at": {"type": "string", "description": "コメントの日時（ISO 8601）"},
                    },
                },
                "PolicyClause": {
                    "type": "object",
                    "required": ["ref"],
                    "properties": {
                        "ref": {"type": "string", "description": "条項の番号（例: 注意事項(2)）"},
                        "title": {"type": "string"},
                        "version": {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]},
                    },
                },
                "Context": {
                    "type": "object",
                    "description": "本文だけでは分からない投稿の事情（CLI の --batch の context と同じ）",
                    "additionalProperties": False,
                    "properties": {
                        "paid_third_party": {
                            "type": "boolean",
                            "default": False,
                            "description": "謝礼を払って第三者に依頼した投稿（PR表示の規則が働く）",
                        },
                        "author_kind": {"type": "string", "enum": list(AUTHOR_KINDS), "default": "official"},
                        "recent_posts": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "同じアカウントの最近の投稿（新しい順）",
                        },
                        "public_contacts": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "アカウントが公開している電話番号・メールアドレス",
                        },
                        "posted_at": {
                            "type": ["string", "null"],
                            "format": "date-time",
                            "description": "投稿（予定）日時。ISO 8601（例: 2025-04-01T09:00:00+09:00）。null または省略で指定なし",
                        },
                    },
                },
                "CheckResponse": {
                    "type": "object",
                    "required": ["profile", "findings"],
                    "additionalProperties": False,
                    "properties": {
                        "profile": {"$ref": "#/components/schemas/ProfileId"},
                        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
                        "subject": {
                            "type": "string",
                            "enum": ["comment"],
                            "description": "subject が comment のときだけ",
                        },
                        "action": {
                            "type": "string",
                            "enum": list(ACTIONS),
                            "description": "コメントへの対応の提案（subject が comment のときだけ）。プロファイルの返信ルールとアカウントの返信方針から決まる",
                        },
                        "action_basis": {
                            "anyOf": [{"$ref": "#/components/schemas/Clause"}, {"type": "null"}],
                            "description": "対応の根拠となる条項（subject が comment のときだけ）",
                        },
                    },
                },
                **_COMMENTS_SCHEMAS,
                "Finding": {
                    "type": "object",
                    "description": "指摘。位置は送った text の Unicode コードポイント単位（0 <= start <= end）",
                    "required": ["rule", "severity", "start", "end", "message", "clause", "suggestion"],
                    "additionalProperties": False,
                    "properties": {
                        "rule": {"type": "string", "description": "規則 id（例: pii.phone）。変わらない"},
                        "severity": {"$ref": "#/components/schemas/Severity"},
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 0},
                        "message": {"type": "string", "description": "何が問題か（日本語一行）"},
                        "clause": {"$ref": "#/components/schemas/Clause"},
                        "policy": {
                            "$ref": "#/components/schemas/PolicyClause",
                            "description": "コメントの指摘だけ: アカウントが公開している運用ポリシーの条項",
                        },
                        "suggestion": {
                            "anyOf": [{"$ref": "#/components/schemas/Suggestion"}, {"type": "null"}]
                        },
                    },
                },
                "Clause": {
                    "type": "object",
                    "description": "指摘の根拠となるガイドラインの条項",
                    "required": ["profile", "ref", "title"],
                    "additionalProperties": False,
                    "properties": {
                        "profile": {"type": "string"},
                        "ref": {"type": "string", "description": "条項番号（例: 4(3)ウ）"},
                        "title": {"type": "string"},
                    },
                },
                "Suggestion": {
                    "type": "object",
                    "required": ["title", "replacement"],
                    "additionalProperties": False,
                    "properties": {
                        "title": {"type": "string", "description": "どう直すか"},
                        "replacement": {
                            "type": ["string", "null"],
                            "description": "置き換える文字列（あれば）",
                        },
                    },
                },
                "Severity": {
                    "type": "string",
                    "enum": [s.value for s in Severity],
                    "description": "error: 直すまで提出できない / warning: 承認者が理由を付けて確認する / info: 助言",
                },
                "ProfileId": {
                    "type": "string",
                    "enum": profile_ids,
                    "description": "プロファイル id（自治体のガイドライン）",
                },
                "Error": _error_schema(list(ERROR_CODES)),
            },
        },
    }
