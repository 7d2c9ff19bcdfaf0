"""The workbench's scenario editor, server side: the editor page, uploads kept in the run store, the scenario
text kept beside each run, and YAML edits that keep the author's text (issue 29).

* Uploaded CSV series are kept in the run store (table ``editor_uploads``: bytes by sha256, with the name they
  were uploaded under), so they survive a restart and work alike on SQLite and PostgreSQL. A scenario names one
  as ``upload:<sha256>.csv`` or by its name, ``upload:<name>.csv`` (the latest upload of that name). Before a
  check or a run each is written to the server's upload folder, where the app's own validation finds it.
* The scenario text a run was submitted with (YAML, comments and all) is kept by run id (table
  ``editor_texts``), so "Edit and run again" reopens the author's text; a run made elsewhere (the CLI) reopens
  as a compact YAML of its non-default inputs, its CSV paths rewritten to upload names where the store has them.
* ``/api/v1/editor/set`` writes one dotted key into YAML text with ruamel.yaml's round trip: the rest of the
  text, comments included, is kept. ``/api/v1/editor/check`` validates exactly as ``/api/v1/validate`` (which
  checks as ``gigawatt validate``) and returns the values the text gives the form's fields.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from gigawatt.core.errors import GigawattError, ScenarioError

UPLOAD_NAMED = re.compile(r"upload:([A-Za-z0-9][A-Za-z0-9._-]{0,99}?)\.csv\b")  # upload:<name>.csv in scenario text
SHA256 = re.compile(r"^[0-9a-f]{64}$")
NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")  # what an upload's name may not hold (it is written into YAML unquoted)
MAX_NAME_CHARS = 100
COMPACT_WIDTH = 100  # line width of a reopened run's YAML, characters
UNITS = {"mw": "MW", "mwh": "MWh", "kw": "kW", "kwh": "kWh", "usd": "USD", "pct": "%", "s": "s", "km2": "km²", "mmbtu": "MMBtu",
         "kwp": "kWp", "gw": "GW", "h": "h", "years": "years", "months": "months"}  # unit suffixes of field names, as shown


class EditRequest(BaseModel):
    """One field to write into scenario text: ``value`` as YAML (``1200``, ``[a, b]``); empty removes the key."""

    yaml: str
    key: str = Field(description="dotted key, e.g. cluster.power_mw")
    value: str = ""


class StartRequest(BaseModel):
    """A run to start from the editor: its kind, its scenario as YAML text, optional dotted overrides."""

    kind: str
    yaml: str
    set: list[str] = Field(default_factory=list)


class CheckRequest(BaseModel):
    """A scenario to check, with the dotted keys whose values the form shows."""

    kind: str
    yaml: str
    set: list[str] = Field(default_factory=list)
    keys: list[str] = Field(default_factory=list)


def label(key: str) -> str:
    """A readable label of a dotted key: its last part in words, a unit suffix shown as the unit (power_mw → power (MW))."""
    words = key.split(".")[-1].split("_")
    if len(words) > 1 and words[-1] in UNITS:
        return f"{' '.join(words[:-1])} ({UNITS[words[-1]]})"
    return " ".join(words)


def _round_trip() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the author's long lines
    return yaml


def set_key(text: str, key: str, value: str) -> str:
    """``text`` with the dotted ``key`` set to ``value`` (YAML; empty: the key removed), the rest kept as written."""
    import yaml as plain
    from ruamel.yaml.error import YAMLError

    rt = _round_trip()
    try:
        doc = rt.load(text) if text.strip() else None
    except YAMLError as exc:
        raise ScenarioError(f"scenario: the YAML does not parse ({str(exc).splitlines()[0]}); fix it before using the form") from None
    if doc is None:
        from ruamel.yaml.comments import CommentedMap

        doc = CommentedMap()
    if not hasattr(doc, "items"):
        raise ScenarioError("scenario: the YAML is not a mapping of keys; start from an example")
    parts = key.split(".")
    node = doc
    for part in parts[:-1]:
        child = node.get(part)
        if child is None or not hasattr(child, "items"):
            if value == "":
                return text
            from ruamel.yaml.comments import CommentedMap

            child = CommentedMap()
            node[part] = child
        node = child
    if value == "":
        node.pop(parts[-1], None)
    else:
        try:
            parsed = plain.safe_load(value)
        except plain.YAMLError:
            parsed = value
        if isinstance(parsed, list):
            from ruamel.yaml.comments import CommentedSeq

            seq = CommentedSeq(parsed)
            seq.fa.set_flow_style()  # a list on one line, as the examples write technologies
            parsed = seq
        node[parts[-1]] = parsed
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()


def values(text: str, keys: list[str]) -> dict[str, Any]:
    """The values ``text`` gives each dotted key (absent keys left out), for the form."""
    import yaml as plain

    try:
        data = plain.safe_load(text)
    except plain.YAMLError:
        return {}
    out = {}
    for key in keys:
        node: Any = data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            out[key] = node if isinstance(node, (int, float, str, bool, list)) else str(node)
    return out


class Kept:
    """Uploads (by sha256 and by name) and submitted scenario texts (by run id), in the run store's database."""

    def __init__(self, store: Any, folder: Path):
        self.store, self.folder = store, folder
        self._tables: Any = None

    def tables(self) -> Any:
        import sqlalchemy as sa

        if self._tables is None:
            meta = sa.MetaData()
            uploads = sa.Table("editor_uploads", meta, sa.Column("sha256", sa.String(64), primary_key=True),
                               sa.Column("name", sa.String(MAX_NAME_CHARS), index=True), sa.Column("created", sa.String(32)),
                               sa.Column("body", sa.LargeBinary))
            texts = sa.Table("editor_texts", meta, sa.Column("run_id", sa.String(64), primary_key=True),
                             sa.Column("kind", sa.String(16)), sa.Column("text", sa.Text))
            meta.create_all(self.store.engine)
            self._tables = (uploads, texts)
        return self._tables

    def add_upload(self, body: bytes, name: str) -> dict[str, Any]:
        """Keep ``body`` under its sha256 and ``name`` (made safe: letters, digits, ``._-``; ``.csv`` added)."""
        import sqlalchemy as sa

        uploads, _ = self.tables()
        digest = hashlib.sha256(body).hexdigest()
        stem = NAME_CHARS.sub("-", Path(name or "upload.csv").stem).strip("-.")[:MAX_NAME_CHARS - 4] or "upload"
        created = datetime.now(UTC).isoformat(timespec="microseconds")
        with self.store.engine.begin() as db:
            db.execute(sa.delete(uploads).where(uploads.c.sha256 == digest))
            db.execute(sa.insert(uploads).values(sha256=digest, name=stem, created=created, body=body))
        (self.folder / f"{digest}.csv").write_bytes(body)
        return {"name": f"upload:{digest}.csv", "named": f"upload:{stem}.csv", "bytes": len(body),
                "original": Path(name or "upload.csv").name[:MAX_NAME_CHARS]}

    def digest_of(self, name: str) -> str | None:
        """The sha256 an upload reference's stem names: itself, or the latest upload of that name."""
        import sqlalchemy as sa

        uploads, _ = self.tables()
        column = uploads.c.sha256 if SHA256.match(name) else uploads.c.name
        with self.store.engine.begin() as db:
            row = db.execute(sa.select(uploads.c.sha256, uploads.c.body).where(column == name)
                             .order_by(uploads.c.created.desc()).limit(1)).first()
        if row is None:
            return None
        path = self.folder / f"{row.sha256}.csv"
        if not path.exists():  # the server's folder is temporary: written again from the store after a restart
            path.write_bytes(row.body)
        return row.sha256

    def name_of(self, digest: str) -> str | None:
        """The reference a person reads for a stored upload: its name where it is that name's latest, else its hash."""
        import sqlalchemy as sa

        uploads, _ = self.tables()
        with self.store.engine.begin() as db:
            name = db.execute(sa.select(uploads.c.name).where(uploads.c.sha256 == digest)).scalar()
        if name is None:
            return None
        return f"upload:{name}.csv" if self.digest_of(name) == digest else f"upload:{digest}.csv"

    def resolve_text(self, text: str) -> str:
        """Scenario text with every ``upload:<name>.csv`` rewritten to ``upload:<sha256>.csv`` (same line count)."""
        def swap(match: re.Match[str]) -> str:
            digest = self.digest_of(match.group(1))
            return f"upload:{digest}.csv" if digest else match.group(0)

        return UPLOAD_NAMED.sub(swap, text)

    def keep_text(self, run_id: str, kind: str, text: str) -> None:
        import sqlalchemy as sa

        _, texts = self.tables()
        with self.store.engine.begin() as db:
            db.execute(sa.delete(texts).where(texts.c.run_id == run_id))
            db.execute(sa.insert(texts).values(run_id=run_id, kind=kind, text=text))

    def text(self, run_id: str) -> str | None:
        import sqlalchemy as sa

        _, texts = self.tables()
        with self.store.engine.begin() as db:
            return db.execute(sa.select(texts.c.text).where(texts.c.run_id == run_id)).scalar()


def _file_fields(data: Any, key: str = "") -> list[tuple[str, str]]:
    """The (dotted key, value) of every CSV field in JSON-form inputs (``*_csv`` keys, their dicts, ``files``)."""
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            path = f"{key}.{k}" if key else str(k)
            if isinstance(v, str) and (str(k).endswith("_csv") or key.endswith("_csv")):
                out.append((path, v))
            else:
                out.extend(_file_fields(v, path))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_file_fields(v, f"{key}[{i}]"))
    return out


def _endpoint(app: FastAPI, path: str, method: str) -> Any:
    """The app's own handler of ``method path`` (the editor's checks and runs go through the very same code)."""
    for route in app.routes:
        if getattr(route, "path", None) == path and method in getattr(route, "methods", set()):
            return route.endpoint
    raise RuntimeError(f"no route {method} {path}")


def register(app: FastAPI, render: Any) -> None:
    """Add the editor's page and API to ``app``; ``render(template, **context)`` makes a page."""
    from gigawatt import api
    from gigawatt.web import scenarios as web

    kept = Kept(app.state.store, app.state.uploads)
    app.state.editor = kept
    job_texts: dict[str, tuple[str, str]] = {}  # job id → (kind, text submitted): a failed run's way back

    def example_text(name: str) -> str:
        """An example's text, the package's CSVs it names kept as uploads and named ``upload:<file name>``."""
        import yaml

        path = web.EXAMPLES / f"{name}.yaml"
        text = path.read_text()
        for _, value in _file_fields(yaml.safe_load(text) or {}):
            for place in (web.EXAMPLES.parent / value, path.parent / value, web.EXAMPLES / value):
                if place.is_file():
                    ref = kept.add_upload(place.read_bytes(), place.name)["named"]
                    text = re.sub(rf"(:[ \t]*['\"]?){re.escape(value)}(?=['\"]?[ \t]*(#|$))", rf"\g<1>{ref}", text, flags=re.MULTILINE)
                    break
        return text

    def compact(r: Any) -> tuple[str, list[str]]:
        """A run made elsewhere: its non-default inputs as YAML, CSV paths as upload names; the fields needing an upload."""
        import yaml

        data = r.inputs.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        missing = []
        for key, value in _file_fields(data):
            path = Path(value)
            ref = None
            if path.is_file():
                ref = kept.name_of(hashlib.sha256(path.read_bytes()).hexdigest())
            if ref is None:
                missing.append(key)
                continue
            node = data
            parts = key.split(".")
            for part in parts[:-1]:
                node = node[part]
            node[parts[-1]] = ref
        return yaml.safe_dump(data, sort_keys=False, width=COMPACT_WIDTH), missing

    @app.get("/edit", response_class=HTMLResponse, include_in_schema=False)
    def edit(example: str | None = None, run: str | None = None, kind: str | None = None, job: str | None = None):
        from gigawatt import catalog
        from gigawatt.registry import KINDS

        text, chosen, notes = "", kind or "plan", []
        if example:
            if example not in _endpoint(app, "/api/v1/examples", "GET")():
                raise HTTPException(404, f"no example '{example}'")
            text, chosen = example_text(example), _endpoint(app, "/api/v1/examples", "GET")()[example]
        elif job:
            if job not in job_texts:
                raise HTTPException(404, "this job's scenario is no longer kept (the server restarted); open the scenario again")
            chosen, text = job_texts[job]
        elif run:
            try:
                found = app.state.store.load(app.state.store.resolve(run))
            except GigawattError as exc:
                raise HTTPException(404, str(exc).splitlines()[0]) from None
            chosen = found.kind
            text = kept.text(found.run.id)
            if text is None:
                text, missing = compact(found)
                notes += [f"{key}: the file this run used is not among the uploads; upload it and name it here" for key in missing]
        fields = [{**f, "label": label(f["key"])} for f in web.form_fields(chosen)]
        techs = []
        if chosen == "plan":
            techs = [{"id": t, "name": catalog.display_name(t), "default": t in catalog.default_technologies()}
                     for t in catalog.technologies()["technology"]]
        return render("edit.html", text=text, kind=chosen, kinds=KINDS, example=example, fields=fields, notes=notes,
                      technologies=techs, map=chosen == "plan")

    @app.post("/api/v1/uploads", tags=["scenarios"])
    async def upload(file: UploadFile) -> dict[str, Any]:
        """Keep an hourly CSV series in the run store; returns the names to put in the scenario: ``name``,
        ``upload:<sha256>.csv`` (these very bytes), or ``named``, ``upload:<file name>`` (the latest upload of that name,
        which the editor's check and run resolve). The client's file name is never used as a path."""
        body = await file.read(web.MAX_UPLOAD_BYTES + 1)
        if len(body) > web.MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"the file is larger than {web.MAX_UPLOAD_BYTES // 1024 // 1024} MB; upload hourly series only")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(422, "the file is not UTF-8 text; upload a CSV") from None
        return kept.add_upload(body, file.filename or "upload.csv")

    @app.post("/api/v1/editor/set", tags=["scenarios"])
    def edit_text(request: EditRequest) -> dict[str, str]:
        """Write one dotted key into scenario text, keeping the rest (comments included); an empty value removes it."""
        return {"yaml": set_key(request.yaml, request.key, request.value)}

    @app.post("/api/v1/editor/check", tags=["scenarios"])
    def check(request: CheckRequest) -> dict[str, Any]:
        """Validate as ``/api/v1/validate`` (uploads named by name resolved first); with the values of ``keys``."""
        resolved = web.ValidateRequest(kind=request.kind, yaml=kept.resolve_text(request.yaml), set=request.set)
        answer = _endpoint(app, "/api/v1/validate", "POST")(resolved)
        return {**answer, "values": values(request.yaml, request.keys)}

    @app.post("/api/v1/editor/runs", tags=["runs"], status_code=202)
    def start(request: StartRequest) -> dict[str, Any]:
        """Start a run as ``POST /api/v1/runs`` does, keeping its text: by run id (to reopen) and by job (a failed run's way back)."""
        from gigawatt.store import run_id

        resolved = web.RunRequest(kind=request.kind, yaml=kept.resolve_text(request.yaml), set=request.set)
        job = _endpoint(app, "/api/v1/runs", "POST")(resolved)
        job_texts[job["id"]] = (request.kind, request.yaml)
        if not request.set:  # with overrides the text is not the whole scenario: the run reopens as its inputs
            model = web.scenario_inputs(resolved.kind, resolved.yaml, [], app.state.uploads)
            kept.keep_text(run_id(request.kind, api.load_inputs(request.kind, model.model_dump(mode="json", exclude_none=True))), request.kind, request.yaml)
        return job
