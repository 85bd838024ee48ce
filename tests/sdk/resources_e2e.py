"""End-to-end test of Parley's resource assignment with the official Azure
SDK for Python (azure-ai-language-conversations 1.1.0b4, api-version
2022-10-01-preview): begin_assign_deployment_resources,
list_deployment_resources, begin_unassign_deployment_resources,
begin_delete_deployment_from_resources, list_assigned_resource_deployments
and the status GETs. Parley is the only resource: assignments are records
it reads back, and every deployment keeps serving at Parley's endpoint.

Runs after authoring_e2e.py against the same server (PARLEY_ENDPOINT,
PARLEY_KEY, page size 3); it makes and deletes a project of its own.
"""

import json
import os
import sys

from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.ai.language.conversations import ConversationAnalysisClient
from azure.ai.language.conversations.authoring import ConversationAuthoringClient

from authoring_e2e import POLL, SMOKE, check, raises
import authoring_e2e

NAME = "sdk-resources"


def rid(n):
    return f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/lang{n}"


def main():
    endpoint = os.environ["PARLEY_ENDPOINT"]
    key = os.environ["PARLEY_KEY"]
    client = ConversationAuthoringClient(endpoint, AzureKeyCredential(key))

    smoke = json.loads(SMOKE.read_text(encoding="utf-8"))
    smoke["metadata"]["projectName"] = NAME
    job = client.begin_import_project(NAME, smoke, polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded", f"begin_import_project({NAME!r})", f"{job}")
    job = client.begin_train(NAME, {"modelLabel": "m1", "trainingMode": "standard",
                                    "evaluationOptions": {"kind": "manual"}}, polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded", "begin_train(m1)", f"{job}")
    client.begin_deploy_project(NAME, "production", {"trainedModelLabel": "m1"}, polling_interval=POLL).result()

    check(list(client.list_deployment_resources(NAME)) == [], "list_deployment_resources of a new project is empty")
    resources = [{"azureResourceId": rid(i), "customDomain": f"lang{i}.cognitiveservices.azure.com",
                  "region": "westeurope" if i % 2 else "eastus"} for i in range(4)]
    job = client.begin_assign_deployment_resources(NAME, {"resourcesMetadata": resources},
                                                   polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded", "begin_assign_deployment_resources(4 resources).result()",
          f"{job}")
    status = client.get_assign_deployment_resources_status(NAME, job["jobId"])
    check(status["status"] == "succeeded" and status["jobId"] == job["jobId"],
          "get_assign_deployment_resources_status", f"{status}")
    pages = [list(p) for p in client.list_deployment_resources(NAME).by_page()]
    want = [{"azureResourceId": r["azureResourceId"], "region": r["region"]} for r in resources]
    check([len(p) for p in pages] == [3, 1] and [r for p in pages for r in p] == want,
          "list_deployment_resources follows nextLink across pages of 3 and reads back azureResourceId, region",
          f"{pages}")

    err = raises(HttpResponseError, lambda: client.begin_assign_deployment_resources(
        NAME, {"resourcesMetadata": [{"azureResourceId": rid(9), "customDomain": "x"}]}).result())
    odata = getattr(err, "error", None)
    check(isinstance(err, HttpResponseError) and err.status_code == 400 and odata is not None
          and odata.target == "resourcesMetadata[0].region",
          "an assign item without region raises 400 naming resourcesMetadata[0].region",
          f"{getattr(err, 'status_code', '')} {odata and odata.target} {err}")

    job = client.begin_unassign_deployment_resources(NAME, {"assignedResourceIds": [rid(0)]},
                                                     polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded", "begin_unassign_deployment_resources([one]).result()", f"{job}")
    status = client.get_unassign_deployment_resources_status(NAME, job["jobId"])
    check(status["status"] == "succeeded", "get_unassign_deployment_resources_status", f"{status}")
    check([r["azureResourceId"] for r in client.list_deployment_resources(NAME)] == [rid(i) for i in (1, 2, 3)],
          "list_deployment_resources after unassigning one")
    err = raises(HttpResponseError, lambda: client.begin_unassign_deployment_resources(
        NAME, {"assignedResourceIds": [rid(0)]}).result())
    check(isinstance(err, HttpResponseError) and err.status_code == 400,
          "unassigning a resource not assigned raises 400", f"{err}")

    # A deploy that names resources records them on its deployment, which
    # shows them in assignedResources; one not assigned is refused.
    err = raises(HttpResponseError, lambda: client.begin_deploy_project(
        NAME, "staging", {"trainedModelLabel": "m1", "assignedResourceIds": [rid(0)]}).result())
    odata = getattr(err, "error", None)
    check(isinstance(err, HttpResponseError) and err.status_code == 400 and odata is not None
          and odata.target == "assignedResourceIds[0]",
          "deploying to a resource not assigned to the project raises 400 naming assignedResourceIds[0]",
          f"{getattr(err, 'status_code', '')} {odata and odata.target} {err}")
    client.begin_deploy_project(NAME, "staging", {"trainedModelLabel": "m1", "assignedResourceIds": [rid(2), rid(1)]},
                                polling_interval=POLL).result()
    staging = client.get_deployment(NAME, "staging")
    check([(r["resourceId"], r["region"]) for r in staging["assignedResources"]]
          == [(rid(1), "westeurope"), (rid(2), "eastus")],
          "get_deployment(staging) shows the deploy's resources in the project's order", f"{staging}")
    listed = [p for p in client.list_assigned_resource_deployments() if p["projectName"] == NAME]
    check(len(listed) == 1 and [d["deploymentName"] for d in listed[0]["deploymentsMetadata"]] == ["staging"],
          "list_assigned_resource_deployments lists staging, the deployment with resources", f"{listed}")
    client.begin_delete_deployment_from_resources(NAME, "staging", {"assignedResourceIds": [rid(1)]},
                                                  polling_interval=POLL).result()
    staging = client.get_deployment(NAME, "staging")
    check([r["resourceId"] for r in staging["assignedResources"]] == [rid(2)],
          "begin_delete_deployment_from_resources(staging, [one]) leaves the other", f"{staging}")
    client.begin_delete_deployment(NAME, "staging", polling_interval=POLL).result()

    # The deployment has no recorded resources (the deploy named none): an
    # empty list removes all of none, and the deployment keeps serving.
    client.begin_delete_deployment_from_resources(NAME, "production", {"assignedResourceIds": []},
                                                  polling_interval=POLL).result()
    check(client.get_deployment(NAME, "production")["deploymentName"] == "production",
          "begin_delete_deployment_from_resources(production).result(); the deployment stays")
    runtime = ConversationAnalysisClient(endpoint, AzureKeyCredential(key))
    answer = runtime.analyze_conversation({
        "kind": "Conversation",
        "analysisInput": {"conversationItem": {"id": "1", "participantId": "1", "text": "play some jazz"}},
        "parameters": {"projectName": NAME, "deploymentName": "production"}})
    check(answer["kind"] == "ConversationResult", "production still predicts at Parley's endpoint", f"{answer}")
    err = raises(ResourceNotFoundError, lambda: client.begin_delete_deployment_from_resources(
        NAME, "nowhere", {}).result())
    check(isinstance(err, ResourceNotFoundError), "delete_deployment_from_resources of an unknown deployment: 404",
          f"{err}")
    listed = list(client.list_assigned_resource_deployments())
    check(all(p["projectName"] != NAME for p in listed),
          "list_assigned_resource_deployments lists no deployment without recorded resources", f"{listed}")

    client.begin_delete_project(NAME, polling_interval=POLL).result()
    err = raises(ResourceNotFoundError, lambda: list(client.list_deployment_resources(NAME)))
    check(isinstance(err, ResourceNotFoundError), "list_deployment_resources of a deleted project: 404", f"{err}")
    print(f"SDK resources e2e: {authoring_e2e.checks} checks passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        print(f"SDK resources e2e FAILED after {authoring_e2e.checks} checks: {type(e).__name__}: {e}",
              file=sys.stderr, flush=True)
        raise
