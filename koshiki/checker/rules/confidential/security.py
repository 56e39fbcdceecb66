"""市のセキュリティを脅かすおそれのある情報（パスワード・内部のアドレス・未公表の障害など）を検出する。

## 何を検出するか
- パスワード・暗証番号・パスコードの値: 「パスワードは kyoto2025 です」「PW：Koho#0312」
  「Wi-Fiのパスワード：minato-guest」。「パスワードは12文字以上に」のような決め方の説明や
  「****」のように伏せたものは対象外です。
- ログインIDとその付け方: 「ログインID：koho_admin01」「IDは職員番号、初期パスワードは
  生年月日8桁です」。
- APIキー・アクセストークン: 「APIキー：3f9a…」のような値と、鍵の形をした文字列
  （sk-…、AKIA…、ghp_…、xoxb-…、AIza…）。
- 庁内のホスト名・共有フォルダ: 「fs01.koho.local」「intra.city-minato.internal」「\\\\fs01\\共有」、
  プライベートIPアドレス（10.x.x.x、172.16〜31.x.x、192.168.x.x）。
- VPN・サーバーの接続情報: 「VPNの接続先：vpn.example.jp」「サーバー名：KOHO-SV02」。
- 扉・金庫・キーボックスの番号: 「通用口の暗証番号は4721」「金庫のダイヤルは 3-7-15」。
- 公表していないシステム障害や脆弱性: 「公表前ですが、基幹系システムがウイルスに感染して
  います」「予約システムに脆弱性が見つかり、まだ修正されていません」。
- 画面・職員証が写っていることの記述: 「業務システムの画面が写っています」「職員証を
  首から下げたまま撮影しました」。

次のものは検出しません。
- 強いパスワードを使う、二段階認証を設定するといった一般的な呼びかけ
- 公表済みのメンテナンス・障害のお知らせ（「システムメンテナンスのため〇時から停止します」）
- 市の公開しているウェブアドレス、無料Wi-Fi（SSID「00000JAPAN」、パスワード不要）の案内
- 「画面が写り込まないよう注意」のような注意喚起

## なぜ問題か
パスワードやIDの付け方、庁内のアドレスやサーバーの情報は、不正アクセスの足がかりに
なります。公表前の障害や修正していない脆弱性を知らせることは、攻撃する側に機会を
教えることになります。京都市5(2)ウは「本市のセキュリティを脅かすおそれのある情報を
発信してはならない」と、狛江市4(4)アは「狛江市のセキュリティを脅かす恐れのある情報
などを発信しないこと」と定めています。

## 例
- NG: 「広報課の共用PCのパスワードは koho2025! です。異動してきた方はご確認を」
- NG: 「ファイルサーバー（192.168.10.24）の共有フォルダに写真を置きました」
- NG: 「通用口の暗証番号は4721です。夜間の搬入はこちらから」
- OK: 「パスワードは他のサービスと使い回さず、12文字以上にしましょう」（一般的な呼びかけ）
- OK: 「12月7日0時〜6時はシステムメンテナンスのため電子申請を停止します」（公表済みのお知らせ）

## 代わりに
パスワード・ID・内部のアドレス・番号は投稿に書かず、庁内の決められた方法で伝えます。
障害や脆弱性は、所管課と統括情報セキュリティ責任者の判断で公表の内容が決まってから
お知らせします。撮影前に画面・書類・職員証が写らないか確かめます。

## 参考
- 京都市ソーシャルメディアガイドライン 5(2)ウ
- 狛江市ソーシャルメディア活用ガイドライン 4(4)ア
- 石巻市ソーシャルメディアガイドライン 4(2)（情報の取扱いに関する規程等の遵守）、3(3)オ
- 安芸高田市ソーシャルメディア運用ガイドライン 2(2)（情報の取扱いに関する規程等の遵守）
- 川崎市ソーシャルメディアの利用に関するガイドライン 5(11)ウ、5(8)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import ahocorasick_rs

from koshiki.checker.engine import Env
from koshiki.checker.findings import Hit, Suggestion
from koshiki.checker.registry import rule
from koshiki.checker.text import Text, sentence_bounds

# Text is normalised: ASCII lower-cased, full-width folded (：-> :, ＝ -> =).
_SEP = r"\s?(?:[:=]|は|を|が|も)?\s?[「『\"']?\s?"
# A secret's value: ASCII without spaces, at least one letter or digit, 4+ characters.
_VALUE_CHAR = r"[!#$%&*+\-./0-9:;=?@a-z\\^_|~]"
_VALUE = rf"(?P<value>(?={_VALUE_CHAR}*[a-z0-9]){_VALUE_CHAR}{{4,64}}(?<![.,:;]))"
# What follows a number that describes a rule, not a value (12文字以上, 4桁).
_NOT_VALUE_AFTER = re.compile(
    r"\s?(?:文字|桁|字|以上|以下|回|日|か月|ヶ月|カ月|時間|分|秒|歳|年|種類|個|%|円)"
)

_PASSWORD = re.compile(
    r"(?P<label>パスワード|パスコード|パスフレーズ|暗証番号|暗証コード|pinコード|合言葉|セキュリティキー|暗号化キー|ネットワークキー"
    r"|(?<![a-z])(?:password|passwd|passcode|pass|pw|pin)(?![a-z]))" + _SEP + _VALUE
)
_LOGIN_ID = re.compile(
    r"(?P<label>ログインid|ユーザーid|ユーザid|利用者id|職員id|管理者id|アカウントid|ログイン名|ユーザー名|ユーザ名"
    r"|(?<![a-z])(?:login\s?id|user\s?id|username|user\s?name)(?![a-z])|アカウント名(?=\s?[:=]))"
    + _SEP
    + _VALUE
)
# The scheme of IDs or initial passwords: 職員番号 / 生年月日 / 姓のローマ字 …
_SCHEME = re.compile(
    r"(?P<label>(?:ログイン|ユーザー?|利用者|職員|管理者|アカウント)?(?<![a-z])id|(?:初期|仮)?パスワード|暗証番号)"
    r"(?:の(?:付け方|決め方|ルール|形式|構成|規則))?は[、,]?\s?[^。\n]{0,20}?"
    r"(?P<part>職員番号|生年月日|誕生日|内線番号|電話番号の下|姓の|名前の|氏名の|ローマ字|イニシャル|頭文字|所属コード|課コード)"
)
_API_LABELS = re.compile(
    r"(?P<label>api\s?キー|(?<![a-z])api[ _-]?key|アクセストークン|(?<![a-z])access[ _-]?token|トークン|(?<![a-z])token(?![a-z])"
    r"|シークレット(?:キー)?|(?<![a-z])client[ _-]?secret|(?<![a-z])secret[ _-]?key|認証キー|アクセスキー)"
    + _SEP
    + r"(?P<value>[a-z0-9][a-z0-9_\-.+/=]{15,})"
)
# Key shapes of well-known services (lower-cased by normalisation).
_KEY_SHAPES = re.compile(
    r"(?<![a-z0-9])(?:sk-(?:proj-)?[a-z0-9_\-]{20,}|akia[0-9a-z]{16}|gh[pousr]_[a-z0-9]{30,}"
    r"|xox[abprs]-[a-z0-9\-]{10,}|aiza[0-9a-z_\-]{35}|glpat-[a-z0-9_\-]{20})(?![a-z0-9])"
)
_PRIVATE_IP = re.compile(
    r"(?<![\d.])(?:10\.(?:25[0-5]|2[0-4]\d|1?\d?\d)|172\.(?:1[6-9]|2\d|3[01])|192\.168)"
    r"(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){2}(?![\d.]\d)(?:/\d{1,2})?"
)
_INTERNAL_HOST = re.compile(
    r"(?<![a-z0-9.\-])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?:local|internal|intra|intranet|lan|corp|localdomain|home\.arpa)"
    r"(?![a-z0-9\-])|\\\\{1,2}[a-z0-9][a-z0-9\-_.]{1,30}\\[^\s、。]{1,40}"
)
_SERVER = re.compile(
    r"(?P<label>(?<![a-z])(?:vpn|nas|rdp|ssh)|サーバー?|ファイルサーバー?|ルーター?|ファイアウォール|リモートデスクトップ)"
    r"の?(?:接続先|アドレス|ipアドレス|ホスト名|サーバー?名|名前|ポート(?:番号)?|設定|アカウント)"
    + _SEP
    + r"(?P<value>[a-z0-9][a-z0-9\-_.:/]{3,})"
    r"|(?P<label2>サーバー?名|ホスト名|接続先サーバー?)" + _SEP + r"(?P<value2>[a-z0-9][a-z0-9\-_.]{3,})"
)
# Door, safe and key-box codes: digits after the lock's name.
_DOOR_CODE = re.compile(
    r"(?P<label>(?:通用口|裏口|ドア|扉|金庫|キーボックス|鍵箱|倉庫|書庫|サーバー室|電算室|オートロック|テンキー|ダイヤル錠|南京錠"
    r"|セキュリティゲート)[^。\n\d]{0,12}?(?:暗証番号|番号|コード|ダイヤル|パスコード))"
    r"(?:は|:|=)?\s?[「『]?\s?(?P<value>\d(?:[\d\-]{2,10})\d)"
)
# System outages and vulnerabilities told before the city published them.
_INCIDENT = re.compile(
    r"脆弱性|セキュリティホール|ぜい弱性|ウイルス(?:に)?感染|ウィルス(?:に)?感染|ランサムウェア|不正アクセス|情報漏え?い|サイバー攻撃"
    r"|(?:システム|サーバー?|ネットワーク|基幹系|庁内lan|端末)(?:の|が|で)?(?:障害|停止|ダウン|不具合)"
)
_UNPUBLISHED = re.compile(
    r"公表前|未公表|まだ公表|非公表|公表していない|公表されていない|まだ発表|発表前|内緒|内密|オフレコ|外部には|外には(?:言|出)"
    r"|ここだけ"
)
# A weakness left open: told about a vulnerability only (an outage notice that says
# 「まだ復旧していません」 is a published notice, not a leak).
_UNPATCHED = re.compile(
    r"まだ(?:修正|対応|対策)(?:されて|して|でき)(?:いない|いません|おらず|ない|ません)|未(?:修正|対応|対策)"
    r"|修正(?:前|されていない|されていません)|放置|パッチ(?:を|が)?(?:当てて|適用して)(?:い)?ない"
)
_VULNERABILITY = ("脆弱性", "セキュリティホール", "ぜい弱性")
# Photographed screens, whiteboards and ID badges.
_SCREEN = re.compile(
    r"(?:(?:業務|基幹|庁内|管理)?(?:システム|pc|パソコン)の画面|モニター|ディスプレイ|ホワイトボード|職員証|idカード|入館証|社員証)"
    r"(?:が|も|を|に|まで)?[^。\n]{0,12}?(?:写り込|映り込|写って|映って|写った|映った|見えて|見えます|読めます|読める"
    r"|ごと撮影|下げたまま撮影|つけたまま撮影|付けたまま撮影)"
    r"|画面(?:が|も|まで)?[^。\n]{0,8}?(?:写り込|映り込|写って|映って)"
)
_SCREEN_SAFE = re.compile(
    r"ないよう|ないように|[写映](?:り込)?ま(?:ない|せん|ず)|[写映]さない|ていない|ていません|注意|確認して|気をつけ|気を付け"
    r"|ぼかし|モザイク|加工|隠し|外して|外し|消して|トリミング"
    # a public screen at an event: 大型モニターに映っている中継
    r"|大型|上映|ステージ|パブリックビューイング|中継|会場|放映"
)
# General advice, a public notice, or a free public service: not a secret told.
_ADVICE = re.compile(
    r"しましょう|してください|下さい|ご注意|注意して|気をつけ|気を付け|使い回さ|推測されにくい|定期的に|変更して|設定して|にしないで|教えないで"
    r"|絶対に|聞き出|詐欺|不審|なりすまし|お問い合わせ|忘れた|お忘れ|再設定|再発行|入力して|入力のうえ|例えば|例:|例）|例\)"
)
_EXAMPLE = re.compile(
    r"\s?[」』\"']?\s?(?:のような|みたいな|などの|などは|等の|は(?:危険|ng|ダメ|避け)|にしない|を使わない|は使わない)"
)
_PUBLIC_WIFI = re.compile(
    r"00000japan|無料wi-?fi|フリーwi-?fi|公衆(?:無線lan|wi-?fi)|パスワード(?:は)?不要|来庁者用|来館者用"
)
# Cheap substring gates, one per pattern: most posts hold none of these words, and a
# pattern is only run on a post that holds one of its gate's words.
_GATES = {
    "password": (
        "パス", "暗証", "pass", "pw", "pin", "合言葉", "セキュリティキー", "暗号化キー", "ネットワークキー",
    ),
    "login": (
        "ログインid", "ユーザーid", "ユーザid", "利用者id", "職員id", "管理者id", "アカウントid", "ログイン名",
        "ユーザー名", "ユーザ名", "アカウント名", "login", "user",
    ),
    "idlabel": ("ログイン", "ユーザ", "利用者id", "職員id", "管理者id", "アカウントid", "パスワード", "暗証番号", "id:", "idは", "id は"),
    "api": ("api", "token", "トークン", "シークレット", "secret", "認証キー", "アクセスキー"),
    "scheme": (
        "職員番号", "生年月日", "誕生日", "内線番号", "電話番号の下", "姓の", "名前の", "氏名の", "ローマ字",
        "イニシャル", "頭文字", "所属コード", "課コード",
    ),
    "key": ("sk-", "akia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "aiza", "glpat"),
    "ip": ("10.", "172.", "192.168"),
    "host": (".local", ".internal", ".intra", ".lan", ".corp", "home.arpa", "\\\\"),
    "server": ("vpn", "nas", "rdp", "ssh", "サーバ", "ルータ", "ファイアウォール", "リモートデスクトップ", "ホスト名"),
    "door": ("番号", "コード", "ダイヤル"),
    "lock": (
        "通用口", "裏口", "ドア", "扉", "金庫", "キーボックス", "鍵箱", "倉庫", "書庫", "サーバー室", "電算室",
        "オートロック", "テンキー", "錠", "セキュリティゲート",
    ),
    "unpublished": (
        "公表", "発表", "内緒", "内密", "オフレコ", "外部には", "外には", "ここだけ", "脆弱", "ぜい弱", "セキュリティホール",
    ),
    "incident": (
        "脆弱", "ぜい弱", "セキュリティホール", "ウイルス", "ウィルス", "ランサム", "不正アクセス", "漏え", "漏洩",
        "サイバー", "障害", "停止", "ダウン", "不具合",
    ),
    "screen": ("画面", "モニター", "ディスプレイ", "ホワイトボード", "職員証", "idカード", "入館証", "社員証"),
}  # fmt: skip


_GATE_WORDS = sorted({w for words in _GATES.values() for w in words})
_GATE_AUTOMATON = ahocorasick_rs.AhoCorasick(_GATE_WORDS)


def _open_gates(norm: str) -> frozenset[str]:
    """The gates whose words occur in ``norm``: one Aho-Corasick pass over the post."""
    found = {_GATE_WORDS[i] for i, _, _ in _GATE_AUTOMATON.find_matches_as_indexes(norm, overlapping=True)}
    if not found:
        return frozenset()
    return frozenset(g for g, words in _GATES.items() if not found.isdisjoint(words))


_ADVICE_SUGGESTION = Suggestion(
    "パスワード・ID・内部のアドレスや番号は投稿に書かず、庁内の決められた方法で伝えてください"
)


def _sentence(norm: str, start: int, end: int) -> str:
    a, b = sentence_bounds(norm, start, end, 80)
    return norm[a:b]


def _value_hits(text: Text, pattern: re.Pattern[str], what: str) -> Iterator[Hit]:
    norm = text.norm
    for m in pattern.finditer(norm):
        value = m.group("value")
        if _NOT_VALUE_AFTER.match(norm, m.end("value")) or value.strip("*●x×-_.") == "":
            continue
        sentence = _sentence(norm, m.start(), m.end())
        if _PUBLIC_WIFI.search(sentence) or value.startswith(("http", "www.", "@")):
            # an account's public handle (アカウント名：@minato_city) is no login secret
            continue
        if _EXAMPLE.match(norm, m.end()):
            # 「パスワードは kyoto2025 のような推測されやすいものにしないで」: an example in advice.
            continue
        start, end = m.start("value"), m.end("value")
        label_start = m.start("label")
        yield Hit(
            label_start,
            end,
            f"{what}「{text.quote(start, end)}」が書かれています（市のセキュリティを脅かすおそれ）",
            _ADVICE_SUGGESTION,
        )


def _scheme_hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _SCHEME.finditer(norm):
        if _ADVICE.search(_sentence(norm, m.start(), m.end())):
            continue
        yield Hit(
            m.start(),
            m.end(),
            f"ログインIDやパスワードの付け方「{text.quote(m.start(), m.end())}」が書かれています",
            _ADVICE_SUGGESTION,
        )


def _network_hits(text: Text, gates: frozenset[str]) -> Iterator[Hit]:
    norm = text.norm
    ips = _PRIVATE_IP.finditer(norm) if "ip" in gates else ()
    for m in ips:
        yield Hit(
            m.start(),
            m.end(),
            f"庁内ネットワークのアドレス（プライベートIPアドレス「{text.quote(m.start(), m.end())}」）が書かれています",
            _ADVICE_SUGGESTION,
        )
    hosts = _INTERNAL_HOST.finditer(norm) if "host" in gates else ()
    for m in hosts:
        yield Hit(
            m.start(),
            m.end(),
            f"庁内のホスト名・共有フォルダ「{text.quote(m.start(), m.end())}」が書かれています",
            _ADVICE_SUGGESTION,
        )
    servers = _SERVER.finditer(norm) if "server" in gates else ()
    for m in servers:
        value = m.group("value") or m.group("value2")
        if value.startswith(("http", "www.")) or _ADVICE.search(_sentence(norm, m.start(), m.end())):
            continue
        yield Hit(
            m.start(),
            m.end(),
            f"VPN・サーバーの接続情報「{text.quote(m.start(), m.end())}」が書かれています",
            _ADVICE_SUGGESTION,
        )


def _door_hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _DOOR_CODE.finditer(norm):
        if _NOT_VALUE_AFTER.match(norm, m.end("value")) or _EXAMPLE.match(norm, m.end()):
            continue
        if _ADVICE.search(norm, m.end(), m.end() + 12):
            continue
        yield Hit(
            m.start(),
            m.end(),
            f"扉・金庫などの番号「{text.quote(m.start(), m.end())}」が書かれています",
            Suggestion("解錠の番号は投稿に書かず、必要な人にだけ庁内の方法で伝えてください"),
        )


def _incident_hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _INCIDENT.finditer(norm):
        a, b = sentence_bounds(norm, m.start(), m.end(), 80)
        # The sentence itself, or the one before it (「公表前ですが、」 on its own).
        before = norm[max(0, a - 40) : a]
        unpublished = _UNPUBLISHED.search(norm, a, b) or _UNPUBLISHED.search(before)
        unpatched = m.group() in _VULNERABILITY and _UNPATCHED.search(norm, a, b)
        if not (unpublished or unpatched):
            continue
        yield Hit(
            m.start(),
            m.end(),
            f"公表していないシステム障害・脆弱性「{text.quote(m.start(), m.end())}」について書かれています",
            Suggestion(
                "障害や脆弱性は、所管課と統括情報セキュリティ責任者が公表の内容を決めてからお知らせしてください"
            ),
        )


def _screen_hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    for m in _SCREEN.finditer(norm):
        if _SCREEN_SAFE.search(_sentence(norm, m.start(), m.end())):
            continue
        yield Hit(
            m.start(),
            m.end(),
            f"画面・ホワイトボード・職員証などが写っていることの記述「{text.quote(m.start(), m.end())}」があります",
            Suggestion("内部の情報や職員証が読み取れないよう、写真を撮り直すかぼかしてください"),
        )


@rule("confidential.security", title="セキュリティを脅かすおそれのある情報", severity="error")
def check(text: Text, env: Env) -> Iterator[Hit]:
    hits = sorted(_hits(text), key=lambda h: (h.start, -h.end))
    # One finding per place: 「通用口の暗証番号は4721」 holds 「暗証番号は4721」.
    kept: list[Hit] = []
    for hit in hits:
        if not any(k.start <= hit.start and hit.end <= k.end for k in kept):
            kept.append(hit)
    yield from kept


def _hits(text: Text) -> Iterator[Hit]:
    norm = text.norm
    gates = _open_gates(norm)
    if not gates:
        return

    if "password" in gates:
        yield from _value_hits(text, _PASSWORD, "パスワード・暗証番号")
    if "login" in gates:
        yield from _value_hits(text, _LOGIN_ID, "ログインID")
    if "api" in gates:
        yield from _value_hits(text, _API_LABELS, "APIキー・アクセストークン")
    if "scheme" in gates and "idlabel" in gates:
        yield from _scheme_hits(text)
    if "key" in gates:
        for m in _KEY_SHAPES.finditer(norm):
            yield Hit(
                m.start(),
                m.end(),
                f"APIキー・アクセストークンの形をした文字列「{text.quote(m.start(), m.end())}」が書かれています",
                _ADVICE_SUGGESTION,
            )
    if gates & {"ip", "host", "server"}:
        yield from _network_hits(text, gates)
    if "door" in gates and "lock" in gates:
        yield from _door_hits(text)
    if "incident" in gates and "unpublished" in gates:
        yield from _incident_hits(text)
    if "screen" in gates:
        yield from _screen_hits(text)
