"""Demo comments for みなと市 (``manage.py load_demo``): a few dozen realistic comments, classified and handled.

Everything goes through the real actions (import, moderation with a second
person, reversal, reply drafts, an interim reply published and awaiting its
answer, a follow record, last month's public summary). Two demo-only timeline
fixes are made directly, because the demo is created in one moment: the
accounts' first 運用ポリシー is dated at their opening (so each comment cites the
version in force when it was posted), and last month's decisions are dated
last month (so a month that has ended can be published).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from koshiki.comments import actions
from koshiki.comments.importers import CommentInput
from koshiki.comments.models import Comment, ModerationDecision
from koshiki.comments.states import DecisionKind, FollowKind, ReplyKind, Source
from koshiki.posts import actions as post_actions
from koshiki.registry.models import Account, OperationPolicy

JST = ZoneInfo("Asia/Tokyo")

# (account key, author, text, days ago, hour)
COMMENTS: list[tuple[str, str, str, int, int]] = [
    ("koho_x", "minato_hanako", "粗大ごみの申込みは電話以外でもできますか？", 1, 9),
    ("koho_x", "kita_jiro", "明日の防災訓練は雨天の場合どうなりますか？", 1, 18),
    (
        "koho_x",
        "umi_no_oto",
        "台風の情報、こまめに発信してくださって助かります。ありがとうございます。",
        2,
        7,
    ),
    (
        "koho_x",
        "shimin_no_koe",
        "市長の新庁舎計画には反対です。税金の使い方として納得できません。市民の声をもっと聞くべきだ。",
        2,
        21,
    ),
    (
        "koho_x",
        "minato_papa",
        "広報がいつも遅い。土日の情報を月曜に出しても意味がないでしょう。改善してほしい。",
        3,
        12,
    ),
    ("koho_x", "fukugyo_master", "【副業】スマホだけで月収50万円！詳しくはプロフのリンクから", 40, 3),
    (
        "koho_x",
        "anon_7731",
        "市民課の山田って職員、窓口で最悪の対応だった。あいつは無能だから辞めさせろ",
        38,
        23,
    ),
    (
        "koho_x",
        "gossip_minato",
        "この写真に写ってる子、北小3年の佐藤さんちの子だよね。家は本町2丁目のコンビニの裏",
        1,
        22,
    ),
    (
        "koho_x",
        "news_kakusan",
        "駅前の給水所は今日で終わりで、水道水はまだ飲めないらしいよ。みんな拡散して",
        4,
        15,
    ),
    (
        "koho_x",
        "bench_onegai",
        "公園にベンチをもっと増やしてほしいです。高齢者が休める場所が少ないので。",
        5,
        10,
    ),
    (
        "koho_x",
        "minatogawa_kinjo",
        "港川の堤防から水があふれそうです！本町3丁目付近、すぐに確認してください",
        6,
        5,
    ),
    ("koho_x", "senkyo_ouen", "次の市議選は〇〇党の△△候補に投票しよう！市政を変えるのは今！", 7, 20),
    ("koho_x", "kokoro_nai", "外国人が増えたせいで治安が悪くなった。外国人は出ていけ", 36, 1),
    ("koho_x", "matteru_hito", "先週問い合わせた件、まだ返事がないのですが、どうなっていますか？", 8, 11),
    (
        "koho_x",
        "free_movie_bot",
        "映画「港の夜明け」まるごと無料で見られるサイトはこちら → http://free-movie.example.xyz/minato",
        35,
        4,
    ),
    (
        "koho_x",
        "minato_matsuri",
        "市民まつりの協賛企業の募集ページはこちらです。地元企業の皆さまぜひ！",
        37,
        13,
    ),
    ("koho_x", "gomi_rule", "ゴミ出しルールの変更、もっと早く知らせてほしかったです。", 9, 8),
    (
        "koho_x",
        "shimekiri_check",
        "これ市のページに書いてある日付と違いませんか？申込締切は20日ではなく25日では？",
        0,
        9,
    ),
    ("koho_x", "chusha_q", "市役所の駐車場、土日も使えますか？", 10, 16),
    ("koho_x", "itsumo_miteru", "いつも楽しみに見ています！", 11, 19),
    ("koho_x", "ikari_no_hito", "死ね。市役所に火をつけてやる", 2, 2),
    ("koho_facebook", "Yamamoto Keiko", "子ども医療費の助成は何歳まで対象ですか？", 2, 10),
    ("koho_facebook", "Tanaka Ken", "桜の写真きれいですね。毎年楽しみにしています。", 3, 12),
    (
        "koho_facebook",
        "Minato Shop",
        "【期間限定】当店で使えるクーポン配布中！いいね＆シェアで10%オフ",
        4,
        14,
    ),
    ("koho_facebook", "Sato Michi", "道路工事の騒音がひどい。夜間工事の説明が足りないと思います。", 5, 21),
    ("kanko_instagram", "travel_lover_22", "写真すてき！紅葉はいつ頃が見頃ですか？", 1, 20),
    (
        "kanko_instagram",
        "follow_back_100",
        "フォロバ100%！相互フォローしよう！プロフのリンクから稼げる情報配信中",
        2,
        3,
    ),
    ("kanko_instagram", "kyoto_kara", "先月行きました。港の夕日が最高でした。また行きます！", 6, 19),
    ("zoo_x", "panda_daisuki", "レッサーパンダの赤ちゃんの公開はいつからですか？", 1, 12),
    ("zoo_x", "dobutsu_no_kimochi", "動物がかわいそう。狭い檻に閉じ込めるのはやめてほしい。", 2, 9),
    (
        "zoo_x",
        "zoo_fan_minato",
        "昨日のふれあい広場、子どもが大喜びでした。スタッフの皆さんありがとう！",
        3,
        17,
    ),
]


def _at(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    when = datetime(day.year, day.month, day.day, hour, 15, tzinfo=JST)
    return min(when, timezone.now() - timedelta(minutes=5))


def _find(account: Account, author: str) -> Comment:
    return Comment.objects.get(account=account, author_handle=author)


def load_demo_comments(accounts: dict[str, Account], users: dict[str, Any]) -> int:
    """Import, classify and handle the demo comments; returns how many were imported."""
    op, head, head2 = users["koho.tanto"], users["koho.kacho"], users["koho.hosa"]
    used = {key for key, *_ in COMMENTS}
    # Demo timeline: each account's first policy version dates from its opening (about 400 days ago).
    for key in used:
        account = accounts[key]
        opened = account.acquired_at or (timezone.localdate() - timedelta(days=400))
        OperationPolicy.objects.filter(account=account, version=1).update(
            created_at=datetime(opened.year, opened.month, opened.day, 9, 0, tzinfo=JST)
        )
    importers = {
        "koho_x": op,
        "koho_facebook": op,
        "kanko_instagram": users["itaku"],
        "zoo_x": users["shitei"],
    }
    total = 0
    for key in ("koho_x", "koho_facebook", "kanko_instagram", "zoo_x"):
        account = Account.objects.get(pk=accounts[key].pk)
        rows = [
            CommentInput(
                author,
                text,
                _at(days, hour),
                url=f"{account.url.rstrip('/')}/comments/{n}" if account.url else "",
                external_id=f"demo-{n}",
            )
            for n, (k, author, text, days, hour) in enumerate(COMMENTS)
            if k == key
        ]
        source = Source.CSV if key != "zoo_x" else Source.API
        total += len(actions.do_import_comments(importers[key], account, rows, source=source).created)

    koho = Account.objects.get(pk=accounts["koho_x"].pk)
    # Last month: spam and a defamation hidden/deleted (confirmed by a second person), one reversed.
    last_month = []
    for author, kind, rule, reason in (
        (
            "fukugyo_master",
            DecisionKind.HIDE,
            "comment.commercial",
            "副業の勧誘で、営利を目的とする投稿のため",
        ),
        ("anon_7731", DecisionKind.DELETE, "comment.defamation", "特定の職員を名指しで中傷しているため"),
        ("kokoro_nai", DecisionKind.HIDE, "comment.discrimination", "国籍による差別を助長する内容のため"),
        (
            "free_movie_bot",
            DecisionKind.HIDE,
            "comment.ip_infringement",
            "映画を無断で公開するサイトへの誘導のため",
        ),
        ("minato_matsuri", DecisionKind.HIDE, "comment.commercial", "企業の募集告知で営利目的と判断したため"),
    ):
        decision = actions.do_moderate(op, _find(koho, author), kind=kind, rule=rule, reason=reason)
        actions.do_review_moderation(head, decision, approve=True, comment="条項と理由を確認しました")
        last_month.append(decision)
    reversal = actions.do_reverse_moderation(
        head2,
        last_month[-1],
        reason="市民まつり実行委員会（市が事務局）の公式な募集で、営利目的ではなかったため",
    )
    before = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=20)
    ModerationDecision.objects.filter(pk__in=[d.pk for d in last_month] + [reversal.pk]).update(
        decided_at=datetime(before.year, before.month, before.day, 10, 0, tzinfo=JST),
        reviewed_at=datetime(before.year, before.month, before.day, 11, 0, tzinfo=JST),
    )
    actions.do_publish_summary(head, koho, month=before)

    # This month: one hide waiting for the section head, one threat escalated and hidden, criticism left alone.
    actions.do_moderate(
        op,
        _find(koho, "gossip_minato"),
        kind=DecisionKind.HIDE,
        rule="comment.privacy",
        reason="子どもの学校・学年と自宅の場所を本人の承諾なく書いているため",
    )
    threat = actions.do_moderate(
        head,
        _find(koho, "ikari_no_hito"),
        kind=DecisionKind.HIDE,
        rule="comment.public_order",
        reason="放火の予告。総務課と警察に相談済み（記録番号 R7-安全-112）",
    )
    actions.do_review_moderation(op, threat, approve=True)
    actions.do_moderate(
        op,
        _find(koho, "shimin_no_koe"),
        kind=DecisionKind.NO_ACTION,
        reason="市政への意見で、運用ポリシーの注意事項に当たらない（返信しない）",
    )

    # Replies: an answer drafted, an interim reply published and awaiting its answer.
    actions.do_start_reply(
        op,
        _find(koho, "minato_hanako"),
        kind=ReplyKind.ANSWER,
        text="粗大ごみは、市ホームページの受付フォームからも24時間お申し込みいただけます。",
    )
    interim = actions.do_start_reply(
        op,
        _find(koho, "matteru_hito"),
        kind=ReplyKind.INTERIM,
        text=actions.replies.procedures_for(koho).interim_templates[0],
    )
    post_actions.do_submit(op, interim.draft)
    post_actions.do_approve(head, interim.draft)
    post_actions.do_record_publication(
        op, interim.draft, url="https://x.com/minato_koho/status/1860000000000000001"
    )

    actions.do_register_follow(
        op,
        koho,
        handle="minato_zoo",
        name="みなと市動物園",
        url="https://x.com/minato_zoo",
        kind=FollowKind.CITY_ACCOUNT,
        reason="市の施設の催しをリポストし、市民に届けるため",
        no_prohibited_content=True,
    )
    return total
