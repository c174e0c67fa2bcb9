"""The beheerder's pages: user accounts, and uploading a (new version of a) plan file."""

from __future__ import annotations

import base64

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from projections.interventions import interventions_of_trekker
from projections.users import all_users, user_by_id
from tracker.errors import ConflictError, DomainError, NotFoundError, PlanFileError
from tracker.planfile import parse_plan
from tracker.planfile.reader import MAX_PLAN_BYTES
from tracker.users import ROLES
from web import now, read_model, refresh_read_model, services, today
from web.auth import renew_session, requires
from web.password_links import send_link

bp = Blueprint("admin", __name__)



def _users_page(errors: dict[str, str] | None = None, values: dict[str, str] | None = None, status: int = 200):
    return render_template("users.html", users=all_users(read_model()), roles=ROLES, errors=errors or {},
                           values=values or {"role": "lezer"}), status


def _to_reassign(email: str) -> None:
    """Tell which interventions still name this account as trekker."""
    left = interventions_of_trekker(read_model(), email, today())
    if left:
        flash(f"Wijs een nieuwe trekker toe aan: " + ", ".join(f"{iv['code']} {iv['title']}" for iv in left) + ".")


@bp.get("/gebruikers")
@requires("manage_users")
def users():
    return _users_page()


@bp.post("/gebruikers")
@requires("manage_users")
def add_user():
    """Add an account without a password: the new user chooses one through an invitation."""
    values = {k: v for k, v in request.form.to_dict().items() if k in ("name", "email", "role")}
    email = values.get("email", "").strip().lower()
    try:
        services().app.add_user(email=email, name=values.get("name", ""), role=values.get("role", ""),
                                password=None, at=now(), by=current_user.actor)
    except (DomainError, ConflictError) as exc:
        return _users_page({"add": str(exc)}, values, 422)
    refresh_read_model()
    problem = send_link(services().app.get_user(email), "invite")
    if problem:
        flash(f"Gebruiker {email} toegevoegd, maar de uitnodiging kon niet worden verstuurd ({problem}). "
              "Probeer het opnieuw met 'Stuur link'.")
    else:
        flash(f"Gebruiker {email} toegevoegd; de uitnodiging om een wachtwoord te kiezen is verstuurd.")
    return redirect(url_for("admin.users"), 303)


@bp.post("/gebruikers/link")
@requires("manage_users")
def send_password_link():
    """Send an invitation (no password yet) or a link to choose a new password."""
    email = request.form.get("email", "").strip().lower()
    try:
        user = services().app.get_user(email)
    except NotFoundError as exc:
        return _users_page({f"row-{email}": str(exc)}, status=422)
    if not user.active:
        return _users_page({f"row-{email}": f"Het account {email} is gedeactiveerd."}, status=422)
    problem = send_link(user, "reset" if user.password_hash else "invite")
    if problem:
        return _users_page({f"row-{email}": f"De link kon niet worden verstuurd: {problem}"}, status=502)
    flash(f"Een link om een wachtwoord te kiezen is naar {email} verstuurd.")
    return redirect(url_for("admin.users"), 303)


@bp.post("/gebruikers/rol")
@requires("manage_users")
def set_role():
    email, role = request.form.get("email", "").strip().lower(), request.form.get("role", "")
    try:
        services().app.set_role(email, role, at=now(), by=current_user.actor)
    except (DomainError, NotFoundError, ConflictError) as exc:
        return _users_page({f"row-{email}": str(exc)}, status=422)
    refresh_read_model()
    if email == current_user.email:
        renew_session(user_by_id(read_model(), current_user.id))  # other sessions end, not this one
    flash(f"{email} heeft nu de rol {role}.")
    if role != "trekker":
        _to_reassign(email)
    return redirect(url_for("admin.users"), 303)


@bp.post("/gebruikers/deactiveren")
@requires("manage_users")
def deactivate():
    email = request.form.get("email", "").strip().lower()
    try:
        services().app.deactivate_user(email, at=now(), by=current_user.actor)
    except (DomainError, NotFoundError, ConflictError) as exc:
        return _users_page({f"row-{email}": str(exc)}, status=422)
    refresh_read_model()
    flash(f"Het account {email} is gedeactiveerd: aanmelden kan niet meer, herinneringen en agenda-links "
          "zijn gestopt. De naam blijft in de geschiedenis staan.")
    _to_reassign(email)
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
    preview = app.preview_import(spec, at=now(), by=current_user.actor)
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
        result = app.import_plan(spec, at=now(), by=current_user.actor)
    except (DomainError, ConflictError) as exc:
        return render_template("plan_upload.html", problems=[f"{name}: {exc}"], preview=None), 422
    refresh_read_model()
    if result.outcome == "unchanged":
        flash("Het plan is ongewijzigd: er is niets geïmporteerd.")
    else:
        flash(f"Plan geïmporteerd: {len(result.changes)} wijziging(en) vastgelegd.")
    return redirect(url_for("plans.board_page", plan_id=spec.id), 303)
