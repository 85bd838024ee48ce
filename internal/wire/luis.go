package wire

import "encoding/json"

// The LUIS prediction API (issue 12), as the LUIS runtime spec spells it
// (Azure/azure-rest-api-specs, specification/cognitiveservices/data-plane/
// LUIS/Runtime, stable/v3.0 and stable/v2.0): the shapes a bot's
// LuisRecognizer sends and reads.

// LUISPredictionRequest is v3's PredictionRequest, the body of POST
// .../slots/{slotName}/predict.
type LUISPredictionRequest struct {
	Query            *string                       `json:"query"`
	Options          *LUISPredictionRequestOptions `json:"options,omitempty"`
	ExternalEntities []LUISExternalEntity          `json:"externalEntities,omitempty"`
	DynamicLists     []LUISDynamicList             `json:"dynamicLists,omitempty"`
}

// LUISPredictionRequestOptions is v3's PredictionRequestOptions.
// OverridePredictions is the preview's name of preferExternalEntities,
// which the preview docs still show.
type LUISPredictionRequestOptions struct {
	DatetimeReference      *string `json:"datetimeReference,omitempty"`
	PreferExternalEntities *bool   `json:"preferExternalEntities,omitempty"`
	OverridePredictions    *bool   `json:"overridePredictions,omitempty"`
}

// LUISExternalEntity is v3's ExternalEntity: an entity the caller found
// itself, in UTF-16 code units of the query.
type LUISExternalEntity struct {
	EntityName   string          `json:"entityName"`
	StartIndex   *int            `json:"startIndex"`
	EntityLength *int            `json:"entityLength"`
	Resolution   json.RawMessage `json:"resolution,omitempty"`
	Score        *float64        `json:"score,omitempty"`
}

// LUISDynamicList is v3's DynamicList: sublists added to a list entity
// for one request.
type LUISDynamicList struct {
	ListEntityName string            `json:"listEntityName"`
	RequestLists   []LUISRequestList `json:"requestLists"`
}

// LUISRequestList is v3's RequestList.
type LUISRequestList struct {
	Name          string   `json:"name,omitempty"`
	CanonicalForm string   `json:"canonicalForm"`
	Synonyms      []string `json:"synonyms,omitempty"`
}

// LUISPredictionResponse is v3's PredictionResponse.
type LUISPredictionResponse struct {
	Query      string         `json:"query"`
	Prediction LUISPrediction `json:"prediction"`
}

// LUISPrediction is v3's Prediction. Entities maps an entity (or role)
// name to its values, in the shape of the entity's type, plus "$instance"
// with the values' metadata when the request was verbose.
type LUISPrediction struct {
	TopIntent string                `json:"topIntent"`
	Intents   map[string]LUISIntent `json:"intents"`
	Entities  map[string]any        `json:"entities"`
}

// LUISIntent is v3's Intent.
type LUISIntent struct {
	Score float64 `json:"score"`
}

// LUISInstance is an entry of a v3 "$instance" array: where a value was
// found and by which model. Score is the learned models' only.
type LUISInstance struct {
	Type               string   `json:"type"`
	Text               string   `json:"text"`
	StartIndex         int      `json:"startIndex"`
	Length             int      `json:"length"`
	Score              *float64 `json:"score,omitempty"`
	ModelTypeID        int      `json:"modelTypeId"`
	ModelType          string   `json:"modelType"`
	RecognitionSources []string `json:"recognitionSources"`
}

// LUISResult is v2's LuisResult. Intents is sent only for verbose=true.
type LUISResult struct {
	Query            string            `json:"query"`
	TopScoringIntent *LUISIntentModel  `json:"topScoringIntent,omitempty"`
	Intents          []LUISIntentModel `json:"intents,omitempty"`
	Entities         []LUISEntityModel `json:"entities"`
}

// LUISIntentModel is v2's IntentModel.
type LUISIntentModel struct {
	Intent string  `json:"intent"`
	Score  float64 `json:"score"`
}

// LUISEntityModel is v2's EntityModel with its additional properties
// (EntityWithScore, EntityWithResolution): indices in UTF-16 code units,
// EndIndex inclusive.
type LUISEntityModel struct {
	Entity     string   `json:"entity"`
	Type       string   `json:"type"`
	StartIndex int      `json:"startIndex"`
	EndIndex   int      `json:"endIndex"`
	Score      *float64 `json:"score,omitempty"`
	Resolution any      `json:"resolution,omitempty"`
}

// LUISError is the runtime spec's Error: {"error": {"code", "message"}}.
type LUISError struct {
	Error LUISErrorBody `json:"error"`
}

// LUISErrorBody is the runtime spec's ErrorBody.
type LUISErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
