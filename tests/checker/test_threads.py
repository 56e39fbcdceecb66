"""The checker under threads: a web worker's threads share one process.

SudachiPy refuses a tokenizer used by two threads at once ("Tokenizer is already
in use"); ``tokens`` gives each thread its own. These tests check many posts from
many threads at once and compare every result with a serial run.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from koshiki.checker import check, warm_up
from koshiki.checker.tokens import tokenize

DEVSET = Path(__file__).resolve().parents[2] / "benchmarks" / "devset" / "posts.jsonl"
THREADS = 16
POSTS_PER_THREAD = 50


def _posts() -> list[tuple[str, str, dict]]:
    rows = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    posts = [(r["text"], r.get("profile") or "standard", r.get("context") or {}) for r in rows]
    return posts[: THREADS * POSTS_PER_THREAD]


def _key(findings) -> list[tuple]:
    return [(f.rule, f.severity.value, f.start, f.end, f.message, f.clause.ref) for f in findings]


def test_many_threads_checking_at_once_give_the_serial_results():
    posts = _posts()
    assert len(posts) >= 300
    serial = [_key(check(text, profile, ctx)) for text, profile, ctx in posts]
    barrier = threading.Barrier(THREADS)

    def run(worker: int) -> list[tuple[int, list[tuple]]]:
        barrier.wait()  # all threads start together, so tokenizers are in use at the same time
        out = []
        for n in range(POSTS_PER_THREAD):
            i = (worker * 7 + n * 13) % len(posts)  # each thread its own order over the set
            text, profile, ctx = posts[i]
            out.append((i, _key(check(text, profile, ctx))))
        return out

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(run, range(THREADS)))
    checked = 0
    for worker in results:
        for i, got in worker:
            assert got == serial[i], posts[i][0]
            checked += 1
    assert checked == THREADS * POSTS_PER_THREAD


def test_each_thread_tokenizes_a_long_text_without_sharing_a_tokenizer():
    text = "京都市の中央公園で、山田太郎さんが毎朝ラジオ体操をしています。" * 40
    expected = [(t.start, t.end, t.pos) for t in tokenize(text).items]
    barrier = threading.Barrier(8)

    def run(_: int) -> list[tuple]:
        barrier.wait()
        return [(t.start, t.end, t.pos) for _ in range(5) for t in tokenize(text).items][: len(expected)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(got == expected for got in pool.map(run, range(8)))


def test_warm_up_loads_everything_and_is_cheap_the_second_time():
    first = warm_up()
    again = warm_up(["kyoto"])
    assert first >= 0 and again < 1.0
    assert check("担当の携帯 090-1234-5678 まで", "kyoto")
