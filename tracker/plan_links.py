"""Links between plans on the write side: checking a plan file's targets, recording them on import, by hand.

A link's target plan may not be loaded yet (plans load in any order): the link is kept and
shown as "nog niet geladen" until that plan is there. A target plan that is loaded must hold
the group or intervention named, or nothing of the file is imported.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from events.contributions import PLAN_FILE, link_key
from tracker.actors import Actor
from tracker.errors import DomainError, NotFoundError, PlanFileError
from tracker.planfile.reader import link_problem
from tracker.planfile.spec import InterventionSpec, LinkSpec, PlanSpec

if TYPE_CHECKING:
    from tracker.intervention import Intervention


def declared_links(spec: PlanSpec) -> dict[str, list[dict[str, Any]]]:
    """Return per intervention code the links its plan file declares (for the plan version's facts)."""
    return {iv.code: [link.facts() for link in iv.contributes_to] for iv in spec.interventions if iv.contributes_to}


def check_link_targets(app: Any, spec: PlanSpec) -> None:
    """Refuse a plan file whose links name a group or intervention a loaded plan does not have."""
    problems = []
    for iv in spec.interventions:
        for link in iv.contributes_to:
            if link.plan == spec.id or not app.has_plan(link.plan):
                continue  # its own plan was checked when read; a plan not loaded yet is checked when shown
            problem = link_problem(link, app.get_plan(link.plan).facts)
            if problem:
                problems.append(f"{spec.source_name}:{link.line}: interventie {iv.code}, contributes_to: {problem}")
    if problems:
        raise PlanFileError(problems)


def link_declared(intervention: Intervention, links: tuple[LinkSpec, ...], at: datetime, by: str,
                  why: str, valid_on: date | None = None) -> None:
    """Record the links a plan file declares for a new intervention."""
    for link in links:
        intervention.link_contribution(target_plan=link.plan, target_group=link.group, target_code=link.code,
                                       reason=link.reason, judgement=link.judgement, origin=PLAN_FILE,
                                       why=why, at=at, by=by, valid_on=valid_on)


def _key(facts: dict[str, Any]) -> str:
    return link_key(facts["plan"], facts.get("group", ""), facts.get("code", ""))


def revise_links(intervention: Intervention, iv: InterventionSpec, previous: list[dict[str, Any]] | None,
                 version: str, at: datetime, by: str) -> list[str]:
    """Record what a new plan version changed in an intervention's declared links; return the changes.

    The file is compared with what the previous version declared, so a link a beheerder added or
    removed by hand stays as it is unless the plan file itself changes that link.
    """
    if previous is None:
        previous = [{"plan": k.split("#")[0], **_target(k), "reason": r, "judgement": j}
                    for k, (r, j, origin) in intervention.contributions.items() if origin == PLAN_FILE]
    before = {_key(f): f for f in previous}
    changes = []
    for link in iv.contributes_to:
        facts = link.facts()
        key = _key(facts)
        was = before.get(key)
        if was is not None and (was.get("reason"), bool(was.get("judgement"))) == (link.reason, link.judgement):
            continue
        if intervention.contributions.get(key, (None, None))[:2] == (link.reason, link.judgement):
            continue
        link_declared(intervention, (link,), at, by, f"planversie {version}")
        changes.append(f"{iv.code}: bijdrage aan {_target_words(facts)} "
                       f"{'gewijzigd' if was is not None else 'toegevoegd'}")
    wanted = {_key(link.facts()) for link in iv.contributes_to}
    for key, facts in before.items():
        # A link made by hand since stays: only the plan file's own links go with the plan file.
        if key not in wanted and intervention.contributions.get(key, ("", False, ""))[2] == PLAN_FILE:
            intervention.unlink_contribution(target_plan=facts["plan"], target_group=facts.get("group", ""),
                                             target_code=facts.get("code", ""),
                                             why=f"Niet meer in planversie {version}", at=at, by=by)
            changes.append(f"{iv.code}: bijdrage aan {_target_words(facts)} vervallen")
    return changes


def _target(key: str) -> dict[str, str]:
    kind, _, value = key.split("#", 1)[1].partition(":")
    return {"group": value} if kind == "groep" else {"code": value}


def _target_words(facts: dict[str, Any]) -> str:
    what = f"groep {facts['group']}" if facts.get("group") else f"interventie {facts.get('code')}"
    return f"{what} van {facts['plan']}"


class ContributionCommands:
    """The beheerder's links between plans (mixed into TrackerApp): add and remove, with who and why."""

    get_intervention: Any
    get_plan: Any
    _save: Any

    def link_contribution(self, plan_id: str, code: str, *, target_plan: str, target_group: str = "",
                          target_code: str = "", reason: str, judgement: bool = False, why: str = "",
                          at: datetime, by: Actor | str) -> None:
        """Record that an intervention contributes to a goal or an intervention of a loaded plan."""
        actor = self.acting(by, "link_plans")  # type: ignore[attr-defined]
        intervention = self.get_intervention(plan_id, code)
        target_plan = (target_plan or "").strip()
        try:
            facts = self.get_plan(target_plan).facts
        except NotFoundError:
            raise DomainError(f"Onbekend plan '{target_plan}': koppel aan een plan dat geladen is.") from None
        link = LinkSpec(target_plan, (target_group or "").strip(), (target_code or "").strip(), reason, judgement)
        if link.group or link.code:
            problem = link_problem(link, facts)
            if problem:
                raise DomainError(problem[0].upper() + problem[1:] + ".")
        if target_plan == plan_id and link.code == code:
            raise DomainError("Een interventie draagt niet aan zichzelf bij.")
        intervention.link_contribution(target_plan=target_plan, target_group=link.group, target_code=link.code,
                                       reason=reason, judgement=judgement, why=why, at=at, by=actor)
        self._save(intervention)

    def unlink_contribution(self, plan_id: str, code: str, *, target_plan: str, target_group: str = "",
                            target_code: str = "", why: str, at: datetime, by: Actor | str) -> None:
        """Record that an intervention no longer counts as contributing to a target."""
        actor = self.acting(by, "link_plans")  # type: ignore[attr-defined]
        intervention = self.get_intervention(plan_id, code)
        intervention.unlink_contribution(target_plan=target_plan, target_group=target_group,
                                         target_code=target_code, why=why, at=at, by=actor)
        self._save(intervention)
