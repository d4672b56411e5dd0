"""The account forms (password change, the administrator's user page) answer a refusal with the reason beside
its field, in the reader's language, and keep what was typed — never a password."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import PASSWORD, City
from tests.integration.test_ui_pages import form_login


def _field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<span class="field-error" role="alert" id="{field_id}-error">([^<]*)</span>', html)
    assert found, f"no error beside {field_id}"
    return found.group(1)


async def test_create_user_refusals_stand_beside_their_fields_in_chinese(client: Any, city: City) -> None:
    token = await form_login(client, "admin")
    form = {
        "_csrf_token": token,
        "username": "new.clerk",
        "display_name": "新来的科员",
        "role": "department",
        "organisation_id": str(city.orgs["ndrc"]),
        "password": "short-secret",  # 12 characters are needed
    }
    short = await client.post("/admin/users", data={**form, "password": "too-short"})
    assert short.status_code == 422
    assert _field_error(short.text, "password") == "密码至少需要 12 个字符。"
    assert 'aria-invalid="true" aria-describedby="password-error"' in short.text
    assert 'value="new.clerk"' in short.text
    assert 'value="新来的科员"' in short.text
    assert "too-short" not in short.text  # a password is never sent back
    no_role = await client.post("/admin/users", data={**form, "role": "mayor", "password": "a-long-enough-secret"})
    assert no_role.status_code == 422
    assert _field_error(no_role.text, "role") == "请选择角色。"
    taken = await client.post("/admin/users", data={**form, "username": "investment", "password": "a-long-secret-1"})
    assert _field_error(taken.text, "username") == "该用户名已存在。"


async def test_password_change_refusals_stand_beside_their_fields_in_the_readers_language(
    client: Any, city: City
) -> None:
    token = await form_login(client, "department")
    mismatch = {
        "_csrf_token": token,
        "current_password": PASSWORD,
        "new_password": "another-good-secret",
        "confirm_password": "another-good-secreT",
        "next_path": "/",
    }
    refused = await client.post("/password", data=mismatch)
    assert refused.status_code == 422
    assert _field_error(refused.text, "confirm_password") == "两次输入的新密码不一致。"
    wrong = await client.post(
        "/password", data={**mismatch, "current_password": "not-my-password", "confirm_password": "another-good-secret"}
    )
    assert _field_error(wrong.text, "current_password") == "当前密码不正确。"
    client.cookies.set("lang", "en")
    english = await client.post("/password", data={**mismatch, "new_password": "x" * 5, "confirm_password": "x" * 5})
    assert _field_error(english.text, "new_password") == "The password must have at least 12 characters."
