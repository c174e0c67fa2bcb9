"""Build a synthetic national-scale event store for the benchmarks.

Default: 300 plans x 25 interventions, ~5 milestones each (mixed precisions), and four years
(2025-2028) of quarterly updates: progress notes, stoplicht with explanation, milestones
completed or rescheduled with a reason, new milestones planned, now and then a new trekker and,
late on, a closed intervention: 513,258 events at the default size (at least 500,000).

Deterministic: one seeded ``random.Random`` drives every choice and every ``at`` (the clock is an
input). Only the eventsourcing library's own ``timestamp`` of each stored event is wall-clock
time; the tracker never reads it.

Plans are written as YAML (docs/plan-format.md), parsed with ``parse_plan`` and imported with
``TrackerApp.import_plan``. Updates call the aggregate methods directly on aggregates kept in
memory from quarter to quarter and are saved in batches (``app.save(*aggregates)``), so the
write path is the real one without one transaction per command.

    .venv/bin/python benchmarks/generate.py --data-dir benchmarks/.data/300x25
    .venv/bin/python benchmarks/generate.py --plans 20 --interventions 25 --data-dir /tmp/small
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from events.store import EVENTS_FILENAME  # noqa: E402
from events.periods import Due, parse_due  # noqa: E402
from tracker.planfile import parse_plan  # noqa: E402

MANIFEST = "bench-store.json"
SEED = 20250101
FIRST_YEAR, LAST_YEAR = 2025, 2028
IMPORT_AT = datetime(2025, 1, 6, 9, 0)
GENERATOR_VERSION = 2

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
PRECISIONS = ("day", "month", "quarter", "quarter", "quarter", "half", "year")
KINDS = ("plan_ready", "pilot_start", "start", "evaluation", "decision", "delivery", "report", "other")
DOMAINS = ("jeugd", "jeugd", "wmo", "beide")

TOWNS = ("Aa en Hunze", "Alkmaar", "Almere", "Amersfoort", "Apeldoorn", "Arnhem", "Assen", "Breda",
         "Delft", "Deventer", "Dordrecht", "Ede", "Eindhoven", "Emmen", "Enschede", "Groningen",
         "Haarlem", "Heerlen", "Helmond", "Hengelo", "Hilversum", "Leeuwarden", "Leiden", "Maastricht",
         "Nijmegen", "Oss", "Roosendaal", "Schiedam", "Tilburg", "Utrecht", "Venlo", "Zaanstad",
         "Zwolle", "Zoetermeer", "Westland", "Sittard-Geleen", "Lelystad", "Gouda", "Katwijk")
REGIONS = ("Regio", "Gemeente", "Samenwerkingsverband", "Jeugdregio")
CHAPTERS = (("Generieke maatregelen", ("Versterken collectief aanbod", "Doelmatigheid in het zorgnetwerk",
                                       "Versterken van de buurtteams")),
            ("Maatregelen jeugd", ("Duurzame begeleiding", "Duurzame dagbehandeling", "Duurzame jeugd-GGZ")),
            ("Maatregelen Wmo", ("Ambulante begeleiding", "Dagbesteding", "Mantelzorgondersteuning")))
TOPICS = ("collectief aanbod in de wijk", "groepsbegeleiding op school", "inzet praktijkondersteuner jeugd",
          "doorbraakaanpak complexe casussen", "herijking maatwerkovereenkomsten", "afschalen naar lichtere zorg",
          "wachtlijstbeheer", "integrale toegang", "inkoop dagbehandeling", "normaliseren opvoedvragen",
          "ervaringsdeskundigheid", "kortdurende begeleiding", "vervoer naar dagbesteding",
          "respijtzorg voor mantelzorgers", "samenwerking met huisartsen", "budgetplafonds per aanbieder",
          "monitoring zorggebruik", "opleiding wijkteammedewerkers", "preventie in het onderwijs",
          "ketenafspraken met de GGZ")
LABELS = ("Plan van aanpak gereed", "Start pilot", "Tussenevaluatie", "Besluit over voortzetting",
          "Nieuwe werkwijze ingevoerd", "Contracten aangepast", "Rapportage aan de raad",
          "Eindevaluatie opgeleverd", "Werkgroep ingericht", "Convenant ondertekend",
          "Monitor ingericht", "Opschaling naar alle wijken")
NOTES = ("Overleg met de aanbieders gevoerd over {t}; vervolgafspraken gemaakt.",
         "De werkgroep {t} is twee keer bijeengekomen; de conceptnotitie ligt bij de teamleider.",
         "Cijfers over het derde kwartaal verwerkt; het zorggebruik daalt licht bij {t}.",
         "Bespreking met de wethouder: {t} blijft prioriteit, extra capaciteit toegezegd.",
         "Signalen uit de buurtteams over {t} verzameld en gedeeld met de regio.",
         "Planning bijgesteld na ziekte van een projectleider; {t} loopt door.",
         "Eerste resultaten van {t} gepresenteerd aan de stuurgroep.")
CAUSES = ("Capaciteitstekort bij de uitvoerende partij", "Vertraging in de aanbesteding",
          "Onvoldoende data om te sturen", "Afhankelijkheid van regionale besluitvorming",
          "Personeelsverloop in het projectteam")
EFFECTS = ("De geplande besparing schuift een kwartaal op", "Mijlpalen dreigen te laat te komen",
           "Minder jeugdigen bereikt dan beoogd", "De evaluatie wordt later opgeleverd")
STEERING = ("Extra inhuur voor zes maanden", "Escalatie naar de stuurgroep",
            "Scope beperkt tot twee wijken", "Wekelijkse voortgangsbespreking ingesteld",
            "Afspraken met de aanbieders aangescherpt")
REASONS = ("Afhankelijk van het regionale inkooptraject", "Uitkomst van de tussenevaluatie afwachten",
           "Besluitvorming in de raad verschoven", "Capaciteit ingezet op urgentere maatregelen",
           "Aanbieder heeft meer voorbereidingstijd nodig", "Wettelijke wijziging afwachten")
FIRST_NAMES = ("Anouk", "Bram", "Charlotte", "Daan", "Eva", "Fleur", "Gijs", "Hanneke", "Ilse", "Jeroen",
               "Karin", "Lars", "Marieke", "Niels", "Olga", "Pieter", "Roos", "Sander", "Tessa", "Wouter")
LAST_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
              "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker")
USERS = tuple(f"beleid{n:02d}" for n in range(1, 41))


# --- time ---------------------------------------------------------------------------------

def quarters() -> list[tuple[int, int]]:
    """Return every (year, quarter) of the simulated period."""
    return [(y, q) for y in range(FIRST_YEAR, LAST_YEAR + 1) for q in range(1, 5)]


def quarter_start(year: int, q: int) -> date:
    return date(year, 3 * q - 2, 1)


def add_months(d: date, months: int) -> date:
    """Return the last day of the month ``months`` after the month of ``d``."""
    import calendar

    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, calendar.monthrange(y, m)[1])


def due_text(d: date, precision: str) -> str:
    """Word a date in a precision the way plans write it."""
    if precision == "day":
        return d.isoformat()
    if precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    if precision == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    if precision == "half":
        return f"H{1 if d.month <= 6 else 2} {d.year}"
    return str(d.year)


# --- plans as YAML ----------------------------------------------------------------------------

def plan_id_of(n: int) -> str:
    return f"bench-{n:04d}"


def plan_document(rng: random.Random, n: int, n_interventions: int) -> dict[str, Any]:
    """Return the YAML document (as plain data) of synthetic plan ``n``."""
    town = TOWNS[n % len(TOWNS)]
    groups, leaves = [], []
    for ci, (chapter, themes) in enumerate(CHAPTERS, start=2):
        children = []
        for ti, theme in enumerate(themes):
            key = f"{ci}.{'ABC'[ti]}"
            children.append({"key": key, "title": theme})
            leaves.append(key)
        groups.append({"key": str(ci), "title": chapter, "groups": children})
    interventions = []
    for i in range(n_interventions):
        group = leaves[i * len(leaves) // n_interventions]
        topic = rng.choice(TOPICS)
        milestones = []
        due = date(2025, 3, 31)
        for k in range(rng.choice((4, 5, 5, 5, 6))):
            due = add_months(due, rng.randint(3, 10))
            precision = rng.choice(PRECISIONS)
            if precision == "day":
                due = due - timedelta(days=rng.randint(0, 27))
            text = due_text(due, precision)
            due = parse_due(text).date
            m: dict[str, Any] = {"id": f"m{k + 1}", "label": f"{LABELS[(i + k) % len(LABELS)]} ({topic})",
                                 "kind": KINDS[(i + k) % len(KINDS)], "due": text}
            if k == 0 and rng.random() < 0.1:
                m["realised"] = "2024-12-16"
            milestones.append(m)
        interventions.append({
            "code": f"{group}{i + 1}",
            "title": f"{topic.capitalize()} ({town}, maatregel {i + 1})",
            "group": group,
            "domain": rng.choice(DOMAINS),
            "summary": (f"Met {topic} willen we de groei van de kosten afremmen en inwoners eerder "
                        f"passende ondersteuning bieden. De maatregel wordt uitgevoerd met de "
                        f"buurtteams en de gecontracteerde aanbieders in {town}. We beginnen in twee "
                        f"wijken, evalueren na een jaar en schalen daarna op naar de hele gemeente. "
                        f"De verwachting is dat minder inwoners op zwaardere zorg aangewezen zijn en "
                        f"dat de wachttijden korter worden. De raad wordt halfjaarlijks geinformeerd "
                        f"over de voortgang, de bereikte aantallen en de financiele effecten."),
            "results": [
                {"text": f"{rng.randint(50, 400)} inwoners bereikt via {topic} in 2026",
                 "target": {"value": rng.randint(50, 400), "unit": "inwoners", "by": "2026"}},
                {"text": f"Gemiddelde duur van de begeleiding met {rng.randint(10, 30)} procent verkort"},
                {"text": "Tevredenheid van inwoners minimaal gelijk gebleven (cliëntervaringsonderzoek)"},
            ],
            "milestones": milestones,
            "recurring": [{"label": "Voortgang bespreken in de stuurgroep", "every": "kwartaal"},
                          {"label": "Rapportage aan de raad", "every": "halfjaar"}],
            "stakeholders": ["Buurtteam Jeugd en Gezin", "Gecontracteerde aanbieders", "Huisartsen",
                             "Onderwijs (samenwerkingsverband)", "Cliëntenraad"],
            "principles": ["Normaliseren waar het kan, specialistische hulp waar het moet",
                           "Eén gezin, één plan, één regisseur"],
            "risks": [f"{c}: we beperken dit met heldere afspraken en maandelijkse monitoring."
                      for c in rng.sample(CAUSES, 3)],
            "preconditions": ["Voldoende capaciteit in de buurtteams",
                              "Gegevensuitwisseling met de aanbieders is geregeld"],
            "costs": [{"year": 2026, "amount": rng.randint(5, 80) * 10000, "domain": "jeugd"},
                      {"year": 2027, "amount": rng.randint(5, 80) * 10000, "domain": "jeugd"}],
            "source": {"document": f"agenda-{n:04d}", "section": f"{group}{i + 1}",
                       "page": rng.randint(5, 60)},
        })
    return {
        "format": 1,
        "plan": {
            "id": plan_id_of(n),
            "title": f"Uitvoeringsagenda Jeugd en Wmo {town} ({n})",
            "organisation": f"{REGIONS[n % len(REGIONS)]} {town}",
            "period": {"start": FIRST_YEAR, "end": LAST_YEAR},
            "source": f"Synthetische uitvoeringsagenda {n} voor de benchmark",
            "grouping_levels": ["hoofdstuk", "thema"],
            "groups": groups,
            "milestones": [{"id": "actualisatie", "label": "Actualisatie van de agenda",
                            "kind": "plan_ready", "due": "Q4 2026"}],
        },
        "interventions": interventions,
    }


def plan_yaml(rng: random.Random, n: int, n_interventions: int) -> str:
    return yaml.safe_dump(plan_document(rng, n, n_interventions), allow_unicode=True, sort_keys=False)


# --- quarterly updates ----------------------------------------------------------------------

@dataclass
class Stats:
    events: int = 0
    import_events: int = 0
    update_events: int = 0
    saves: int = 0
    save_seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, n: int = 1) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + n


def _person(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = f"{first.lower()}.{last.lower().replace(' ', '')}@gemeente.example.nl"
    return f"{first} {last}", email


def _moments(rng: random.Random, year: int, q: int, k: int) -> list[datetime]:
    start = quarter_start(year, q)
    days = sorted(rng.randrange(0, 90) for _ in range(k))
    return [datetime.combine(start + timedelta(days=d), datetime.min.time())
            + timedelta(hours=rng.randint(8, 17), minutes=rng.randrange(60)) for d in days]


def update_quarter(rng: random.Random, iv: Any, year: int, q: int, stats: Stats) -> int:
    """Record one quarter of work on an intervention; return the number of new events."""
    if iv.closed or iv.dropped:
        return 0
    before = len(iv.pending_events)
    q_end = add_months(quarter_start(year, q), 2)
    topic = iv.title.split(" (")[0].lower()
    open_ms = [m for m in iv.milestones.values() if m.status == "open"]
    actions: list[str] = ["note"] * rng.choice((1, 2, 2, 3, 3))
    if rng.random() < 0.92:
        actions.append("stoplicht")
    if iv.trekker is None or rng.random() < 0.04:
        actions.append("trekker")
    for m in open_ms:
        if m.due.date <= add_months(q_end, 3):     # due this quarter or next: act on it
            r = rng.random()
            if r < 0.45:
                actions.append(f"complete:{m.id}")
            elif r < 0.85:
                actions.append(f"reschedule:{m.id}")
    if len(open_ms) < 3 and (year, q) < (LAST_YEAR, 3) and rng.random() < 0.5:
        actions.append("plan")
    if not open_ms and year >= 2027 and rng.random() < 0.3:
        actions.append("close")
    rng.shuffle(actions)
    if "close" in actions:                         # closing is the last thing that happens
        actions.remove("close")
        actions.append("close")
    moments = _moments(rng, year, q, len(actions))
    by = rng.choice(USERS)
    for action, at in zip(actions, moments):
        kind, _, mid = action.partition(":")
        if kind == "note":
            iv.add_note(text=rng.choice(NOTES).format(t=topic), at=at, by=by)
        elif kind == "stoplicht":
            late = sum(1 for m in iv.milestones.values() if m.status == "open" and m.due.date < at.date())
            colour = ("rood" if late >= 2 or rng.random() < 0.05 else
                      "oranje" if late == 1 or rng.random() < 0.15 else "groen")
            if colour == "groen":
                iv.set_stoplicht(colour=colour, at=at, by=by)
            else:
                iv.set_stoplicht(colour=colour, oorzaak=rng.choice(CAUSES), gevolg=rng.choice(EFFECTS),
                                 bijsturing=rng.choice(STEERING), at=at, by=by)
        elif kind == "trekker":
            name, email = _person(rng)
            if iv.trekker != (name, email):
                iv.assign_trekker(name=name, email=email, at=at, by=by)
        elif kind == "complete":
            m = iv.milestones[mid]
            if m.status == "open":
                realised = max(quarter_start(year, q), at.date() - timedelta(days=rng.randint(0, 14)))
                iv.complete_milestone(mid, realised=min(realised, at.date()),
                                      note=rng.choice(("", "", "Volgens planning afgerond.")), at=at, by=by)
        elif kind == "reschedule":
            m = iv.milestones[mid]
            if m.status == "open":
                precision = m.due.precision if rng.random() < 0.8 else rng.choice(PRECISIONS)
                new = max(m.due.date, at.date())
                due: Due = m.due
                shift = rng.randint(1, 3) * 3
                while due == m.due or due.date <= at.date():
                    new = add_months(new, shift)
                    shift = 3
                    if precision == "day":
                        new -= timedelta(days=rng.randint(0, 27))
                    due = parse_due(due_text(new, precision))
                iv.reschedule_milestone(mid, due=due, reason=rng.choice(REASONS), at=at, by=by)
        elif kind == "plan":
            n = len(iv.milestones) + 1
            precision = rng.choice(PRECISIONS)
            due = parse_due(due_text(add_months(q_end, rng.randint(4, 15)), precision))
            iv.plan_milestone(milestone_id=f"m{n}", label=f"{LABELS[n % len(LABELS)]} ({topic}, fase {n})",
                              kind=KINDS[n % len(KINDS)], due=due, at=at, by=by)
        elif kind == "close":
            if all(m.status != "open" for m in iv.milestones.values()):
                iv.close(note="Alle mijlpalen gereed; de maatregel is onderdeel van de reguliere werkwijze.",
                         at=at, by=by)
        stats.count(kind)
    return len(iv.pending_events) - before


# --- the store --------------------------------------------------------------------------------

def open_app(data_dir: Path):
    from web.services import store_env
    from tracker.application import TrackerApp

    data_dir.mkdir(parents=True, exist_ok=True)
    return TrackerApp(env=store_env(data_dir, environ={}))


def _save(app: Any, aggregates: list[Any], stats: Stats) -> None:
    n = sum(len(a.pending_events) for a in aggregates)
    if not n:
        return
    t0 = time.perf_counter()
    app.save(*aggregates)
    stats.save_seconds += time.perf_counter() - t0
    stats.saves += 1
    stats.events += n


def generate(data_dir: Path, plans: int = 300, interventions: int = 25, seed: int = SEED,
             batch: int = 250, force: bool = False, progress: bool = True) -> dict[str, Any]:
    """Build the store; return (and write to the manifest) what was done."""
    data_dir = Path(data_dir)
    events_file = data_dir / EVENTS_FILENAME
    if events_file.exists():
        if not force:
            raise SystemExit(f"{events_file} bestaat al: kies een andere --data-dir of geef --force.")
        for name in (EVENTS_FILENAME, f"{EVENTS_FILENAME}-wal", f"{EVENTS_FILENAME}-shm", MANIFEST,
                     "readmodel.sqlite", "readmodel.sqlite-wal", "readmodel.sqlite-shm"):
            (data_dir / name).unlink(missing_ok=True)
    rng = random.Random(seed)
    app = open_app(data_dir)
    stats = Stats()
    t_start = time.perf_counter()

    # 1. Import every plan (one transaction per plan, the real import path).
    aggregates: list[Any] = []
    for n in range(1, plans + 1):
        text = plan_yaml(rng, n, interventions)
        spec = parse_plan(text, f"synthetisch/{plan_id_of(n)}.yaml")
        at = IMPORT_AT + timedelta(minutes=n)
        t0 = time.perf_counter()
        result = app.import_plan(spec, at=at, by="import")
        stats.save_seconds += time.perf_counter() - t0
        stats.saves += 1
        stats.events += result.events
        stats.import_events += result.events
        aggregates.extend(app.get_intervention(spec.id, iv.code) for iv in spec.interventions)
    t_import = time.perf_counter() - t_start
    if progress:
        print(f"  imported {plans} plans: {stats.import_events:,} events in {t_import:.1f} s", flush=True)

    # 2. Quarterly updates on the aggregates kept in memory, saved in batches.
    for year, q in quarters():
        pending: list[Any] = []
        for iv in aggregates:
            if update_quarter(rng, iv, year, q, stats):
                pending.append(iv)
                if len(pending) >= batch:
                    _save(app, pending, stats)
                    pending = []
        _save(app, pending, stats)
        if progress:
            elapsed = time.perf_counter() - t_start
            print(f"  {year} Q{q}: {stats.events:,} events, {elapsed:.1f} s", flush=True)
    stats.update_events = stats.events - stats.import_events
    wall = time.perf_counter() - t_start
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "plans": plans, "interventions": interventions, "seed": seed, "batch": batch,
        "events": stats.events, "import_events": stats.import_events,
        "update_events": stats.update_events, "actions": dict(sorted(stats.by_kind.items())),
        "saves": stats.saves,
        "save_seconds": round(stats.save_seconds, 3), "wall_seconds": round(wall, 3),
        "append_events_per_s": round(stats.events / stats.save_seconds, 1),
        "generate_events_per_s": round(stats.events / wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "events_file_mb": round(events_file.stat().st_size / 2**20, 1),
        "generated_at": datetime.now().isoformat(timespec="seconds"),
    }
    app.close()
    (data_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(data_dir: Path) -> dict[str, Any] | None:
    path = Path(data_dir) / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--interventions", type=int, default=25, help="interventions per plan")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="store directory (default benchmarks/.data/<plans>x<interventions>)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--batch", type=int, default=250, help="aggregates per app.save() call")
    parser.add_argument("--force", action="store_true", help="replace an existing store in --data-dir")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or Path(__file__).resolve().parent / ".data" / f"{args.plans}x{args.interventions}"
    print(f"Generating {args.plans} plans x {args.interventions} interventions into {data_dir}", flush=True)
    m = generate(data_dir, args.plans, args.interventions, args.seed, args.batch, args.force)
    print(f"events written:      {m['events']:,} ({m['import_events']:,} import, {m['update_events']:,} updates)")
    print(f"append throughput:   {m['append_events_per_s']:,.0f} events/s "
          f"(inside app.save / import_plan, {m['saves']:,} transactions)")
    print(f"overall throughput:  {m['generate_events_per_s']:,.0f} events/s "
          f"(wall {m['wall_seconds']:.1f} s, incl. YAML, domain logic and reads)")
    print(f"store size:          {m['events_file_mb']:,.1f} MiB; peak RSS {m['peak_rss_mb']:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
