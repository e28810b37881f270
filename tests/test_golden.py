"""Every report byte for byte as recorded (tests/golden/digests.json): the example release, the
official files, the real human TSV and synthetic releases, in every format. A change meant to
alter reports re-records them (`python tests/golden/record.py`) in its own commit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def recorded() -> dict[str, dict[str, str]]:
    return dict(json.loads((GOLDEN / "digests.json").read_text()))


def test_reports_are_byte_identical_to_the_recorded_ones(
        recorded: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(GOLDEN))
    monkeypatch.chdir(GOLDEN.parent.parent)
    import record

    now = record.current()
    assert set(now) <= set(recorded)
    assert "example release" in now
    for name, digests in now.items():
        changed = sorted(fmt for fmt, digest in digests.items() if recorded[name][fmt] != digest)
        assert not changed, f"{name}: the {', '.join(changed)} report changed"
    sys.modules.pop("record", None)
