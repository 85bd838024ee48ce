// Bot Framework's LuisRecognizer (botbuilder-ai, pinned in package.json)
// against Parley's LUIS prediction endpoint, as a bot calls it: v3 and v2
// options, the key in Ocp-Apim-Subscription-Key. Prints one JSON object of
// RecognizerResults by case for internal/api's TestLUISRecognizerBotBuilder,
// which checks them. Environment: PARLEY_ENDPOINT, PARLEY_KEY,
// PARLEY_LUIS_APP_ID, and NODE_PATH naming the node_modules that hold
// botbuilder-ai.
'use strict';

const { LuisRecognizer } = require('botbuilder-ai');
const { TestAdapter, TurnContext } = require('botbuilder-core');

const application = {
    applicationId: process.env.PARLEY_LUIS_APP_ID,
    endpointKey: process.env.PARLEY_KEY,
    endpoint: process.env.PARLEY_ENDPOINT,
};

function turn(text) {
    return new TurnContext(new TestAdapter(), {
        type: 'message',
        text,
        channelId: 'test',
        conversation: { id: 'conversation' },
        from: { id: 'user' },
        recipient: { id: 'bot' },
    });
}

async function recognize(options, text) {
    const recognizer = new LuisRecognizer(application, options);
    try {
        const result = await recognizer.recognize(turn(text));
        delete result.luisResult; // the raw answer: Go's tests check it directly
        return result;
    } catch (err) {
        return { error: String(err && err.message ? err.message : err) };
    }
}

async function main() {
    const query = 'forward to frank 30 dollars through HSBC tomorrow';
    const out = {
        v3: await recognize({ apiVersion: 'v3', includeAllIntents: true, datetimeReference: '2019-05-05T12:00:00' }, query),
        v3staging: await recognize({ apiVersion: 'v3', slot: 'staging' }, query),
        v3external: await recognize({
            apiVersion: 'v3',
            externalEntities: [{ entityName: 'Bank', startIndex: 36, entityLength: 4, resolution: { text: 'International Bank' } }],
            dynamicLists: [{ listEntityName: 'Employees', requestLists: [{ canonicalForm: 'Frank', synonyms: ['frankie'] }] }],
        }, query),
        v2: await recognize({ apiVersion: 'v2', includeAllIntents: true }, query),
        unknownApp: await (async () => {
            const r = new LuisRecognizer({ ...application, applicationId: '11111111-2222-4333-8444-555555555555' }, { apiVersion: 'v3' });
            try {
                await r.recognize(turn(query));
                return { error: '' };
            } catch (err) {
                return { error: String(err && err.message ? err.message : err) };
            }
        })(),
    };
    process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
    process.exit(1);
});
