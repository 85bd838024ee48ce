"""End-to-end test of the LUIS prediction endpoint (issue 12) with a real
LUIS client: the LUIS runtime SDK for Python
(azure-cognitiveservices-language-luis, LUISRuntimeClient, from Debian's
python3-azure), whose base URL is {Endpoint}/luis/prediction/v3.0, as a
LuisRecognizer bot's. The project is made with the CLU authoring SDK
(import, train, deploy production and staging), given a LUIS app id by
PATCH (luisAppId), and predicted through the CLU endpoint, LUIS v3 (the SDK)
and LUIS v2 (a plain GET with the key in the subscription-key parameter, as
old LUIS URLs carry it).

Runs after the other scripts against the same server (PARLEY_ENDPOINT,
PARLEY_KEY).
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

from azure.core.credentials import AzureKeyCredential
from azure.ai.language.conversations import ConversationAnalysisClient
from azure.ai.language.conversations.authoring import ConversationAuthoringClient
from azure.cognitiveservices.language.luis.runtime import LUISRuntimeClient
from azure.cognitiveservices.language.luis.runtime.models import ErrorException
from msrest.authentication import CognitiveServicesCredentials

from authoring_e2e import POLL, check, raises
import authoring_e2e

NAME = "sdk-luis"
APP_ID = "86226c53-b7a6-416f-876b-226b2b5ab07b"
QUERY = "forward to frank 30 dollars through HSBC tomorrow"

PROJECT = {
    "projectFileVersion": "2023-04-01",
    "stringIndexType": "Utf16CodeUnit",
    "metadata": {"projectKind": "Conversation", "projectName": NAME, "multilingual": False,
                 "language": "en-us", "settings": {"confidenceThreshold": 0}},
    "assets": {
        "projectKind": "Conversation",
        "intents": [{"category": "give"}, {"category": "None"}],
        "entities": [
            {"category": "frank"},
            {"category": "number", "prebuilts": [{"category": "Quantity.Number"}]},
            {"category": "money", "prebuilts": [{"category": "Quantity.Currency"}]},
            {"category": "datetimeV2", "prebuilts": [{"category": "DateTime"}]},
            {"category": "Bank", "list": {"sublists": [
                {"listKey": "BankeName", "synonyms": [{"language": "en-us", "values": ["HSBC"]}]}]}},
        ],
        "utterances": [
            {"text": "forward to frank 30 dollars through HSBC", "intent": "give", "dataset": "Train",
             "entities": [{"category": "frank", "offset": 11, "length": 5}]},
            {"text": "give frank 20 dollars", "intent": "give", "dataset": "Train",
             "entities": [{"category": "frank", "offset": 5, "length": 5}]},
            {"text": "pay frank 5 dollars tomorrow", "intent": "give", "dataset": "Train",
             "entities": [{"category": "frank", "offset": 4, "length": 5}]},
            {"text": "what is the weather like", "intent": "None", "dataset": "Train"},
            {"text": "tell me a joke", "intent": "None", "dataset": "Train"},
            {"text": "send frank 3 dollars", "intent": "give", "dataset": "Test"},
        ],
    },
}


def main():
    endpoint = os.environ["PARLEY_ENDPOINT"]
    key = os.environ["PARLEY_KEY"]
    client = ConversationAuthoringClient(endpoint, AzureKeyCredential(key))
    job = client.begin_import_project(NAME, PROJECT, polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded", "LUIS: import the project", f"{job}")
    job = client.begin_train(NAME, {"modelLabel": "m1", "trainingMode": "standard",
                                    "evaluationOptions": {"kind": "manual"}}, polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded", "LUIS: train it", f"{job}")
    for slot in ("production", "staging"):
        client.begin_deploy_project(NAME, slot, {"trainedModelLabel": "m1"}, polling_interval=POLL).result()
    project = client.create_project(NAME, {"luisAppId": APP_ID.upper()})
    check(project.get("luisAppId") == APP_ID, "LUIS: PATCH luisAppId gives the project its app id", f"{project}")
    check(client.get_project(NAME).get("luisAppId") == APP_ID, "LUIS: get_project shows luisAppId")

    # CLU, for comparison.
    clu = ConversationAnalysisClient(endpoint, AzureKeyCredential(key)).analyze_conversation({
        "kind": "Conversation",
        "analysisInput": {"conversationItem": {"id": "1", "participantId": "user", "text": QUERY}},
        "parameters": {"projectName": NAME, "deploymentName": "production", "stringIndexType": "Utf16CodeUnit"},
    })["result"]["prediction"]
    clu_spans = sorted((e["offset"], e["length"]) for e in clu["entities"])

    # LUIS v3 through the LUIS runtime SDK.
    runtime = LUISRuntimeClient(endpoint, CognitiveServicesCredentials(key))
    for slot in ("production", "Staging"):
        answer = runtime.prediction.get_slot_prediction(
            APP_ID, slot,
            {"query": QUERY, "options": {"datetimeReference": "2019-05-05T12:00:00", "preferExternalEntities": True}},
            verbose=True, show_all_intents=True, log=False)
        p = answer.prediction
        check(answer.query == QUERY and p.top_intent == clu["topIntent"] == "give",
              f"LUIS v3 ({slot}): get_slot_prediction's top intent is CLU's, give", f"{p.top_intent} {clu['topIntent']}")
        check(set(p.intents) == {"give", "None"} and all(0 <= i.score <= 1 for i in p.intents.values()),
              f"LUIS v3 ({slot}): show_all_intents gives every intent with a score", f"{p.intents}")
        ents = p.entities
        check(ents.get("number") == [30] and ents.get("money") == [{"number": 30, "units": "Dollar"}],
              f"LUIS v3 ({slot}): number [30] and money [{{number 30, units Dollar}}]", f"{ents}")
        check(ents.get("Bank") == [["BankeName"]] and ents.get("frank") == ["frank"],
              f"LUIS v3 ({slot}): the list's canonical form and the learned entity's text", f"{ents}")
        dt = ents.get("datetimeV2", [{}])[0]
        check(dt.get("type") == "date" and dt["values"][0]["timex"] == "2019-05-06"
              and dt["values"][0]["resolution"] == [{"value": "2019-05-06"}],
              f"LUIS v3 ({slot}): datetimeV2 resolved against datetimeReference", f"{dt}")
        spans = sorted((i["startIndex"], i["length"]) for name, insts in ents["$instance"].items() for i in insts)
        check(spans == clu_spans, f"LUIS v3 ({slot}): $instance spans are CLU's entity spans", f"{spans} {clu_spans}")

    # External entities and dynamic lists through the SDK's models.
    answer = runtime.prediction.get_slot_prediction(APP_ID, "production", {
        "query": QUERY, "options": {"preferExternalEntities": True},
        "externalEntities": [{"entityName": "Bank", "startIndex": 36, "entityLength": 4,
                              "resolution": {"text": "International Bank"}}],
        "dynamicLists": [{"listEntityName": "Employees", "requestLists": [{"canonicalForm": "Frank"}]}],
    })
    ents = answer.prediction.entities
    check(ents.get("Bank") == [{"text": "International Bank"}] and ents.get("Employees") == [["Frank"]],
          "LUIS v3: an external entity replaces the model's, a dynamic list matches", f"{ents}")

    err = raises(ErrorException, lambda: runtime.prediction.get_slot_prediction(
        "11111111-2222-4333-8444-555555555555", "production", {"query": QUERY}))
    check(isinstance(err, ErrorException) and err.response.status_code == 404 and err.error.error.code == "NotFound",
          "LUIS v3: an unknown app id raises ErrorException 404 NotFound", f"{err}")

    # LUIS v2, the key in the query as old LUIS URLs carry it.
    q = urllib.parse.urlencode({"q": QUERY, "verbose": "true", "staging": "true", "subscription-key": key})
    with urllib.request.urlopen(f"{endpoint}/luis/v2.0/apps/{APP_ID}?{q}", timeout=30) as r:
        v2 = json.load(r)
    check(v2["topScoringIntent"]["intent"] == clu["topIntent"] and len(v2["intents"]) == 2,
          "LUIS v2: topScoringIntent is CLU's top intent; verbose lists the intents", f"{v2}")
    spans = sorted((e["startIndex"], e["endIndex"] - e["startIndex"] + 1) for e in v2["entities"])
    check(spans == clu_spans, "LUIS v2: entity spans (endIndex inclusive) are CLU's", f"{spans} {clu_spans}")
    types = {e["type"] for e in v2["entities"]}
    check({"builtin.number", "builtin.currency", "builtin.datetimeV2.date", "Bank", "frank"} <= types,
          "LUIS v2: prebuilt entities are builtin.* types", f"{types}")

    client.begin_delete_project(NAME, polling_interval=POLL).result()
    print(f"luis_e2e: {authoring_e2e.checks} checks passed")


if __name__ == "__main__":
    main()
