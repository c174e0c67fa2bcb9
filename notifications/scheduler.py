"""The scheduler: its own process (`tracker scheduler`), never inside a web worker.

It runs the reminder job every few minutes and the stuurgroep's digest on Monday morning. The
truth of what was sent lives in the events, not in APScheduler's job store: the first run after
a start sends whatever came due while the process was down (late, once).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from notifications.delivery import run_reminders
from notifications.mailer import mailer_for
from notifications.settings import MailSettings

log = logging.getLogger("tracker.scheduler")
DEFAULT_INTERVAL_MINUTES = 15


def reminder_day(now: datetime, send_time: time) -> date:
    """Return the day whose reminders may go out at ``now`` (before the send time: yesterday's)."""
    return now.date() if now.time() >= send_time else now.date() - timedelta(days=1)


class ReminderJob:
    """One reminder run, opening its own services so it can run in the scheduler's worker thread."""

    def __init__(self, open_services: Callable[[], Any], mail: MailSettings,
                 today: date | None = None, clock: Callable[[], datetime] | None = None):
        self.open_services = open_services
        self.mail = mail
        self.today = today
        self.clock = clock or (lambda: datetime.now().replace(microsecond=0))
        self._lock = threading.Lock()  # the two jobs never run at once in one process
        self.runs = 0

    def __call__(self) -> None:
        with self._lock:
            self.runs += 1
            services = self.open_services()
            try:
                today = self.today or reminder_day(self.clock(), self.mail.send_time)
                report = run_reminders(services, mailer_for(self.mail), self.mail, today, self.clock)
                if report.busy:
                    log.info("herinneringen %s: overgeslagen, een andere run loopt al", today.isoformat())
                    return
                log.info("herinneringen %s: %d verstuurd, %d mislukt, %d onzeker, %d overgeslagen",
                         today.isoformat(), len(report.sent), len(report.failed), len(report.in_doubt),
                         len(report.skipped))
                for message in report.failed:
                    log.warning("mislukt naar %s: %s", message["to"], message["error"])
                for warning in report.warnings:
                    log.warning("%s", warning)
            except Exception:  # keep the scheduler alive; the next run tries again
                log.exception("herinneringsrun mislukt")
            finally:
                services.close()


def build_scheduler(job: Callable[[], None], mail: MailSettings,
                    interval_minutes: int = DEFAULT_INTERVAL_MINUTES, start_now: bool = True) -> BlockingScheduler:
    """Return a scheduler with the periodic reminder job and the weekly digest job."""
    scheduler = BlockingScheduler(executors={"default": ThreadPoolExecutor(max_workers=1)})
    # coalesce: missed runs collapse into one; no grace limit: a late run still runs.
    options: dict[str, Any] = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    first = {"next_run_time": datetime.now()} if start_now else {}
    scheduler.add_job(job, IntervalTrigger(minutes=interval_minutes), id="reminders",
                      name="herinneringen", **options, **first)
    scheduler.add_job(job, CronTrigger(day_of_week="mon", hour=mail.send_time.hour,
                                       minute=mail.send_time.minute),
                      id="weekly-digest", name="weekoverzicht stuurgroep", **options)
    return scheduler


def run_scheduler(open_services: Callable[[], Any], mail: MailSettings,
                  interval_minutes: int = DEFAULT_INTERVAL_MINUTES, today: date | None = None,
                  stop: threading.Event | None = None) -> None:
    """Run until SIGTERM, Ctrl-C or ``stop`` is set; a run in progress finishes first."""
    scheduler = build_scheduler(ReminderJob(open_services, mail, today=today), mail, interval_minutes)

    def shutdown() -> None:
        try:
            scheduler.shutdown(wait=True)
        except SchedulerNotRunningError:  # the other way of stopping came first
            pass

    def on_signal(signum: int, frame: Any) -> None:
        log.info("scheduler stopt (signaal %d)", signum)
        shutdown()

    def on_stop(event: threading.Event) -> None:
        event.wait()
        log.info("scheduler stopt (het startende proces is gestopt)")
        shutdown()

    signal.signal(signal.SIGTERM, on_signal)
    if stop is not None:
        # Watch only once the scheduler runs: a shutdown before its start would be lost.
        scheduler.add_listener(lambda _: threading.Thread(target=on_stop, args=(stop,), name="scheduler-stop",
                                                          daemon=True).start(), EVENT_SCHEDULER_STARTED)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        scheduler.shutdown(wait=True)
