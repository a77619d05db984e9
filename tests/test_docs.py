"""Generated documentation stays in step with the models and the tests."""
from __future__ import annotations

import subprocess
import sys

from engine.settings import PROJECT_ROOT


def test_process_table_is_up_to_date():
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "processes" / "tools" / "process_table.py"), "--check"],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_catalog_sop_has_a_process_and_path_tests():
    # processes/encoding holds one flow spec per SOP of the catalog (encode_sop.py reads both), and
    # corrections.yaml, the OCR and table-wrap corrections the encoder applies to all of them.
    ids = sorted(p.stem for p in (PROJECT_ROOT / "processes" / "encoding").glob("*.yaml") if p.stem != "corrections")
    assert len(ids) == 27
    for sop_id in ids:
        assert (PROJECT_ROOT / "processes" / "bpmn" / f"{sop_id}.bpmn").exists(), sop_id
        assert (PROJECT_ROOT / "tests" / "sops" / f"test_{sop_id.replace('-', '_')}.py").exists(), sop_id


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```sh\n")[1:]]
    test_command = next(b for b in blocks if b.endswith("-m pytest"))
    assert test_command in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert blocks[0].endswith("krabuan serve")  # the main command ends with the web app running
