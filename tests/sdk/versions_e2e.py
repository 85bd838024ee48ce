"""End-to-end test of the newest api-versions with the official Azure SDK for
Python (azure-ai-language-conversations 1.1.0b4): the clients are made with
api_version set, as a user does when the service is newer than the SDK's
default. Authoring at 2025-11-01 and 2025-11-15-preview (import, every
training config version the docs name, deploy with resources, the new
members of a deployment and of a project file); prediction at the runtime
versions 2024-05-01 and 2024-11-01.

Runs after authoring_e2e.py against the same server (PARLEY_ENDPOINT,
PARLEY_KEY); it makes and deletes a project of its own per version.
"""

import json
import os
import sys

from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest
from azure.ai.language.conversations import ConversationAnalysisClient
from azure.ai.language.conversations.authoring import ConversationAuthoringClient

from authoring_e2e import POLL, SMOKE, check, raises
import authoring_e2e

AUTHORING = ["2025-11-01", "2025-11-15-preview"]
RUNTIME = ["2024-05-01", "2024-11-01"]
# The training config versions of Microsoft's docs (VERSIONS.md §6).
CONFIGS = ["2022-05-01", "2022-09-01", "2023-04-15", "2024-06-01-preview", "2024-08-01-preview",
           "2025-07-01-preview"]
RESOURCE = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
            "Microsoft.CognitiveServices/accounts/langweu")


def main():
    endpoint = os.environ["PARLEY_ENDPOINT"]
    key = os.environ["PARLEY_KEY"]
    smoke = json.loads(SMOKE.read_text(encoding="utf-8"))
    for version in AUTHORING:
        name = "sdk-" + version
        client = ConversationAuthoringClient(endpoint, AzureKeyCredential(key), api_version=version)
        check(client._config.api_version == version, f"authoring client made with api_version={version}")

        listed = [c["trainingConfigVersion"] for c in client.list_training_config_versions(project_kind="Conversation")]
        check(all(c in listed for c in CONFIGS), f"{version}: list_training_config_versions has every documented one",
              f"{listed}")

        project = json.loads(json.dumps(smoke))
        project["projectFileVersion"] = version
        project["metadata"]["projectName"] = name
        project["metadata"]["description"] = "made at " + version
        intent = project["assets"]["intents"][0]
        intent["description"] = "what the first intent means"
        job = client.begin_import_project(name, project, polling_interval=POLL).result()
        check(job and job.get("status") == "succeeded", f"{version}: begin_import_project", f"{job}")

        for config in CONFIGS:
            job = client.begin_train(name, {"modelLabel": "m-" + config, "trainingMode": "standard",
                                            "trainingConfigVersion": config,
                                            "evaluationOptions": {"kind": "manual"}}, polling_interval=POLL).result()
            check(job and job.get("status") == "succeeded"
                  and job["result"]["trainingConfigVersion"] == config,
                  f"{version}: begin_train with trainingConfigVersion {config}", f"{job}")
            model = client.get_trained_model(name, "m-" + config)
            check(model["modelTrainingConfigVersion"] == config, f"{version}: the model of {config} records it",
                  f"{model}")

        err = raises(HttpResponseError, lambda: client.begin_train(name, {
            "modelLabel": "gen", "trainingMode": "standard",
            "dataGenerationSettings": {"enableDataGeneration": True,
                                       "dataGenerationConnectionInfo": {"kind": "AzureOpenAI",
                                                                        "deploymentName": "gpt"}}}).result())
        odata = getattr(err, "error", None)
        check(isinstance(err, HttpResponseError) and err.status_code == 400 and odata is not None
              and odata.target == "dataGenerationSettings.enableDataGeneration",
              f"{version}: data generation asked for raises 400 naming the field",
              f"{getattr(err, 'status_code', '')} {odata and odata.target}")

        # A deploy naming a resource: refused until it is assigned, then
        # recorded and shown in the version's spelling.
        deploy_body = {"trainedModelLabel": "m-2023-04-15", "azureResourceIds": [RESOURCE]}
        err = raises(HttpResponseError, lambda: client.begin_deploy_project(name, "production", deploy_body).result())
        check(isinstance(err, HttpResponseError) and err.status_code == 400,
              f"{version}: deploying to a resource not assigned raises 400", f"{err}")
        client.begin_assign_deployment_resources(name, {"resourcesMetadata": [
            {"azureResourceId": RESOURCE, "customDomain": "langweu.cognitiveservices.azure.com",
             "region": "westeurope"}]}, polling_interval=POLL).result()
        client.begin_deploy_project(name, "production", deploy_body, polling_interval=POLL).result()
        d = client.get_deployment(name, "production")
        id_key = "azureResourceId" if version >= "2025-11-15-preview" else "resourceId"
        check(d["modelTrainingConfigVersion"] == "2023-04-15"
              and [(r.get(id_key), r.get("region")) for r in d["assignedResources"]] == [(RESOURCE, "westeurope")],
              f"{version}: get_deployment shows the config version and assignedResources with {id_key}", f"{d}")

        exported = client.begin_export_project(name, string_index_type="Utf16CodeUnit", polling_interval=POLL).result()
        check(exported and exported.get("status") == "succeeded", f"{version}: begin_export_project", f"{exported}")
        resp = client.send_request(HttpRequest("GET", exported["resultUrl"]))
        file = resp.json()
        check(file["projectFileVersion"] == version and file["metadata"]["description"] == "made at " + version
              and file["assets"]["intents"][0].get("description") == "what the first intent means",
              f"{version}: the exported file keeps projectFileVersion and the descriptions", f"{file['metadata']}")

        for rv in RUNTIME:
            runtime = ConversationAnalysisClient(endpoint, AzureKeyCredential(key), api_version=rv)
            answer = runtime.analyze_conversation({
                "kind": "Conversation",
                "analysisInput": {"conversationItem": {"id": "1", "participantId": "1", "text": "play some jazz"}},
                "parameters": {"projectName": name, "deploymentName": "production"}})
            pred = answer["result"]["prediction"]
            check(answer["kind"] == "ConversationResult" and pred["projectKind"] == "Conversation"
                  and pred["topIntent"] == pred["intents"][0]["category"],
                  f"{version} project, runtime api_version={rv}: analyze_conversation answers", f"{answer}")
            check(all(0 <= i["confidenceScore"] < 1 for i in pred["intents"]),
                  f"runtime {rv}: config 2023-04-15 (LoraNorm) keeps every confidence below 1", f"{pred['intents']}")

        client.begin_delete_project(name, polling_interval=POLL).result()
    print(f"SDK versions e2e: {authoring_e2e.checks} checks passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        print(f"SDK versions e2e FAILED after {authoring_e2e.checks} checks: {type(e).__name__}: {e}",
              file=sys.stderr, flush=True)
        raise
