// The official Azure JavaScript runtime client, @azure/ai-language-conversations
// (pinned in package-lock.json), against Parley over https with its DEFAULT
// options: no allowInsecureConnection. Node trusts Parley's development
// certificate authority through NODE_EXTRA_CA_CERTS, as parley dev-cert says.
//
// Usage: PARLEY_ENDPOINT=https://127.0.0.1:PORT PARLEY_KEY=KEY PARLEY_PROJECT=P \
//        NODE_EXTRA_CA_CERTS=ca.pem node tls_runtime.mjs
import { ConversationAnalysisClient } from "@azure/ai-language-conversations";
import { AzureKeyCredential } from "@azure/core-auth";

const { PARLEY_ENDPOINT: endpoint, PARLEY_KEY: key, PARLEY_PROJECT: projectName } = process.env;
let checks = 0;
function check(cond, what, detail = "") {
  if (!cond) {
    throw new Error(`FAILED: ${what} ${detail}`);
  }
  checks++;
  console.log(`ok    ${what}`);
}

if (!endpoint.startsWith("https://")) {
  throw new Error(`PARLEY_ENDPOINT ${endpoint} is not https`);
}
const client = new ConversationAnalysisClient(endpoint, new AzureKeyCredential(key));
const text = "play the latest album by phil collins on spotify";
const answer = await client.analyzeConversation({
  kind: "Conversation",
  analysisInput: { conversationItem: { id: "1", participantId: "1", text } },
  parameters: { projectName, deploymentName: "production" },
});
const pred = answer.result.prediction;
check(answer.kind === "ConversationResult", "analyzeConversation over https with default options answers a ConversationResult", JSON.stringify(answer));
check(pred.projectKind === "Conversation" && pred.topIntent === "PlayMusic",
  "the prediction's top intent is PlayMusic", JSON.stringify(pred));
check(Array.isArray(pred.entities) && pred.entities.every((e) => e.offset >= 0 && e.length > 0),
  "entities carry offsets and lengths", JSON.stringify(pred.entities));

// A wrong key is an error the client raises, with the gateway's code.
const bad = new ConversationAnalysisClient(endpoint, new AzureKeyCredential("not-the-key"));
let status = 0;
try {
  await bad.analyzeConversation({
    kind: "Conversation",
    analysisInput: { conversationItem: { id: "1", participantId: "1", text } },
    parameters: { projectName, deploymentName: "production" },
  });
} catch (e) {
  status = e.statusCode;
}
check(status === 401, "a wrong key raises 401", `${status}`);
console.log(`JS runtime client over https: ${checks} checks passed`);
