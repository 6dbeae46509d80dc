# tests/integration/test_frontend_integration.py (from the seed, stage 7, worker 1).
# Changes: the `local` entry in base_urls (the provider under test, from SB_BASE_URL), and
# the `os` import it needs. Assertions are the seed's.

import os

import pytest
import httpx
from typing import Dict, Any

class TestFrontendIntegration:
    """Integration tests for Frontend API consumption."""

    @pytest.fixture
    def api_client(self, environment: str) -> httpx.AsyncClient:
        """Create API client for environment."""
        base_urls = {
            "local": os.environ.get("SB_BASE_URL", "http://127.0.0.1:8080/v1"),
            "dev": "https://api.dev.kimmyai.io/v1",
            "sit": "https://api.sit.kimmyai.io/v1",
            "prod": "https://api.kimmyai.io/v1"
        }
        return httpx.AsyncClient(base_url=base_urls[environment])

    @pytest.fixture
    def auth_headers(self, jwt_token: str, tenant_id: str) -> Dict[str, str]:
        """Create authentication headers."""
        return {
            "Authorization": f"Bearer {jwt_token}",
            "X-Tenant-Id": tenant_id,
            "Content-Type": "application/json"
        }

    @pytest.mark.asyncio
    async def test_generation_endpoint_accepts_valid_request(
        self, api_client: httpx.AsyncClient, auth_headers: Dict
    ):
        """Test generation endpoint accepts valid request from frontend."""
        request_body = {
            "prompt": "Create a landing page for summer sale",
            "templateId": "ecommerce-sale",
            "brandAssets": {
                "primaryColor": "#0066CC",
                "secondaryColor": "#FF6600"
            }
        }

        response = await api_client.post(
            "/sites/test-tenant/generation",
            json=request_body,
            headers=auth_headers
        )

        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"

    @pytest.mark.asyncio
    async def test_logo_generation_returns_4_options(
        self, api_client: httpx.AsyncClient, auth_headers: Dict
    ):
        """Test logo generation returns 4 options as expected by frontend."""
        request_body = {
            "prompt": "Modern tech logo",
            "style": "modern",
            "colors": ["#0066CC"],
            "count": 4
        }

        response = await api_client.post(
            "/agents/logo",
            json=request_body,
            headers=auth_headers
        )

        assert response.status_code == 200
        data = response.json()
        assert data["type"] == "logo"
        assert len(data["results"]) == 4
        for result in data["results"]:
            assert "id" in result
            assert "url" in result
            assert "preview" in result

    @pytest.mark.asyncio
    async def test_validation_returns_brand_score(
        self, api_client: httpx.AsyncClient, auth_headers: Dict
    ):
        """Test validation endpoint returns brand score."""
        response = await api_client.get(
            "/sites/test-site-id/validate",
            headers=auth_headers
        )

        assert response.status_code == 200
        data = response.json()
        assert "brandScore" in data
        assert 0 <= data["brandScore"] <= 10
        assert "securityPassed" in data
        assert "performanceMs" in data
        assert "issues" in data

    @pytest.mark.asyncio
    async def test_unauthorized_request_returns_401(
        self, api_client: httpx.AsyncClient
    ):
        """Test unauthorized request returns 401."""
        response = await api_client.post(
            "/sites/test-tenant/generation",
            json={"prompt": "test"}
        )

        assert response.status_code == 401

    @pytest.mark.asyncio
    async def test_cors_headers_present(
        self, api_client: httpx.AsyncClient
    ):
        """Test CORS headers are present for frontend."""
        response = await api_client.options(
            "/sites/test-tenant/generation",
            headers={"Origin": "https://kimmyai.io"}
        )

        assert "Access-Control-Allow-Origin" in response.headers
        assert "Access-Control-Allow-Methods" in response.headers
