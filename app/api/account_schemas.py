"""Request and response shapes of accounts and tokens (``/api/auth`` and ``/api/admin``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from app.api.ids import MAX_ID
from app.models import ApiToken, Role, User
from app.security import token_expiry

UserName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
TokenName = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Days = Annotated[int, msgspec.Meta(ge=1, le=3650)]


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Password
    new_password: Password


class PasswordReset(msgspec.Struct, forbid_unknown_fields=True):
    password: Password


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: UserName
    password: Password
    role: Role
    organisation_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
    display_name: Annotated[str, msgspec.Meta(max_length=100)] = ""


class UserRead(msgspec.Struct):
    id: int
    username: str
    display_name: str
    role: Role
    organisation_id: int
    is_active: bool
    must_change_password: bool
    created_at: datetime


class TokenRead(msgspec.Struct):
    id: int
    username: str
    name: str
    read_only: bool
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool


def user_read(user: User) -> UserRead:
    return msgspec.convert(user, UserRead, from_attributes=True)


def token_read(token: ApiToken, now: datetime) -> TokenRead:
    expires = token_expiry(token)
    return TokenRead(
        id=token.id,
        username=token.user.username,
        name=token.name,
        read_only=token.read_only,
        created_at=token.created_at,
        expires_at=expires,
        revoked_at=token.revoked_at,
        active=token.revoked_at is None and expires > now,
    )
