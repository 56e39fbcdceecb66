"""子ども・住民・患者など私人のフルネームを検出する（本人の同意の確認を促す）。

## 何を検出するか
姓と名がそろった私人の氏名で、次のいずれかを伴うもの。

- 敬称「さん・くん・ちゃん・様・君」が続く（「山田太郎さん」）
- 年齢・学年が近くにある（「3歳」「小学2年」「80代」「（72）」）
- 児童・生徒・患者・被害者・申請者・受賞者・金賞・入選など、私人の立場を表す言葉が前にある
- 様式の見出し語の後にある（「氏名：」「担当：」「会場責任者：」「届出人：」「保護者氏名：」）。
  見出し語の後の名前は、役職を表す語（担当・責任者）があっても個人の氏名として扱う
- 名簿のように読点・中黒で並んでいる（「山田太郎、鈴木花子、佐藤一郎」）

姓と名は SudachiPy の品詞（名詞・固有名詞・人名・姓／名）で見分け、辞書にない名は
敬称の直前の短い漢字・かな列で補う。かな書きの名（「伊藤ひなた」）は、姓の直後にある
ときだけ、japanese-personal-name-dataset（MIT）の名の読み 936 件
（`lexicons/third_party/japanese-personal-name-dataset/`）と照らして名と認める
（「ひなたぼっこ」のように続く語は名としない）。形態素解析は、敬称・年齢・立場を表す言葉が
あるときだけ、その言葉のある行（年齢はその前の数行も）に限って行う。正確さを優先し、
次は対象にしない。

- 役職とともに書かれた公人（「市長 山田太郎」「山田太郎市長」「〇〇課長」）
- 催しの講師・出演者など（「講師：山田太郎氏」「出演：鈴木花子さん」「山田太郎さんによる講演」）。
  出演者・講師の名簿（「出演：山田太郎、鈴木花子、…」）も同じ
- 写真提供・撮影・作などのクレジット（「写真提供：山田太郎さん」）
- 公職・団体の代表や、作品・出演で名の出る職業・パートが「の」「・」でつながる人
  （「市議の岡本ゆかりさん」「議長の〇〇さん」「歌手・三浦あかねさん」「ピアノの〇〇さん」）。
  ただし年齢が添えてあれば私人として扱う（「看護師の森本千尋さん（29）」は対象）
- 姓を冠した店や会社（「丸福工務店さん」「丸山建設さま」）、姓と続柄の呼び方
  （「木村のおばあちゃん」: フルネームではない。居場所は pii.location が判定する）
- 歴史上の人物（坂本龍馬、紫式部など）

重大度は「警告」: 氏名の掲載には本人（未成年なら保護者）の同意が必要で、承認者が
同意を確認したうえで了承する。

## なぜ問題か
氏名は個人を特定できる情報の中心であり、子どもの氏名と学年、患者や被害者の氏名は
本人や家族に深刻な不利益を与えうる。ガイドラインは個人が特定できる文章を投稿する
場合は事前に本人の了解を得るよう求めている（狛江市4(3)エ、京都市4(3)ウ、
安芸高田市5）。

## 例
- NG: 「交通安全ポスターで最優秀賞に輝いた山田太郎くん（小学3年）」
- NG: 「救助された鈴木花子さん（82歳）は無事でした」
- NG: 「会場責任者：佐藤一郎」「金賞 伊藤ひなた、銀賞 高橋そうた」
- OK: 「市長 松井孝治が出席しました」（役職とともに書かれた公人）
- OK: 「夏まつりのステージに、地元出身の歌手・三浦あかねさんが出演します」（出演者）
- OK: 「講師：佐藤一郎さん（防災士）」（催しの講師）
- OK: 「坂本龍馬ゆかりの地をめぐるスタンプラリー」（歴史上の人物）

## 代わりに
本人（未成年なら保護者）の同意を得たことを確かめる。同意がなければ氏名を削除し、
「市内の小学3年生」「80代の女性」のように個人が特定できない書き方にする。

## 参考
- 狛江市ソーシャルメディア活用ガイドライン 4(3)エ
- 京都市ソーシャルメディアガイドライン 4(3)ウ
- 安芸高田市ソーシャルメディア運用ガイドライン 5
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)エ
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.semantic.screen import screened
from koshiki.checker.text import Text
from koshiki.checker.tokens import Token

_HONORIFIC = r"(?:さん|くん|ちゃん|さま|(?<!皆)様(?![式々子相態])|君(?!が代))"
_AGE = (
    r"(?:\d{1,3}(?:歳|才|か月|ヶ月|カ月)|\d0代|[1-9]0歳代|"
    r"(?:小学|中学|高校|小|中|高)\s?[1-6](?:年生?|年)?|年長|年中|年少|"
    r"\(\s?\d{1,3}\s?\))"
)
# Private positions: a full name after these is a private individual's.
_PRIVATE_ROLE = (
    r"(?:児童|生徒|園児|学生|患者|被害者|被災者|遺族|申請者|応募者|受賞者|入賞者|入選者|"
    r"当選者|住民|入居者|利用者|相談者|容疑者|加害者|感染者|死亡者|行方不明者|迷子|保護者|"
    # award lists: 金賞 伊藤ひなた、銀賞 高橋そうた
    r"金賞|銀賞|銅賞|最優秀賞|優秀賞|優良賞|佳作|奨励賞|特選|入選|努力賞)"
)
# Form labels: the name after them is a private person's, whatever role words follow
# (担当：鈴木花子, 会場責任者：佐藤一郎, 氏名：山田太郎); a unit name may stand between.
_LABEL = (
    r"(?:氏名|お名前|名前|担当者?|会場責任者|現場責任者|責任者|連絡担当|代表者|申請者|申込者|届出人|記入者|発見者"
    r"|保護者(?:氏?名)?|受付担当)\s?:\s?"
)
_LABEL_CUE = re.compile(_LABEL)
_LABEL_BEFORE = re.compile(_LABEL + r"(?:[\u4e00-\u9fff]{1,8}(?:課|係|室|局|部|センター|事務所)\s?)?$")
# Two short items in a list (伊藤ひなた、高橋そうた / 山田太郎・鈴木花子): the lines that may
# hold a list of names are tokenised; the names are then checked for being list neighbours.
_ITEM = r"[\u4e00-\u9fff々]{1,3}\s?[\u4e00-\u9fff々\u3041-\u3096\u30a1-\u30fa]{1,4}"
_SEPARATOR = re.compile(r"[、,・]")
_ITEM_AT = re.compile(rf"{_ITEM}(?=\s?(?:\(|[、,・\n]|$))")
# The item before a separator, at the start of the line or after a space, colon, 、 or
# hiragana (参加してくれた山田太郎、鈴木花子、…).
_ITEM_BEFORE = re.compile(
    rf"(?:^|(?<=[\s:、,\u3041-\u3096]))(?P<item>{_ITEM})\s?(?:\([^)\n]{{1,15}}\)\s?)?$", re.M
)
# What may stand between two names of one list.
_LIST_GAP = re.compile(r"\s?(?:(?:さん|くん|ちゃん|様|氏)\s?)?(?:\([^)\n]{0,20}\)\s?)?[、,・/]\s?")
_KANA_GIVEN_RUN = re.compile(r" ?([\u3041-\u3096]{2,6}|[\u30a1-\u30fa\u30fc]{2,6})")
# What may follow a kana given name: a particle, an honorific, punctuation or a non-kana character.
_AFTER_KANA_GIVEN = re.compile(
    r"(?:さん|くん|ちゃん|さま|[がはのともをにへや]|[^\u3041-\u3096\u30a1-\u30fa\u30fc]|$)"
)
_GIVEN_NAMES_FILE = (
    Path(__file__).resolve().parents[2]
    / "lexicons"
    / "third_party"
    / "japanese-personal-name-dataset"
    / "given_names_kana.txt"
)
# Cues that a private person may be named near them, each scanned on its own
# (one alternation of all three defeats the regex engine's first-character
# scan). Only the lines around cues are tokenised; the age cue is anchored on
# its counter (歳, 代, …) rather than on the digits, which are everywhere, and is
# a superset of _AGE, so every age that _is_private may read lies inside a cue's window.
# Words that end in an honorific but never follow a name (皆さま, お子さん, たくさん, お疲れさま,
# 仕様) open no window: in city posts they are the commonest cue of all (measured on the
# speed benchmark's posts: 皆さま/皆さん alone on a third of them). Checked with
# str.endswith after the match: lookbehinds in the pattern would run at every character.
_NOT_AFTER_NAME = ("皆", "みな", "お子", "たく", "お客", "疲れ", "かれ", "お母", "お父", "お姉", "お兄", "仕")
_HONORIFIC_CUE = re.compile(_HONORIFIC)
_AGE_CUE = re.compile(
    r"歳(?<=\d歳)|才(?<=\d才)|か月(?<=\dか月)|ヶ月(?<=\dヶ月)|カ月(?<=\dカ月)|代(?<=\d代)"
    r"|年[長中少]|[小中高学校]\s?[1-6]|\(\s?\d{1,3}\s?\)"
)
# A given name the dictionary does not know, right before an honorific.
_GIVEN_BEFORE_HONORIFIC = re.compile(
    rf" ?(?:[\u4e00-\u9fff々]{{1,3}}|[\u3041-\u3096]{{2,4}}|[\u30a1-\u30fa\u30fc]{{2,5}}) ?(?={_HONORIFIC})"
)
_HONORIFIC_AFTER = re.compile(rf" ?{_HONORIFIC}")
_AGE_NEAR = re.compile(_AGE)
_PRIVATE_ROLE_NEAR = re.compile(_PRIVATE_ROLE)

# Public offices and professional roles: a name written with one is a public
# figure acting in that role (RULES.md: 市長 ○○ is not a finding).
_ROLES = (
    r"市長|副市長|区長|町長|村長|知事|副知事|大臣|副大臣|政務官|総理|首相|長官|議長|副議長|"
    r"議員|市議|県議|委員長|委員|会長|副会長|理事長|理事|局長|部長|次長|課長|係長|室長|所長|"
    r"館長|園長|校長|教頭|教育長|院長|署長|社長|代表|代表取締役|担当|職員|教授|准教授|"
    r"講師|先生|医師|弁護士|選手|監督|コーチ|アナウンサー|キャスター|消防士|消防司令|隊員|"
    r"保健師|看護師|栄養士|保育士|学芸員|司書|指導員|相談員|支援員|主事|主査|主任|技師|巡査|氏"
)
# Professions of people named in public for their work: performers, speakers, authors,
# credited artists (RULES.md: named performers/speakers at public events are not a finding).
_PROFESSIONS = (
    r"歌手|作家|画家|写真家|音楽家|演奏家|奏者|ピアニスト|ギタリスト|バイオリニスト|ヴァイオリニスト|"
    r"チェリスト|ドラマー|シンガーソングライター|シンガー|アーティスト|ミュージシャン|イラストレーター|"
    r"デザイナー|タレント|俳優|女優|声優|落語家|噺家|講談師|芸人|漫才師|ダンサー|作曲家|指揮者|"
    r"料理研究家|研究者|技術者|ジャーナリスト|パフォーマー|書家|陶芸家|建築家|編集者|ライター|"
    r"クリエイター|観光大使|大使|アスリート|棋士|力士|評論家|エッセイスト|詩人|俳人|歌人|小説家|"
    r"脚本家|映画監督|カメラマン|フォトグラファー"
)
_ROLE_BEFORE = re.compile(rf"(?:{_ROLES})\s?[:・/]?\s?$")
# Offices held in public (市議, 議長, 署長, 団体の代表) and professions or parts of a
# performance named for the work (歌手, 作家, ソプラノ, ピアノ), joined to the name by の
# or ・ (市議の岡本ゆかりさん, 歌手・三浦あかねさん, ピアノの堀田誠さん). Weaker than a
# role written as a title: an age beside the name still makes the person private
# (看護師の森本千尋さん（29）, ピアノの発表会の花子ちゃん（6）).
_OFFICES = (
    r"市長|副市長|区長|町長|村長|知事|副知事|大臣|議員|市議|県議|委員|教育長|議長|副議長|署長|理事長|代表"
)
_PARTS = r"ソプラノ|アルト|テノール|バリトン|ピアノ|ギター|バイオリン|チェロ|フルート|三味線|尺八|箏|和太鼓"
_ROLE_JOINED = re.compile(rf"(?:{_OFFICES}|{_PROFESSIONS}|{_PARTS})\s?[:・/の、,]?\s?$")
# 「福田紀彦川崎市長」「鈴木花子市議会議員」: an office name may stand between.
_ROLE_AFTER = re.compile(rf"^\s?[\u4e00-\u9fff]{{0,6}}?(?:{_ROLES})")
# Speakers, performers and credits of a public event: named on purpose.
_EVENT_CUE = re.compile(
    r"講師|出演|登壇|講演|演奏|指揮|司会|ゲスト|パネリスト|語り|朗読|主演|原作|脚本|演出|作曲|"
    r"作詞|振付|審査員|講話|ナビゲーター|案内人|ファシリテーター|コーディネーター|モデル"
)
# Credits: "写真提供：…", "作：…" (a colon or slash marks the credit form).
_CREDIT_BEFORE = re.compile(r"(?:写真提供|提供|撮影|監修|協力|イラスト|作|絵|文|著|写真)\s?[:/]")
# Words that end a surname's compound but are not given names (山田課長さん, 鈴木家).
# 丸福工務店さん, 山本農機さん: a business named after its owner's surname.
_BUSINESS = (
    r"[\u4e00-\u9fff]{0,2}(?:店|屋|堂|建設|工務店|工業|産業|商店|商事|農園|農場|農機|水産|物産|"
    r"電機|電気|設備|運送|製作所|不動産|薬局|医院|歯科|金庫|銀行|組|園|舎|亭|庵|館|荘)"
)
# 杉山のおじいちゃん, 高橋のばあちゃん: a surname with a kinship word is no full name.
_KIN = r"の?(?:お?じい|お?ばあ|お?じっ|お?ばっ|おじ|おば|お?にい|お?ねえ|お?かあ|お?とう)"
_NOT_GIVEN = re.compile(rf"(?:{_ROLES}|{_BUSINESS}|{_KIN}|家|一家|家族|夫妻|夫人|親子|兄弟|姉妹|母|父|社)")
# 「鈴木一郎さん（京都大学教授）」: the role in brackets after the name.
_ROLE_IN_BRACKETS = re.compile(rf"^\s?(?:{_HONORIFIC}|氏)?\s?\([^)]{{0,20}}?(?:{_ROLES})\)")
_EVENT_AFTER = re.compile(
    rf"^\s?(?:{_HONORIFIC}|氏|先生)?\s?(?:\([^)]{{0,20}}\)\s?)?(?:による|が出演|が講演|が登壇|をお招き|を招い|を迎え|を講師|の講演|の演奏|の作品展|ゆかり|生誕|没後|誕生|の像|像|記念|の生家|の墓)"
)
# Historical figures often named in tourism and culture posts (kept small:
# the event/credit cues cover the rest).
_HISTORICAL_NAMES = """
坂本龍馬 紫式部 清少納言 小野小町 菅原道真 安倍晴明 平清盛 源頼朝 源義経 足利尊氏
足利義満 足利義政 織田信長 豊臣秀吉 徳川家康 徳川慶喜 明智光秀 石田三成 千利休
伊達政宗 支倉常長 松尾芭蕉 上杉謙信 武田信玄 真田幸村 近藤勇 土方歳三 沖田総司
西郷隆盛 大久保利通 木戸孝允 桂小五郎 勝海舟 吉田松陰 高杉晋作 中岡慎太郎 岩倉具視
伊藤博文 野口英世 福沢諭吉 渋沢栄一 津田梅子 北里柴三郎 樋口一葉 与謝野晶子
宮沢賢治 石川啄木 夏目漱石 森鴎外 芥川龍之介 川端康成 葛飾北斎 伊藤若冲 尾形光琳
俵屋宗達 岡本太郎 小林一茶 正岡子規 石ノ森章太郎
"""
HISTORICAL = frozenset(_HISTORICAL_NAMES.split())
_WINDOW_BEFORE = 20
_WINDOW_AFTER = 30
# A name tied to an age ends at most _WINDOW_AFTER characters before it; the
# rest is room for the name itself and for the cue standing inside the age.
_AGE_REACH = _WINDOW_AFTER + 30


def _same_line_before(norm: str, start: int, width: int) -> str:
    before = norm[max(0, start - width) : start]
    for stop in ("\n", "。"):
        cut = before.rfind(stop)
        if cut >= 0:
            before = before[cut + 1 :]
    return before


@cache
def kana_given_names() -> frozenset[str]:
    """Given names in hiragana from japanese-personal-name-dataset (MIT), read once per process."""
    lines = _GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def surnames() -> frozenset[str]:
    """Kanji surnames from japanese-personal-name-dataset (MIT), read once per process."""
    lines = (_GIVEN_NAMES_FILE.parent / "surnames.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _starts_with_surname(item: str) -> bool:
    """The item starts with a surname of two or three characters (one-character surnames
    such as 中 or 林 start too many ordinary words to be a useful cue)."""
    names = surnames()
    return item[:2] in names or item[:3] in names


def _list_cues(norm: str) -> Iterator[tuple[int, int]]:
    """Runs of two list items that both start with a known surname (山田太郎、鈴木花子).

    Anchored on the separators: the item after one is looked up first (two dictionary
    probes), and only then the regexes run, so a post full of 、 costs little.
    """
    names = surnames()
    for sep in _SEPARATOR.finditer(norm):
        j = sep.end()
        if norm[j : j + 1] == " ":
            j += 1
        if norm[j : j + 2] not in names and norm[j : j + 3] not in names:
            continue
        second = _ITEM_AT.match(norm, j)
        first = _ITEM_BEFORE.search(norm, max(0, sep.start() - 30), sep.start())
        if second is None or first is None or not _starts_with_surname(first.group("item")):
            continue
        yield first.start(), second.end()


def _kana_given_end(norm: str, pos: int) -> int | None:
    """End of a kana given name starting at ``pos`` (伊藤|ひなた), or None.

    The longest listed reading that the kana run starts with, followed by a particle,
    an honorific or a non-kana character (ひなたが, ひなた（5年）; not ひなたぼっこ).
    """
    m = _KANA_GIVEN_RUN.match(norm, pos)
    if m is None:
        return None
    run = m.group(1)
    hira = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in run)
    names = kana_given_names()
    for n in range(min(len(hira), 5), 1, -1):
        end = m.start(1) + n
        if hira[:n] in names and _AFTER_KANA_GIVEN.match(norm, end):
            return end
    return None


def _full_name_end(norm: str, items: list[Token], i: int) -> int | None:
    """End of the given name after surname token ``items[i]``, or None.

    ``items`` may be the tokens of a few lines only: a given name must follow the
    surname directly (a line break between them is never part of a name).
    """
    surname = items[i]
    given = _GIVEN_BEFORE_HONORIFIC.match(norm, surname.end)
    if given is not None and not _NOT_GIVEN.fullmatch(given.group().strip()):
        return given.end() - (1 if norm[given.end() - 1] == " " else 0)
    j = i + 1
    pos = surname.end
    if j < len(items) and items[j].surface == " " and items[j].start == pos:
        pos = items[j].end
        j += 1
    end = None
    while j < len(items) and j <= i + 3 and items[j].start == pos and items[j].is_person_name:
        end = pos = items[j].end
        j += 1
    if end is None:
        end = _kana_given_end(norm, surname.end)
    return end


def _cue_windows(norm: str) -> list[tuple[int, int]]:
    """Sorted, disjoint runs of whole lines where a cued name may stand."""
    spans = [
        (m.start(), m.end())
        for m in _HONORIFIC_CUE.finditer(norm)
        if not norm.endswith(_NOT_AFTER_NAME, 0, m.start())
    ]
    spans += [(m.start(), m.end()) for m in _PRIVATE_ROLE_NEAR.finditer(norm)]
    spans += [(m.start() - _AGE_REACH, m.end() + 10) for m in _AGE_CUE.finditer(norm)]
    spans += [(m.start(), m.end()) for m in _LABEL_CUE.finditer(norm)]
    if "、" in norm or "・" in norm or "," in norm:
        spans += list(_list_cues(norm))
    if not spans:
        return []
    spans.sort()
    n = len(norm)
    windows: list[tuple[int, int]] = []
    for lo, hi in spans:
        lo = norm.rfind("\n", 0, max(0, lo)) + 1
        hi = norm.find("\n", min(n, max(hi, lo + 1)) - 1)
        hi = n if hi < 0 else hi
        if windows and lo <= windows[-1][1] + 1:
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        else:
            windows.append((lo, hi))
    return windows


def find_private_names(text: Text) -> list[tuple[int, int]]:
    """Spans of full names of private individuals with a cue (cached per text)."""
    cached = text.memo.get("pii.person_names")
    if cached is not None:
        return cached  # type: ignore[return-value]
    norm = text.norm
    out: list[tuple[int, int]] = []
    for lo, hi in _cue_windows(norm):
        items = text.line_tokens(lo, hi)
        names: list[tuple[int, int]] = []
        for i, tok in enumerate(items):
            if tok.pos[2:4] != ("人名", "姓"):
                continue
            if names and tok.start < names[-1][1]:
                continue
            end = _full_name_end(norm, items, i)
            if end is not None:
                names.append((tok.start, end))
        # Names that are neighbours in a list (山田太郎、鈴木花子): a list of people is a
        # cue of its own, as a name with さん or an age is.
        # A list's heading decides for all its items (出場選手：A、B、C; 市長 A、B).
        head_of: dict[tuple[int, int], tuple[int, int]] = {}
        for (a, b), (c, d) in zip(names, names[1:], strict=False):
            if _LIST_GAP.fullmatch(norm, b, c):
                head_of.setdefault((a, b), (a, b))
                head_of[(c, d)] = head_of[(a, b)]
        public_heads = {h for h in set(head_of.values()) if _public_heading(norm, h[0])}
        out.extend(
            (a, b)
            for a, b in names
            if head_of.get((a, b)) not in public_heads and _is_private(norm, a, b, (a, b) in head_of)
        )
    text.memo["pii.person_names"] = out
    return out


def _public_heading(norm: str, start: int) -> bool:
    """The text before a list's first name names a public role, an event or a credit."""
    before = _same_line_before(norm, start, _WINDOW_BEFORE)
    if _LABEL_BEFORE.search(before):
        return False
    line = _same_line_before(norm, start, 200)
    return bool(_ROLE_BEFORE.search(before) or _EVENT_CUE.search(line) or _CREDIT_BEFORE.search(line))


def _is_private(norm: str, start: int, end: int, listed: bool = False) -> bool:
    name = norm[start:end].replace(" ", "")
    if name in HISTORICAL:
        return False
    before = _same_line_before(norm, start, _WINDOW_BEFORE)
    after = norm[end : end + _WINDOW_AFTER]
    if _LABEL_BEFORE.search(before):
        return True  # 担当：鈴木花子, 会場責任者：佐藤一郎: a form field naming a person
    if _ROLE_BEFORE.search(before) or _ROLE_AFTER.match(after) or _ROLE_IN_BRACKETS.match(after):
        return False
    aged = _AGE_NEAR.search(after.split("。", 1)[0]) or _AGE_NEAR.search(before[-8:])
    if _ROLE_JOINED.search(before) and not aged:
        return False
    if _EVENT_CUE.search(before) or _CREDIT_BEFORE.search(before) or _EVENT_AFTER.match(after):
        return False
    if listed:
        # The list's heading may stand far before this item (出演：A、B、C、D).
        line = _same_line_before(norm, start, 200)
        return not (_EVENT_CUE.search(line) or _CREDIT_BEFORE.search(line))
    if _HONORIFIC_AFTER.match(after):
        return True
    near_after = after.split("。", 1)[0]
    return bool(
        _AGE_NEAR.search(near_after) or _AGE_NEAR.search(before[-8:]) or _PRIVATE_ROLE_NEAR.search(before)
    )


@rule("pii.person_name", title="私人の氏名", severity="warning")
@screened("pii.person_name")
def check(text: Text, env: Env) -> Iterator[Hit]:
    for start, end in find_private_names(text):
        yield Hit(
            start,
            end,
            f"私人の氏名「{text.quote(start, end)}」が書かれています（本人の同意を確認してください）",
            Suggestion(
                "本人（未成年は保護者）の同意を確かめ、同意がなければ氏名を削除するか「市内の小学生」などに置き換えてください"
            ),
        )
