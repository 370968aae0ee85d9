"""The sidecar state of an unfinished fetch, so that a rerun with the same arguments goes on where it stopped.

Beside ``FILE`` live ``FILE.part`` (the records written so far) and ``FILE.fetch.json``: the arguments that identify
the fetch, the PMID list (from esearch or --pmids; no WebEnv, which expires), how many of those PMIDs are done and
the size of ``FILE.part`` after the last complete batch. A finished fetch removes both.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import FetchError

STATE_VERSION = 1


class StateError(FetchError):
    """A state file that belongs to another fetch or cannot be read."""


@dataclass
class FetchState:
    """Progress of one fetch: ``done`` PMIDs of ``pmids`` are written (or were asked for and not returned)."""

    arguments: dict[str, Any]
    pmids: list[str]
    count: int
    done: int = 0
    records: int = 0
    part_bytes: int = 0
    missing: list[str] = field(default_factory=list)


def state_path(out: Path) -> Path:
    """``FILE.fetch.json`` beside the output file."""
    return out.with_name(out.name + ".fetch.json")


def part_path(out: Path) -> Path:
    """``FILE.part`` beside the output file: the records written so far, renamed to ``FILE`` when complete."""
    return out.with_name(out.name + ".part")


def load_state(out: Path, arguments: dict[str, Any]) -> FetchState | None:
    """The state of an unfinished fetch into ``out`` with these arguments; None when there is none."""
    path = state_path(out)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise StateError(f"{path}: not a readable fetch state ({err}); delete it, or pass --restart") from err
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise StateError(f"{path}: not a fetch state of this mirmine version; delete it, or pass --restart")
    if data.get("arguments") != arguments:
        raise StateError(
            f"{path}: an unfinished fetch into {out} with other arguments ({_describe(data.get('arguments'))}); "
            "run that command again to finish it, pass --restart to drop it, or choose another --out"
        )
    data.pop("version")
    try:
        return FetchState(**data)
    except TypeError as err:
        raise StateError(f"{path}: not a fetch state of this mirmine version; delete it, or pass --restart") from err


def _describe(arguments: Any) -> str:
    if not isinstance(arguments, dict):
        return "unknown"
    shown = {name: value for name, value in arguments.items() if value is not None and name != "pmids_sha256"}
    return ", ".join(f"{name} {value!r}" for name, value in shown.items()) or "a PMID list"


def save_state(out: Path, state: FetchState) -> None:
    """Write the state atomically (a temporary file beside it, synced, then renamed)."""
    path = state_path(out)
    text = json.dumps({"version": STATE_VERSION, **asdict(state)}, indent=1) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_state(out: Path) -> None:
    """Forget an unfinished fetch into ``out``: its state and its part file."""
    state_path(out).unlink(missing_ok=True)
    part_path(out).unlink(missing_ok=True)
