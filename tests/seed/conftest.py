"""Fixtures that point the seed's test cases at a provider.

`SB_BASE_URL` (e.g. http://127.0.0.1:8080/v1) and `SB_TOKEN` (from `cargo xtask token
--tenant test-tenant`) come from the environment; scripts/seed-tests.sh sets both.
"""

import os
from typing import AsyncIterator, Dict

import httpx
import pytest
import pytest_asyncio


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise pytest.UsageError(
            f"{name} is not set; run scripts/seed-tests.sh or export {name} "
            "(see `cargo xtask serve` and `cargo xtask token --tenant test-tenant`)"
        )
    return value


@pytest.fixture
def environment() -> str:
    """The environment the seed's base_urls table is indexed by; `local` is the provider."""
    return os.environ.get("SB_ENVIRONMENT", "local")


@pytest.fixture
def base_url() -> str:
    return _required("SB_BASE_URL").rstrip("/")


@pytest.fixture
def jwt_token() -> str:
    return _required("SB_TOKEN")


@pytest.fixture
def tenant_id() -> str:
    return os.environ.get("SB_TENANT", "test-tenant")


@pytest_asyncio.fixture
async def api_client(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        yield client


@pytest.fixture
def auth_headers(jwt_token: str, tenant_id: str) -> Dict[str, str]:
    return {
        "Authorization": f"Bearer {jwt_token}",
        "X-Tenant-Id": tenant_id,
        "Content-Type": "application/json",
    }
