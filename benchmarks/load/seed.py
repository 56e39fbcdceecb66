"""A large city for the load benchmark: the demo city plus bulk accounts, published posts and audit events.

Usage (PostgreSQL; the database must be empty and migrated)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/koshiki_bench \\
        .venv/bin/python benchmarks/load/seed.py --accounts 300 --posts 50000 --audit-events 200000

``load_demo`` builds みなと市 through the real actions (people in every role,
password ``demo-pass-2025``, accounts in every lifecycle state, a valid audit
trail). Then, with ``bulk_create``: ``--accounts`` listed accounts spread
over the city's units with Japanese names, ``--posts`` published posts (draft,
revision with the checker's hashes and version, publication record) spread
over them, and ``--audit-events`` events appended to the chain in order, each
hashed with the audit app's own ``hash_of`` so ``verify_chain`` still passes.
Benchmark data only: never run it on a real database.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koshiki.web.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from koshiki.audit.events import hash_of  # noqa: E402
from koshiki.audit.models import AuditChainHead, AuditEvent  # noqa: E402
from koshiki.org.models import Municipality, OrgUnit  # noqa: E402
from koshiki.posts.checking import checker_version, content_hash, text_hash  # noqa: E402
from koshiki.posts.models import Draft, Publication, Revision  # noqa: E402
from koshiki.posts.states import DraftStatus  # noqa: E402
from koshiki.registry.models import Account  # noqa: E402
from koshiki.registry.states import Status  # noqa: E402
from koshiki.registry.stored_findings import refresh_stale  # noqa: E402

CITY = "みなと市"  # load_demo's city
BATCH = 2000

# Realistic unit names of a 政令市 (accounts are spread over these, created under the demo's bureaus).
UNITS = [
    "防災危機管理室", "市民協働推進課", "区政推進課", "保健医療課", "介護ケア推進課", "保育課",
    "学校指導課", "生涯学習課", "文化財保護課", "スポーツ推進課", "農林企画課", "商工振興課",
    "環境企画課", "ごみ減量推進課", "上下水道お客さまサービス推進課", "交通政策課", "市バス営業課",
    "建築指導課", "公園緑地課", "消防局総務課", "動物園", "水族館", "美術館", "中央図書館",
]  # fmt: skip
TOPICS = [
    "市民まつり", "防災訓練", "子育て講座", "健康診断", "ごみの分別", "図書館の休館日",
    "桜の開花情報", "道路工事", "花火大会", "選挙の期日前投票", "ワクチン接種", "紅葉の見ごろ",
]  # fmt: skip
ACTIONS = [
    "registry.update",
    "posts.create_draft",
    "posts.submit",
    "posts.approve",
    "posts.publish",
    "org.assign_role",
]
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"]
GIVEN = ["陽菜", "蓮", "結衣", "湊", "美咲", "大翔", "花子", "健", "さくら", "翔太", "真由美", "誠"]


def _plain_create(model: type[models.Model], rows: list[models.Model]) -> None:
    """Insert rows past the model's guarded manager (the audit trail refuses ``bulk_create`` on purpose)."""
    models.QuerySet(model=model).bulk_create(rows, batch_size=BATCH)


def _city() -> tuple[Municipality, Account, list[OrgUnit]]:
    """The demo city, its first listed account (the template) and the bulk accounts' units."""
    city = Municipality.objects.get(name=CITY)
    template = Account.objects.filter(municipality=city, status=Status.LISTED).order_by("pk").first()
    assert template is not None, "load_demo に公開中のアカウントがありません"
    bureau = OrgUnit.objects.filter(municipality=city, parent__isnull=True).order_by("pk").first()
    units = []
    for name in UNITS:
        unit = OrgUnit.objects.filter(municipality=city, name=name).first()
        if unit is None:
            unit = OrgUnit(municipality=city, parent=bureau, kind=OrgUnit.Kind.SECTION, name=name)
            unit.save()  # path is computed in save()
        units.append(unit)
    return city, template, units


def _add_accounts(template: Account, units: list[OrgUnit], start: int, n: int, rng: random.Random) -> None:
    """Listed copies of the template numbered ``start`` … ``start + n - 1``, spread over the units."""
    now = timezone.now()
    accounts = []
    platforms = ["x", "instagram", "facebook", "youtube", "line"]
    for i in range(start, start + n):
        a = copy.copy(template)
        a.pk = None
        unit = units[i % len(units)]
        a.owning_unit = unit
        a.platform = platforms[i % len(platforms)]
        a.handle = f"minato_bench_{i:05d}"
        a.display_name = f"{CITY}{unit.name}{'' if i < len(units) else f'（{i // len(units) + 1}）'}"
        a.is_listed = True
        a.listed_at = now - timedelta(days=rng.randint(1, 2000))
        a.redirect_to = None
        accounts.append(a)
    Account.objects.bulk_create(accounts, batch_size=BATCH)


def _store_findings() -> None:
    """What the daily duty run does on a new day: every account's findings stored, so the first
    page view measured does not pay for recomputing them."""
    t0 = time.monotonic()
    refreshed = refresh_stale(Account.objects.all())
    print(f"stored findings of {refreshed} accounts: {time.monotonic() - t0:.1f} s", flush=True)


def grow(n_more: int, rng: random.Random) -> None:
    """Add ``n_more`` listed accounts to a city seeded before (a copy of the smaller city's database)."""
    t0 = time.monotonic()
    city, template, units = _city()
    start = Account.objects.filter(municipality=city, handle__startswith="minato_bench_").count()
    _add_accounts(template, units, start, n_more, rng)
    print(f"{n_more} more accounts: {time.monotonic() - t0:.1f} s", flush=True)
    _store_findings()


def seed(n_accounts: int, n_posts: int, n_events: int, rng: random.Random) -> None:
    """Build the demo city, then add the bulk accounts, posts and audit events."""
    t0 = time.monotonic()
    call_command("load_demo", verbosity=0)
    city, template, units = _city()
    print(f"demo city and units: {time.monotonic() - t0:.1f} s", flush=True)

    t0 = time.monotonic()
    now = timezone.now()
    _add_accounts(template, units, 0, n_accounts, rng)
    accounts = list(Account.objects.filter(municipality=city, handle__startswith="minato_bench_"))
    print(f"{len(accounts)} accounts: {time.monotonic() - t0:.1f} s", flush=True)

    t0 = time.monotonic()
    author = template.responsible_user or city.role_assignments.first().user
    profile_id = city.profile_id
    version = checker_version(profile_id)
    done = 0
    while done < n_posts:
        chunk = min(BATCH * 5, n_posts - done)
        with transaction.atomic():
            drafts = [
                Draft(
                    account=accounts[(done + k) % len(accounts)], author=author, status=DraftStatus.PUBLISHED
                )
                for k in range(chunk)
            ]
            Draft.objects.bulk_create(drafts, batch_size=BATCH)
            revisions = []
            for k, draft in enumerate(drafts):
                topic = TOPICS[(done + k) % len(TOPICS)]
                text = (
                    f"【{topic}】第{done + k + 1}回のお知らせです。詳しくは市のホームページをご覧ください。"
                )
                revisions.append(
                    Revision(
                        draft=draft,
                        number=1,
                        text=text,
                        author=author,
                        created_at=now,
                        sha256=content_hash(text, [], []),
                        text_sha256=text_hash(text),
                        profile_id=profile_id,
                        checker_version=version,
                        findings=[],
                    )  # fmt: skip
                )
            Revision.objects.bulk_create(revisions, batch_size=BATCH)
            for draft, revision in zip(drafts, revisions, strict=True):
                draft.current_revision = revision
                draft.approved_revision = revision
            Draft.objects.bulk_update(drafts, ["current_revision", "approved_revision"], batch_size=BATCH)
            Publication.objects.bulk_create(
                [
                    Publication(
                        draft=d,
                        revision=r,
                        url=f"https://x.com/{d.account.handle}/status/{1800000000000 + d.pk}",
                        published_at=now - timedelta(minutes=d.pk),
                        recorded_text=r.text,
                        recorded_sha256=r.text_sha256,
                        matches=True,
                        recorded_by=author,
                        recorded_at=now,
                    )  # fmt: skip
                    for d, r in zip(drafts, revisions, strict=True)
                ],
                batch_size=BATCH,
            )
        done += chunk
    print(f"{n_posts} published posts: {time.monotonic() - t0:.1f} s", flush=True)

    t0 = time.monotonic()
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        seq, prev = head.last_seq, head.last_hash
        rows: list[AuditEvent] = []
        for _ in range(n_events):
            seq += 1
            account = rng.choice(accounts)
            label = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}（{author.get_username()}）"
            event = AuditEvent(
                seq=seq, created_at=now - timedelta(seconds=n_events - seq), actor_id=author.pk,
                actor_label=label, action=rng.choice(ACTIONS), object_type="registry.account",
                object_id=str(account.pk), summary={"before": {}, "after": {"display_name": account.display_name}},
                prev_hash=prev, municipality_id=city.pk,
            )  # fmt: skip
            event.hash = hash_of(event)
            prev = event.hash
            rows.append(event)
            if len(rows) >= BATCH:
                _plain_create(AuditEvent, rows)
                rows = []
        _plain_create(AuditEvent, rows)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    print(f"{n_events} audit events: {time.monotonic() - t0:.1f} s", flush=True)

    _store_findings()


def main(argv: list[str] | None = None) -> int:
    """Parse the sizes and seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--audit-events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20251207)
    parser.add_argument(
        "--add-accounts", type=int, default=0, metavar="N",
        help="only add N listed accounts to a database seeded before (e.g. a copy of the 300-account one)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.add_accounts:
        grow(args.add_accounts, random.Random(args.seed + 1))
    else:
        if min(args.accounts, args.posts, args.audit_events) < 1:
            print("--accounts, --posts, --audit-events は 1 以上で指定してください", file=sys.stderr)
            return 2
        seed(args.accounts, args.posts, args.audit_events, random.Random(args.seed))
    _analyze()
    return 0


def _analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would soon after a bulk load.

    Without it PostgreSQL plans the audit list on the empty tables' estimates (a
    bitmap scan of all 200,000 events, 180 ms, instead of 0.1 ms backwards on seq).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    sys.exit(main())
