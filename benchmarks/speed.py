"""Speed of the checker: throughput, latency, memory, tokenisation share and cold start.

Builds N (default 10,000) realistic posts deterministically (seeded) from the dev set and the
real government headlines (varied, combined, with line breaks, emoji and full-width digits;
mean length ~150-250 characters), then in ONE process:

1. warms up (profiles, rules, lexicons, SudachiPy dictionary) on the first 200 posts;
2. times ``check()`` per post: posts/s, p50/p90/p99/max latency, peak RSS; and the same
   in CPU time of the process (throughput and p99), with the load average: on a machine
   shared with other work the wall-clock figures grow with the load, the CPU-time ones
   much less;
3. times SudachiPy tokenisation alone (``koshiki.checker.tokens.tokenize`` of each post's
   normalised text) and prints the ratio checker / tokenisation;
4. measures the cold start of ``koshiki check`` on one post as a subprocess (median wall
   time of 5 runs) and ``koshiki check --batch`` on the N posts written to a temporary
   JSON Lines file (posts/s including process start).

Prints a Markdown table with the targets next to the figures. Usage::

    .venv/bin/python benchmarks/speed.py [--n 10000] [--json OUT.json|-]

Exit status is always 0 (a measurement, not a test). Cost: ~1 minute.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "benchmarks" / "devset" / "posts.jsonl"
HEADLINES = ROOT.parent / "shared" / "data" / "real-government-headlines.jsonl"
SEED = 20250401
EXAMPLE_POST = (
    "【市バス・地下鉄】秋の観光シーズンのお願い🍁\n"
    "11月の土日祝は嵐山・東山方面の市バスが大変混み合います。\n"
    "申込みフォーム→ bit.ly/3Kq9xZt\n担当：090-3812-4471\n#京都市 #紅葉"
)

TARGETS = {
    "throughput": 2000.0,  # posts/s, at least
    "p99_ms": 5.0,  # at most
    "cold_start_s": 1.5,  # at most
    "rss_mb": 400.0,  # at most
}

_EMOJI = ["🌸", "🍁", "📢", "✨", "🚌", "🗳️", "👶", "♻️", "⚠️", "📅", "🏯", "🎆", "👉", "🙏", "👩🏽‍💻"]
_TAGS = ["#防災", "#子育て", "#市政情報", "#イベント", "#観光", "#ごみ分別", "#お知らせ", "#健康"]
_LEADS = ["【お知らせ】", "【重要】", "📢", "【再掲】", "【募集】", "", "", ""]
_TAILS = [
    "詳しくは市ホームページをご覧ください。",
    "お問い合わせは各区役所まで。",
    "皆さまのご参加をお待ちしています！",
    "ご理解とご協力をお願いします。",
    "",
]
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build_posts(n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """N posts ``{"id","text","profile","context"?}``, the same for the same seed and inputs."""
    from koshiki.checker.profiles import available

    rng = random.Random(seed)
    profiles = set(available())
    dev = _load(DEVSET)
    heads = [r["text"] for r in _load(HEADLINES)] or ["市政だよりを発行しました"]
    posts: list[dict[str, Any]] = []
    for i in range(n):
        mode = rng.random()
        profile, context = "standard", None
        if dev and mode < 0.45:
            # A dev-set post with a related headline, sometimes more line breaks and tags.
            row = rng.choice(dev)
            text = row["text"]
            profile = row["profile"] if row["profile"] in profiles else "standard"
            context = row.get("context")
            text += f"\n\n関連：{rng.choice(heads)}"
            if rng.random() < 0.8:
                text += f"\n{rng.choice(_EMOJI)}{rng.choice(heads)}"
            if rng.random() < 0.3:
                text = text.replace("。", "。\n", rng.randint(1, 3))
            text += "\n" + rng.choice(_TAILS)
        elif mode < 0.85:
            # Three to six headlines combined into a notice with emoji and tags.
            k = rng.randint(3, 6)
            parts = [f"{rng.choice(_EMOJI)}{h}" for h in rng.sample(heads, k)]
            text = rng.choice(_LEADS) + "\n".join(parts) + "\n" + rng.choice(_TAILS)
            if rng.random() < 0.6:
                text += "\n" + " ".join(rng.sample(_TAGS, rng.randint(1, 3)))
        else:
            # One headline expanded into an event notice, digits sometimes full-width.
            head = rng.choice(heads)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            text = (
                f"{rng.choice(_LEADS)}{head}\n日時：{month}月{day}日 {rng.randint(9, 18)}時〜\n"
                f"会場：市民会館 {rng.randint(1, 5)}階 会議室\n対象：市内在住・在勤・在学の方\n"
                f"申込み：電子申請または窓口で（先着{rng.randint(10, 200)}名）\n"
                f"{rng.choice(_TAILS)}{rng.choice(_EMOJI)}"
            )
            if rng.random() < 0.5:
                text = text.translate(_FULLWIDTH)
        post: dict[str, Any] = {"id": f"p{i:05d}", "text": text, "profile": profile}
        if context:
            post["context"] = context
        posts.append(post)
    return posts


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    idx = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[idx]


def _koshiki_cmd() -> list[str]:
    script = Path(sys.executable).with_name("koshiki")
    return [str(script)] if script.exists() else [sys.executable, "-m", "koshiki.checker.cli"]


def measure_in_process(posts: list[dict[str, Any]]) -> dict[str, float]:
    from koshiki.checker import check
    from koshiki.checker.text import Text
    from koshiki.checker.tokens import tokenize, warm_up

    warm_up()
    for post in posts[:200]:
        check(post["text"], post["profile"], post.get("context"))

    latencies: list[float] = []
    cpu_latencies: list[float] = []
    crashes = 0
    clock = time.perf_counter_ns
    cpu_clock = (
        time.process_time_ns
    )  # CPU time of this process: what other load on the machine does not inflate
    load_1min = os.getloadavg()[0]
    total_start, cpu_start = clock(), cpu_clock()
    for post in posts:
        t0, c0 = clock(), cpu_clock()
        try:
            check(post["text"], post["profile"], post.get("context"))
        except Exception:
            crashes += 1
        cpu_latencies.append((cpu_clock() - c0) / 1e6)
        latencies.append((clock() - t0) / 1e6)
    total_s = (clock() - total_start) / 1e9
    cpu_s = (cpu_clock() - cpu_start) / 1e9
    cpu_latencies.sort()

    norms = [Text(post["text"]).norm for post in posts]
    tok_start = clock()
    for norm in norms:
        tokenize(norm)
    tok_s = (clock() - tok_start) / 1e9

    latencies.sort()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {
        "posts": len(posts),
        "mean_chars": statistics.fmean(len(p["text"]) for p in posts),
        "total_s": total_s,
        "throughput": len(posts) / total_s if total_s else 0.0,
        "p50_ms": _percentile(latencies, 0.50),
        "p90_ms": _percentile(latencies, 0.90),
        "p99_ms": _percentile(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else 0.0,
        "rss_mb": rss_kb / 1024,
        "tokenize_s": tok_s,
        "tokenize_per_post_us": tok_s / len(posts) * 1e6 if posts else 0.0,
        "ratio": total_s / tok_s if tok_s else 0.0,
        "crashes": crashes,
        "cpu_throughput": len(posts) / cpu_s if cpu_s else 0.0,
        "cpu_p99_ms": _percentile(cpu_latencies, 0.99),
        "load_1min": load_1min,
    }


def measure_cold_start(runs: int = 5) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "post.txt"
        path.write_text(EXAMPLE_POST, encoding="utf-8")
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(
                [*_koshiki_cmd(), "check", str(path)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            times.append(time.perf_counter() - t0)
    return {"cold_start_s": statistics.median(times), "cold_start_min_s": min(times)}


def measure_batch(posts: list[dict[str, Any]]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posts.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for post in posts:
                fh.write(json.dumps(post, ensure_ascii=False) + "\n")
        t0 = time.perf_counter()
        proc = subprocess.run(
            [*_koshiki_cmd(), "check", "--batch", str(path)], capture_output=True, check=False
        )
        wall = time.perf_counter() - t0
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    errors = sum(1 for line in lines if '"error"' in line and '"findings"' not in line)
    return {
        "batch_s": wall,
        "batch_throughput": len(posts) / wall if wall else 0.0,
        "batch_lines": len(lines),
        "batch_error_records": errors,
        "batch_exit": proc.returncode,
    }


def render(r: dict[str, float]) -> str:
    def ok(good: bool) -> str:
        return "✅" if good else "❌"

    t = TARGETS
    rows = [
        ("posts", f"{r['posts']:,} (mean {r['mean_chars']:.0f} chars)", ""),
        (
            "check() throughput",
            f"{r['throughput']:,.0f} posts/s",
            f"≥ {t['throughput']:,.0f} {ok(r['throughput'] >= t['throughput'])}",
        ),
        ("latency p50", f"{r['p50_ms']:.3f} ms", ""),
        ("latency p90", f"{r['p90_ms']:.3f} ms", ""),
        ("latency p99", f"{r['p99_ms']:.3f} ms", f"≤ {t['p99_ms']:.0f} ms {ok(r['p99_ms'] <= t['p99_ms'])}"),
        ("latency max", f"{r['max_ms']:.2f} ms", ""),
        (
            "check() in CPU time (throughput / p99)",
            f"{r['cpu_throughput']:,.0f} posts/s / {r['cpu_p99_ms']:.3f} ms",
            f"load average {r['load_1min']:.1f} on {os.cpu_count()} CPUs",
        ),
        ("peak RSS", f"{r['rss_mb']:.0f} MB", f"≤ {t['rss_mb']:.0f} MB {ok(r['rss_mb'] <= t['rss_mb'])}"),
        ("SudachiPy tokenisation alone", f"{r['tokenize_per_post_us']:.0f} µs/post", ""),
        ("checker / tokenisation", f"{r['ratio']:.1f}×", ""),
        (
            "cold start `koshiki check` (median of 5)",
            f"{r['cold_start_s']:.2f} s",
            f"≤ {t['cold_start_s']} s {ok(r['cold_start_s'] <= t['cold_start_s'])}",
        ),
        (
            "`koshiki check --batch` incl. start",
            f"{r['batch_throughput']:,.0f} posts/s "
            f"({r['batch_s']:.1f} s, {r['batch_lines']:,} lines, exit {r['batch_exit']})",
            "",
        ),
    ]
    out = ["| measure | result | target |", "|---|---:|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    notes = []
    if r.get("crashes"):
        notes.append(f"check() raised on {r['crashes']} posts")
    if r.get("batch_error_records"):
        notes.append(f"batch mode wrote {r['batch_error_records']} error records")
    if notes:
        out.append("")
        out.append("**" + "; ".join(notes) + "**")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of posts (default 10,000)")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON (- for stdout)")
    args = parser.parse_args(argv)

    posts = build_posts(args.n)
    result: dict[str, Any] = {}
    result.update(measure_in_process(posts))
    result.update(measure_cold_start())
    result.update(measure_batch(posts))
    result["python"] = sys.version.split()[0]
    result["cpus"] = os.cpu_count() or 0
    if args.json != "-":
        print(
            f"## Checker speed ({result['posts']:,} posts, Python {result['python']}, "
            f"{result['cpus']} CPUs)\n"
        )
        print(render(result))
    if args.json:
        payload = json.dumps(result, ensure_ascii=False, indent=2)
        if args.json == "-":
            print(payload)
        else:
            Path(args.json).write_text(payload + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement never fails the caller
        print(f"speed.py: {type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(0)
