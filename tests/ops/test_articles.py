"""tests/ARTICLES.md is generated from the `article` markers of the tests
(tests/support/articles.py): a test marked, re-marked or removed without regenerating it fails
here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Backend-independent (it collects the tests, touching no database): .ci/run runs it on
# PostgreSQL only.
pytestmark = pytest.mark.any_backend

ROOT = Path(__file__).resolve().parents[2]


def test_articles_md_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.articles", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
