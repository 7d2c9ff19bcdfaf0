"""`gigawatt security`: the weight-security posture of a scenario's sites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gigawatt.cli._common import JsonOption, SetOption, app, examples, out_console, print_json

security_app = typer.Typer(help="Weight security: what a site can reach, requirement by requirement.", no_args_is_help=True, rich_markup_mode="rich")
app.add_typer(security_app, name="security")


@security_app.command("check", epilog=examples(
    "gigawatt security check examples/security/sl3-inference-campus.yaml",
    "gigawatt security check examples/security/sl4-siting.yaml --json",
))
def check_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.yaml", show_default=False, help="A plan, site or buildout scenario with a security section (or constraints.security_level)")],
    overrides: SetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print each site's posture against its security level: requirement, status, why and source (exit 0)."""
    from rich.table import Table
    from rich.text import Text

    from gigawatt import api
    from gigawatt.security import checks as security
    from gigawatt.core.inputs import read_yaml

    data, _ = read_yaml(file)
    kind = api.looks_like(data) or "plan"
    model = api.load_inputs(kind, file, overrides)
    api.check_references(kind, model)  # a mistyped accelerator or region fails here, as in `gigawatt validate`
    found = api.security_postures(kind, model)
    if as_json:
        from gigawatt.core.documents import envelope

        print_json(envelope("security_check", sites=[{"site": name, "checks": [c.to_dict() for c in checks]} for name, checks in found]))
        return
    console = out_console()
    for name, checks in found:
        level = model.security.level if getattr(model, "security", None) is not None else model.constraints.security_level
        table = Table(title=f"{name}: {level} posture")
        for column in ("requirement", "status", "why", "source"):
            table.add_column(column, overflow="fold", max_width=None if column != "source" else 60)
        for c in checks:
            style = {"meets": "green", "fails": "red"}.get(c.status, "yellow")
            table.add_row(c.requirement, Text(c.status, style=style), c.why, c.source[:160])
        console.print(table)
        failed = security.first_failure(checks)
        console.print(f"{name}: {'fails at ' + failed.requirement if failed else 'no requirement fails'}"
                      f"{'' if failed else ' (some cannot be judged from the inputs)' if any(c.status == security.UNKNOWN for c in checks) else ''}", highlight=False)
