"""Service settings, from the environment (prefix BEATPLAN_)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The host names a server answers to when none are configured: this machine only, so a
# page opened through another name (a DNS rebinding attack on `beatplan demo`) is refused.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BEATPLAN_")

    database_url: str = "sqlite:///beatplan.sqlite"
    solve_time_limit: float = 30.0
    roster_time_limit: float = 60.0  # a 13-week roster's search, when a request gives none
    solve_workers: int = 2
    # what solve_time_limit, roster_time_limit (or a request's time limit) count for a
    # week's solve, repair or deployment and a roster's search: "clock" seconds, or
    # "work", the solver's units of work (1.5 to 4 s each on a quiet 2-core machine), so
    # a loaded server takes longer instead of finding less (`scheduler.SolveOptions.limit`)
    solve_limit_by: Literal["clock", "work"] = "clock"
    job_poll_seconds: float = 0.05
    # a running job's heartbeat (api.worker's lease); well under its 60 s staleness
    heartbeat_seconds: float = Field(5.0, gt=0, le=30)
    public_url: str | None = None  # base of feed URLs; else the request's own
    # the host names (Host header) the server answers to, comma-separated; "*.example.org"
    # takes every name under example.org. The host of public_url is always allowed.
    allowed_hosts: Annotated[tuple[str, ...], NoDecode] = LOCAL_HOSTS
    # the largest request body taken: a 30-strong team's scenario is about 18 kB
    max_body_bytes: int = 2_000_000
    # a page session ends after this long unused, and this long after signing in at most
    session_idle_minutes: int = Field(120, ge=5, le=720)
    session_max_hours: int = Field(12, ge=1, le=24)

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _host_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            hosts = tuple(str(host).strip().lower() for host in value if str(host).strip())
            for host in hosts:
                if "/" in host or (":" in host and not host.startswith("[")):
                    raise ValueError(
                        f"allowed host {host!r} is not a bare host name; give the name alone, "
                        "without scheme, port or path (e.g. beatplan.example.org)"
                    )
            if not hosts:
                raise ValueError("no allowed host given; name at least one host name")
            return hosts
        return value

    @model_validator(mode="after")
    def _idle_within_max(self) -> Settings:
        if self.session_idle_minutes > self.session_max_hours * 60:
            raise ValueError(
                f"session_idle_minutes ({self.session_idle_minutes}) is longer than "
                f"session_max_hours ({self.session_max_hours} h); make it shorter"
            )
        return self

    @property
    def host_names(self) -> tuple[str, ...]:
        """The allowed host names, with the public address's own."""
        public = urlsplit(self.public_url).hostname if self.public_url else None
        return self.allowed_hosts + ((public.lower(),) if public else ())


@lru_cache
def get_settings() -> Settings:
    return Settings()
