"""Subjects other than post text that rules check: the account record and media facts.

The checker imports nothing from Django; the web application maps its own
models (the registry's Account, its policy, security facts and devices) onto
these plain frozen dataclasses and calls
``koshiki.checker.engine.check_subject(record, "account", profile)``. An image
or video attached to a draft is described by ``MediaFacts`` (what the web
application read from the file, detected and recorded) and checked with
``koshiki.checker.engine.check_media(facts, profile)``; the checker never
opens the file.

Dates are ``datetime.date`` in Japan time. ``today`` is part of the record so
that every date comparison is deterministic (tests and batch audits pass a
fixed day; the web application passes ``timezone.localdate()``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PLATFORMS = ("x", "facebook", "instagram", "line", "youtube", "other")

# The checker's four lifecycle phases. The registry's finer states map onto
# them: everything before the account exists on the platform (draft, applied,
# under review, approved) is "planned"; listed/operating is "active";
# stopped but kept (狛江市4(5)エ: 停止後も削除しない) is "suspended"; deleted
# or revoked is "closed".
STATUSES = ("planned", "active", "suspended", "closed")


@dataclass(frozen=True, slots=True)
class Device:
    """A device used to post from the account (京都市4(1)イ(イ), 川崎市5(10))."""

    name: str
    """What the registry calls the device, e.g. 「広報課 貸与iPad（資産番号 R6-0123）」."""
    approved: bool
    """True once the approving office confirmed it (川崎市: ICT推進課の確認済み)."""


@dataclass(frozen=True, kw_only=True)
class AccountRecord:
    """One official account as the account rules see it.

    Required: ``platform``, ``handle``, ``display_name`` and ``today``; every
    other fact may be unknown (empty string or ``None``), and the rules say
    so ("記録されていません") where the fact is needed.
    ``ValueError`` (Japanese message) on an unknown platform or status.
    """

    platform: str
    """One of ``PLATFORMS``: x, facebook, instagram, line, youtube, other."""
    handle: str
    """The platform id without ``@`` (``kawasaki_city``; LINE: ``@kawasaki`` as ``kawasaki``)."""
    display_name: str
    """The name shown on the platform (表示名・アカウント名), e.g. 「川崎市宮前区役所」."""
    today: date
    """The day the check is about; all age, fiscal-year and due-date rules compare against it."""
    url: str = ""
    """The account's page, e.g. ``https://x.com/kawasaki_city``."""
    registration_email: str = ""
    """The e-mail address the platform account is registered with (川崎市5(3), 狛江市ポリシー第4条)."""
    profile_text: str = ""
    """What the platform shows on the profile: the bio plus its link/website fields, as displayed."""
    operator_label: str = ""
    """Who runs the account as the policy names it (運営主体・開設所属), e.g. 「宮前区役所地域振興課」."""
    purpose: str = ""
    """The policy's purpose / information sent (利用目的・発信情報), one or two sentences."""
    reply_policy: str = ""
    """The policy's reply policy (投稿に対する返信), e.g. 「個別の回答は行いません」."""
    policy_url: str = ""
    """Where the published operation policy is (運用ポリシーのURL on the city site)."""
    contact: str = ""
    """The public contact of the operating unit (phone, e-mail or contact-form URL)."""
    mfa_enabled: bool | None = None
    """Multi-factor / two-step verification on (True), off (False) or not recorded (None)."""
    verified: bool | None = None
    """The platform's verified badge obtained (True), not (False) or not recorded (None)."""
    verification_available: bool = False
    """Whether the platform offers this account a verified badge (川崎市5(6) 「可能な限り」)."""
    password_changed_at: date | None = None
    """Day of the last password change; None when not recorded."""
    last_posted_at: date | None = None
    """Day of the last post; None when no post is recorded."""
    opened_at: date | None = None
    """Day the account started operating (開設日); None when not yet opened or not recorded."""
    roster_renewed_at: date | None = None
    """Day the operator roster (安芸高田市 様式2号) was last submitted; None when never."""
    review_done_at: date | None = None
    """Day of the last yearly effectiveness review (狛江市4(5)ア); None when never."""
    devices: tuple[Device, ...] = ()
    """Devices registered for posting from this account."""
    status: str = "active"
    """Lifecycle phase, one of ``STATUSES`` (planned, active, suspended, closed)."""

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise ValueError(f"platform は {' / '.join(PLATFORMS)} のいずれかです（{self.platform!r}）")
        if self.status not in STATUSES:
            raise ValueError(f"status は {' / '.join(STATUSES)} のいずれかです（{self.status!r}）")

    @property
    def exists(self) -> bool:
        """The account exists on the platform (active or suspended, not planned or closed)."""
        return self.status in ("active", "suspended")

    @property
    def is_active(self) -> bool:
        """The account is being operated."""
        return self.status == "active"

    @property
    def is_closed(self) -> bool:
        """The account has been deleted or revoked: no rule applies any more."""
        return self.status == "closed"


MEDIA_KINDS = ("image", "video")
# How the city holds the rights to a picture or video (RULES.md media.rights).
RIGHTS_BASES = (
    "own_work",  # made by the city's own staff on duty
    "commissioned",  # commissioned, with the rights transferred or licensed to the city by contract
    "licensed",  # licensed material (stock photo, a work used with permission) under a named licence
    "free_material",  # free material whose terms allow this use (いらすとや, public-domain works)
    "provided",  # provided by its author or holder for this use (a citizen's photo, an event organiser)
)


@dataclass(frozen=True, kw_only=True)
class MediaFacts:
    """One image or video attached to a post draft, as the media rules see it.

    Every fact the web application could not establish stays at its default
    (``None`` or empty) and the rules treat it as not recorded. ``ValueError``
    (Japanese message) on an unknown kind or rights basis, or a score outside
    0..1.
    """

    kind: str = "image"
    """``image`` or ``video``."""
    name: str = ""
    """What the author sees in messages, e.g. the file name 「IMG_0412.jpg」."""
    has_location: bool | None = None
    """Location metadata found in the file (EXIF GPS, XMP/IPTC place, QuickTime ©xyz); None: not read."""
    location_tags: tuple[str, ...] = ()
    """The tags that hold it, e.g. ``("EXIF GPSLatitude", "EXIF GPSLongitude")``."""
    metadata_removed: bool = False
    """The published copy is re-encoded without metadata (the web application stripped it)."""
    location_intended: bool = False
    """The post names the place on purpose (a public venue) and the uploader recorded that."""
    faces_detected: int | None = None
    """Faces large enough to identify found by a detector; None: no detector ran."""
    people_marked_by_uploader: bool = False
    """The uploader says identifiable people are in it."""
    consent_recorded: bool = False
    """Consent of the people shown (or their guardian or organisation) is recorded."""
    public_official_recorded: bool = False
    """Those shown are public officials in their role at a public event, recorded as such."""
    rights_basis: str = ""
    """One of ``RIGHTS_BASES``; empty when no rights record exists."""
    rights_note: str = ""
    """Who made it and on what terms (licence name, contract, provider), free text."""
    screen_marked: bool = False
    """The uploader marks it as showing a screen, document, badge or whiteboard."""
    screen_score: float | None = None
    """A detector's confidence (0..1) that a screen or document is shown; None: no detector ran."""
    screen_public: bool = False
    """What is shown is published (a public document, the city's public web page), recorded as such."""
    alt_text: str = ""
    """The alternative text given for the image."""
    decorative: bool = False
    """Marked as decorative: it carries no information, so no alternative text is needed."""

    def __post_init__(self) -> None:
        if self.kind not in MEDIA_KINDS:
            raise ValueError(f"kind は {' / '.join(MEDIA_KINDS)} のいずれかです（{self.kind!r}）")
        if self.rights_basis and self.rights_basis not in RIGHTS_BASES:
            raise ValueError(
                f"rights_basis は {' / '.join(RIGHTS_BASES)} のいずれかです（{self.rights_basis!r}）"
            )
        if self.screen_score is not None and not 0.0 <= self.screen_score <= 1.0:
            raise ValueError(f"screen_score は 0 から 1 の数で指定してください（{self.screen_score!r}）")
        if self.faces_detected is not None and self.faces_detected < 0:
            raise ValueError(f"faces_detected は 0 以上の整数で指定してください（{self.faces_detected!r}）")

    @property
    def label(self) -> str:
        """How messages name the file: 「IMG_0412.jpg」 or 画像 / 動画."""
        noun = "画像" if self.kind == "image" else "動画"
        name = one_line(self.name)
        return f"{noun}「{name}」" if name else f"この{noun}"


def one_line(value: str) -> str:
    """``value`` with every run of whitespace and line breaks as one space (messages are one line)."""
    return " ".join(value.split())
