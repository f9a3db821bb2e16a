"""Response Management and e-FAQ calls of the agent API, for the console's sidebars.

A thin layer over ``AgentClient`` (same session, same errors): answers come back as the
wire models of ``console.wire_library``.
"""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path
from typing import Any

from console.client.agent_client import AgentClient
from console.wire_library import (
    FaqDatabase,
    FaqEntry,
    InsertedResponse,
    LibraryInfo,
    ResponseFile,
    ResponseTree,
    ResponseView,
    SentResponse,
)


class LibraryClient:
    """Responses, favorites, inserts and sends, FAQ search; supervisors' edits too."""

    def __init__(self, client: AgentClient) -> None:
        self.client = client

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return await self.client._call(method, path, body, **kwargs)

    # -- responses --------------------------------------------------------------------------------
    async def tree(self) -> ResponseTree:
        return ResponseTree.model_validate(await self._call("GET", "/responses"))

    async def search(self, text: str, limit: int = 20) -> list[ResponseView]:
        found = await self._call("GET", "/responses/search", params={"q": text, "limit": limit})
        return [ResponseView.model_validate(r) for r in found]

    async def create(self, **fields: Any) -> ResponseView:
        return ResponseView.model_validate(await self._call("POST", "/responses", fields))

    async def update(self, response_id: int, **fields: Any) -> ResponseView:
        return ResponseView.model_validate(await self._call("PUT", f"/responses/{response_id}", fields))

    async def delete(self, response_id: int) -> None:
        await self._call("DELETE", f"/responses/{response_id}")

    async def set_favorite(self, response_id: int, favorite: bool) -> None:
        await self._call("PUT" if favorite else "DELETE", f"/responses/{response_id}/favorite")

    async def upload(self, path: Path) -> ResponseFile:
        """Uploads a file from this machine for a file response."""
        data = await asyncio.to_thread(path.read_bytes)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        answer = await self._call("POST", "/responses/files", params={"name": path.name}, content=data,
                                  content_type=content_type)
        return ResponseFile.model_validate(answer)

    async def create_library(self, name: str, workgroups: list[str]) -> LibraryInfo:
        return LibraryInfo.model_validate(
            await self._call("POST", "/responses/libraries", {"name": name, "workgroups": workgroups})
        )

    async def delete_library(self, library_id: int) -> None:
        await self._call("DELETE", f"/responses/libraries/{library_id}")

    async def create_category(self, library_id: int | None, name: str, parent_id: int | None = None) -> dict:
        return await self._call("POST", "/responses/categories",
                                {"library_id": library_id, "name": name, "parent_id": parent_id})

    async def delete_category(self, category_id: int) -> None:
        await self._call("DELETE", f"/responses/categories/{category_id}")

    # -- into a chat ----------------------------------------------------------------------------------
    async def insert(self, interaction_id: str, *, response_id: int | None = None,
                     shortcut: str | None = None) -> InsertedResponse:
        body = {"response_id": response_id} if response_id is not None else {"shortcut": shortcut}
        return InsertedResponse.model_validate(
            await self._call("POST", f"/interactions/{interaction_id}/responses/insert", body)
        )

    async def send(self, interaction_id: str, *, response_id: int | None = None,
                   shortcut: str | None = None) -> SentResponse:
        body = {"response_id": response_id} if response_id is not None else {"shortcut": shortcut}
        return SentResponse.model_validate(
            await self._call("POST", f"/interactions/{interaction_id}/responses/send", body)
        )

    # -- e-FAQ ----------------------------------------------------------------------------------------
    async def faq_databases(self) -> list[FaqDatabase]:
        return [FaqDatabase.model_validate(d) for d in await self._call("GET", "/faq/databases")]

    async def faq_search(self, text: str, databases: list[int] | None = None, limit: int = 20) -> list[FaqEntry]:
        params: dict[str, Any] = {"q": text, "limit": limit}
        if databases is not None:
            params["databases"] = ",".join(str(d) for d in databases)
        return [FaqEntry.model_validate(e) for e in await self._call("GET", "/faq/search", params=params)]

    async def faq_entries(self, database_id: int, offset: int = 0, limit: int = 500) -> list[FaqEntry]:
        found = await self._call("GET", f"/faq/databases/{database_id}/entries",
                                 params={"offset": offset, "limit": limit})
        return [FaqEntry.model_validate(e) for e in found]

    async def create_faq_entry(self, database_id: int, question: str, answer: str) -> FaqEntry:
        return FaqEntry.model_validate(await self._call(
            "POST", "/faq/entries", {"database_id": database_id, "question": question, "answer": answer}
        ))

    async def update_faq_entry(self, entry_id: int, database_id: int, question: str, answer: str) -> FaqEntry:
        return FaqEntry.model_validate(await self._call(
            "PUT", f"/faq/entries/{entry_id}", {"database_id": database_id, "question": question, "answer": answer}
        ))

    async def delete_faq_entry(self, entry_id: int) -> None:
        await self._call("DELETE", f"/faq/entries/{entry_id}")

    async def create_faq_database(self, name: str, description: str = "") -> FaqDatabase:
        return FaqDatabase.model_validate(
            await self._call("POST", "/faq/databases", {"name": name, "description": description})
        )

    async def delete_faq_database(self, database_id: int) -> None:
        await self._call("DELETE", f"/faq/databases/{database_id}")
