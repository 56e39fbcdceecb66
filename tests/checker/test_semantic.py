"""The semantic screen: features, the shipped model, the build, and its findings in ``check()``."""

from __future__ import annotations

import json
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest

from koshiki.checker import check
from koshiki.checker.engine import Env
from koshiki.checker.profiles import load_profile
from koshiki.checker.semantic import disabled, enabled, load_model, score_sentences
from koshiki.checker.semantic.data import sha256
from koshiki.checker.semantic.features import (
    FeatureSpec,
    counts,
    split_sentences,
    tfidf,
)
from koshiki.checker.semantic.model import MODEL_DIR, Model
from koshiki.checker.semantic.screen import MESSAGES, SCREENED, screen_hits
from koshiki.checker.text import Text
from tests.checker.fixtures import all_cases

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "koshiki" / "checker" / "semantic" / "specs" / "posts.toml"
SCREEN_MARK = "（文の意味による判定）"
MEANING_RULES = {
    "harm.insult",
    "harm.discrimination",
    "harm.obscene",
    "harm.illegal",
    "harm.rumor",
    "neutrality.politics_religion",
    "neutrality.commercial",
    "confidential.deliberation",
    "confidential.secret",
    "pii.location",
    "pii.person_name",
}


def _w3_posts() -> list[dict]:
    path = ROOT / "benchmarks" / "corpus" / "w3.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_sentences_end_after_punctuation_and_at_line_breaks():
    norm = Text("【お知らせ】\n本日は休館日です。明日は開館します!?\n#京都市\n詳しくはHPへ").norm
    got = [norm[a:b] for a, b in split_sentences(norm)]
    assert got == ["【お知らせ】", "本日は休館日です。", "明日は開館します!?", "#京都市", "詳しくはhpへ"]


def test_short_fragments_are_not_units():
    assert split_sentences("🍁\n\n#秋\n") == []


def test_ngram_counts_do_not_depend_on_batching():
    spec = FeatureSpec(bits=20, n_min=1, n_max=3)
    units = ["来年度の予算案はまだ言えません。", "山田さんの家は駅前の青い屋根"]
    rows, cols, cnt = counts(units, spec)
    for i, unit in enumerate(units):
        _, c1, n1 = counts([unit], spec)
        assert sorted(zip(cols[rows == i], cnt[rows == i], strict=True)) == sorted(zip(c1, n1, strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "来年度の予算案はまだ言えません。でも大幅に増えるらしいよ！\n詳しくは来月🍁",
        "【北区】粗大ごみの収集日が変わります。お問い合わせは0123-45-6789まで。",
        "あの地区の人たちは昔から問題ばかり起こす。",
        "短い。",
    ],
)
def test_sentences_and_context_in_one_pass_equal_two_passes_bit_for_bit(text):
    """The run-time single pass counts exactly the n-grams the features trained on."""
    spec = load_model("posts").spec
    norm = Text(text).norm
    units = [norm[a:b] for a, b in split_sentences(norm)] or [norm]
    rows, cols, cnt = counts([*units, norm], spec, 0, last_namespace=1)
    split = int(np.searchsorted(rows, len(units)))
    r1, c1, n1 = counts(units, spec)
    _, c2, n2 = counts([norm], spec, 1)
    assert np.array_equal(rows[:split], r1) and np.array_equal(cols[:split], c1)
    assert np.array_equal(cnt[:split], n1)
    assert np.array_equal(cols[split:], c2) and np.array_equal(cnt[split:], n2)
    assert (rows[split:] == len(units)).all()


def test_digits_fold_so_numbers_share_features():
    spec = FeatureSpec(bits=20, n_min=1, n_max=3)
    assert np.array_equal(counts(["82歳の田中さん"], spec)[1], counts(["75歳の田中さん"], spec)[1])


def _reference_logits(name: str, units: list[str], context: str) -> np.ndarray:
    """Logits computed straight from the model file's arrays, the training features' way."""
    with np.load(MODEL_DIR / f"{name}.npz") as data:
        arrays = {key: data[key] for key in data.files}
    spec = FeatureSpec(**json.loads(str(arrays["meta"]))["features"])

    def dense(key: str) -> np.ndarray:
        table = np.full(spec.buckets, float(arrays[f"{key}_default"]), dtype=np.float32)
        table[arrays[f"{key}_cols"]] = arrays[f"{key}_vals"]
        return table

    weights = np.zeros((spec.buckets, len(arrays["bias"])), dtype=np.float32)
    weights[arrays["w_cols"]] = arrays["w"]
    rows, cols, vals = tfidf(units, spec, dense("idf"))
    out = np.repeat(arrays["bias"][None, :].astype(np.float64), len(units), axis=0)
    np.add.at(out, rows, weights[cols] * vals[:, None])
    if spec.context:
        _, ccols, cvals = tfidf([context], spec, dense("idf_ctx"), 1)
        out += spec.context * (weights[ccols] * cvals[:, None]).sum(axis=0)
    return out


@pytest.mark.parametrize("sentences", [3, 60])  # the dense product and the segmented sum
def test_compact_table_scores_as_the_model_file_says(sentences):
    """The run-time table (one row per seen bucket) must give the file's logits on both paths."""
    model = load_model("posts")
    lines = [
        "来年度の予算案はまだ言えません。",
        "でも大幅に増えるらしいよ！",
        "毎朝7時に中央公園の東屋にいる佐藤さん。",
        "【北区】粗大ごみの収集日が変わります。",
    ]
    norm = Text("\n".join(lines[i % len(lines)] + str(i) for i in range(sentences))).norm
    units = [norm[a:b] for a, b in split_sentences(norm)]
    assert len(units) == sentences
    got = model.logits(units, norm)
    assert np.allclose(got, _reference_logits("posts", units, norm), rtol=0, atol=1e-5)
    comments = load_model("comments")
    texts = [
        Text(t).norm for t in ("死ね", "ゴミ収集の日程を教えてください", "市長は辞めろ！税金の無駄遣いだ")
    ]
    assert np.allclose(comments.logits(texts), _reference_logits("comments", texts, ""), rtol=0, atol=1e-5)


def test_shipped_model_loads_once_and_has_the_meaning_based_labels():
    model = load_model("posts")
    assert load_model("posts") is model
    assert set(model.labels) >= MEANING_RULES
    assert all(0.0 < model.threshold(label) < 1.0 for label in model.labels)
    assert model.weights.flags.writeable is False
    assert (MODEL_DIR / "posts.npz").stat().st_size < 10_000_000  # a few MB in the wheel (8.2 MB: 16 writers)


def test_shipped_model_matches_its_spec_and_training_data():
    """The model records the SHA-256 of every file it was trained on: data and model cannot drift."""
    with SPEC.open("rb") as fh:
        spec = tomllib.load(fh)
    meta = load_model("posts").meta
    assert meta["labels"] == spec["labels"]
    assert meta["version"] == spec["version"]
    assert meta["features"] == spec["features"]
    assert [d["path"] for d in meta["data"]] == [s["path"] for s in spec["sources"]]
    for entry in meta["data"]:
        path = (ROOT / entry["path"]).resolve()
        if not path.exists():  # ../shared is beside the checkout, not in a wheel
            continue
        assert sha256(path) == entry["sha256"], (
            f"{entry['path']} changed since the model was built: run python -m koshiki.checker.semantic.build"
        )


def test_score_sentences_maps_offsets_to_the_original_text():
    text = "ＡＢＣ公園のお知らせ。\r\n明日は１０時から清掃活動です！"
    out = score_sentences(text)
    assert [text[a:b] for a, b, _ in out] == ["ＡＢＣ公園のお知らせ。", "明日は１０時から清掃活動です！"]
    for _, _, probs in out:
        assert probs.keys() >= MEANING_RULES
        assert all(0.0 <= p <= 1.0 for p in probs.values())


def test_scoring_is_thread_safe():
    texts = [post["text"] for post in _w3_posts()[:60]]
    expected = [score_sentences(t) for t in texts]
    results: list[list] = [None] * 4  # type: ignore[list-item]

    def work(k: int) -> None:
        results[k] = [score_sentences(t) for t in texts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_screen_findings_name_the_rule_cite_the_clause_and_cover_one_sentence():
    posts = _w3_posts()
    screen = []
    for post in posts:
        for f in check(post["text"], "standard"):
            if f.message.endswith(SCREEN_MARK):
                screen.append((post["text"], f))
    assert len(screen) >= 20, "the screen should add findings on the development set"
    for text, f in screen:
        assert f.rule in SCREENED
        assert f.severity.value == "warning"
        assert f.clause.ref and f.clause.title
        assert f.suggestion is not None and f.suggestion.title == MESSAGES[f.rule][1]
        norm = Text(text[f.start : f.end]).norm
        assert len(split_sentences(norm)) == 1, f"not one sentence: {text[f.start : f.end]!r}"


def test_disabled_screen_gives_the_rules_alone():
    posts = [p["text"] for p in _w3_posts()[:200]]
    assert enabled()
    with disabled():
        assert not enabled()
        alone = [check(t, "standard") for t in posts]
    assert enabled()
    both = [check(t, "standard") for t in posts]
    assert all(not f.message.endswith(SCREEN_MARK) for fs in alone for f in fs)
    for a, b in zip(alone, both, strict=True):
        assert set(a) <= set(b)
        assert all(f.message.endswith(SCREEN_MARK) for f in set(b) - set(a))


def test_profile_option_screen_false_switches_it_off():
    text = Text(next(p["text"] for p in _w3_posts() if p["labels"]))
    profile = load_profile("standard")
    env = Env(profile, None, {"screen": False})  # type: ignore[arg-type]
    assert list(screen_hits(text, env, "harm.insult", [])) == []


def test_screen_stays_quiet_on_the_rules_valid_fixtures():
    """The hard negatives of the rule fixtures (valid cases): the screen adds at most 2% false alarms."""
    cases = [c for c in all_cases() if c.kind == "valid" and c.rule in SCREENED]
    flagged = [
        (c.rule, c.text)
        for c in cases
        if any(
            f.rule == c.rule and f.message.endswith(SCREEN_MARK) for f in check(c.text, c.profile, c.context)
        )
    ]
    assert len(flagged) <= 0.02 * len(cases), flagged


def test_model_refuses_a_malformed_file(tmp_path):
    from koshiki.checker.semantic.model import ModelError

    bad = tmp_path / "bad.npz"
    np.savez(bad, meta=np.array("{}"))
    with pytest.raises(ModelError):
        Model.from_file(bad)


def test_build_is_deterministic_on_a_small_sample(tmp_path):
    pytest.importorskip("sklearn")
    from koshiki.checker.semantic.build import build

    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    # A small hash space and two folds: the same code path at a tenth of the shipped build's cost.
    small = {"features": {"bits": 14}, "train": {"folds": 2}}
    meta = build("posts", a, sample=25, log=lambda *_: None, overrides=small)
    build("posts", b, sample=25, log=lambda *_: None, overrides=small)
    assert a.read_bytes() == b.read_bytes()
    model = Model.from_file(a)
    assert model.labels == tuple(meta["labels"])
    assert model.score_sentences(Text("まだ言えないけど、来月から値上げが決まりそうです。").norm).probs.shape[
        1
    ] == len(model.labels)


def test_post_alarms_do_not_count_a_neighbour_sentence_of_a_rightly_flagged_post():
    """``alarms = "post"``: only findings on posts without the label spend the budget."""
    pytest.importorskip("sklearn")
    from koshiki.checker.semantic.build import choose_thresholds

    # One label, four posts: two carry it (their best sentence is the labelled one in the
    # first, its neighbour in the second), two are clean (one scores high, one low).
    scores = np.array([[0.9], [0.8], [0.7], [0.1]])
    hits = np.array([[True], [False], [False], [False]])
    wanted = np.array([[True], [True], [False], [False]])
    span, _ = choose_thresholds(scores, hits, wanted, budget=0, floor=0.2)
    post, _ = choose_thresholds(scores, wanted, wanted, budget=0, floor=0.2)
    # Counting spans, the neighbour (0.8) is a false alarm: only 0.9 passes.
    assert (scores[:, 0] >= span[0]).tolist() == [True, False, False, False]
    # Counting posts, the clean post's 0.7 is the highest false alarm: the neighbour is reported too.
    assert (scores[:, 0] >= post[0]).tolist() == [True, True, False, False]


def test_saved_out_of_fold_scores_are_reused_only_for_the_same_fingerprint(tmp_path):
    pytest.importorskip("sklearn")
    from koshiki.checker.semantic.build import _cached_oof, _fingerprint, load_spec

    spec, _ = load_spec("posts")
    manifest = [{"path": "benchmarks/corpus/w1.jsonl", "sha256": "ab", "rows": 3}]
    key = _fingerprint(spec, manifest, 7)
    path = tmp_path / "oof.npz"
    np.savez(path, oof=np.ones((7, 2)), key=np.array(key))
    assert _cached_oof(path, key).shape == (7, 2)
    # Another C, another data hash: recomputed, never a stale reuse.
    other = {**spec, "train": {**spec["train"], "C": 1.0}}
    assert _cached_oof(path, _fingerprint(other, manifest, 7)) is None
    changed = [{**manifest[0], "sha256": "cd"}]
    assert _cached_oof(path, _fingerprint(spec, changed, 7)) is None
    assert _cached_oof(tmp_path / "absent.npz", key) is None
