"""The command line, through typer's CliRunner, and its documentation."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)
COMMANDS += sorted(f"{g.name} {c.name}" for g in app.registered_groups for c in g.typer_instance.registered_commands)


@pytest.fixture(scope="module")
def built(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("out")
    res = runner.invoke(app, ["build", str(data_dir / "tiny.zh-Hant.txt"), str(data_dir / "tiny.en.txt"),
                              "-o", str(out), "--format", "trig", "--format", "nt", "--html", "--rules-only"])
    assert res.exit_code == 0, res.output
    return out


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help(command):
    res = runner.invoke(app, [*command.split(), "--help"])
    assert res.exit_code == 0
    assert len(res.output) > 200


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_is_in_the_readme(command):
    assert re.search(rf"\bkg {command}\b", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_cli_eval_relations_scores_against_gold(data_dir, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"subject": "馬化騰", "predicate": "chairmanOf", "object": "騰訊控股",
                                "object_aliases": ["騰訊"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["eval", "relations", str(gold), str(data_dir / "tiny.zh-Hant.txt"), "--rules-only", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["relations"]["R"] == 1.0


def test_cli_build_writes_requested_formats(built):
    assert {p.name for p in built.iterdir()} >= {"graph.ttl", "graph.trig", "graph.nt", "graph.html", "merges.tsv"}
    assert (built / "merges.tsv").read_text(encoding="utf-8").startswith("document\t")


def test_cli_query_preset_and_text(built):
    res = runner.invoke(app, ["query", str(built / "graph.ttl"), "--preset", "executives", "-O", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {"person": "馬化騰", "role": "ceoOf", "organization": "騰訊", "former": None} in rows
    res = runner.invoke(app, ["query", str(built / "graph.trig"), "ASK { ?s ?p ?o }"])
    assert res.output.strip() == "true"


def test_cli_extract_jsonl_records(data_dir):
    res = runner.invoke(app, ["extract", str(data_dir / "tiny.zh-Hans.txt"), "--format", "jsonl", "--rules-only"])
    assert res.exit_code == 0
    recs = [json.loads(line) for line in res.output.splitlines()]
    kinds = {("mention" in r, "predicate" in r, "metric" in r) for r in recs}
    assert kinds == {(True, False, False), (False, True, False), (False, False, True)}
    rel = next(r for r in recs if "predicate" in r)
    assert {"doc", "subject", "predicate", "object", "confidence", "evidence"} <= set(rel)
    assert rel["doc"] == "tiny.zh-Hans"
    text = (data_dir / "tiny.zh-Hans.txt").read_text(encoding="utf-8")
    for r in recs:
        if "mention" in r:
            assert text[r["mention"]["start"]:r["mention"]["end"]] == r["mention"]["text"]


def test_cli_validate_stats_render(built, tmp_path):
    assert runner.invoke(app, ["validate", str(built / "graph.ttl")]).output.strip().endswith("conforms")
    res = runner.invoke(app, ["stats", str(built / "graph.ttl"), "--json"])
    assert json.loads(res.output)["documents"] == 2
    res = runner.invoke(app, ["render", str(built / "graph.ttl"), "-o", str(tmp_path / "g.html")])
    assert res.exit_code == 0 and (tmp_path / "g.html").is_file()


def test_cli_bad_input_fails_clearly_and_keeps_the_old_graph(built, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("正常的文字".encode() + b"\xff\xfe")
    before = (built / "graph.ttl").read_bytes()
    res = runner.invoke(app, ["build", str(bad), "-o", str(built), "--rules-only"])
    assert res.exit_code == 2
    assert f"{bad} at byte offset 15: expected UTF-8" in res.output
    assert (built / "graph.ttl").read_bytes() == before


@pytest.mark.parametrize("args,message", [
    (["query", "missing.ttl", "ASK {}"], "no such graph file"),
    (["query", "README.md", "ASK {}"], "unknown graph file suffix"),
    (["build", "nowhere/"], "no such file or folder"),
])
def test_cli_errors_exit_2_with_a_message(args, message):
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert message in res.output


def test_cli_python_m_kg_runs():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "build" in out.stdout


def test_cli_every_preset_runs_on_a_built_graph(built):
    from kg.query import presets

    for name in presets():
        res = runner.invoke(app, ["query", str(built / "graph.ttl"), "--preset", name, "-O", "csv"])
        assert res.exit_code == 0, (name, res.output)


def test_cli_eval_products(tmp_path):
    gold = tmp_path / "p.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "星河科技發布新一代晶片Nova-7。", "products": ["Nova-7"]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["eval", "products", "--file", str(gold), "--rules-only", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert (report["P"], report["R"], report["unseen"]) == (1.0, 1.0, 1)


def test_cli_an_english_and_a_chinese_article_about_one_ceo_give_one_person(tmp_path):
    (tmp_path / "a.zh-Hant.txt").write_text("星河科技執行長周明遠表示，公司今年將在越南擴產。", encoding="utf-8")
    (tmp_path / "b.en.txt").write_text("Xinghe Technology chief executive Zhou Mingyuan said the company would expand "
                                       "in Vietnam this year.", encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(app, ["build", str(tmp_path / "a.zh-Hant.txt"), str(tmp_path / "b.en.txt"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    from rdflib import Graph

    g = Graph().parse(out / "graph.ttl")
    people = {s for s, o in g.subject_objects(predicate=None) if "/person/" in str(s)}
    assert len(people) == 1, people
    assert "the same person" in (out / "merges.tsv").read_text(encoding="utf-8")
