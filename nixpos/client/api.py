"""The server's API v1 (SPEC §3) over one ``httpx.AsyncClient``; every call ends in an ``Outcome``.

Calls never raise for what the server or the network did: they return
``Ok(body)``, ``Refused(status, code, message, extra)`` for a 4xx, or
``Unreachable(why)`` when no usable answer came (network, timeout, 5xx, not
JSON). ``perform`` makes the call a ``core.till_state`` command asks for.
Tests swap the transport (``httpx.MockTransport``) or point it at a real server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from nixpos.core.answers import Ok, Outcome, Refused, Unreachable
from nixpos.core.follow import DeleteCart, DiscardCart, PutCart, ResumeCart
from nixpos.core.sale_queue import UploadSale
from nixpos.core.sale_state import FetchCatalog, ListSales, PostRefund, PostSale
from nixpos.core.till_state import (
    Approve,
    Command,
    EndSession,
    FetchStatus,
    Poll,
    Quit,
    Unlock,
    UseApproval,
)

Json = dict[str, Any]
TIMEOUT = httpx.Timeout(5.0, connect=3.0)


class TillApi:
    def __init__(self, base_url: str, terminal_key: str | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.terminal_key = terminal_key
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=TIMEOUT,
                                       transport=transport,
                                       headers={"User-Agent": "nixpos-till"})

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, path: str, *, token: str | None = None,
                   body: Json | None = None, etag: str | None = None) -> Outcome:
        headers = {"If-None-Match": etag} if etag else {}
        if self.terminal_key:
            headers["X-Terminal-Key"] = self.terminal_key
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self._http.request(method, f"/api/v1{path}", json=body,
                                                headers=headers)
        except httpx.HTTPError as exc:
            return Unreachable(f"cannot reach the server: {exc.__class__.__name__}")
        if response.status_code == 304:
            return Ok({}, etag, not_modified=True)
        if response.status_code == 204:
            return Ok({})  # done, nothing to say (DELETE /pos/cart)
        try:
            data = response.json()
        except ValueError:
            data = None
        status = response.status_code
        if status >= 500 or not isinstance(data, dict):
            return Unreachable(f"the server answered {status} without a JSON object")
        if status >= 400:
            code = str(data.get("error", "unknown"))
            extra = {k: v for k, v in data.items() if k not in ("error", "message")}
            return Refused(status, code, str(data.get("message", code)), extra)
        return Ok(data, response.headers.get("ETag"))

    async def enroll(self, code: str, device_name: str, os_name: str) -> Outcome:
        return await self.call("POST", "/terminals/enroll",
                               body={"code": code, "device_name": device_name, "os": os_name})

    async def perform(self, command: Command) -> Outcome:
        """The HTTP call ``command`` stands for."""
        match command:
            case Unlock(pin=pin, override=override, take_over=take_over):
                body: Json = {"pin": pin, "override": override}
                if take_over:  # only when the person said yes (SPEC §7.3)
                    body["take_over"] = True
                return await self.call("POST", "/pos/unlock", body=body)
            case Poll(token=token, activity=True):
                return await self.call("POST", "/pos/session/activity", token=token, body={})
            case Poll(token=token):
                return await self.call("GET", "/pos/session", token=token)
            case FetchStatus():
                return await self.call("GET", "/terminal")
            case EndSession(token=token):
                return await self.call("POST", "/pos/session/lock", token=token, body={})
            case Approve(token=token, pin=pin, action=action, detail=detail):
                return await self.call("POST", "/pos/override", token=token,
                                       body={"pin": pin, "action": action, "detail": detail})
            case UseApproval(token=token, approval_id=approval_id, action=action):
                return await self.call("POST", f"/pos/approvals/{approval_id}/use",
                                       token=token, body={"action": action})
            case FetchCatalog(etag=etag):
                return await self.call("GET", "/pos/catalog", etag=etag)
            case PostSale(token=token, body=body) | UploadSale(token=str(token), body=body):
                return await self.call("POST", "/pos/sales", token=token, body=body)
            case UploadSale(body=body, session_id=session_id, proof=proof):
                # The session's token is gone: the terminal key and the sale's proof.
                return await self.call("POST", "/pos/sales",
                                       body=body | {"session_id": session_id, "proof": proof})
            case ListSales(token=token, limit=limit):
                return await self.call("GET", f"/pos/sales?limit={limit}", token=token)
            case PostRefund(token=token, sale_id=sale_id, body=body):
                return await self.call("POST", f"/pos/sales/{sale_id}/refunds", token=token,
                                       body=body)
            case PutCart(token=token, body=body):
                return await self.call("PUT", "/pos/cart", token=token, body=body)
            case DeleteCart(token=token):
                return await self.call("DELETE", "/pos/cart", token=token)
            case ResumeCart(token=token, client_id=client_id):
                return await self.call("POST", f"/pos/carts/{quote(client_id, safe='')}/resume",
                                       token=token, body={})
            case DiscardCart(token=token, client_id=client_id):
                return await self.call("POST", f"/pos/carts/{quote(client_id, safe='')}/discard",
                                       token=token, body={})
            case Quit():
                raise ValueError("Quit is not a server call")
        raise ValueError(f"unknown command {command!r}")
