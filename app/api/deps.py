"""Dependencies every controller uses: the caller, the settings, the file store and the job queue."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from app.jobs import JobQueue
from app.security import Principal, require_user
from app.settings import Settings
from app.storage import FileStore


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    return require_user(request)


async def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


async def provide_store(state: State) -> FileStore:
    store: FileStore = state.store
    return store


async def provide_queue(state: State) -> JobQueue:
    queue: JobQueue = state.queue
    return queue


CurrentUser = NamedDependency[Principal]
AppSettings = NamedDependency[Settings]
Store = NamedDependency[FileStore]
Queue = NamedDependency[JobQueue]
