"""Wire models of Response Management and e-FAQ in the agent API (``docs/api.md``).

Shared by the server and the client, like ``console.wire``: JSON shapes only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from console.wire import StrictRequest, TranscriptEntry, WireModel

ResponseKindName = Literal["message", "url", "file"]

# -- requests ---------------------------------------------------------------------------------


class ResponseRequest(StrictRequest):
    """Create (``POST /responses``) or replace (``PUT /responses/{id}``) a response.

    ``library_id`` is read on create only: absent or null means the caller's My Responses.
    Which of ``body``, ``url`` and ``file_id`` matter depends on ``kind``; the server
    answers ``response.text_empty``, ``response.url_invalid`` or ``response.file_required``.
    """

    library_id: int | None = None
    category_id: int | None = None
    kind: ResponseKindName = "message"
    title: str = Field(max_length=200)
    body: str = ""
    url: str = Field(default="", max_length=2000)
    file_id: int | None = None
    shortcut: str | None = Field(default=None, max_length=40)


class CategoryRequest(StrictRequest):
    library_id: int | None = None
    """On create only: absent or null means My Responses."""
    parent_id: int | None = None
    name: str = Field(max_length=100)


class LibraryRequest(StrictRequest):
    name: str = Field(max_length=100)
    workgroups: list[str] = Field(default_factory=list, max_length=100)


class FillRequest(StrictRequest):
    """Which response to insert or send: by id, or by shortcut code (``"hello"`` or ``"/hello"``)."""

    response_id: int | None = None
    shortcut: str | None = Field(default=None, min_length=1, max_length=40)

    @model_validator(mode="after")
    def _exactly_one(self) -> "FillRequest":
        if (self.response_id is None) == (self.shortcut is None):
            raise ValueError("name exactly one of response_id and shortcut")
        return self


class FaqDatabaseRequest(StrictRequest):
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=1000)


class FaqEntryRequest(StrictRequest):
    database_id: int | None = None
    """Required on create; on update, moves the entry to another database."""
    question: str
    answer: str


# -- responses --------------------------------------------------------------------------------


class ResponseFile(WireModel):
    id: int
    name: str
    size: int
    content_type: str


class ResponseView(WireModel):
    id: int
    library_id: int
    category_id: int | None
    kind: ResponseKindName
    title: str
    body: str
    url: str
    file: ResponseFile | None
    shortcut: str | None
    favorite: bool
    editable: bool
    updated_at: float
    score: float | None = None
    """Only in search results: higher is a better match."""


class CategoryView(WireModel):
    id: int
    name: str
    parent_id: int | None


class CategoryDetail(CategoryView):
    library_id: int
    path: str


class LibraryInfo(WireModel):
    id: int
    name: str
    kind: Literal["system", "personal"]
    workgroups: list[str]
    editable: bool


class LibraryView(LibraryInfo):
    categories: list[CategoryView]
    responses: list[ResponseView]


class ResponseTree(WireModel):
    libraries: list[LibraryView]
    favorites: list[int]


class InsertedResponse(WireModel):
    response_id: int
    kind: ResponseKindName
    title: str
    text: str
    """The message (or URL) with placeholders filled; for a file, its name."""
    unknown_placeholders: list[str]


class SentResponse(WireModel):
    response_id: int
    kind: ResponseKindName
    entry: TranscriptEntry


class FaqDatabase(WireModel):
    id: int
    name: str
    description: str
    entries: int


class FaqEntry(WireModel):
    id: int
    database_id: int
    database: str
    question: str
    answer: str
    updated_at: float
    score: float | None = None
    """Only in search results: higher is a better match."""
