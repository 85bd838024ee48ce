"""End-to-end test of Parley with the official Azure SDK for Python.

Runs ConversationAuthoringClient (azure-ai-language-conversations 1.1.0b4,
default api-version 2022-10-01-preview) against a running server whose
endpoint and key are in PARLEY_ENDPOINT and PARLEY_KEY. The server must be
fresh (no projects), serve lists with a page size of 3, and run with
--timezone PARLEY_SDK_TIMEZONE (default UTC). tests/sdk/run.sh sets all
that up.
"""

import copy
import datetime
import json
import os
import pathlib
import sys
from zoneinfo import ZoneInfo

from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
)
from azure.core.rest import HttpRequest
from azure.ai.language.conversations import ConversationAnalysisClient
from azure.ai.language.conversations.authoring import ConversationAuthoringClient

API_VERSION = "2022-10-01-preview"
POLL = 0.2
ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SMOKE = ROOT / "testdata" / "datasets" / "smoke" / "snips2017.smoke.clu.json"

checks = 0


def check(cond, what, detail=""):
    """Asserts cond and prints one line for the check."""
    global checks
    if not cond:
        print(f"FAIL  {what}" + (f": {detail}" if detail else ""), flush=True)
        raise AssertionError(what)
    checks += 1
    print(f"ok    {what}", flush=True)


def with_status(pipeline_response, deserialized, headers):
    """cls callback that keeps the HTTP status beside the body."""
    return pipeline_response.http_response.status_code, deserialized


def raises(exc_type, fn):
    """Calls fn and returns the exception of type exc_type it raises, or a
    description of what it did instead."""
    try:
        result = fn()
    except exc_type as e:
        return e
    except Exception as e:  # the wrong exception: report it
        return f"raised {type(e).__name__}: {e}"
    return f"returned {result!r}"


def first_diff(a, b, path=""):
    """Returns a description of the first difference between two JSON values."""
    number = (int, float)
    if isinstance(a, number) and isinstance(b, number) and not isinstance(a, bool) and not isinstance(b, bool):
        return None if a == b else f"{path}: {a!r} != {b!r}"
    if type(a) is not type(b):
        return f"{path or '/'}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}/{k}: only in {'got' if k in a else 'want'}"
            d = first_diff(a[k], b[k], f"{path}/{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f"{path}/{i}")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def main():
    endpoint = os.environ["PARLEY_ENDPOINT"]
    key = os.environ["PARLEY_KEY"]
    client = ConversationAuthoringClient(endpoint, AzureKeyCredential(key))
    check(client._config.api_version == API_VERSION, f"client default api-version is {API_VERSION}",
          client._config.api_version)

    # create_project: 201 for new projects, 200 when the project exists.
    names = [f"sdk-e2e-{i}" for i in range(7)]
    for name in names:
        body = {"projectName": name, "language": "en-us", "projectKind": "Conversation"}
        status, project = client.create_project(name, body, cls=with_status)
        check(status == 201 and project and project.get("projectName") == name,
              f"create_project({name!r}) -> 201 with the project", f"{status} {project}")
    status, project = client.create_project(
        names[0], {"projectName": names[0], "language": "en-us", "projectKind": "Conversation",
                   "description": "updated"}, cls=with_status)
    check(status == 200 and project.get("projectName") == names[0] and project.get("description") == "updated",
          f"create_project({names[0]!r}) again -> 200 with the updated project", f"{status} {project}")

    # list_projects across pages of 3.
    pages = [list(page) for page in client.list_projects().by_page()]
    listed = [p["projectName"] for page in pages for p in page]
    sizes = [len(p) for p in pages]
    check(sizes == [3, 3, 1], "list_projects follows nextLink across pages of 3: sizes [3, 3, 1]", f"{sizes}")
    check(sorted(listed) == sorted(names), f"list_projects returns all {len(names)} projects once",
          f"{listed}")
    check(sorted(p["projectName"] for p in client.list_projects()) == sorted(names),
          "list_projects iterated as items returns them all")

    # begin_import_project with the smoke SNIPS file.
    smoke = json.loads(SMOKE.read_text(encoding="utf-8"))
    name = smoke["metadata"]["projectName"]
    job = client.begin_import_project(name, smoke, polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded", f"begin_import_project({name!r}).result() succeeded",
          f"{job}")
    project = client.get_project(name)
    check(project["projectName"] == name and project["language"] == smoke["metadata"]["language"],
          f"get_project({name!r}) after import", f"{project}")

    # A bad file: an utterance whose intent is undeclared.
    bad = copy.deepcopy(smoke)
    bad_name = "sdk-e2e-bad"
    bad["metadata"]["projectName"] = bad_name
    bad["assets"]["utterances"].append({"text": "order me a pizza", "intent": "OrderPizza",
                                        "language": "en-us", "dataset": "Train", "entities": []})
    bad_index = len(bad["assets"]["utterances"]) - 1
    err = raises(HttpResponseError, lambda: client.begin_import_project(bad_name, bad, polling_interval=POLL))
    check(isinstance(err, HttpResponseError) and err.status_code == 400,
          "begin_import_project(bad file) raises HttpResponseError 400", f"{getattr(err, 'status_code', '')} {err}")
    odata = err.error
    check(odata is not None and odata.code in ("InvalidRequest", "InvalidArgument"),
          "the 400 has an Azure error body with code InvalidRequest or InvalidArgument",
          f"{odata and odata.code}")
    targets = [d.target for d in (odata.details or [])] + [odata.target]
    messages = [d.message for d in (odata.details or [])] + [odata.message]
    want_target = f"/assets/utterances/{bad_index}/intent"
    check(want_target in targets, f"the 400 names the target {want_target}", f"{targets}")
    check(any("OrderPizza" in (m or "") for m in messages), "the 400 message names the undeclared intent",
          f"{messages}")
    err = raises(ResourceNotFoundError, lambda: client.get_project(bad_name))
    check(isinstance(err, ResourceNotFoundError), "a rejected import creates no project", f"{err}")

    # begin_export_project, the export job, and the exported file.
    job = client.begin_export_project(project_name=name, string_index_type="Utf16CodeUnit",
                                      polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded" and job.get("resultUrl"),
          "begin_export_project().result() succeeded with a resultUrl", f"{job}")
    result_url = job["resultUrl"]
    check(f"api-version={API_VERSION}" in result_url, f"resultUrl carries api-version={API_VERSION}", result_url)
    status = client.get_export_project_job_status(name, job["jobId"])
    check(status["status"] == "succeeded" and status["jobId"] == job["jobId"],
          "get_export_project_job_status() answers succeeded", f"{status}")
    resp = client.send_request(HttpRequest("GET", result_url))
    check(resp.status_code == 200, "GET resultUrl -> 200", f"{resp.status_code} {resp.text()[:300]}")
    exported = resp.json()
    check(exported.get("projectFileVersion") == API_VERSION,
          f"exported projectFileVersion is the request's api-version {API_VERSION}",
          f"{exported.get('projectFileVersion')}")
    want = dict(smoke, projectFileVersion=API_VERSION)
    diff = first_diff(exported, want)
    check(diff is None, "the exported file equals the imported file", diff or "")

    # Training: begin_train, list_trained_models, the evaluation summary, and
    # the per-utterance results across pages of 3.
    job = client.begin_train(name, {"modelLabel": "m1", "trainingMode": "standard",
                                    "evaluationOptions": {"kind": "manual"}}, polling_interval=POLL).result()
    result = (job or {}).get("result", {})
    check(job and job.get("status") == "succeeded" and result.get("modelLabel") == "m1"
          and result.get("trainingStatus", {}).get("percentComplete") == 100,
          "begin_train(m1, manual split).result() succeeded", f"{job}")
    models = list(client.list_trained_models(name))
    check([m["label"] for m in models] == ["m1"] and models[0]["modelId"].startswith("m1-"),
          "list_trained_models lists m1", f"{models}")
    summary = client.get_model_evaluation_summary(name, "m1")
    intents = summary.get("intentsEvaluation", {})
    check(set(intents) == {"confusionMatrix", "intents", "microF1", "microPrecision", "microRecall",
                           "macroF1", "macroPrecision", "macroRecall"} and "entitiesEvaluation" in summary,
          "get_model_evaluation_summary has the spec's members", f"{sorted(intents)}")
    test_set = [u for u in smoke["assets"]["utterances"] if u.get("dataset") == "Test"]
    results = list(client.list_model_evaluation_results(name, "m1", string_index_type="Utf16CodeUnit"))
    check(len(results) == len(test_set) and {r["text"] for r in results} == {u["text"] for u in test_set},
          f"list_model_evaluation_results returns the {len(test_set)} Test utterances across pages",
          f"{len(results)}")
    accuracy = sum(r["intentsResult"]["expectedIntent"] == r["intentsResult"]["predictedIntent"]
                   for r in results) / len(results)
    print(f"      intent accuracy on the smoke Test set: {accuracy:.3f}, "
          f"micro F1 {intents['microF1']:.3f}, entity micro F1 {summary['entitiesEvaluation']['microF1']:.3f}")
    check(accuracy >= 0.7, "the trained model gets at least 70% of the smoke Test intents right", f"{accuracy}")

    # Deployment and prediction: begin_deploy_project (whose poller ends with
    # a GET of the deployment), then ConversationAnalysisClient over the
    # smoke set's Test utterances.
    deployment = client.begin_deploy_project(name, "production", {"trainedModelLabel": "m1"},
                                             polling_interval=POLL).result()
    check(deployment and deployment.get("deploymentName") == "production"
          and deployment.get("modelId") == models[0]["modelId"],
          "begin_deploy_project(production, m1).result() is the deployment", f"{deployment}")
    runtime = ConversationAnalysisClient(endpoint, AzureKeyCredential(key))
    right, entity_texts_ok = 0, True
    for i, u in enumerate(test_set):
        answer = runtime.analyze_conversation({
            "kind": "Conversation",
            "analysisInput": {"conversationItem": {"id": str(i), "participantId": "user", "text": u["text"]}},
            "parameters": {"projectName": name, "deploymentName": "production", "stringIndexType": "UnicodeCodePoint"},
        })
        prediction = answer["result"]["prediction"]
        right += prediction["topIntent"] == u["intent"]
        for e in prediction["entities"]:
            # UnicodeCodePoint offsets index Python strings directly.
            entity_texts_ok &= u["text"][e["offset"]:e["offset"] + e["length"]] == e["text"]
    runtime_accuracy = right / len(test_set)
    print(f"      analyze_conversation intent accuracy on the smoke Test set: {runtime_accuracy:.3f} "
          f"({right}/{len(test_set)})")
    check(answer["kind"] == "ConversationResult" and prediction["projectKind"] == "Conversation",
          "analyze_conversation answers a ConversationResult", f"{answer}")
    check(runtime_accuracy >= 0.7, "the deployment gets at least 70% of the smoke Test intents right",
          f"{runtime_accuracy}")
    check(entity_texts_ok, "every predicted entity's text is the query's substring at its code-point offset")
    err = raises(ResourceNotFoundError, lambda: runtime.analyze_conversation({
        "kind": "Conversation",
        "analysisInput": {"conversationItem": {"id": "1", "participantId": "1", "text": "hello"}},
        "parameters": {"projectName": name, "deploymentName": "nowhere"}}))
    check(isinstance(err, ResourceNotFoundError), "an unknown deployment raises ResourceNotFoundError", f"{err}")

    # Parley's request extension (docs/compatibility.md): the SDK's dict body
    # carries parleyReferenceDateTime and parleyTimeZone through unchanged,
    # and a bad value is an Azure-shaped 400 naming the field.
    def ask(text, **extension):
        return runtime.analyze_conversation({
            "kind": "Conversation",
            "analysisInput": {"conversationItem": {"id": "1", "participantId": "1", "text": text}},
            "parameters": {"projectName": name, "deploymentName": "production", **extension}})
    answer = ask("play some jazz tomorrow", parleyReferenceDateTime="2016-11-07T00:00:00", parleyTimeZone="Europe/Paris")
    check(answer["kind"] == "ConversationResult" and answer["result"]["query"] == "play some jazz tomorrow",
          "analyze_conversation with parleyReferenceDateTime and parleyTimeZone answers", f"{answer}")
    for field, value, target in (("parleyTimeZone", "Europe/Pariss", "parameters.parleyTimeZone"),
                                 ("parleyReferenceDateTime", "next tuesday", "parameters.parleyReferenceDateTime")):
        err = raises(HttpResponseError, lambda: ask("play some jazz", **{field: value}))
        odata = getattr(err, "error", None)
        check(isinstance(err, HttpResponseError) and err.status_code == 400 and odata is not None
              and odata.code == "InvalidArgument" and odata.target == target,
              f"a bad {field} raises HttpResponseError 400 InvalidArgument naming {target}",
              f"{getattr(err, 'status_code', '')} {odata and odata.code} {odata and odata.target} {err}")

    # get_project, begin_delete_project, then 404.
    check(client.get_project(names[1])["projectName"] == names[1], f"get_project({names[1]!r})")
    job = client.begin_delete_project(names[1], polling_interval=POLL).result()
    check(job is None or job.get("status") == "succeeded", f"begin_delete_project({names[1]!r}).result()",
          f"{job}")
    err = raises(ResourceNotFoundError, lambda: client.get_project(names[1]))
    check(isinstance(err, ResourceNotFoundError) and err.status_code == 404,
          f"get_project({names[1]!r}) after delete raises ResourceNotFoundError", f"{err}")
    left = sorted(p["projectName"] for p in client.list_projects())
    check(left == sorted(set(names) - {names[1]} | {name}), "list_projects after delete", f"{left}")

    # DateTime through the SDK: a project whose When entity is the DateTime
    # prebuilt alone; the answer's resolutions parse as the spec's shapes.
    dt_name = "sdk-e2e-datetime"
    utterances = [(t, "Book") for t in ("book a table", "reserve seats for us", "I want a room", "get me a ticket")] + \
                 [(t, "Cancel") for t in ("cancel my booking", "drop the reservation", "call it off", "forget the room")]
    dt_project = {
        "projectFileVersion": API_VERSION, "stringIndexType": "Utf16CodeUnit",
        "metadata": {"projectKind": "Conversation", "projectName": dt_name, "multilingual": False,
                     "language": "en-us", "settings": {"confidenceThreshold": 0}},
        "assets": {"projectKind": "Conversation", "intents": [{"category": "Book"}, {"category": "Cancel"}],
                   "entities": [{"category": "When", "prebuilts": [{"category": "DateTime"}]}],
                   "utterances": [{"text": t, "intent": i, "language": "en-us", "dataset": "Test" if n % 4 == 3 else "Train",
                                   "entities": []} for n, (t, i) in enumerate(utterances)]}}
    job = client.begin_import_project(dt_name, dt_project, polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded", f"begin_import_project({dt_name!r}) with a DateTime entity", f"{job}")
    job = client.begin_train(dt_name, {"modelLabel": "m1", "trainingMode": "standard",
                                       "evaluationOptions": {"kind": "manual"}}, polling_interval=POLL).result()
    check(job and job.get("status") == "succeeded" and not job.get("warnings"),
          "begin_train of the DateTime project succeeds with no warnings", f"{job}")
    client.begin_deploy_project(dt_name, "production", {"trainedModelLabel": "m1"}, polling_interval=POLL).result()

    def when(text, **extension):
        answer = runtime.analyze_conversation({
            "kind": "Conversation",
            "analysisInput": {"conversationItem": {"id": "1", "participantId": "1", "text": text}},
            "parameters": {"projectName": dt_name, "deploymentName": "production", "stringIndexType": "UnicodeCodePoint",
                           **extension}})
        return [e for e in answer["result"]["prediction"]["entities"] if e["category"] == "When"]

    got = when("book it for tomorrow at 5pm", parleyReferenceDateTime="2016-11-07T00:00:00",
               parleyTimeZone="Europe/Paris")
    want = [{"category": "When", "text": "tomorrow at 5pm", "offset": 12, "length": 15, "confidenceScore": 1,
             "resolutions": [{"resolutionKind": "DateTimeResolution", "dateTimeSubKind": "DateTime",
                              "timex": "2016-11-08T17", "value": "2016-11-08 17:00:00"}],
             "extraInformation": [{"extraInformationKind": "EntitySubtype", "value": "datetime.datetime"}]}]
    check(got == want, "analyze_conversation resolves \"tomorrow at 5pm\" at parleyReferenceDateTime 2016-11-07 "
          "in Europe/Paris to a DateTimeResolution", f"{got}")
    got = when("from march 3 to march 5", parleyReferenceDateTime="2016-11-07T00:00:00Z")
    spans = [r for e in got for r in e.get("resolutions", [])]
    check([(r["resolutionKind"], r.get("begin"), r.get("end"), r.get("duration")) for r in spans] ==
          [("TemporalSpanResolution", "2016-03-03", "2016-03-05", "P2D"),
           ("TemporalSpanResolution", "2017-03-03", "2017-03-05", "P2D")],
          "a date range with no year resolves to last year's and next year's TemporalSpanResolution", f"{got}")

    # No reference in the request: the server's clock in its --timezone
    # (run.sh passes PARLEY_SDK_TIMEZONE). The date is read before and
    # after the call, in case midnight passes in between.
    zone = ZoneInfo(os.environ.get("PARLEY_SDK_TIMEZONE", "UTC"))
    before = (datetime.datetime.now(zone) + datetime.timedelta(days=1)).date().isoformat()
    got = when("tomorrow")
    after = (datetime.datetime.now(zone) + datetime.timedelta(days=1)).date().isoformat()
    values = [r.get("value") for e in got for r in e.get("resolutions", [])]
    check(len(values) == 1 and values[0] in (before, after),
          f"\"tomorrow\" with no reference is tomorrow on the server's clock in {zone.key}", f"{got}, want {before}")
    client.begin_delete_project(dt_name, polling_interval=POLL).result()
    err = raises(ResourceNotFoundError, lambda: client.get_project(dt_name))
    check(isinstance(err, ResourceNotFoundError), f"begin_delete_project({dt_name!r}) removes it", f"{err}")

    # A wrong key.
    wrong = ConversationAuthoringClient(endpoint, AzureKeyCredential("not-" + key))
    err = raises(ClientAuthenticationError, lambda: wrong.get_project(names[0]))
    check(isinstance(err, ClientAuthenticationError) and err.status_code == 401,
          "a wrong key raises ClientAuthenticationError (401) on get_project", f"{err}")
    err = raises(ClientAuthenticationError, lambda: list(wrong.list_projects()))
    check(isinstance(err, ClientAuthenticationError), "a wrong key raises ClientAuthenticationError on list_projects",
          f"{err}")

    print(f"SDK e2e: {checks} checks passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # print a short reason, then the traceback, and fail
        print(f"SDK e2e FAILED after {checks} checks: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        raise
