"""Plan files: read and check a plan file (YAML, see docs/plan-format.md) into a PlanSpec.

``loader`` reads YAML with line numbers, ``checks`` is the generic checker, ``schema`` holds the
sections of the format, ``spec`` the dataclasses, ``reader`` puts them together.
"""

from tracker.planfile.reader import main, parse_plan, read_plan_file
from tracker.planfile.schema import DOMAINS, FORMAT_VERSION, FREQUENCIES, KINDS
from tracker.planfile.spec import InterventionSpec, MilestoneSpec, PlanSpec, milestone_facts
from tracker.slugs import slugify

__all__ = [
    "DOMAINS", "FORMAT_VERSION", "FREQUENCIES", "KINDS", "InterventionSpec", "MilestoneSpec",
    "PlanSpec", "main", "milestone_facts", "parse_plan", "read_plan_file", "slugify",
]
