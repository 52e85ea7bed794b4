"""tests/ARTICLES.md: each article of the measures the registry enforces, and the tests that prove
it, from the `article` markers on the tests (`@pytest.mark.article(12)`; a parametrized case may
carry its own, as the write matrix's rows do).

    python -m tests.support.articles           rewrite tests/ARTICLES.md
    python -m tests.support.articles --check   exit 1 when it is out of date

tests/ops/test_articles.py runs the check, so a new or re-marked test fails the suite until the
file is regenerated. Collecting the tests touches no database.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
OUTPUT = TESTS / "ARTICLES.md"

# 闽劳鉴〔2023〕10号, as DESIGN §5 states the rules the registry enforces.
ARTICLES: dict[int, str] = {
    2: "Two kinds of agency, employers and social training organisations; a college is a "
    "social organisation",
    3: "Filing: the province center files provincial agencies and may act on any; a city files, "
    "decides and supervises for the city-level agencies filed with it",
    4: "A city registers (报备) the sites provincial agencies have in it and jointly supervises "
    "what happens on its territory",
    11: "Records are kept: nothing is deleted, every change is in the audit trail",
    12: "No temporary rentals; one agency per (site, occupation) in force; a college campus "
    "only for a college or an employer",
    13: "Scope changes only after a year of operation, by a new filing; name and legal "
    "representative changes approved by the authority, then published",
    15: "A site change without approval terminates the filing, published for 5 working days "
    "and reported to the ministry",
    16: "A filing is valid 3 years; renewal within the 90 days before expiry extends it by 3 "
    "years; no renewal: EXPIRED",
    17: "Voluntary termination, published",
    20: "双随机 supervision: reproducible random draws of agencies and inspectors, within the "
    "drawer's scope",
    21: "Minor violations: an interview (约谈); the certificates of that evaluation may be "
    "declared invalid",
    22: "Rectification notice: suspension, published; a repeat interview in the filing period "
    "(22.1) or a serious case is a rectification",
    23: "Revocation: published, 3-year ban on the credit code; a repeat rectification (23.1); "
    "three UNQUALIFIED external results in a calendar year (23.11)",
    24: "After a rectification or revocation in the filing period: no new sites, occupations "
    "or levels",
    25: "A clean filing period earns incentives; social organisations move to random "
    "supervision from their second filing period",
    26: "The cases in which a city-level agency may be managed as provincial",
    27: "A city recommends its agency to be managed as provincial; the province approves",
    28: "The province recommends a clean provincial agency for national level",
}

Proofs = dict[int, dict[str, set[str]]]  # article -> module path -> test names


def _declared(owner: object) -> list[object]:
    """The marks a function or module declares itself (`pytestmark`), as Mark objects."""
    marks = getattr(owner, "pytestmark", [])
    return [getattr(m, "mark", m) for m in (marks if isinstance(marks, list) else [marks])]


class _Collector:
    """A pytest plugin that keeps the article markers of the collected tests."""

    def __init__(self) -> None:
        self.proofs: Proofs = defaultdict(lambda: defaultdict(set))
        self.unknown: list[str] = []

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            name = getattr(item, "originalname", None) or item.name.split("[")[0]
            module = item.path.relative_to(ROOT).as_posix()
            declared = [
                *_declared(getattr(item, "function", None)),
                *_declared(getattr(item, "module", None)),
            ]
            for mark in item.iter_markers("article"):
                label = name
                callspec = getattr(item, "callspec", None)
                if callspec is not None and mark not in declared:
                    # a mark of the parametrized case: name the row (its id up to the first -)
                    label = f"{name} ({callspec.id.split('-')[0]})"
                for article in mark.args:
                    if article not in ARTICLES:
                        self.unknown.append(f"{item.nodeid}: article {article!r}")
                        continue
                    self.proofs[article][module].add(label)


def collect() -> Proofs:
    collector = _Collector()
    code = pytest.main(
        ["--collect-only", "-p", "no:cacheprovider", "-p", "no:terminal", str(TESTS)],
        plugins=[collector],
    )
    if code != 0:
        raise SystemExit(f"collecting the tests failed (pytest exit {code})")
    if collector.unknown:
        raise SystemExit(
            "article markers naming no article of ARTICLES:\n  " + "\n  ".join(collector.unknown)
        )
    return collector.proofs


def render(proofs: Proofs) -> str:
    lines = [
        "# The measures and the tests that prove them",
        "",
        "Each article of 闽劳鉴〔2023〕10号 the registry enforces (DESIGN §5), and the tests whose",
        "assertions prove it. Generated by `python -m tests.support.articles` from the",
        "`@pytest.mark.article(N)` markers; tests/ops/test_articles.py fails when this file is",
        "out of date. Do not edit it by hand.",
        "",
    ]
    for article, rule in ARTICLES.items():
        modules = proofs.get(article, {})
        count = sum(len(names) for names in modules.values())
        lines += [f"## Art. {article}", "", f"{rule}.", ""]
        if not modules:
            lines += ["No test yet.", ""]
            continue
        lines += [f"{count} test{'s' if count != 1 else ''}:", ""]
        for module in sorted(modules):
            names = ", ".join(f"`{n}`" for n in sorted(modules[module]))
            lines.append(f"- `{module}`: {names}")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.articles")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when tests/ARTICLES.md is out of date, writing nothing",
    )
    args = parser.parse_args(argv)
    text = render(collect())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(
                f"{OUTPUT.relative_to(ROOT)} is out of date: run "
                "`python -m tests.support.articles`",
                file=sys.stderr,
            )
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
