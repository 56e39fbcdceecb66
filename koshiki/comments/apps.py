"""App config for comments."""

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "koshiki.comments"
    label = "comments"
    verbose_name = "コメント"
    # Japanese names of the audit action codes this app records (collected by audit.labels).
    audit_actions = {
        "comments.import": "コメントの取込み",
        "comments.moderate": "コメントへの判断",
        "comments.moderation.review": "コメントへの判断の確認",
        "comments.moderation.reverse": "コメントへの判断の取消し",
        "comments.reply.start": "コメントへの返信案の作成",
        "comments.follow.register": "フォローの登録",
        "comments.follow.end": "フォローの解除",
        "comments.transparency.publish": "コメント対応の月次公表",
    }
    audit_related = {
        "comments.comment": ("account",),
        "comments.moderationdecision": ("comment",),
        "comments.replylink": ("comment",),
        "comments.followrecord": ("account",),
        "comments.transparencysummary": ("account",),
    }
