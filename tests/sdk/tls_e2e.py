"""The official Azure SDK for Python against Parley over https, with the
certificate authority of parley dev-cert trusted the two ways its output
says: REQUESTS_CA_BUNDLE in the environment (set by run.sh), and
connection_verify on a client. It imports, trains and deploys the smoke
project as "production", for tests/js/tls_runtime.mjs to predict from.

Usage: PARLEY_ENDPOINT=https://... PARLEY_KEY=... PARLEY_CA=ca.pem
       REQUESTS_CA_BUNDLE=ca.pem python3 tls_e2e.py
"""

import json
import os
import sys

from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import ServiceRequestError
from azure.ai.language.conversations import ConversationAnalysisClient
from azure.ai.language.conversations.authoring import ConversationAuthoringClient

from authoring_e2e import POLL, SMOKE, check, raises
import authoring_e2e


def main():
    endpoint = os.environ["PARLEY_ENDPOINT"]
    key = os.environ["PARLEY_KEY"]
    ca = os.environ["PARLEY_CA"]
    check(endpoint.startswith("https://"), f"endpoint {endpoint} is https")
    name = json.loads(SMOKE.read_text(encoding="utf-8"))["metadata"]["projectName"]

    client = ConversationAuthoringClient(endpoint, AzureKeyCredential(key))
    job = client.begin_import_project(name, json.loads(SMOKE.read_text(encoding="utf-8")),
                                      polling_interval=POLL).result()
    check(job["status"] == "succeeded", "begin_import_project over https (REQUESTS_CA_BUNDLE)", f"{job}")
    job = client.begin_train(name, {"modelLabel": "m1", "trainingMode": "standard",
                                    "evaluationOptions": {"kind": "manual"}}, polling_interval=POLL).result()
    check(job["status"] == "succeeded", "begin_train over https; the poller follows https operation-locations",
          f"{job}")
    client.begin_deploy_project(name, "production", {"trainedModelLabel": "m1"}, polling_interval=POLL).result()
    check(client.get_deployment(name, "production")["deploymentName"] == "production", "deployed over https")

    # connection_verify alone, without the environment variable.
    bundle = os.environ.pop("REQUESTS_CA_BUNDLE")
    try:
        runtime = ConversationAnalysisClient(endpoint, AzureKeyCredential(key), connection_verify=ca)
        answer = runtime.analyze_conversation({
            "kind": "Conversation",
            "analysisInput": {"conversationItem": {"id": "1", "participantId": "1", "text": "play some jazz"}},
            "parameters": {"projectName": name, "deploymentName": "production"}})
        check(answer["result"]["prediction"]["topIntent"] == "PlayMusic",
              "analyze_conversation over https with connection_verify", f"{answer}")
        # Without the authority, the client refuses the server.
        untrusting = ConversationAuthoringClient(endpoint, AzureKeyCredential(key))
        err = raises(ServiceRequestError, lambda: untrusting.get_project(name))
        check(isinstance(err, ServiceRequestError) and "CERTIFICATE_VERIFY_FAILED" in str(err),
              "a client that does not trust the authority refuses the server", f"{err}")
    finally:
        os.environ["REQUESTS_CA_BUNDLE"] = bundle
    print(f"SDK https e2e: {authoring_e2e.checks} checks passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        print(f"SDK https e2e FAILED after {authoring_e2e.checks} checks: {type(e).__name__}: {e}",
              file=sys.stderr, flush=True)
        raise
