"""pii.person_name: who is named in a role, and what is not a name at all.

RULES.md: public officials in their role and named performers/speakers are not a
finding; a private person's full name is. These cases came from reading the rule's
false findings on the training writers' posts (never the blind sets).
"""

from __future__ import annotations

import pytest

from tests.checker.fixtures import rule_spans


@pytest.mark.parametrize(
    "text",
    [
        # an office joined by の: a public figure in the role
        "市議会議長の岡村浩二さんから、市民栄誉賞の表彰状が授与されました。",
        "人権擁護委員の坂井明子さんが、毎月の特設人権相談でお待ちしています。",
        # a profession or a part of the performance: named for the work
        "夏まつりのステージに、地元出身の歌手・三浦あかねさんの出演が決まりました🎤",
        "来月の作家トークは、児童文学作家の森川 ひかり さんをお迎えします📚",
        "今回の出演は、ソプラノの宮田沙織さんとピアノの岡部拓さんです。",
        "バスのラッピングを描いてくださったのは、イラストレーター・北村 あおい さん🎨",
        # a business named after a surname is no person's name
        "ご相談の接続工事は、丸福工務店さんが担当します。",
        "秋祭りにご協賛いただいた丸山建設さま、ありがとうございました🙏",
        # a surname with a kinship word is no full name (pii.location judges the whereabouts)
        "一人暮らしの木村のおばあちゃん、今週は娘さんのところに行っています。",
    ],
)
def test_names_in_a_role_and_non_names_are_not_findings(text):
    assert rule_spans(text, "pii.person_name") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a job that private people also hold, with an age: a private person
        ("移住支援金の今年度第1号は、看護師の森本千尋さん（29）に決まりました！🎉", "森本千尋"),
        # an office joined by の does not shelter a child named with an age
        ("ピアノの発表会で、ピアノの佐藤花子ちゃん（6歳）が一番に弾きました。", "佐藤花子"),
        ("成人式実行委員長の石井颯太さん（20）は、中学時代に不登校を経験したそうです。", "石井颯太"),
        # a given name that starts with の is still a given name
        ("落とし物を届けてくれた杉山のぞみさん（8歳）、ありがとう！", "杉山のぞみ"),
    ],
)
def test_private_people_are_still_found(text, name):
    assert rule_spans(text, "pii.person_name") == [name]
