"""Service settings, from the environment (prefix BEATPLAN_)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BEATPLAN_")

    database_url: str = "sqlite:///beatplan.sqlite"
    solve_time_limit: float = 30.0
    solve_workers: int = 2
    job_poll_seconds: float = 0.05
    # a running job's heartbeat (api.worker's lease); well under its 60 s staleness
    heartbeat_seconds: float = Field(5.0, gt=0, le=30)
    public_url: str | None = None  # base of feed URLs; else the request's own
    # the largest request body taken: a 30-strong team's scenario is about 18 kB
    max_body_bytes: int = 2_000_000


@lru_cache
def get_settings() -> Settings:
    return Settings()
