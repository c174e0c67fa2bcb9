"""Make the screenshots in docs/screenshots/ and check each page with axe-core.

Usage: .venv/bin/python scripts/screenshots.py [--out DIR]

It loads the demonstration scenario (the default plan with a quarter of updates, on 1 April
2026) and the Regioprogramma it contributes to into a temporary data directory, opens a
stuurgroep meeting with two decisions, serves the app on 127.0.0.1 and drives Debian's Chromium
(/usr/bin/chromium) through Playwright: the portfolio, the dashboard, Mijn interventies and the
meeting page at 1280 and 390 px wide, each as a full page.
It exits with 1 when axe-core reports a serious or critical problem on any of them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("TRACKER_PASSWORD_PROFILE", "test")  # the demonstration accounts need no real cost

from playwright.sync_api import sync_playwright  # noqa: E402
from waitress.server import create_server  # noqa: E402

from tests.accounts import email_for, ensure_user, sign_in_page  # noqa: E402
from tests.seed import PLAN, TODAY, seed_plan  # noqa: E402
from web import create_app  # noqa: E402
from web.services import open_services  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
MEETING = "2026-03-30"
REGIO = REPO / "plans" / "regioprogramma-jeugd-rijk-van-nijmegen-2023-2028.yaml"
PAGES = [  # name, role, path
    ("portfolio", "stuurgroep", "/"),
    ("dashboard", "stuurgroep", f"/plannen/{PLAN}/dashboard"),
    ("mijn-interventies", "trekker", "/mijn-interventies"),
    ("vergadering", "stuurgroep", f"/plannen/{PLAN}/vergaderingen/{MEETING}"),
]


def demonstration(data_dir: Path) -> None:
    """Load the scenario, the plan it contributes to, the accounts and a meeting with two decisions."""
    from tracker.planfile import read_plan_file

    seed_plan(data_dir)
    services = open_services(data_dir)
    services.app.import_plan(read_plan_file(REGIO), at=datetime(2025, 10, 1, 9), by="beheer")
    for role in ("beheerder", "stuurgroep", "trekker", "lezer"):
        ensure_user(services, role)
    app, at = services.app, datetime(2026, 3, 30, 15)
    key = app.open_meeting(PLAN, meeting_date=date.fromisoformat(MEETING), attendees=["Stijn Stuur", "Bea Beheer"],
                           at=at, by="Stijn Stuur")
    app.decide(PLAN, key, "3.A1", decision="Besluit van het college afwachten; daarna de pilot starten",
               action="Collegevoorstel voorbereiden", owner=email_for("trekker"), term="Q2 2026", at=at,
               by="Stijn Stuur")
    app.decide(PLAN, key, "2.B2", decision="Doorgaan volgens plan", at=at, by="Stijn Stuur")
    services.catch_up()


def shrink(path: Path) -> None:
    """Store a screenshot with a palette of 256 colours (a page has few): a fraction of the size."""
    from PIL import Image  # Pillow comes with WeasyPrint

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def axe_problems(page) -> list[str]:
    """Return the serious and critical axe-core findings of a page."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through the DevTools protocol: the CSP allows no inline script
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="screenshots-")) / "data"
    demonstration(data_dir)
    app = create_app({"DATA_DIR": str(data_dir), "TODAY": TODAY.isoformat()})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    problems: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, role, path in PAGES:
                for size, (width, height) in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  is_mobile=size == "phone", device_scale_factor=1)
                    page = context.new_page()
                    sign_in_page(page, base, email_for(role))
                    page.goto(base + path)
                    target = out / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    shrink(target)
                    found = axe_problems(page)
                    problems += [f"{name} {width} px: {p}" for p in found]
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}: "
                          f"{wide} px wide, axe: {len(found)} serious or critical")
                    context.close()
            browser.close()
    finally:
        server.close()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
