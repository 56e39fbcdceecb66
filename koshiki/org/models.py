"""Municipality, organisation units (局/区/部/課/施設) as a tree, and role assignments."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from koshiki.checker.profiles import available as available_profiles
from koshiki.org.roles import CITY_ROLES, COMPANY_ROLES, Role


def validate_profile_id(value: str) -> None:
    """The profile must be one shipped in koshiki/checker/profiles/."""
    ids = available_profiles()
    if value not in ids:
        raise ValidationError(f"プロファイル「{value}」はありません（利用可能: {', '.join(ids)}）")


class Municipality(models.Model):
    """A city (or town) using Koshiki, and the guideline profile it follows."""

    name = models.CharField("自治体名", max_length=100, unique=True)
    profile_id = models.CharField(
        "ガイドライン・プロファイル", max_length=50, validators=[validate_profile_id], default="standard"
    )
    website = models.URLField("公式サイト", blank=True)
    # The city's part of its public URLs (/public/<slug>/accounts/) when one installation
    # serves several cities (issue 9 item 6): ASCII, stable, unique.
    slug = models.SlugField(
        "公開URLの名前", max_length=50, unique=True, help_text="半角英小文字・数字・ハイフン（例: minato）"
    )

    class Meta:
        verbose_name = "自治体"
        verbose_name_plural = "自治体"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = free_slug(Municipality.objects.exclude(pk=self.pk), self.profile_id)
        super().save(*args, **kwargs)


def free_slug(existing: Any, profile_id: str) -> str:
    """The profile id (``kyoto``), or ``kyoto-2``, ``kyoto-3``... when another city already has it.

    A city's name is Japanese and has no agreed romanisation; the office may
    set a better slug when the city is created (``create_municipality --slug``).
    """
    base = slugify(profile_id) or "city"
    taken = set(existing.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class OrgUnit(models.Model):
    """A unit of the organisation; ``path`` ("/1/5/12/") makes subtree queries one LIKE.

    ``path`` is set by ``org.actions.do_create_unit`` (units are not moved;
    a reorganisation creates new units and transfers accounts).
    """

    class Kind(models.TextChoices):
        BUREAU = "bureau", "局"
        WARD = "ward", "区"
        DEPARTMENT = "department", "部"
        SECTION = "section", "課"
        FACILITY = "facility", "施設"

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name="上位組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField("種別", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = "組織"
        verbose_name_plural = "組織"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "parent", "name"], name="org_unit_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def full_name(self) -> str:
        """「総合企画局 情報化推進室」: the names from the top of the tree down (one query)."""
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        names = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
        return " ".join(names.get(i, "") for i in ids) or self.name

    @property
    def depth(self) -> int:
        """0 for a top unit, 1 for a unit directly below one, … (from ``path``, no query)."""
        return max(self.path.strip("/").count("/"), 0)

    def contains(self, other: OrgUnit) -> bool:
        """True when ``other`` is this unit or lies below it."""
        return bool(self.path) and other.path.startswith(self.path)


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self) -> RoleAssignmentQuerySet:
        return self.filter(ended_at__isnull=True)


class RoleAssignment(models.Model):
    """A person holds a role for a unit (and below), for one account, or city-wide.

    Contractors and designated managers hold their role for one account, with
    their company's name; the account is named by ``registry.AccountRole``
    (written in the same transaction by ``people.actions.do_assign_role``).
    Ended assignments are kept (``ended_at``) for history.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="role_assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="職員",
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role = models.CharField("役割", max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="組織",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    # Held for one account only: which account is the registry's record
    # (``registry.AccountRole``), so this app needs nothing above it.
    for_account = models.BooleanField("アカウント単位", default=False)
    company = models.CharField("会社・団体名", max_length=200, blank=True)
    created_at = models.DateTimeField("付与日時", auto_now_add=True)
    ended_at = models.DateTimeField("終了日時", null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "役割の付与"
        verbose_name_plural = "役割の付与"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in COMPANY_ROLES))
                | (Q(for_account=True) & ~Q(company="")),
                name="org_role_company_needs_account_and_company",
                violation_error_message="委託業者・指定管理者には担当するアカウントと会社・団体名が必要です。",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.SECTION_HEAD) | Q(unit__isnull=False),
                name="org_role_section_head_needs_unit",
                violation_error_message="所属長には組織を指定してください。",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in CITY_ROLES))
                | (Q(unit__isnull=True) & Q(for_account=False)),
                name="org_role_city_wide_has_no_scope",
                violation_error_message="自治体全体の役割には組織やアカウントを指定しません。",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.OPERATOR) | Q(unit__isnull=False) | Q(for_account=True),
                name="org_role_operator_needs_scope",
                violation_error_message="担当者には組織かアカウントを指定してください。",
            ),
        ]

    def __str__(self) -> str:
        # The account's name is the registry's (``registry.AccountRole.__str__`` names it).
        scope = "アカウント単位" if self.for_account else (self.unit or self.municipality)
        return f"{self.user} / {self.get_role_display()} / {scope}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
