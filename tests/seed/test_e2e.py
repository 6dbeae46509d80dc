# tests/integration/test_e2e.py (from the seed, stage 7, worker 4).
# Changes: the missing imports (json, Dict). Assertions are the seed's.
import json

import pytest
import httpx
from typing import Dict

class TestE2EScenarios:
    """End-to-end test scenarios."""

    @pytest.mark.asyncio
    async def test_e2e_page_generation_workflow(
        self, api_client: httpx.AsyncClient, auth_headers: Dict
    ):
        """
        E2E: User generates a landing page from prompt.

        Steps:
        1. Send generation request
        2. Receive streaming response
        3. Get brand score
        4. Verify page saved to state
        """
        # Step 1: Generate page
        generation_id = None
        html_content = []

        async with api_client.stream(
            "POST",
            "/sites/test-tenant/generation",
            json={"prompt": "Create summer sale landing page"},
            headers={**auth_headers, "Accept": "text/event-stream"}
        ) as response:
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    data = json.loads(line[5:].strip())
                    if data["type"] == "chunk":
                        html_content.append(data["content"])
                    elif data["type"] == "complete":
                        generation_id = data["generationId"]
                        break

        assert generation_id is not None
        assert len(html_content) > 0

        # Step 2: Verify generation state saved
        response = await api_client.get(
            f"/sites/test-tenant/generation/{generation_id}",
            headers=auth_headers
        )
        assert response.status_code == 200
        state = response.json()
        assert state["status"] == "COMPLETE"

        # Step 3: Verify brand score
        response = await api_client.get(
            f"/sites/{generation_id}/brand-score",
            headers=auth_headers
        )
        assert response.status_code == 200
        score = response.json()
        assert score["brandScore"] >= 0

    @pytest.mark.asyncio
    async def test_e2e_logo_then_page_workflow(
        self, api_client: httpx.AsyncClient, auth_headers: Dict
    ):
        """
        E2E: User creates logo then generates page with logo.

        Steps:
        1. Generate logo options
        2. Select logo
        3. Generate page with logo in brand assets
        4. Verify logo appears in page
        """
        # Step 1: Generate logos
        response = await api_client.post(
            "/agents/logo",
            json={"prompt": "Tech company logo", "count": 4},
            headers=auth_headers
        )
        assert response.status_code == 200
        logos = response.json()["results"]
        selected_logo = logos[0]["url"]

        # Step 2: Generate page with logo
        generation_response = None
        async with api_client.stream(
            "POST",
            "/sites/test-tenant/generation",
            json={
                "prompt": "Create tech company landing page",
                "brandAssets": {"logo": selected_logo}
            },
            headers={**auth_headers, "Accept": "text/event-stream"}
        ) as response:
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    data = json.loads(line[5:].strip())
                    if data["type"] == "complete":
                        generation_response = data
                        break

        assert generation_response is not None

    @pytest.mark.asyncio
    async def test_e2e_validation_deployment_workflow(
        self, api_client: httpx.AsyncClient, auth_headers: Dict
    ):
        """
        E2E: User validates and deploys page.

        Steps:
        1. Generate page
        2. Run validation
        3. If score >= 8, initiate deployment
        4. Verify deployment status
        """
        # Step 1: Generate page (simplified)
        response = await api_client.post(
            "/sites/test-tenant/generation",
            json={"prompt": "Create landing page"},
            headers=auth_headers
        )
        site_id = "test-site-id"

        # Step 2: Validate
        response = await api_client.get(
            f"/sites/{site_id}/validate",
            headers=auth_headers
        )
        assert response.status_code == 200
        validation = response.json()

        # Step 3: Deploy if score >= 8
        if validation["brandScore"] >= 8.0:
            response = await api_client.post(
                f"/sites/test-tenant/deployments",
                json={
                    "siteId": site_id,
                    "environment": "staging"
                },
                headers=auth_headers
            )
            assert response.status_code == 200 or response.status_code == 202

            # Step 4: Verify deployment
            deployment_id = response.json().get("deploymentId")
            if deployment_id:
                response = await api_client.get(
                    f"/sites/test-tenant/deployments/{deployment_id}",
                    headers=auth_headers
                )
                assert response.status_code == 200
