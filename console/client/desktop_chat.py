"""Desktop chat for a signed-in console: presence, contacts, messages and files.

``DesktopChatClient`` shares the ``AgentClient``'s connection and session token; its
events arrive on the same event stream (topics ``desk.*``). Files are sent from a path
and received into a folder (the downloads folder in the console) under a name that is
free there, so nothing the user already has is ever overwritten.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx

from console.client.agent_client import AgentClient, ApiError, ServerUnreachable
from console.wire_desktop_chat import (
    AttachmentPolicyView,
    DeskMe,
    DeskMessage,
    DeskRoster,
    DeskSnapshot,
    DirectoryEntry,
)

CHUNK = 64 * 1024


class FileProblem(ApiError):
    """A file to send or to save cannot be used; nothing was sent or kept."""


def download_names(name: str) -> Iterator[str]:
    """Names to save a received file under, first free one wins: ``a.pdf``, ``a (1).pdf``, ..."""
    stem, dot, ending = name.rpartition(".")
    if not (dot and stem):
        stem, ending = name, ""
    suffix = f".{ending}" if ending else ""
    yield name
    n = 1
    while True:
        yield f"{stem} ({n}){suffix}"
        n += 1


def safe_file_name(name: str) -> str:
    """The server's file name, reduced to a plain name that cannot leave the target folder."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base if base not in ("", ".", "..") else "attachment"


def create_free_file(folder: Path, name: str) -> tuple[Path, Any]:
    """Creates the first free ``download_names`` file in ``folder``; returns it open for writing."""
    for candidate in download_names(safe_file_name(name)):
        path = folder / candidate
        try:
            return path, path.open("xb")
        except FileExistsError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - download_names never ends


class DesktopChatClient:
    """Desktop-chat calls of one console session (``/api/v1/desktop-chat``)."""

    def __init__(self, agent: AgentClient) -> None:
        self.agent = agent

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return await self.agent._call(method, f"/desktop-chat{path}", body)

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.agent.token}"} if self.agent.token else {}

    # -- presence -------------------------------------------------------------------------
    async def state(self) -> DeskSnapshot:
        return DeskSnapshot.model_validate(await self._call("GET", ""))

    async def sign_in(self) -> DeskMe:
        return DeskMe.model_validate(await self._call("POST", "/session"))

    async def sign_out(self) -> DeskMe:
        return DeskMe.model_validate(await self._call("DELETE", "/session"))

    async def set_presence(self, presence: str) -> DeskMe:
        return DeskMe.model_validate(await self._call("PUT", "/presence", {"presence": presence}))

    # -- directory, contacts, groups ----------------------------------------------------------
    async def search(self, query: str) -> list[DirectoryEntry]:
        params = httpx.QueryParams({"q": query})
        return [DirectoryEntry.model_validate(e) for e in await self._call("GET", f"/directory?{params}")]

    async def roster(self) -> DeskRoster:
        return DeskRoster.model_validate(await self._call("GET", "/roster"))

    async def create_group(self, name: str) -> DeskRoster:
        return DeskRoster.model_validate(await self._call("POST", "/groups", {"name": name}))

    async def rename_group(self, group_id: int, name: str) -> DeskRoster:
        return DeskRoster.model_validate(await self._call("PATCH", f"/groups/{group_id}", {"name": name}))

    async def delete_group(self, group_id: int) -> DeskRoster:
        return DeskRoster.model_validate(await self._call("DELETE", f"/groups/{group_id}"))

    async def add_contact(self, username: str, display_name: str | None = None, *, group_id: int | None = None,
                          new_group: str | None = None) -> DeskRoster:
        body = {"username": username, "display_name": display_name, "group_id": group_id, "new_group": new_group}
        return DeskRoster.model_validate(await self._call("POST", "/contacts", _given(body)))

    async def edit_contact(self, username: str, group_id: int, *, display_name: str | None = None,
                           to_group_id: int | None = None, new_group: str | None = None) -> DeskRoster:
        body = {"group_id": group_id, "display_name": display_name, "to_group_id": to_group_id,
                "new_group": new_group}
        return DeskRoster.model_validate(await self._call("PATCH", f"/contacts/{username}", _given(body)))

    async def move_contacts(self, entries: list[tuple[str, int]], *, group_id: int | None = None,
                            new_group: str | None = None) -> DeskRoster:
        body = {"contacts": [{"username": u, "group_id": g} for u, g in entries], "group_id": group_id,
                "new_group": new_group}
        return DeskRoster.model_validate(await self._call("POST", "/contacts/move", _given(body)))

    async def delete_contacts(self, entries: list[tuple[str, int]]) -> DeskRoster:
        body = {"contacts": [{"username": u, "group_id": g} for u, g in entries]}
        return DeskRoster.model_validate(await self._call("POST", "/contacts/delete", body))

    # -- conversations -------------------------------------------------------------------------
    async def send(self, to: str, text: str) -> DeskMessage:
        return DeskMessage.model_validate(await self._call("POST", "/messages", {"to": to, "text": text}))

    async def typing(self, to: str, typing: bool) -> None:
        await self._call("POST", "/typing", {"to": to, "typing": typing})

    async def messages(self, after: int = 0) -> list[DeskMessage]:
        """Messages of my desktop-chat session after id ``after``, all of them."""
        found: list[DeskMessage] = []
        while True:
            page = [DeskMessage.model_validate(m) for m in await self._call("GET", f"/messages?after={after}")]
            found += page
            if not page:
                return found
            after = page[-1].id

    # -- files ---------------------------------------------------------------------------------
    async def send_file(self, to: str, path: str | os.PathLike[str], policy: AttachmentPolicyView | None = None
                        ) -> DeskMessage:
        """Offers the file at ``path`` to ``to``; the server's rules are checked here first when known."""
        file = Path(path).expanduser()
        try:
            size = file.stat().st_size
        except FileNotFoundError:
            raise FileProblem("client.file_not_found", f"There is no file at {file}.") from None
        except OSError as exc:
            raise FileProblem("client.file_unreadable", f"Cannot read {file}: {exc.strerror or exc}.") from None
        if not file.is_file():
            raise FileProblem("client.not_a_file", f"{file} is a folder, not a file.")
        if policy is not None:
            problem = policy_problem(policy, file.name, size)
            if problem:
                raise FileProblem(*problem)
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise FileProblem("client.file_unreadable", f"Cannot read {file}: {exc.strerror or exc}.") from None

        async def chunks() -> AsyncIterator[bytes]:
            with handle:
                while chunk := handle.read(CHUNK):
                    yield chunk

        try:
            response = await self.agent._http.post(
                "/api/v1/desktop-chat/attachments", params={"to": to, "name": file.name}, content=chunks(),
                headers={**self._headers, "Content-Type": "application/octet-stream", "Content-Length": str(size)},
            )
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"Cannot reach the server at {self.agent.base_url}: "
                                    f"{exc.__class__.__name__}") from exc
        finally:
            handle.close()
        return DeskMessage.model_validate(_payload(response))

    async def accept_file(self, message: DeskMessage, folder: str | os.PathLike[str]) -> Path:
        """Saves the offered file into ``folder`` under a free name, then accepts it; returns where.

        Nothing is accepted unless the whole file was saved; a partly written file is removed.
        """
        assert message.file is not None
        target_dir = Path(folder).expanduser()
        try:
            target_dir.mkdir(parents=True, exist_ok=True)
            path, out = create_free_file(target_dir, message.file.name)
        except OSError as exc:
            raise FileProblem("client.folder_unwritable",
                              f"Cannot save into {target_dir}: {exc.strerror or exc}.") from None
        try:
            with out:
                await self._download(message, out)
            await self._call("POST", f"/attachments/{message.id}/accept")
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    async def _download(self, message: DeskMessage, out: Any) -> None:
        assert message.file is not None
        url = f"/api/v1/desktop-chat/attachments/{message.id}"
        written = 0
        try:
            async with self.agent._http.stream("GET", url, headers=self._headers) as response:
                if response.status_code >= 400:
                    await response.aread()
                    _payload(response)
                async for chunk in response.aiter_bytes(CHUNK):
                    out.write(chunk)
                    written += len(chunk)
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"Cannot reach the server at {self.agent.base_url}: "
                                    f"{exc.__class__.__name__}") from exc
        except OSError as exc:
            raise FileProblem("client.folder_unwritable", f"Cannot save {message.file.name}: "
                              f"{exc.strerror or exc}.") from None
        if written != message.file.size:
            raise ApiError("desk.attachment.incomplete",
                           f"Only {written} of {message.file.size} bytes of {message.file.name} arrived.")

    async def decline_file(self, message_id: int) -> DeskMessage:
        return DeskMessage.model_validate(await self._call("POST", f"/attachments/{message_id}/decline"))


def format_size(size: int) -> str:
    """``512 bytes``, ``12.5 KB``, ``3.2 MB``: how the console shows a file's size."""
    if size < 1024:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def policy_problem(policy: AttachmentPolicyView, name: str, size: int) -> tuple[str, str] | None:
    """The code and message the server would refuse this file with, or None."""
    stem, dot, ending = name.rpartition(".")
    kind = f".{ending.lower()}" if dot and stem else ""
    if policy.allowed_types and kind not in policy.allowed_types:
        return ("desk.attachment.type_not_allowed",
                f"{name} cannot be sent: allowed types are {', '.join(policy.allowed_types)}.")
    if size > policy.max_bytes:
        return ("desk.attachment.too_large",
                f"{name} is {format_size(size)}; attachments are at most {format_size(policy.max_bytes)}.")
    return None


def _given(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _payload(response: httpx.Response) -> Any:
    try:
        payload = response.json()
    except ValueError:
        raise ApiError("client.bad_response", f"Unexpected answer from the server ({response.status_code}).",
                       response.status_code) from None
    if response.status_code >= 400:
        error = payload.get("error", {}) if isinstance(payload, dict) else {}
        raise ApiError(error.get("code", "http.error"), error.get("message", response.reason_phrase),
                       response.status_code)
    return payload
