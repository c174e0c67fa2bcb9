"""The `tracker` command group, with every command registered here, in the order of docs/cli.md."""

from __future__ import annotations

import click

from cli import (baseline, calendar, figures, interventions, links, meeting, milestones, normering, plan_milestones,
                 plans, public, reminders, reports, serve, store, users)
from cli.context import Context, TrackerGroup


@click.group(cls=TrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Volg de uitvoering van een uitvoeringsagenda (gegevens in $TRACKER_DATA_DIR, standaard ./data)."""
    ctx.obj = Context()


for command in (
    plans.init, plans.import_plan, plans.check_plan, plans.plans,
    interventions.interventions, interventions.show, interventions.history,
    milestones.milestone, plan_milestones.plan_milestone, baseline.baseline,
    interventions.assign, interventions.note, interventions.status, interventions.close,
    links.link, links.unlink,
    users.user_group,
    store.export_events, store.rebuild, store.migrate_store,
    serve.serve, serve.run,
    reminders.reminders, reminders.outbox, reminders.resolve_reminder, reminders.scheduler,
    calendar.calendar,
    reports.report, reports.publish_report, reports.reports,
    figures.indicator_value, figures.import_indicators, figures.finance, figures.confirm_finance,
    public.public,
    meeting.meeting_group,
    normering.import_norms, normering.import_spending, normering.signals_command, normering.normering_command,
    normering.analysis_talk,
):
    main.add_command(command)
