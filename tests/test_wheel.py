"""`pip install .` (not -e) gives a working tool: the wheel, installed in a fresh virtual environment
outside the repository, runs `run`, `query`, `show`, `extract` and pipeline.extract from another folder, with
the rules and the trained models it carries.

The wheel is built from a copy of the project (no build/ or egg-info left in the checkout) without
build isolation (nothing downloaded; setuptools comes with the dev extra), and installed with
--no-deps; the fresh environment then sees this environment's packages through a .pth file, added
only after the install so that pip never takes this environment's editable install for its own.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT = ["pyproject.toml", "README.md", "LICENSE", "MANIFEST.in", "pipeline", "rules", "models"]
NOTICE = ("关于开展校园周边交通安全整治的通知\n各镇(街道):\n一、排查隐患路段。2026年3月底前完成全部校门口隐患路段排查,"
          "设置减速带不少于20处。(县公安局交警大队牵头,县教育局、县交通运输局配合)\n")


def call(*argv, cwd: Path, env: dict, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if ok:
        assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in PROJECT:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "_rules", "_models", "*.tsv"))
        else:
            shutil.copy(path, source / name)
    dist = tmp_path_factory.mktemp("dist")
    call(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, source,
         cwd=source, env=os.environ.copy())
    return next(dist.glob("policy_pipeline-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh venv with the wheel installed, and an environment to run it in: no repository
    on the path, no POLICY_PIPELINE_* variables."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    call(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel,
         cwd=venv, env=os.environ.copy())
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICY_PIPELINE_", "PYTHON"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv, env


def test_the_wheel_carries_rules_models_license_and_py_typed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = {Path(n).name for n in names if n.startswith("pipeline/_rules/")}
    assert rules == {p.name for p in (REPO / "rules").iterdir() if p.is_file()}
    assert "pipeline/_models/ner-spacy/config.cfg" in names and "pipeline/_models/ner-spacy/ner/model" in names
    assert "pipeline/py.typed" in names and "pipeline/analysis/views.sql" in names and "pipeline/analysis/review.html" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.endswith(".tsv") for n in names)  # train-ner's corpus dumps are not shipped


def test_the_installed_tool_works_from_another_folder(installed, seeds_dir, tmp_path):
    venv, env = installed
    work = tmp_path / "elsewhere"
    (work / "notices").mkdir(parents=True)
    shutil.copy(seeds_dir / "002_b8417ae412979ff8.txt", work / "notices" / "seed.txt")
    (work / "notices" / "written.txt").write_text(NOTICE, encoding="utf-8")
    tool = venv / "bin" / "policy-pipeline"

    ran = call(tool, "run", "notices", "--out", "out", "--workers", "1", cwd=work, env=env)
    assert "2 documents" in ran.stdout and "0 errors" in ran.stdout

    queried = call(tool, "query", "out", "select body from responsibilities where role = 'lead' order by body", "--json",
                   cwd=work, env=env)
    assert "县公安局交警大队" in [json.loads(line)["body"] for line in queried.stdout.splitlines()]

    call(tool, "show", "out", "written.txt", "--html", "page.html", cwd=work, env=env)
    assert "县教育局" in (work / "page.html").read_text(encoding="utf-8")

    extracted = json.loads(call(tool, "extract", "notices/written.txt", cwd=work, env=env).stdout)
    assert extracted["targets"][0]["value"] == 20

    script = ("import json, pipeline\n"
              "from pipeline import rules\nfrom pipeline.ner import spacy_backend as ner_spacy\n"
              f"t = pipeline.extract({NOTICE!r})\n"
              "print(json.dumps({'file': pipeline.__file__, 'rules': str(rules.RULES_DIR), 'model': str(ner_spacy.MODEL_DIR),"
              " 'model_ok': (ner_spacy.MODEL_DIR / 'config.cfg').is_file(),"
              " 'bodies': sorted(t.responsibilities.body), 'read': len(pipeline.read('out').documents)}, ensure_ascii=False))\n")
    facts = json.loads(call(venv / "bin" / "python", "-c", script, cwd=work, env=env).stdout)
    for key in ("file", "rules", "model"):
        assert facts[key].startswith(str(venv)), facts  # the installed copy, not the checkout
    assert facts["model_ok"] and facts["read"] == 2
    assert facts["bodies"] == ["县交通运输局", "县公安局交警大队", "县教育局"]


def test_a_rules_file_missing_from_the_install_is_told_in_one_sentence(installed, tmp_path):
    venv, env = installed
    copy = tmp_path / "venv"
    shutil.copytree(venv, copy, symlinks=True)  # break a copy, not the environment the other test uses
    victim = next(copy.glob("lib/python*/site-packages/pipeline/_rules/dates.toml"))
    victim.unlink()
    (tmp_path / "n.txt").write_text(NOTICE, encoding="utf-8")
    done = call(copy / "bin" / "python", "-m", "pipeline.cli", "run", "n.txt", "--out", "out", "--workers", "1",
                cwd=tmp_path, env=env, ok=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "dates.toml" in done.stderr and "Traceback" not in done.stderr
