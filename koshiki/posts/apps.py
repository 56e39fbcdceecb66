"""App config for posts."""

from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "koshiki.posts"
    label = "posts"
    verbose_name = "投稿"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "posts.draft.create": "投稿案の作成",
        "posts.publication.before_approval": "承認前の投稿（エラー）",
        "posts.draft.edit": "投稿案の編集",
        "posts.draft.submit": "投稿案の承認依頼",
        "posts.draft.approve": "投稿案の承認",
        "posts.draft.return": "投稿案の差戻し",
        "posts.draft.recall": "承認依頼の引戻し",
        "posts.draft.withdraw": "投稿案の取下げ",
        "posts.draft.second_check": "複数の職員による確認",
        "posts.draft.second_check_request": "複数の職員による確認の依頼",
        "posts.draft.post_under_scope": "事前承認の範囲での投稿",
        "posts.draft.publish": "投稿の記録",
        "posts.scopes.set": "事前承認の範囲の設定",
        "posts.report.confirm": "事後の報告の確認",
        "posts.correction.start": "訂正の開始",
        "posts.media.attach": "画像・動画の添付",
        "posts.media.detach": "画像・動画の取り外し",
        "posts.media.describe": "画像・動画の代替テキスト等の変更",
        "posts.media.clean": "画像・動画の位置情報などの削除",
        "posts.media.record": "画像・動画の権利・同意の記録",
    }
    # Related rows each recorded object's ``str()`` reads, loaded with it by audit.labels.
    audit_related = {
        "posts.revision": ("draft",),
        "posts.approvalrun": ("draft", "revision"),
        "posts.approvaldecision": ("approver",),
        "posts.secondcheck": ("draft", "revision"),
        "posts.posthocreport": ("draft",),
        "posts.publication": ("draft",),
    }
