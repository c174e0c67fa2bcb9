"""The beheerder's pages: user accounts, and uploading a (new version of a) plan file."""

from __future__ import annotations

import base64

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from projections.users import all_users, user_by_id
from tracker.errors import ConflictError, DomainError, NotFoundError, PlanFileError
from tracker.planfile import parse_plan
from tracker.users import ROLES
from web import now, read_model, refresh_read_model, services
from web.auth import renew_session, requires

bp = Blueprint("admin", __name__)

MAX_PLAN_BYTES = 2_000_000



@bp.get("/gebruikers")
@requires("manage_users")
def users():
    return render_template("users.html", users=all_users(read_model()), roles=ROLES, errors={}, values={})


@bp.post("/gebruikers")
@requires("manage_users")
def add_user():
    values = request.form.to_dict()
    try:
        services().app.add_user(email=values.get("email", ""), name=values.get("name", ""),
                                role=values.get("role", ""), password=values.get("password", ""),
                                at=now(), by=current_user.name)
    except (DomainError, ConflictError) as exc:
        values.pop("password", None)
        return render_template("users.html", users=all_users(read_model()), roles=ROLES,
                               errors={"add": str(exc)}, values=values), 422
    refresh_read_model()
    flash(f"Gebruiker {values.get('email', '').strip().lower()} toegevoegd.")
    return redirect(url_for("admin.users"), 303)


@bp.post("/gebruikers/rol")
@requires("manage_users")
def set_role():
    email, role = request.form.get("email", ""), request.form.get("role", "")
    try:
        services().app.set_role(email, role, at=now(), by=current_user.name)
    except (DomainError, NotFoundError, ConflictError) as exc:
        return render_template("users.html", users=all_users(read_model()), roles=ROLES,
                               errors={f"role-{email}": str(exc)}, values={}), 422
    refresh_read_model()
    if email.strip().lower() == current_user.email:
        renew_session(user_by_id(read_model(), current_user.id))  # other sessions end, not this one
    flash(f"{email} heeft nu de rol {role}.")
    return redirect(url_for("admin.users"), 303)


@bp.get("/plannen/importeren")
@requires("import_plan")
def upload_plan():
    return render_template("plan_upload.html", problems=[], preview=None)


def _read_upload() -> tuple[str, str] | tuple[None, str]:
    upload = request.files.get("plan")
    if upload is None or not upload.filename:
        return None, "Kies een planbestand (YAML)."
    data = upload.read(MAX_PLAN_BYTES + 1)
    if len(data) > MAX_PLAN_BYTES:
        return None, "Het bestand is te groot (maximaal 2 MB)."
    try:
        return data.decode("utf-8"), upload.filename
    except UnicodeDecodeError:
        return None, "Het bestand is geen UTF-8-tekst."


@bp.post("/plannen/importeren")
@requires("import_plan")
def preview_plan():
    text, name = _read_upload()
    if text is None:
        return render_template("plan_upload.html", problems=[name], preview=None), 422
    try:
        spec = parse_plan(text, name)
    except PlanFileError as exc:
        return render_template("plan_upload.html", problems=exc.problems, preview=None), 422
    app = services().app
    preview = app.preview_import(spec, at=now(), by=current_user.name)
    version = app.get_plan(spec.id).version if app.has_plan(spec.id) else 0
    return render_template("plan_upload.html", problems=[], preview=preview, spec=spec, name=name,
                           content=base64.b64encode(text.encode("utf-8")).decode("ascii"),
                           plan_version=version)


@bp.post("/plannen/importeren/bevestigen")
@requires("import_plan")
def confirm_plan():
    name = request.form.get("name", "plan.yaml")
    try:
        text = base64.b64decode(request.form.get("content", ""), validate=True).decode("utf-8")
        spec = parse_plan(text, name)
    except (ValueError, UnicodeDecodeError):
        return render_template("plan_upload.html", problems=["Het formulier is beschadigd; upload het bestand opnieuw."],
                               preview=None), 400
    except PlanFileError as exc:
        return render_template("plan_upload.html", problems=exc.problems, preview=None), 422
    app = services().app
    expected = request.form.get("plan_version", "0")
    current = app.get_plan(spec.id).version if app.has_plan(spec.id) else 0
    if str(current) != expected:
        return render_template("plan_upload.html", preview=None, problems=[
            "Het plan is intussen gewijzigd door een andere import. Er is niets geïmporteerd: "
            "upload het bestand opnieuw om de actuele verschillen te zien."]), 409
    try:
        result = app.import_plan(spec, at=now(), by=current_user.name)
    except (DomainError, ConflictError) as exc:
        return render_template("plan_upload.html", problems=[f"{name}: {exc}"], preview=None), 422
    refresh_read_model()
    if result.outcome == "unchanged":
        flash("Het plan is ongewijzigd: er is niets geïmporteerd.")
    else:
        flash(f"Plan geïmporteerd: {len(result.changes)} wijziging(en) vastgelegd.")
    return redirect(url_for("plans.board_page", plan_id=spec.id), 303)
