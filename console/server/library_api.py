"""Agent API for Response Management and e-FAQ (``/api/v1/responses``, ``/api/v1/faq``).

Included in the agent API by ``app.py``; same bearer tokens, same error body, error codes
in ``STATUS_OF`` and ``docs/api.md``. Search answers skip response-model validation: they
are the calls a console makes on every keystroke, and the server builds them itself.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from console.core.errors import CallboardError
from console.server.agent_api import Auth
from console.server.faq import FaqLibrary
from console.server.response_library import ResponseFields, ResponseLibrary
from console.wire_library import (
    CategoryDetail,
    CategoryRequest,
    FaqDatabase,
    FaqDatabaseRequest,
    FaqEntry,
    FaqEntryRequest,
    FillRequest,
    InsertedResponse,
    LibraryInfo,
    LibraryRequest,
    ResponseFile,
    ResponseRequest,
    ResponseTree,
    ResponseView,
    SentResponse,
)

FILE_UPLOAD_PATH = "/api/v1/responses/files"
"""Takes a raw file body up to the file limit instead of the 64 KiB request limit."""

MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
"""Ids are SQLite row ids, from 1; other numbers cannot exist (and are refused as ``request.invalid``)."""

_CONTENT_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*")


def _fields(body: ResponseRequest) -> ResponseFields:
    return ResponseFields(body.kind, body.title, body.body, body.url, body.file_id, body.shortcut, body.category_id)


def _check_ids(*ids: int | None) -> None:
    if any(i is not None and not -MAX_ID <= i <= MAX_ID for i in ids):
        raise CallboardError("request.invalid", "Ids are at most 2**63 - 1.")


def _database_ids(raw: str | None) -> list[int] | None:
    """``databases=1,3`` -> [1, 3]; absent -> None (every database); empty -> []."""
    if raw is None:
        return None
    ids = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or int(part) > MAX_ID:
            raise CallboardError("request.invalid", "databases: comma-separated FAQ database ids, e.g. 1,3.")
        ids.append(int(part))
    return ids


def build_library_router(responses: ResponseLibrary, faq: FaqLibrary) -> APIRouter:
    router = APIRouter()

    # -- the library tree and search -----------------------------------------------------------
    @router.get("/responses", response_model=ResponseTree)
    async def response_tree(auth: Auth) -> dict[str, Any]:
        """Every library the caller can use (My Responses first), with categories, responses, favorites."""
        return responses.tree(auth[0])

    @router.get("/responses/search", response_model=None,
                responses={200: {"model": list[ResponseView], "description": "Best match first"}})
    async def response_search(
        auth: Auth, q: str = "", limit: Annotated[int, Query(ge=1, le=50)] = 20,
    ) -> JSONResponse:
        return JSONResponse(responses.search(auth[0], q, limit))

    # -- files for file responses ------------------------------------------------------------------
    @router.post("/responses/files", status_code=201, response_model=ResponseFile,
                 openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}, "required": True}})
    async def upload_file(request: Request, auth: Auth, name: str = "") -> dict[str, Any]:
        """The raw file is the body; ``?name=`` names it. Limit: ``ServerSettings.response_file_limit``."""
        declared = request.headers.get("content-type", "").split(";")[0].strip()
        content_type = declared if _CONTENT_TYPE.fullmatch(declared) and len(declared) <= 100 else \
            "application/octet-stream"
        return responses.upload(auth[0], name, content_type, await request.body())

    # -- system-wide libraries (supervisors) ------------------------------------------------------
    @router.post("/responses/libraries", status_code=201, response_model=LibraryInfo)
    async def create_library(body: LibraryRequest, auth: Auth) -> dict[str, Any]:
        return responses.create_library(auth[0], body.name, body.workgroups)

    @router.put("/responses/libraries/{library_id}", response_model=LibraryInfo)
    async def update_library(library_id: Id, body: LibraryRequest, auth: Auth) -> dict[str, Any]:
        return responses.update_library(auth[0], library_id, body.name, body.workgroups)

    @router.delete("/responses/libraries/{library_id}", status_code=204)
    async def delete_library(library_id: Id, auth: Auth) -> Response:
        responses.delete_library(auth[0], library_id)
        return Response(status_code=204)

    # -- categories ----------------------------------------------------------------------------------
    @router.post("/responses/categories", status_code=201, response_model=CategoryDetail)
    async def create_category(body: CategoryRequest, auth: Auth) -> dict[str, Any]:
        _check_ids(body.library_id, body.parent_id)
        return responses.create_category(auth[0], body.library_id, body.parent_id, body.name)

    @router.put("/responses/categories/{category_id}", response_model=CategoryDetail)
    async def update_category(category_id: Id, body: CategoryRequest, auth: Auth) -> dict[str, Any]:
        _check_ids(body.parent_id)
        return responses.update_category(auth[0], category_id, body.parent_id, body.name)

    @router.delete("/responses/categories/{category_id}", status_code=204)
    async def delete_category(category_id: Id, auth: Auth) -> Response:
        responses.delete_category(auth[0], category_id)
        return Response(status_code=204)

    # -- responses ---------------------------------------------------------------------------------
    @router.post("/responses", status_code=201, response_model=ResponseView)
    async def create_response(body: ResponseRequest, auth: Auth) -> dict[str, Any]:
        _check_ids(body.library_id, body.category_id, body.file_id)
        return responses.create(auth[0], body.library_id, _fields(body))

    @router.get("/responses/{response_id}", response_model=ResponseView)
    async def get_response(response_id: Id, auth: Auth) -> dict[str, Any]:
        return responses.get(auth[0], response_id)

    @router.put("/responses/{response_id}", response_model=ResponseView)
    async def update_response(response_id: Id, body: ResponseRequest, auth: Auth) -> dict[str, Any]:
        _check_ids(body.category_id, body.file_id)
        return responses.update(auth[0], response_id, _fields(body))

    @router.delete("/responses/{response_id}", status_code=204)
    async def delete_response(response_id: Id, auth: Auth) -> Response:
        responses.delete(auth[0], response_id)
        return Response(status_code=204)

    @router.put("/responses/{response_id}/favorite", status_code=204)
    async def add_favorite(response_id: Id, auth: Auth) -> Response:
        responses.set_favorite(auth[0], response_id, True)
        return Response(status_code=204)

    @router.delete("/responses/{response_id}/favorite", status_code=204)
    async def remove_favorite(response_id: Id, auth: Auth) -> Response:
        responses.set_favorite(auth[0], response_id, False)
        return Response(status_code=204)

    # -- into a chat ---------------------------------------------------------------------------------
    @router.post("/interactions/{interaction_id}/responses/insert", response_model=InsertedResponse)
    async def insert_response(interaction_id: str, body: FillRequest, auth: Auth) -> dict[str, Any]:
        """The response filled in for this interaction, for the reply line; nothing is sent."""
        _check_ids(body.response_id)
        return responses.insert(auth[0], interaction_id, body.response_id, body.shortcut)

    @router.post("/interactions/{interaction_id}/responses/send", status_code=201, response_model=SentResponse)
    async def send_response(interaction_id: str, body: FillRequest, auth: Auth) -> dict[str, Any]:
        """Sends the filled-in response to the visitor: a message, a URL or a file."""
        _check_ids(body.response_id)
        return responses.send(auth[0], interaction_id, body.response_id, body.shortcut)

    # -- e-FAQ ------------------------------------------------------------------------------------------
    @router.get("/faq/databases", response_model=list[FaqDatabase])
    async def faq_databases(auth: Auth) -> list[dict[str, Any]]:
        return faq.databases()

    @router.post("/faq/databases", status_code=201, response_model=FaqDatabase)
    async def create_faq_database(body: FaqDatabaseRequest, auth: Auth) -> dict[str, Any]:
        return faq.create_database(auth[0], body.name, body.description)

    @router.put("/faq/databases/{database_id}", response_model=FaqDatabase)
    async def update_faq_database(database_id: Id, body: FaqDatabaseRequest, auth: Auth) -> dict[str, Any]:
        return faq.update_database(auth[0], database_id, body.name, body.description)

    @router.delete("/faq/databases/{database_id}", status_code=204)
    async def delete_faq_database(database_id: Id, auth: Auth) -> Response:
        faq.delete_database(auth[0], database_id)
        return Response(status_code=204)

    @router.get("/faq/databases/{database_id}/entries", response_model=list[FaqEntry])
    async def faq_entries(
        database_id: Id, auth: Auth,
        offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0, limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[dict[str, Any]]:
        return faq.entries(database_id, offset, limit)

    @router.get("/faq/search", response_model=None,
                responses={200: {"model": list[FaqEntry], "description": "Best match first"}})
    async def faq_search(
        auth: Auth, q: str = "", databases: str | None = None, limit: Annotated[int, Query(ge=1, le=50)] = 20,
    ) -> JSONResponse:
        return JSONResponse(faq.search(q, _database_ids(databases), limit))

    @router.get("/faq/entries/{entry_id}", response_model=FaqEntry)
    async def faq_entry(entry_id: Id, auth: Auth) -> dict[str, Any]:
        return faq.entry(entry_id)

    @router.post("/faq/entries", status_code=201, response_model=FaqEntry)
    async def create_faq_entry(body: FaqEntryRequest, auth: Auth) -> dict[str, Any]:
        _check_ids(body.database_id)
        if body.database_id is None:
            raise CallboardError("request.invalid", "database_id: required to create an entry.")
        return faq.create_entry(auth[0], body.database_id, body.question, body.answer)

    @router.put("/faq/entries/{entry_id}", response_model=FaqEntry)
    async def update_faq_entry(entry_id: Id, body: FaqEntryRequest, auth: Auth) -> dict[str, Any]:
        _check_ids(body.database_id)
        return faq.update_entry(auth[0], entry_id, body.database_id, body.question, body.answer)

    @router.delete("/faq/entries/{entry_id}", status_code=204)
    async def delete_faq_entry(entry_id: Id, auth: Auth) -> Response:
        faq.delete_entry(auth[0], entry_id)
        return Response(status_code=204)

    return router
