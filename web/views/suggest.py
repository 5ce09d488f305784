"""The short «Foreslå et godt grep» form (/foresla): stored in SQLite for the editors.

Rate limit: a small table in the same database (kb.submissions.allow), not flask-limiter:
its default storage is per process, so workers and restarts would each start from zero,
while the table is shared by every process using KB_DATABASE and adds no dependency.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request

from kb import submissions
from web import csrf

bp = Blueprint("suggest", __name__)
FIELDS = ("what", "place", "report", "contact", "email")
REQUIRED = {
    "what": "Skriv kort hva som ble gjort.",
    "place": "Skriv hvor det ble gjort (kommune, fylke eller virksomhet).",
    "report": "Skriv navnet på rapporten eller lim inn en lenke til den.",
    "contact": "Skriv hvem vi kan spørre i virksomheten (en rolle eller avdeling, ikke navn).",
}
HONEYPOT = "nettsted"  # hidden from people; a bot that fills it in is thanked and ignored
CSRF_ERROR = (
    "Skjemaet kunne ikke sjekkes av sikkerhetshensyn (det var utløpt, eller kom fra en annen "
    "side). Send det på nytt. Skjemaet trenger én informasjonskapsel."
)
TOO_MANY = "Du har sendt mange forslag den siste timen. Vent litt, og prøv igjen senere."


def database():
    """The request's connection to KB_DATABASE (made, and migrated, on first use)."""
    if "submissions_db" not in g:
        g.submissions_db = submissions.connect(current_app.config["DATABASE"])
    return g.submissions_db


@bp.teardown_app_request
def close_database(_exc):
    db = g.pop("submissions_db", None)
    if db is not None:
        db.close()


def form_errors(values: dict) -> dict[str, str]:
    """The missing required fields and a badly formed e-mail address, by field."""
    errors = {k: msg for k, msg in REQUIRED.items() if not values[k]}
    email = values["email"]
    if email and ("@" not in email or " " in email or len(email) > 254):
        errors["email"] = "E-postadressen ser ikke riktig ut. Rett den, eller la feltet stå tomt."
    return errors


def show(values=None, errors=None, notice="", status=200):
    return render_template(
        "suggest.html",
        values=values or dict.fromkeys(FIELDS, ""),
        errors=errors or {},
        notice=notice,
        labels=LABELS,
        days=current_app.config["EMAIL_RETENTION_DAYS"],
    ), status


@bp.get("/foresla")
def form():
    return show()


@bp.post("/foresla")
def send():
    values = {k: " ".join(request.form.get(k, "").split()) for k in FIELDS}
    values["what"] = request.form.get("what", "").strip()
    if not csrf.valid():
        return show(values, notice=CSRF_ERROR, status=400)
    if request.form.get(HONEYPOT):
        return render_template("suggest_done.html", number=None, values=values)
    errors = form_errors(values)
    if errors:
        return show(values, errors, status=400)
    db = database()
    if not submissions.allow(db, request.remote_addr or "ukjent"):
        return show(values, notice=TOO_MANY, status=429)
    submissions.forget_emails(db, int(current_app.config["EMAIL_RETENTION_DAYS"]))
    number = submissions.add(db, values)
    return render_template("suggest_done.html", number=number, values=values)


LABELS = {
    "what": "Hva ble gjort?",
    "place": "Hvor?",
    "report": "Rapporten",
    "contact": "Hvem kan vi spørre?",
    "email": "Din e-post (valgfritt)",
}
