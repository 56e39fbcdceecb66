"""Comments: categories by the published policy, two citations, actions from profile data, CLI.

The fixtures are comments written for these tests (not taken from the benchmark
sets). Speed is measured by ``benchmarks/comments.py``, not here.
"""

from __future__ import annotations

import json

import pytest

from koshiki.checker import cli
from koshiki.checker.comments import (
    ACTIONS,
    CATEGORIES,
    CommentContext,
    Judgement,
    check_comment,
    decision_params,
    judge,
    suggest_action,
)
from koshiki.checker.context import ContextError
from koshiki.checker.profiles import available, load_profile
from koshiki.checker.registry import all_rules

# One or more comments per category that a moderator would remove under 注意事項 (1)-(10).
CATEGORY_FIXTURES = {
    "comment.law_violation": [
        "粗大ごみ高すぎ。うちは裏山の林道に捨てとくわ、誰も見てないし",
        "花火大会の日は未成年でもビール買えるよ、去年も余裕だった",
    ],
    "comment.politics_religion": [
        "来月の市長選はぜひ山川候補に清き一票を！応援お願いします",
    ],
    "comment.ip_infringement": [
        "昨日の市の特集番組、録画したのをここにアップしておきました",
        "広報誌に載ってた漫画、全話無料で読めるサイトあるよ https://manga-raw.example.com/",
    ],
    "comment.commercial": [
        "在宅で月収50万！スマホだけで稼げる副業、詳しくはプロフのリンクから",
    ],
    "comment.discrimination": [
        "外国人が増えたから治安が悪くなった。出て行ってほしい",
    ],
    "comment.public_order": [
        "市長に伝えておいてください。夜道にはお気をつけて、と",
    ],
    "comment.false_info": [
        "浄水場に毒が入ったらしいよ、水道水は飲まないで。拡散希望",
    ],
    "comment.privacy": [
        "苦情を言ってるのは東町3丁目の田中さんの家です。電話は090-1234-5678",
    ],
}

# Harsh but civil criticism of city policy: never a finding, never hidden.
HARSH_CRITICISM = [
    "説明会が平日の昼に一回だけでは、働いている人は誰も参加できません。住民の声を聞く気がないとしか思えません",
    "バスを減便する前に、議員の海外視察をやめるべきでしょう。優先順位がおかしい",
    "保育園の入所選考の基準が不透明すぎます。点数の内訳を公表してください",
    "ごみ袋の値上げは家計に直撃です。事前の意見募集もなく決めたやり方には強く抗議します",
    "市の対応は後手後手。去年も同じ場所が冠水したのに、何も対策していないのは怠慢です",
    "新庁舎に百億円以上かけるより、老朽化した学校の体育館を先に直すべきだ",
]


def _rules(result) -> set[str]:
    return {f.rule for f in result.findings}


@pytest.mark.parametrize(
    ("rule_id", "text"), [(r, t) for r, texts in CATEGORY_FIXTURES.items() for t in texts]
)
def test_comment_breaking_a_clause_is_found_and_hidden(rule_id, text):
    """A comment that plainly breaks a clause is found under that clause."""
    result = check_comment(text, "kyoto")
    assert rule_id in _rules(result), f"{text!r}: {sorted(_rules(result))}"
    assert result.action in ("hide_or_delete", "escalate", "reply")


# Misses of the shipped model (a religious invitation or a shop advert it judges legitimate)
# are measured by benchmarks/comments.py, not kept here as tests that cannot fail.


@pytest.mark.parametrize("text", HARSH_CRITICISM)
@pytest.mark.parametrize("profile", ["standard", "kyoto", "akitakata"])
def test_harsh_but_civil_criticism_is_never_a_finding(text, profile):
    result = check_comment(text, profile)
    assert result.findings == []
    assert result.action != "hide_or_delete"


def test_finding_cites_the_guideline_and_the_accounts_published_policy_version():
    ctx = {
        "post_text": "【お知らせ】プレミアム商品券の販売を始めます。",
        "policy_clauses": {"comment.commercial": {"ref": "注意事項(5)", "title": "広告・宣伝", "version": 3}},
    }
    result = check_comment("在宅で月収50万！スマホだけで稼げる副業、詳しくはプロフのリンクから", "kyoto", ctx)
    [finding] = [f for f in result.findings if f.rule == "comment.commercial"]
    assert finding.clause.ref == "様式1 注意事項(5)"
    as_json = finding.as_dict()
    assert as_json["policy"] == {"ref": "注意事項(5)", "title": "広告・宣伝", "version": 3}


def test_without_policy_clauses_the_profiles_default_numbering_is_cited():
    result = check_comment("在宅で月収50万！スマホだけで稼げる副業、詳しくはプロフのリンクから", "ishinomaki")
    [finding] = [f for f in result.findings if f.rule == "comment.commercial"]
    assert finding.policy.ref == "注意事項(5)"
    assert "営利" in finding.policy.title


@pytest.mark.parametrize("profile_id", available())
def test_every_profile_binds_all_ten_comment_rules_and_can_answer(profile_id):
    profile = load_profile(profile_id)
    bound = {r.id for r, _ in profile.active("comment")}
    assert bound == set(CATEGORIES)
    for binding in profile.bindings.values():
        if binding.rule_id.startswith("comment."):
            assert binding.clause.ref and binding.clause.title
    replies = profile.comments["replies"]
    assert profile.comments["reply_policy"] in replies
    for table in replies.values():
        assert set(table.values()) <= set(ACTIONS)


def test_comment_rules_are_in_the_catalog_with_subject_comment():
    comment_rules = {r.id for r in all_rules().values() if r.subject == "comment"}
    assert comment_rules == set(CATEGORIES)


# ---- actions come from profile data ---------------------------------------------------------


def _judged(intent: str = "", categories: tuple[str, ...] = (), confirmed: bool = True) -> Judgement:
    return Judgement(categories, intent, {}, {}, categories if confirmed else ())


def test_akitakata_answers_only_its_exceptions():
    akitakata = load_profile("akitakata")
    # 3(2)イ: a proposal goes to the city's official e-mail
    assert suggest_action(akitakata, _judged("intent.proposal"))[0] == "redirect_to_official_email"
    # 3(2)ア: a question confirming the posted information gets a reply
    assert suggest_action(akitakata, _judged("intent.question"))[0] == "reply"
    # a question that needs investigating is none of ア-エ: no reply, no interim reply
    assert suggest_action(akitakata, _judged("intent.pending"))[0] == "none"
    # even if the account claims "as needed", the guideline's exceptions still rule
    assert suggest_action(akitakata, _judged("intent.pending"), "as_needed")[0] == "none"
    # ウ: danger goes to the responsible office
    action, basis = suggest_action(akitakata, _judged("intent.urgent"))
    assert action == "escalate" and basis.ref == "3(2)ウ"


def test_kyoto_gives_an_interim_reply_when_an_answer_needs_checking():
    kyoto = load_profile("kyoto")
    action, basis = suggest_action(kyoto, _judged("intent.pending"))
    assert action == "interim_reply"
    assert basis.ref == "4(3)イ"
    # an account whose policy says 「個別の回答は行いません」 does not answer at all
    assert suggest_action(kyoto, _judged("intent.pending"), "none")[0] == "none"


def test_komae_does_not_reply_by_its_policy_template():
    komae = load_profile("komae")
    for intent in ("intent.question", "intent.pending", "intent.proposal", ""):
        assert suggest_action(komae, _judged(intent))[0] == "none"
    assert suggest_action(komae, _judged("intent.urgent"))[0] == "escalate"


def test_a_category_outranks_a_question_and_urgent_outranks_all():
    standard = load_profile("standard")
    hide = _judged("intent.question", ("comment.commercial",))
    assert suggest_action(standard, hide)[0] == "hide_or_delete"
    assert suggest_action(standard, _judged("", ("comment.false_info",)))[0] == "reply"
    threat = _judged("intent.urgent", ("comment.public_order",))
    assert suggest_action(standard, threat)[0] == "escalate"


def test_an_unconfirmed_category_goes_to_a_person_not_to_hiding():
    """Hiding silences a citizen: a category without a cue and a confident model is escalated."""
    standard = load_profile("standard")
    unsure = _judged("", ("comment.defamation",), confirmed=False)
    assert suggest_action(standard, unsure)[0] == "escalate"
    # false information is answered, confirmed or not: a reply silences nobody
    assert suggest_action(standard, _judged("", ("comment.false_info",), confirmed=False))[0] == "reply"
    # one confirmed reason to hide is enough: an unsure second category does not send spam
    # to a person (「副業で月収100万円！プロフのリンクから登録」 also reads as (10) その他)
    mixed = Judgement(("comment.commercial", "comment.other"), "", {}, {}, ("comment.commercial",))
    assert suggest_action(standard, mixed)[0] == "hide_or_delete"
    # ... but a category whose own action is escalation still escalates
    threat = Judgement(
        ("comment.commercial", "comment.public_order"), "intent.urgent", {}, {}, ("comment.commercial",)
    )
    assert suggest_action(standard, threat)[0] == "escalate"
    # and two unsure categories still go to a person
    unsure_two = Judgement(("comment.commercial", "comment.other"), "", {}, {}, ())
    assert suggest_action(standard, unsure_two)[0] == "escalate"


def test_judge_confirms_a_category_only_with_a_cue_or_a_very_confident_model():
    # Pinned thresholds: the test is about the rule "a cue or a very confident model", not
    # about the values the tuner last chose.
    params = {
        **decision_params(),
        "hide_min": 0.9,
        "hide_cue_min": 0.3,
        "category": {"comment.commercial": 0.5, "comment.defamation": 0.5},
    }
    probs = {"guard.legit": 0.05, "comment.commercial": 0.6, "comment.defamation": 0.6}
    cued = judge(
        "副業で月収100万円！プロフのリンクから登録", probs, params, {"comment.commercial": "プロフのリンク"}
    )
    assert set(cued.categories) == {"comment.commercial", "comment.defamation"}
    assert cued.confirmed == ("comment.commercial",)
    sure = judge("x", {**probs, "comment.defamation": 0.95}, params, {})
    assert sure.confirmed == ("comment.defamation",)


def test_end_to_end_proposal_on_akitakata_and_question_on_kyoto():
    proposal = check_comment("図書館の開館時間を平日は夜8時まで延ばしてほしいです", "akitakata")
    assert proposal.findings == [] and proposal.action == "redirect_to_official_email"
    question = check_comment("粗大ごみの申込みは電話以外でもできますか？", "kyoto")
    assert question.findings == [] and question.action == "reply"


def test_unknown_reply_policy_and_bad_context_are_clear_errors():
    with pytest.raises(ContextError, match="reply_policy"):
        check_comment("ありがとうございます", "kyoto", {"reply_policy": "sometimes"})
    with pytest.raises(ContextError, match="不明な項目"):
        CommentContext.from_dict({"paid_third_party": True})
    with pytest.raises(ContextError, match="policy_clauses"):
        CommentContext.from_dict({"policy_clauses": {"comment.nothing": {"ref": "1"}}})


# ---- CLI contract ---------------------------------------------------------------------------


def test_cli_single_comment_json(tmp_path, capsys):
    path = tmp_path / "c.txt"
    path.write_text("在宅で月収50万！スマホだけで稼げる副業、詳しくはプロフのリンクから", encoding="utf-8")
    code = cli.main(
        [
            "check",
            "--subject",
            "comment",
            "--profile",
            "kyoto",
            "--post-text",
            "お知らせ",
            "--format",
            "json",
            str(path),
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["action"] == "hide_or_delete"
    assert out["subject"] == "comment" and out["profile"] == "kyoto"
    assert [f["rule"] for f in out["findings"]] == ["comment.commercial"]
    assert out["findings"][0]["policy"]["ref"] == "注意事項(5)"


def test_cli_single_comment_text_from_stdin(monkeypatch, capsys):
    import io

    stdin = io.TextIOWrapper(io.BytesIO("申込みは郵送でもできますか？".encode()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    assert cli.main(["check", "--subject", "comment", "--profile", "kyoto", "-"]) == 0
    out = capsys.readouterr().out
    assert "指摘はありません" in out
    assert "提案する対応: reply" in out


def test_cli_batch_mixes_posts_and_comments(tmp_path, capsys):
    lines = [
        {"id": "p1", "text": "本日は市民まつりです。"},
        {
            "id": "c1",
            "subject": "comment",
            "profile": "akitakata",
            "text": "駅前に屋根付きの駐輪場を作ってほしいです",
            "context": {"post_text": "駅前広場の再整備について"},
        },
        {"id": "c2", "subject": "comment", "text": "在宅で月収50万！稼げる副業はプロフのリンクから"},
        {"id": "c3", "subject": "comment", "text": "ありがとう", "context": {"reply_policy": "sometimes"}},
        {"id": "c4", "subject": "letter", "text": "x"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    cli.main(["check", "--batch", str(path)])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert "action" not in out[0]
    assert (
        out[1]["id"] == "c1" and out[1]["findings"] == [] and out[1]["action"] == "redirect_to_official_email"
    )
    assert out[2]["action"] == "hide_or_delete" and out[2]["findings"][0]["rule"] == "comment.commercial"
    assert "reply_policy" in out[3]["error"]
    assert "subject" in out[4]["error"]


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--post-text", "お知らせ", "-"],
        ["check", "--subject", "comment", "--paid-third-party", "-"],
        ["check", "--subject", "comment", "--reply-policy", "sometimes", "-"],
        ["check", "--subject", "letter", "-"],
        ["check", "--subject", "comment", "--profile", "nowhere", "-"],
    ],
)
def test_cli_bad_comment_usage_exits_2_with_one_line(argv, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("ありがとう".encode()), encoding="utf-8"))
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("koshiki: ") and err.count("\n") == 1


def test_batch_scoring_gives_the_same_result_as_one_by_one():
    from koshiki.checker.comments import score_comments

    texts = [
        *HARSH_CRITICISM[:2],
        *CATEGORY_FIXTURES["comment.commercial"],
        "申込みは郵送でもできますか？",
        "",
    ]
    for text, probs in zip(texts, score_comments(texts), strict=True):
        alone = check_comment(text, "standard")
        batched = check_comment(text, "standard", probs=probs)
        assert batched.action == alone.action
        assert [f.as_dict() for f in batched.findings] == [f.as_dict() for f in alone.findings]


@pytest.mark.parametrize(
    ("text", "label", "is_cue"),
    [
        ("障害者は避難所に来るな。迷惑だ", "comment.discrimination", True),
        (
            "『障害者は避難所に来るな』って書き込みが地域の掲示板にあったぞ。市は放置なの？",
            "comment.discrimination",
            False,
        ),
        (
            "「外国人は出ていけ」という落書きが駅の壁にありました。消してください",
            "comment.discrimination",
            False,
        ),
        ("この写真、無断で転載しました。元はプロの作品です", "comment.ip_infringement", True),
        ("この動画のBGM、わしが作った曲と同じやん。勝手に使うなや", "comment.ip_infringement", False),
        ("私の撮った写真が市のチラシに勝手に使われています", "comment.ip_infringement", False),
        ("うちの店のランチ、市民の方は今だけ半額です！ぜひお越しください", "comment.commercial", True),
        ("選挙ポスターの掲示板、うちの店の前のが風で倒れかけてます。", "comment.commercial", False),
        # the shapes of an offer, with or without a shop's name
        ("ドローン空撮承ります。見積無料、DMへ📩", "comment.commercial", True),
        ("今月ご新規さま20%オフです✂️ 紹介コードで初月無料！", "comment.commercial", True),
        ("ご意見承りました。担当課に伝えます", "comment.commercial", False),
        ("図書館の本、送料無料で取り寄せできるようにしてほしい", "comment.commercial", False),
        # a whole work pasted or passed on, not a request to publish one
        ("花火大会のテーマ曲の歌詞、全部書いときます♪（以下、2番まで全文）", "comment.ip_infringement", True),
        ("ごみ分別の本、全ページPDFにしたので欲しい人どうぞ", "comment.ip_infringement", True),
        ("議事録の全文を載せてほしいです", "comment.ip_infringement", False),
    ],
)
def test_a_cue_is_what_the_commenter_says_not_what_they_report(text, label, is_cue):
    """A slur quoted to report it, or a complaint that one's own work was taken, is no cue of the category."""
    from koshiki.checker.comment_cues import cues
    from koshiki.checker.text import Text

    assert (label in cues(Text(text).norm)) is is_cue
