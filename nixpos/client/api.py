"""The server's API v1 (SPEC §3) as async calls, over one ``httpx.AsyncClient``.

Errors form one tree, so callers decide by kind, not by status code::

    ApiError
    ├── Offline               the server could not be reached (network, timeout, 5xx)
    └── Refused               the server answered 4xx: ``code``, ``message``, ``extra``
        ├── PinRefused        invalid_pin, not_assigned, not_manager, invalid_request
        ├── LockedOut         terminal_locked, with ``retry_after_s``
        ├── TillRejected      invalid_terminal, terminal_deactivated, tenant_mismatch
        ├── SessionGone       invalid_token, session_ended
        └── EnrollmentRefused invalid_code

Tests swap the transport (``httpx.MockTransport``) or point it at a real server.
"""

from __future__ import annotations

from typing import Any

import httpx

Json = dict[str, Any]
TIMEOUT = httpx.Timeout(5.0, connect=3.0)


class ApiError(Exception):
    """Anything that kept a call from succeeding."""


class Offline(ApiError):
    """No usable answer: the network failed, timed out, or the server broke (5xx)."""


class Refused(ApiError):
    def __init__(self, status: int, code: str, message: str, extra: Json) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


class PinRefused(Refused):
    pass


class LockedOut(Refused):
    @property
    def retry_after_s(self) -> int:
        return int(self.extra.get("retry_after_s", 0))


class TillRejected(Refused):
    pass


class SessionGone(Refused):
    pass


class EnrollmentRefused(Refused):
    pass


_KINDS: dict[str, type[Refused]] = {
    "invalid_pin": PinRefused,
    "not_assigned": PinRefused,
    "not_manager": PinRefused,
    "invalid_request": PinRefused,
    "terminal_locked": LockedOut,
    "invalid_terminal": TillRejected,
    "terminal_deactivated": TillRejected,
    "tenant_mismatch": TillRejected,
    "invalid_token": SessionGone,
    "session_ended": SessionGone,
    "invalid_code": EnrollmentRefused,
}


class TillApi:
    def __init__(self, base_url: str, terminal_key: str | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.terminal_key = terminal_key
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=TIMEOUT,
                                       transport=transport,
                                       headers={"User-Agent": "nixpos-till"})

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, *, token: str | None = None,
                    body: Json | None = None) -> Json:
        headers = {}
        if self.terminal_key:
            headers["X-Terminal-Key"] = self.terminal_key
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self._http.request(method, f"/api/v1{path}", json=body,
                                                headers=headers)
        except httpx.HTTPError as exc:
            raise Offline(f"Cannot reach the server: {exc.__class__.__name__}") from exc
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code >= 500 or not isinstance(data, dict):
            raise Offline(f"The server answered {response.status_code}.")
        if response.status_code >= 400:
            code = str(data.get("error", "unknown"))
            kind = _KINDS.get(code, Refused)
            extra = {k: v for k, v in data.items() if k not in ("error", "message")}
            raise kind(response.status_code, code, str(data.get("message", code)), extra)
        return data

    async def enroll(self, code: str, device_name: str, os_name: str) -> Json:
        return await self._call("POST", "/terminals/enroll",
                                body={"code": code, "device_name": device_name, "os": os_name})

    async def terminal(self) -> Json:
        return await self._call("GET", "/terminal")

    async def unlock(self, pin: str, override: bool = False) -> Json:
        return await self._call("POST", "/pos/unlock", body={"pin": pin, "override": override})

    async def session(self, token: str) -> Json:
        return await self._call("GET", "/pos/session", token=token)

    async def activity(self, token: str) -> Json:
        return await self._call("POST", "/pos/session/activity", token=token, body={})

    async def lock(self, token: str) -> Json:
        return await self._call("POST", "/pos/session/lock", token=token, body={})

    async def approve(self, token: str, pin: str, action: str, detail: Json | None = None
                      ) -> Json:
        body = {"pin": pin, "action": action, "detail": detail or {}}
        return await self._call("POST", "/pos/override", token=token, body=body)

    async def use_approval(self, token: str, approval_id: int, action: str) -> Json:
        return await self._call("POST", f"/pos/approvals/{approval_id}/use", token=token,
                                body={"action": action})
