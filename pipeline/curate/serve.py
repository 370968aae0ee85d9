"""``mirmine curate serve``: the review workbench, a Starlette application run by uvicorn on 127.0.0.1.

Safe to leave running: each request opens the store anew (a ``curate merge`` meanwhile shows on the next load) and
reads in one snapshot; each action is one transaction through ``decide`` (the same call ``curate decide`` makes) and
carries the finding's decision version, so a decision made on an out-of-date page is refused (409) instead of
overwriting a newer one. Every state change is a POST with a CSRF token: an HMAC, under a per-server secret, of a
random value in a SameSite=Strict cookie (403 without it). The Host header must name the address served (no DNS
rebinding), and the Content-Security-Policy runs only the page's own script.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .browse import Filters, browse, count_findings, finding_state
from .decide import StaleDecisionError, decide
from .pages import findings_page, message_page, precision_page
from .precision import estimate_precision, sample_findings
from .store import STATUSES, CurateError, open_store

DEFAULT_PORT = 8765
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_SAMPLE = 10_000
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; img-src 'self'"
)


class _Csrf:
    """Signed double-submit tokens: the form's token must be the HMAC of the browser's cookie under this server's secret."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret
        # Named after the secret: two servers on one host (cookies ignore ports) keep their own cookie.
        self.cookie = "mirmine_csrf_" + hashlib.sha256(secret).hexdigest()[:8]

    def token(self, value: str) -> str:
        return hmac.new(self.secret, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def valid(self, request: Request, form: FormData) -> bool:
        value, given = request.cookies.get(self.cookie, ""), str(form.get("csrf", ""))
        return bool(value and given) and hmac.compare_digest(self.token(value), given)


def make_app(db: Path, curator: str, *, hosts: Iterable[str] = LOOPBACK, secret: bytes | None = None) -> Starlette:
    """The workbench on the store ``db``, recording decisions as ``curator``; requests must name one of ``hosts``."""
    csrf = _Csrf(secret or secrets.token_bytes(32))
    store = db.name

    def render(request: Request, make: Callable[[str, str], str], status: int = 200) -> Response:
        """A page with a fresh script nonce and the CSRF cookie (set when the browser has none)."""
        value = request.cookies.get(csrf.cookie) or secrets.token_urlsafe(24)
        nonce = secrets.token_urlsafe(12)
        response = HTMLResponse(make(csrf.token(value), nonce), status_code=status, headers=_headers(nonce))
        if request.cookies.get(csrf.cookie) != value:
            response.set_cookie(csrf.cookie, value, httponly=True, samesite="strict", path="/")
        return response

    def message(request: Request, title: str, text: str, status: int, back: str = "/") -> Response:
        return render(request, lambda token, nonce: message_page(title, text, back=back, curator=curator, store=store, nonce=nonce), status)

    async def findings(request: Request) -> Response:
        page = await run_in_threadpool(browse, db, Filters.from_query(request.query_params))
        return render(request, lambda token, nonce: findings_page(page, token=token, curator=curator, store=store, nonce=nonce))

    async def precision(request: Request) -> Response:
        rows = await run_in_threadpool(estimate_precision, db)
        pending = await run_in_threadpool(count_findings, db, Filters(sample="1"))
        return render(
            request, lambda token, nonce: precision_page(rows, token=token, curator=curator, store=store, nonce=nonce, pending=pending)
        )

    def guarded(action: Callable[[Request, FormData], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        """A POST endpoint: CSRF checked first; a store's error becomes a page that says it."""

        async def endpoint(request: Request) -> Response:
            form = await request.form()
            if not csrf.valid(request, form):
                return message(
                    request, "Refused: the form's token does not match",
                    "This form was not made by this server for this browser (the server restarted, or the form came from "
                    "another site); nothing was recorded. Reload the page and try again.", 403,
                )  # fmt: skip
            try:
                return await action(request, form)
            except StaleDecisionError as err:
                return message(request, "Decided meanwhile", _stale_text(err), 409, back=_back(form))
            except CurateError as err:
                return message(request, "Nothing was recorded", str(err), 400, back=_back(form))

        return endpoint

    async def decide_action(request: Request, form: FormData) -> Response:
        await run_in_threadpool(_decide_from_form, db, curator, form)
        following = str(form.get("next", ""))
        anchor = f"#f-{following}" if following.isalnum() else ""
        return RedirectResponse(_back(form) + anchor, status_code=303)

    async def sample_action(request: Request, form: FormData) -> Response:
        n, seed = str(form.get("n", "")).strip(), str(form.get("seed", "")).strip()
        if not n.isdigit() or not 1 <= int(n) <= MAX_SAMPLE or (seed and not seed.isdigit()):
            raise CurateError(f"draw 1 to {MAX_SAMPLE} findings, with a whole-number seed or none")
        await run_in_threadpool(lambda: sample_findings(db, int(n), seed=int(seed) if seed else None))
        return RedirectResponse("/?" + urlencode(Filters(sample="1").query()), status_code=303)

    routes = [
        Route("/", findings, methods=["GET"]),
        Route("/precision", precision, methods=["GET"]),
        Route("/decide", guarded(decide_action), methods=["POST"]),
        Route("/sample", guarded(sample_action), methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=_host_names(hosts))])


def _decide_from_form(db: Path, curator: str, form: FormData) -> None:
    """One decision from a finding's form, in one transaction, refused when the finding's version moved on."""
    fid, version, status = (str(form.get(name, "")).strip() for name in ("finding_id", "version", "status"))
    if not version.isdigit():
        raise CurateError("the form carries no decision version; reload the page")
    state = finding_state(db, fid)
    if state is None:
        raise CurateError(f"no finding {fid!r} in this store; reload the page")
    if status == "keep":
        status = state["status"]
    if status not in STATUSES:
        raise CurateError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    # A field sent back as the page showed it changes nothing (so a relation that never fitted its partner is not checked).
    relation = _changed(form, "relation", state["corrected_relation"] or state["relation"])
    partner = _changed(form, "partner", state["corrected_partner"] or state["partner"])
    # An untouched direction is no correction: with a corrected relation, the direction it implies stands.
    direction = _changed(form, "direction", state["shown_direction"])
    decide(
        db, fid, status, note=str(form.get("note", state["note"])), curator=curator, relation=relation, partner=partner,
        direction=direction, expected_version=int(version),
    )  # fmt: skip


def _changed(form: FormData, name: str, shown: str) -> str | None:
    value = form.get(name)
    return None if value is None or str(value).strip() == shown else str(value)


def _back(form: FormData) -> str:
    """The findings list the form came from, its query string rebuilt from known filters only (no open redirect)."""
    query = urlencode(Filters.from_query(dict(parse_qsl(str(form.get("back", ""))))).query())
    return f"/?{query}" if query else "/"


def _stale_text(err: StaleDecisionError) -> str:
    return (
        f"This finding ({err.finding_id}) was decided ({err.status}) by {err.curator} at {err.decided_at} since you loaded "
        "the page, so your decision was not recorded over it. Reload the page to see the newer decision, then decide again."
    )


def _headers(nonce: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": _CSP.format(nonce=nonce), "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
    }  # fmt: skip


def _host_names(hosts: Iterable[str]) -> list[str]:
    names = [name.strip("[]") for name in hosts]
    return ["*"] if "*" in names or "0.0.0.0" in names or "::" in names else [*names, *(f"[{n}]" for n in names if ":" in n)]


def check_store(db: Path) -> str:
    """Open the store once (its schema checked or brought up to date) and make sure it is in WAL mode; its journal mode."""
    with open_store(db) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    return str(mode)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one); OSError when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def run_server(app: Starlette, sock: socket.socket) -> None:
    """Serve ``app`` on the bound socket with uvicorn until interrupted (Ctrl-C)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])
