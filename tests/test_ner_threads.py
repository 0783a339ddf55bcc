"""The model backends compute on one thread per worker: a batch runs one worker per core, so a
worker that spreads over every core only takes the other workers' cores (HanLP's small LSTM measured
10 to 40 times slower on two torch threads than on one). Each check runs in a fresh process that
warms up as a worker does (pipeline/batch/workers.py's serve), since torch's settings are per process."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Warm up as a worker does, then process a notice long enough that a second torch thread would
# start (torch shares out an operation only past a few thousand elements), and report the
# process's threads before the model was loaded and after it predicted. /proc lists the threads
# on Linux; elsewhere only torch's own count is compared.
WORKER = r"""
import json, os, sys
from pipeline.batch.runs import process_bytes, warm

def threads():
    return len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else None

warm("rules")
before = threads()
warm(sys.argv[1])
paragraph = "县应急管理局牵头,各乡镇人民政府配合,于五月底前完成辖区内企业安全生产隐患排查。"
notice = "关于开展安全生产隐患排查的通知\n各乡镇:\n" + "".join(f"{i}、{paragraph * 6}\n" for i in range(1, 40))
result = process_bytes(notice.encode(), "threads.txt", ner=sys.argv[1])
torch = sys.modules.get("torch")
print(json.dumps({"error": result.error and result.error.message, "before": before, "after": threads(),
                  "torch": torch and torch.get_num_threads()}))
"""


def _worker(backend: str) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", WORKER, backend], capture_output=True, text=True, env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["error"] is None, report["error"]
    return report


def test_hanlp_worker_computes_on_one_torch_thread() -> None:
    pytest.importorskip("hanlp", reason="HanLP is the optional extra: pip install -e '.[hanlp]' (CPU torch)")
    from pipeline.ner import hanlp_backend
    if not (hanlp_backend.model_dir() / "config.json").is_file():
        pytest.skip("no HanLP model: run `policy-pipeline train-ner`")
    report = _worker("hanlp")
    assert report["torch"] == 1
    assert report["after"] == report["before"], "predicting started threads: torch's pool is not one thread"


def test_spacy_worker_starts_no_thread_and_torch_has_one() -> None:
    pytest.importorskip("spacy")
    from pipeline.ner import spacy_backend
    if not (spacy_backend.MODEL_DIR / "config.cfg").is_file():
        pytest.skip("no spaCy model: run `policy-pipeline train-ner`")
    report = _worker("spacy")
    if importlib.util.find_spec("torch") is not None:
        assert report["torch"] == 1, "thinc imported torch and left it on every core"
    assert report["after"] == report["before"], "predicting started threads"
