"""`tracker export-events` and `rebuild`: the event log itself and the read model made from it."""

from __future__ import annotations

import json

import click

from cli.context import services


@click.command("export-events")
def export_events() -> None:
    """Schrijf elke gebeurtenis als één JSON-regel naar standaarduitvoer."""
    svc = services()
    mapper = svc.runner.mapper
    position = 0
    while True:
        batch = svc.app.recorder.select_notifications(start=position, limit=1000, inclusive_of_start=False)
        if not batch:
            break
        for n in batch:
            event = mapper.to_domain_event(n)
            state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
            if "password_hash" in state:
                state["password_hash"] = "[verborgen]"  # never hand out password hashes
            click.echo(json.dumps({
                "position": n.id, "aggregate": str(n.originator_id), "version": n.originator_version,
                "type": type(event).__name__, "topic": n.topic, **state,
            }, ensure_ascii=False, default=lambda v: v.isoformat()))
        position = batch[-1].id


@click.command()
def rebuild() -> None:
    """Bouw alle leesmodellen opnieuw op uit de gebeurtenissen."""
    count = services().runner.rebuild()
    click.echo(f"Leesmodel opnieuw opgebouwd uit {count} gebeurtenissen.")
