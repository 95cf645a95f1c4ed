"""A till's settings per profile: server URL and who it is, in the platform config dir.

``--profile`` keeps several tills apart on one machine (SPEC §4): each has its
own ``<config dir>/nixpos/<profile>/till.json`` and its own keyring entry.
The till key itself is never written here (see ``client.secrets``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

PROFILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class ConfigError(ValueError):
    """The settings cannot be used; the message says what to do."""


def check_profile(profile: str) -> str:
    if not PROFILE.match(profile):
        raise ConfigError(
            f"Profile {profile!r} is not usable: use letters, digits, '-', '_' or '.' "
            "(at most 40), e.g. --profile till-2."
        )
    return profile


def config_dir(profile: str) -> Path:
    base = os.environ.get("NIXPOS_CONFIG_DIR") or platformdirs.user_config_dir(
        "nixpos", appauthor=False)
    return Path(base) / check_profile(profile)


@dataclass
class TillConfig:
    server_url: str
    terminal_name: str = ""
    tenant_code: str = ""
    tenant_name: str = ""

    @classmethod
    def load(cls, profile: str) -> TillConfig | None:
        path = config_dir(profile) / "till.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{k: str(data[k]) for k in ("server_url", "terminal_name",
                                                    "tenant_code", "tenant_name")})
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path} is damaged ({exc}). Delete it and enroll again.") from exc

    def save(self, profile: str) -> Path:
        directory = config_dir(profile)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "till.json"
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        return path


def check_server_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not re.match(r"^https?://[^\s/]+", url):
        raise ConfigError(f"{url!r} is not a server address; it looks like "
                          "http://192.168.1.10:8765")
    return url
