"""Accessibility checks with axe-core, loaded from the npm package in node_modules."""

from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.flat(Infinity).join(" >>> ")),
  }));
}
"""


def run_axe(page, *, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict]:
    """Every axe-core violation on the current page for the given WCAG tags."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing; run `npm ci` to install the axe-core package.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as an inline <script>: the pages'
        # Content-Security-Policy refuses inline scripts without the response's nonce.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    return page.evaluate(_RUN_AXE, list(tags))


def assert_no_serious_violations(page, *, tags: tuple[str, ...] = WCAG_TAGS) -> list[dict]:
    """Fail listing every serious or critical violation; return all violations found."""
    violations = run_axe(page, tags=tags)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{len(blocking)} serious or critical accessibility violation(s) on {page.url}:"]
        for v in blocking:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            lines.extend(f"    at {target}" for target in v["targets"])
        pytest.fail("\n".join(lines), pytrace=False)
    return violations
