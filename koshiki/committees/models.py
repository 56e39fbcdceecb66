"""A committee meeting: who attended, each member's vote on each application, the decision, the minutes.

Written only through ``committees.actions``. A decision row is the only way
a lifecycle step that ``requires = ["committee_decision"]`` can run
(``committees.checks``); it records the quorum it was taken with.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from koshiki.org.models import Municipality
from koshiki.registry.models import Account

USER = settings.AUTH_USER_MODEL


class MeetingStatus(models.TextChoices):
    OPEN = "open", "開催中"
    CLOSED = "closed", "終了（議事録確定）"


class Meeting(models.Model):
    """One meeting of the city's committee (the committee's name is profile data)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("会議名", max_length=200)
    held_on = models.DateField("開催日")
    status = models.CharField(
        "状態", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.OPEN
    )
    member_count = models.PositiveIntegerField("委員の数（開催時）")
    quorum_required = models.PositiveIntegerField("定足数（人）")
    minutes = models.TextField("議事録", blank=True)
    opened_by = models.ForeignKey(USER, verbose_name="記録者", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("記録日時", auto_now_add=True)
    closed_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "委員会の会議"
        verbose_name_plural = "委員会の会議"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def present_count(self) -> int:
        return self.attendance.filter(present=True).count()

    @property
    def has_quorum(self) -> bool:
        return self.present_count >= self.quorum_required


class Attendance(models.Model):
    """A committee member at the meeting: present or absent (every member has a row)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(USER, verbose_name="委員", on_delete=models.PROTECT, related_name="+")
    is_chair = models.BooleanField("委員長", default=False)
    present = models.BooleanField("出席", default=False)

    class Meta:
        verbose_name = "出席"
        verbose_name_plural = "出席"
        ordering = ["-is_chair", "member__username"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="committee_one_attendance")]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.member} / {'出席' if self.present else '欠席'}"


class Outcome(models.TextChoices):
    APPROVE = "approve", "承認"
    RETURN = "return", "差戻し"


class VoteChoice(models.TextChoices):
    APPROVE = "approve", "賛成（承認）"
    RETURN = "return", "反対（差戻し）"
    ABSTAIN = "abstain", "棄権"


class Vote(models.Model):
    """One present member's vote on one application at one meeting (changeable until the decision)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="votes")
    account = models.ForeignKey(Account, verbose_name="申請", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(USER, verbose_name="委員", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField("表決", max_length=20, choices=VoteChoice.choices)
    comment = models.TextField("意見", blank=True)
    voted_at = models.DateTimeField("表決日時")

    class Meta:
        verbose_name = "表決"
        verbose_name_plural = "表決"
        ordering = ["meeting", "account", "member__username"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "account", "member"], name="committee_one_vote"),
        ]

    def __str__(self) -> str:
        return f"{self.account.display_name} / {self.member} / {self.get_choice_display()}"


class Decision(models.Model):
    """The committee's decision on one application, with the counts it was taken with."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    account = models.ForeignKey(Account, verbose_name="申請", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField("議決", max_length=20, choices=Outcome.choices)
    reasons = models.TextField("理由")
    present_count = models.PositiveIntegerField("出席委員数")
    quorum_required = models.PositiveIntegerField("定足数")
    approve_votes = models.PositiveIntegerField("賛成")
    return_votes = models.PositiveIntegerField("反対")
    abstain_votes = models.PositiveIntegerField("棄権")
    step_id = models.CharField("手順", max_length=50)
    decided_by = models.ForeignKey(
        USER, verbose_name="宣告した委員長", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("議決日時")
    applied_at = models.DateTimeField("手続に反映した日時", null=True, blank=True)

    class Meta:
        verbose_name = "委員会の議決"
        verbose_name_plural = "委員会の議決"
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "account"], name="committee_one_decision_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} / {self.account.display_name} / {self.get_outcome_display()}"
