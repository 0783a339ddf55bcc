"""The HanLP NER backend: training HanLP's tagger here, loading it back, predicting character spans."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("hanlp", reason="HanLP is the optional extra: pip install -e '.[hanlp]' (CPU torch)")

from pipeline.ner import corpus as nc, examples  # noqa: E402
from pipeline.ner import hanlp_backend as nh  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
# Measured on the dev split: the trained tagger touches 0.95 of the dev gold bodies (exact spans 0.63);
# the margin is for torch builds and hash-seed ties between labels on one span.
MIN_DEV_OVERLAP = 0.8


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One epoch on a handful of the seeds' labelled paragraphs: seconds, enough to exercise the plumbing."""
    labelled = [e for e in nc.build([REPO / "corpora" / "seeds"]) if e.spans][:12]
    return nh.train(labelled[:9], labelled[9:], tmp_path_factory.mktemp("hanlp-tiny"), epochs=1)


def test_tiny_model_predicts_spans_inside_each_text(tiny_model: Path) -> None:
    model = nh.load(tiny_model)
    assert nh.load(tiny_model) is model, "a model loads once per process"
    texts = ["温岭市应急管理局负责全市安全生产工作。", "", " \t 各镇(街道)\u3000落实", "县水利局牵头。" * 60]
    predicted = nh.predict(model, texts)
    assert len(predicted) == len(texts)
    for text, spans in zip(texts, predicted):
        for start, end, label, score in spans:
            assert 0 <= start < end <= len(text), (text, start, end)
            assert label in examples.LABELS
            assert score is None or 0.0 <= score <= 1.0


def test_loaded_model_has_its_crf_mended(tiny_model: Path) -> None:
    """HanLP builds the tagger's CRF with batch_first=None; load must set it, or decoding goes wrong."""
    assert nh.load(tiny_model).model.crf.batch_first is True


def test_load_refuses_a_folder_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        nh.load(tmp_path)


class _Pretrained:
    """Stands in for a pretrained HanLP model: MSRA-style labels, offsets in the piece it was given."""

    def predict(self, pieces: list[list[str]]) -> list[list[tuple[str, str, int, int]]]:
        return [[("".join(p[:2]), "NS", 0, 2), ("".join(p[2:4]), "DATE", 2, 4)] for p in pieces]


def test_pretrained_labels_map_onto_ours_and_unknown_ones_drop() -> None:
    text = "北京" + "甲" * 250  # longer than a piece: the second piece's spans move by its offset
    spans = nh.predict(_Pretrained(), [text])[0]
    assert spans[0] == (0, 2, "GPE", None)
    assert all(label == "GPE" for _, _, label, _ in spans)
    assert len(spans) == len(nh._pieces(text)) > 1
    assert all(text[s:e] in ("北京", "甲甲") for s, e, _, _ in spans)


def test_committed_model_covers_the_dev_gold_bodies() -> None:
    """The model `train-ner` wrote to models/ (training is the tiny model's test: the whole run takes minutes)."""
    _, dev = nc.split(nc.build([REPO / "corpora"], REPO / "corpora" / "gold"))
    model = nh.load(REPO / "models" / "ner-hanlp" / "model")
    scores = nc.cover(dev, nh.predict(model, [e.text for e in dev]))
    assert scores["overlap"] > MIN_DEV_OVERLAP, scores
