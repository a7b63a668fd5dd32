"""The committee's web console (/console) and the applicant's status page (/status).

Server-rendered Jinja2 pages with plain forms, in Kazakh and Russian. All state (users,
sessions, lockouts, rate limits, review drafts, the audit trail) is in the hub's
database, so any number of hub processes can serve it. docs/console.md explains it.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from ozq_hub.console import admin, pages, status, web
from ozq_hub.console.i18n import M_

# Messages the error pages may show (PageError raised with these ids).
ERRORS = (
    M_("Your role does not allow this page."),
    M_("The form has expired or did not come from this site. Open the page again."),
    M_("No such package in your department."),
    M_("No such scan in this package."),
    M_("The scan has not reached the hub."),
    M_("The decision cannot be recorded: {reason}"),
    M_("Give a date and what the day becomes."),
    M_("The branch code is letters, digits and dashes."),
    M_("Enter the branch's name."),
)


def install(app: FastAPI) -> None:
    """Mount the console, the status page, their static files and error pages."""

    async def on_redirect(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, web.PageRedirect)
        return web.redirect(exc.url)

    async def on_page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, web.PageError)
        return web.render(
            request,
            "error.html",
            status=exc.status,
            message=web.i18n.translate(exc.msgid, web.lang_of(request), **exc.params),
        )

    app.add_exception_handler(web.PageRedirect, on_redirect)
    app.add_exception_handler(web.PageError, on_page_error)
    app.mount("/console/static", StaticFiles(directory=web.HERE / "static"), name="console-static")
    for router in (pages.router, admin.router, status.router):
        app.include_router(router)
    app.add_middleware(web.SecurityHeaders)
