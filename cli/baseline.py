"""`tracker baseline`: the beginstand of a plan's Tijdpad, listed or recorded from a CSV in one go."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

from cli.context import (by_option, day, fail, fail_lines, json_option, moment, plan_or_only, print_json,
                         services, today_option, user)
from cli.reports import plan_id_option
from projections.baseline import baseline_milestones
from tracker.baseline import read_baseline_csv
from web.exports import neutralised
from tracker.errors import LinesError, TrackerError


@click.command()
@plan_id_option
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Leg de beginstand vast uit een CSV: interventie;mijlpaal;stand;datum;termijn;reden.")
@json_option
@today_option
@by_option
def baseline(plan_id: str | None, file: Path | None, as_json: bool, today: str | None, by: str | None) -> None:
    """Toon de mijlpalen die voor vandaag vielen en open staan, of leg hun beginstand in één keer vast."""
    svc = services()
    plan_id = plan_or_only(svc, plan_id)
    if file is None:
        rows = baseline_milestones(svc.db, plan_id, day(today))
        if as_json:
            print_json(rows)
            return
        # A CSV to fill in and read back with --file: the last two columns are only for reading.
        out = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
        out.writerow(["interventie", "mijlpaal", "stand", "datum", "termijn", "reden", "gepland", "omschrijving"])
        for r in rows:
            # Labels are the plan's texts: none may start a formula in the spreadsheet it is filled in.
            out.writerow([neutralised(v) for v in (r["code"], r["milestone_id"], "open", "", "", "", r["due_text"],
                                                   r["label"])])
        return
    try:
        unread: list[str] = []
        entries = read_baseline_csv(file.read_bytes(), unread)
        count = svc.app.record_baseline(plan_id, entries, at=moment(today), by=user(by), refused=unread)
    except LinesError as exc:
        fail_lines(file, exc.problems)
    except TrackerError as exc:
        fail(str(exc))
    svc.catch_up()
    click.echo(f"Beginstand vastgelegd: {count} {'mijlpaal' if count == 1 else 'mijlpalen'}.")
