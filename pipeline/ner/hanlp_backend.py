"""The HanLP backend: HanLP's own BiLSTM-CRF tagger (RNNNamedEntityRecognizer) trained here on the
ner_corpus examples, one character a token, on CPU and offline; `load` also takes a pretrained HanLP
NER model already on disk, whose labels rules/ner.toml's [hanlp.labels] maps onto ours.

HanLP and torch are the optional extra `hanlp`; nothing here imports them until it is called.
"""
from __future__ import annotations

import logging
import os
from contextlib import redirect_stdout
from functools import lru_cache
from pathlib import Path

import regex

from pipeline import rules
from pipeline.ner.examples import Example

# A character HanLP's TSV reader would drop (it splits lines on whitespace) stands in as this
# private-use one, so that a text's tokens stay one-to-one with its characters.
BLANK = "\ue000"
# Where a long paragraph may be cut: after a sentence's or clause's end, so names stay whole.
CUT = regex.compile(r"(?<=[。！？；;!?\n])")

log = logging.getLogger(__name__)


def model_dir() -> Path:
    """The model `run --ner hanlp` uses: --hanlp-model's (set for the workers as an environment
    variable), else the one `train-ner` writes beside the spaCy model."""
    from pipeline.ner.spacy_backend import MODEL_DIR
    return Path(os.environ.get("POLICY_PIPELINE_HANLP_MODEL") or MODEL_DIR.parent / "ner-hanlp" / "model")


def _config() -> dict:
    return rules.load("ner")["hanlp"]


def _one_thread() -> None:
    """One torch thread in this process. The tagger is a small LSTM whose steps are too short to
    share out: on a 2-core machine two threads measured 10 to 40 times slower than one; and a batch
    runs one worker per core, so a second thread would only take another worker's core.
    set_num_threads sizes both of torch's intra-op pools (OpenMP and MKL) before any computation
    starts them, so no OMP_NUM_THREADS is needed; the inter-op pool starts only for torch.jit.fork,
    which HanLP's tagger does not use."""
    import torch
    torch.set_num_threads(1)


def train(train: list[Example], dev: list[Example], out_dir: Path, seed: int = 13, *, epochs: int | None = None) -> Path:
    """Train the tagger on `train`, keep the epoch that scores best on `dev`, save it in out_dir/model."""
    from hanlp.components.ner.rnn_ner import RNNNamedEntityRecognizer
    _one_thread()
    cfg = _config()
    out_dir.mkdir(parents=True, exist_ok=True)
    trn_file, dev_file, save_dir = out_dir / "train.tsv", out_dir / "dev.tsv", out_dir / "model"
    _write_tsv(train, trn_file)
    _write_tsv(dev, dev_file)
    tagger = RNNNamedEntityRecognizer()
    # fit builds the model itself: mend its CRF there, before the first batch.
    tagger.build_model = lambda **kw: _mend(RNNNamedEntityRecognizer.build_model(tagger, **kw))
    # HanLP's progress bars write to stdout whatever the logger; its epoch summaries go to `log`.
    with open(os.devnull, "w") as quiet, redirect_stdout(quiet):
        tagger.fit(
            str(trn_file), str(dev_file), str(save_dir),
            embed=cfg["embed"],  # an int: a randomly initialised embedding, so no word vectors to download
            rnn_hidden=cfg["rnn_hidden"], batch_size=cfg["batch_size"], lr=cfg["lr"], drop=cfg["dropout"],
            epochs=epochs or cfg["epochs"], crf=True, tagging_scheme="BIO", devices=-1, seed=seed,
            logger=log, verbose=False)
    load.cache_clear()
    return save_dir


def _mend(model):
    """HanLP's RNNTaggingModel passes its CRF constraints (None) where the CRF takes batch_first, so the
    CRF reads the batch as time: it trains on nonsense and its decoding crashes. Set it right, in
    training and after loading (batch_first is not saved with the weights)."""
    crf = getattr(model, "crf", None)
    if crf is not None and crf.batch_first is None:
        crf.batch_first = True
    return model


def _write_tsv(examples: list[Example], path: Path) -> None:
    """HanLP's TSV: a character and its BIO tag a line, a blank line after each piece."""
    with open(path, "w", encoding="utf-8") as fh:
        for example in examples:
            tags = _bio(example)
            for start, piece in _pieces(example.text):
                fh.writelines(f"{t}\t{tag}\n" for t, tag in zip(_tokens(piece), tags[start:start + len(piece)]))
                fh.write("\n")


def _bio(example: Example) -> list[str]:
    tags = ["O"] * len(example.text)
    for start, end, label in example.spans:
        tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    return tags


def _pieces(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of `text` cut at clause ends into pieces of at most max_chars, and hard where a
    clause is longer. Why: torch's CPU backward of a packed LSTM batch grows with the square of the
    longest sequence (one 3,682-character paragraph took minutes an epoch); predicting on the same
    lengths it trained on keeps the two alike."""
    limit = _config()["max_chars"]
    out, start, piece = [], 0, ""
    for clause in CUT.split(text):
        if piece and len(piece) + len(clause) > limit:
            out.append((start, piece))
            start, piece = start + len(piece), ""
        piece += clause
        while len(piece) > limit:
            out.append((start, piece[:limit]))
            start, piece = start + limit, piece[limit:]
    if piece:
        out.append((start, piece))
    return out


def _tokens(text: str) -> list[str]:
    return [BLANK if ch.isspace() else ch for ch in text]


@lru_cache(maxsize=2)
def load(path: Path):
    """A HanLP NER component saved in `path` (one trained here, or a pretrained one unpacked there),
    loaded once per process on CPU."""
    if not any((path / name).is_file() for name in ("config.json", "meta.json")):
        # HanLP takes a path it finds no file at for a pretrained model's name, and downloads that.
        raise FileNotFoundError(f"no HanLP model in {path} (no config.json or meta.json)")
    # A pretrained transformer model names its Hugging Face encoder: use the local cache or fail, never fetch.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    _one_thread()
    import hanlp
    component = hanlp.load(str(path), devices=-1, verbose=False)
    _mend(getattr(component, "model", None))
    return component


def predict(model, texts: list[str]) -> list[list[tuple[int, int, str, float | None]]]:
    """(start, end, label, score) of each text's entities, in character offsets of that text; HanLP's
    taggers give no score, so it is None. Labels the mapping does not know are dropped."""
    pieces = [(i, start, piece) for i, text in enumerate(texts) for start, piece in _pieces(text)]
    tagged = model.predict([_tokens(piece) for _, _, piece in pieces]) if pieces else []
    labels = _config()["labels"]
    out: list[list[tuple[int, int, str, float | None]]] = [[] for _ in texts]
    for (i, start, _), entities in zip(pieces, tagged):
        out[i] += [(start + b, start + e, labels[label], None) for _, label, b, e in entities if label in labels]
    return out
