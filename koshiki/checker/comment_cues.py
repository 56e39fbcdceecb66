"""Hand rules for comments where the form matters: links, phone numbers, spam, threats.

The comment classifier (``koshiki.checker.comments``) reads a comment's meaning
from the learned model; these patterns add what a few hundred labelled comments
cannot teach reliably: a link to a pirate or adult site, a private person's
phone number or address, the shapes of spam, and words of danger (a threat, a
person in danger, a hijacked account) that must reach a person at once.

Each cue is evidence for one category or intent, not a finding on its own:
the classifier combines it with the model and with the guard that protects
civil criticism (``thresholds.toml`` beside the comment rules says how much a
cue counts). Patterns match the normalised text (NFKC, ASCII lower-case).

Cost: one pass of a few compiled patterns per comment, ~10-20 µs.
"""

from __future__ import annotations

import re

_URL = r"(?:https?://|www\.)\S+"

# category or intent -> patterns (alternatives joined; each is a plain `re` pattern)
CUES: dict[str, tuple[str, ...]] = {
    # 注意事項(1) 法令違反: the act itself, announced, bragged about or recommended.
    "comment.law_violation": (
        r"不法投棄|(?:山|川|河川敷|林道|空き地).{0,8}(?:捨て|置いて)(?:と|た|ちゃ|れば|ておけ)",
        r"未成年.{0,12}(?:酒|ビール|飲|タバコ|たばこ)",
        r"飲酒運転|酒気帯び|無免許(?:で|運転)|ひき逃げ",
        r"万引き|脱税|申告しな(?:い|くて)|不正受給|キセル(?:乗車)?|闇バイト",
        r"大麻|覚醒剤|違法薬物|合法ハーブ",
        r"(?:許可|申請)(?:なし|なく|取らず|とらず).{0,12}(?:飛ばし|やっ|営業|使っ|撮影)",
        r"(?:バレ|ばれ)(?:ない|なきゃ|なけりゃ)",
    ),
    # 注意事項(2) 誹謗中傷: a named or pointed-at person or business called a criminal or worse.
    "comment.defamation": (
        r"(?:さん|氏|議員|課長|部長|職員|先生|社長|店|医院|クリニック|親父|あいつ|あの人|あの男|あの女)(?:は|が|って|の).{0,20}"
        r"(?:最低|詐欺師|ヤブ|犯罪者|前科|反社|横領|着服|賄賂|不倫|愛人|騙(?:す|して)|ぼったくり|無能|クズ|給料泥棒|税金泥棒)",
        r"(?:詐欺師|泥棒|犯罪者|売国奴|ゴミ|クズ)(?:の|は).{0,10}(?:本名|名前|自宅)",
    ),
    # 注意事項(3) 政治・宗教活動: campaigning and proselytising, not talk about elections.
    "comment.politics_religion": (
        r"(?:に|へ)(?:清き)?(?:一票|投票)(?:を|して|しよう|お願い)",
        r"(?:候補|先生|議員|党)(?:を|の)(?:応援|支持)(?:して|を|しましょう|お願い)",
        r"(?:党|会)(?:に|へ)(?:入って|入党|ご入会)|入信|布教|信仰(?:すれば|しなさい|を持て)",
        r"(?:神|仏|教祖|先生)(?:様)?(?:の(?:教え|お導き|ご加護)|を信じ)",
        r"(?:集会|勉強会|講演会)に(?:ぜひ|是非)?(?:ご)?参加",
    ),
    # 注意事項(4) 知的財産権: pirate copies, unauthorised uploads and reposts.
    "comment.ip_infringement": (
        r"海賊版|漫画村|無断転載|違法(?:アップ|うp|ダウンロード)|torrent|rawで|raw\b",
        r"(?:録画|録音|スキャン|コピー)(?:して|した(?:の|もの)?を?).{0,12}(?:アップ|上げ|載せ|貼|配布|共有)",
        r"(?:無料で|タダで).{0,8}(?:全話|全巻|見れる|読める|ダウンロード)",
        # Not the complaint of the one whose work was taken: 「勝手に使うな」「無断で使われた」.
        r"(?:勝手に|無断で)(?:使(?!うな|わないで|われ|ってる|っている|ってい)|撮|載せ|転載|加工|販売)(?!られ|され)",
        # A whole work pasted or passed on: 「全文貼ります」「歌詞を1番から」「（以下全文）」
        # 「全ページPDFにした」「丸ごとダウンロードしてCMに」「本編つなげた総集編」.
        r"全文(?:を)?(?:コピペ|貼(?:ります|っとく|っておく|り付け)|書き(?:写|うつ)|載せ(?:ます|とく|ておきます))|"
        r"以下(?:、)?(?:全文|略さず|[二三2-9]番まで)|歌詞(?:を|、)?(?:全部|全文|[1一]番から)|"
        r"(?:丸ごと|まるごと|全ページ|全部)(?:を)?(?:ダウンロード|打ち込|コピー|pdf|スキャン|撮影|写真に)|"
        r"(?:本編|有料記事)(?:を|の)?.{0,8}(?:切り抜|つなげ|全文)",
    ),
    # 注意事項(5) 広告・宣伝・営利: spam shapes, a shop's advertising, money offers.
    "comment.commercial": (
        r"副業|在宅ワーク|稼げ|稼ぎ方|月収|日給|日収|不労所得|投資案件|(?:絶対|確実)に儲",
        r"(?:line|ライン)(?:追加|登録|友だち追加)|プロフ(?:ィール)?(?:の|を)?(?:リンク|見て)|dm(?:ください|下さい|で)",
        # Not a shop owner reporting what stands at the shop: 「うちの店の前の掲示板が倒れかけてます」.
        r"(?:当店|弊社|当社|うちの店|当院|当サロン)"
        r"(?:では|の(?!前|近く|横|裏|隣|辺|そば|向かい|周り|周辺|まわり|あたり|付近|駐車場|ところ)|で|に|は)",
        r"(?:クーポン|割引|限定価格|特別価格|初回無料|今だけ|先着)(?:.{0,10})(?:こちら|ご利用|お得|プレゼント)",
        r"詳しくは(?:こちら|プロフ)|フォロー(?:して|&|＆).{0,6}(?:rt|リポスト|プレゼント)",
        # The shapes of an offer: a discount, a code, a free first time, a price list, an order
        # channel (「今月ご新規さま20%オフ」「紹介コードで初月無料」「見積無料、DMへ」).
        r"\d+\s?[%％]\s?(?:off|オフ|引き|割引)|(?:初回|初月|入会金)(?:\d+円|無料|0円)|"
        r"(?:紹介|招待)コード|最安値|激安|見積(?:もり)?無料|(?:承|うけたまわ)ります|"
        r"(?:dm|メッセージ|ワッツアップ|whatsapp|テレグラム)(?:へ|で(?:ご)?連絡|ください|下さい|お待ち)|"
        r"チャンネル登録|概要欄の|在庫わずか|(?:購入|注文)(?:できます|はこちら)",
    ),
    # 注意事項(6) 差別: people lumped by nationality, disability, origin, sex, sexuality.
    "comment.discrimination": (
        r"(?:外国人|中国人|韓国人|朝鮮人|ベトナム人|在日|移民|難民|ガイジン)(?:は|が|なんか|なんて|ども|共|を)(?:.{0,14})"
        r"(?:出て(?:行|い)け|追い出|来るな|入れるな|お断り|犯罪|迷惑|治安|危ない|汚|うるさい|信用でき)",
        r"(?:障害者|障がい者|精神病|ガイジ|生活保護(?:受給者)?|ナマポ)(?:は|が|なんか|なんて|ども)",
        r"(?:女|女性|男)(?:は|なんて|なんか)(?:.{0,8})(?:黙|引っ込|家に|感情的|使えない)",
        r"ホモ|オカマ|レズ|部落|土人|シナ人|チョン",
        r"(?:地区|部落|町)の出身(?:なら|だから|者は)|ああいう国の|日本語(?:を)?話せない(?:人|やつ|連中)は|健常者だけ",
        r"(?:団地|地区|あの辺)の(?:連中|奴ら|やつら)",
    ),
    # 注意事項(10) その他: floods, bots, off-topic chains.
    "comment.other": (
        r"(.)\1{14,}|(?:w|ｗ|草){10,}",
        r"自動投稿|#bot\b|このスレ|フレコ|相互フォロー|フォロバ",
    ),
    # 注意事項(7) 公序良俗: threats, violence, obscenity.
    "comment.public_order": (
        r"(?:ぶっ)?殺(?:す|して|される|したる)|死ね|刺(?:す|して)(?:やる|ぞ)|殴(?:る|って)(?:やる|ぞ|かも)|爆破|爆弾|"
        r"火(?:を|、)?(?:つけ|付け)|放火|燃やし(?:て|た)(?:やる|ら)",
        r"夜道(?:に|には)?(?:気をつけ|お気をつけ)|覚悟(?:しとけ|しておけ|しといて|はできて)|何が起きても(?:知らない|知りません)",
        r"エロ|セックス|裸の|下着|おっぱい|ちんこ|まんこ|av女優|際どい",
    ),
    # 注意事項(8) 虚偽・根拠のないもの: rumours passed on as fact, conspiracy shapes.
    "comment.false_info": (
        r"人工地震|ケムトレイル|5g(?:で|が|の電波)|ワクチン.{0,10}(?:死|毒|不妊|危険|チップ)",
        r"拡散(?:希望|して|お願い)|(?:って|と)(?:聞いた|いう噂)|らしいよ|らしいです(?:よ|ね)|隠蔽(?:して|されて)",
        r"本当は.{0,12}(?:汚染|毒|危険|中止|決まって)",
    ),
    # 注意事項(9) プライバシー: a private person's address, phone, workplace or identity.
    "comment.privacy": (
        r"0\d{1,4}-\d{1,4}-\d{3,4}|0[789]0\d{8}|〒?\d{3}-\d{4}",
        r"(?:の|が)(?:家|自宅|住所|勤務先|勤め先|実家|本名|携帯|電話番号|ナンバー)(?:は|って|知って|ここ|晒)",
        r"\d+丁目\d+|\d+番地|(?:住んで|住んでる)(?:る|いる)?(?:の|人)",
        r"晒(?:す|して|され|しと)|特定(?:した|しました|できた|班)",
    ),
    # Intents of a comment that breaks none of the categories.
    "intent.urgent": (
        r"(?:ぶっ)?殺(?:す|して)|爆破|爆弾|放火|火(?:を)?(?:つけ|付け)|夜道|覚悟(?:しとけ|しておけ)",
        r"死にたい|消えたい|自殺|生きてる意味|楽になりたい",
        r"下敷き|取り残され|閉じ込められ|溺れ|119|110番|救急車が(?:来|つなが)|助けて",
        r"(?:乗っ取|のっと)られ|なりすまし|成りすまし|偽(?:物|アカ|の(?:アカウント|サイト|ページ))|フィッシング",
        r"流出|漏(?:洩|えい|れて)(?:い|る)|個人情報が(?:見え|載っ|出て)",
        r"クマ(?:を|が)(?:見|出|い)|不審者|立ち往生|冠水|浸水|土砂崩れ|倒木|火事|煙が",
    ),
    "intent.question": (
        r"[?？]|ですか|ますか|でしょうか|ますでしょうか|のか(?:な|しら)|教えて(?:ください|下さい|ほしい)",
    ),
    "intent.proposal": (
        r"(?:て|で)(?:ほしい|欲しい|もらえ(?:ると|ません|ない)|いただけ(?:ると|ません|ない))|(?:ては|では)どう|"
        r"検討(?:して|を)|(?:設けて|増やして|作って|導入して)(?:ください|ほしい)|提案",
    ),
}

_COMPILED: dict[str, re.Pattern[str]] = {
    label: re.compile("|".join(f"(?:{p})" for p in pats)) for label, pats in CUES.items()
}
_URL_RE = re.compile(_URL)
# A link's host or path that says what it is (注意事項(4), (7), (10): リンクも含む).
_PIRATE = re.compile(
    r"manga|raw|torrent|zip|rar|anime.?(?:free|dl)|hitomi|nyaa|kissanime|9anime|dl\.|download"
)
_ADULT = re.compile(r"porn|xxx|xvideos|adult|av[-.]|sex|erogazou|deai|hentai|fc2.?(?:ppv|adult)")
_SPAM_WORDS = re.compile(
    r"稼|副業|儲|無料|限定|今すぐ|クリック|登録|招待|プレゼント|キャンペーン|お得|割引|販売|通販"
)


# Post rules whose findings in a comment are evidence for a comment category: the
# checker's own word lists and patterns (harm.*, pii.*) carry over to citizens' words.
POST_RULE_EVIDENCE: dict[str, str] = {
    "harm.insult": "comment.defamation",
    "harm.discrimination": "comment.discrimination",
    "harm.illegal": "comment.law_violation",
    "harm.obscene": "comment.public_order",
    "harm.rumor": "comment.false_info",
    "neutrality.politics_religion": "comment.politics_religion",
    "neutrality.commercial": "comment.commercial",
    "pii.location": "comment.privacy",
    "pii.person_name": "comment.privacy",
    "pii.phone": "comment.privacy",
    "pii.address": "comment.privacy",
    "link.unsafe": "comment.other",
}


# A quotation the commenter reports rather than says: 『障害者は来るな』って書き込みがあった.
_QUOTED_REPORT = re.compile(
    r"[」』”\"](?:って|と)(?:いう|言う|いった|言った)?(?:書き込|書か|書いて|言われ|言って|貼|落書|投稿|張り紙|貼り紙|ビラ|ある|あった)"
)
_OPEN = '「『“"'


def _reported(norm: str, start: int, end: int) -> bool:
    """``norm[start:end]`` stands inside quotation marks that a reporting phrase follows."""
    opened = max(norm.rfind(q, 0, start) for q in _OPEN)
    if opened < 0 or any(q in norm[opened + 1 : start] for q in "」』”"):
        return False
    close = min((i for i in (norm.find(q, end) for q in '」』”"') if i >= 0), default=-1)
    return close >= 0 and bool(_QUOTED_REPORT.match(norm, close))


def cues(norm: str) -> dict[str, str]:
    """Labels whose patterns match ``norm`` (normalised comment), each with the matched words.

    A match of a category inside a quotation the commenter reports (a slur written on a
    board, a threat someone received) is no cue: the comment reports it, it does not say it.
    """
    found: dict[str, str] = {}
    for label, pattern in _COMPILED.items():
        for m in pattern.finditer(norm):
            if label.startswith("comment.") and _reported(norm, m.start(), m.end()):
                continue
            found[label] = m.group(0)
            break
    for m in _URL_RE.finditer(norm):
        url = m.group(0)
        if _PIRATE.search(url):
            found.setdefault("comment.ip_infringement", url)
        elif _ADULT.search(url):
            found.setdefault("comment.public_order", url)
        elif _SPAM_WORDS.search(norm):
            found.setdefault("comment.commercial", url)
    return found
