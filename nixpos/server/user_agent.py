"""Naming a device from its browser's User-Agent header: "Chrome", "Linux".

Used where a back-office sign-in does not say what it is: the JSON login
without an ``os`` field, and every sign-in from the web pages.
"""

from __future__ import annotations

_SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"),
            ("iPad", "iPadOS"), ("Mac OS", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))
# Order matters: Edge and Opera also say "Chrome/", Chrome also says "Safari/".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))


def operating_system(agent: str) -> str | None:
    return next((name for needle, name in _SYSTEMS if needle in agent), None)


def device(agent: str) -> tuple[str, str]:
    """(browser, OS), e.g. ("Chrome", "Linux"); ("Browser", "Unknown OS") when unsure."""
    browser = next((name for needle, name in _BROWSERS if needle in agent), "Browser")
    return browser, operating_system(agent) or "Unknown OS"
