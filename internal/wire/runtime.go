package wire

import "encoding/json"

// String index types of the spec's StringIndexType enum: the unit of
// offsets and lengths.
const (
	TextElements     = "TextElements_v8" // the prediction API's default: grapheme clusters
	UnicodeCodePoint = "UnicodeCodePoint"
	Utf16CodeUnit    = "Utf16CodeUnit"
)

// AnalyzeConversationTask is the spec's ConversationalTask of kind
// Conversation, the body of :analyze-conversations. Its members are
// pointers so that the server can tell a missing one.
type AnalyzeConversationTask struct {
	Kind          string                      `json:"kind"`
	AnalysisInput *ConversationAnalysisInput  `json:"analysisInput"`
	Parameters    *ConversationTaskParameters `json:"parameters"`
}

// ConversationAnalysisInput is the spec's ConversationAnalysisOptions.
type ConversationAnalysisInput struct {
	ConversationItem *TextConversationItem `json:"conversationItem"`
}

// TextConversationItem is the spec's TextConversationItem. The id and the
// participantId are required, and not echoed.
type TextConversationItem struct {
	ID            string `json:"id"`
	ParticipantID string `json:"participantId"`
	Text          string `json:"text"`
	Language      string `json:"language,omitempty"`
}

// ConversationTaskParameters is the spec's ConversationActionContent.
type ConversationTaskParameters struct {
	ProjectName      string `json:"projectName"`
	DeploymentName   string `json:"deploymentName"`
	Verbose          bool   `json:"verbose,omitempty"`
	IsLoggingEnabled bool   `json:"isLoggingEnabled,omitempty"`
	StringIndexType  string `json:"stringIndexType,omitempty"`
	// ReferenceDateTime and TimeZone are a Parley extension, not in the
	// spec (docs/compatibility.md, "The reference time of a query"): the
	// "now" of relative dates and times for this one query, as a local
	// date-time (2016-11-07T00:00:00) or RFC 3339 with an offset, and the
	// IANA time zone it is in. Absent means the server's clock in its
	// --timezone. Pointers, so that an empty value is told from a missing one.
	ReferenceDateTime *string `json:"parleyReferenceDateTime,omitempty"`
	TimeZone          *string `json:"parleyTimeZone,omitempty"`
}

// ConversationalTaskResult is the spec's ConversationalTaskResult: the
// answer of :analyze-conversations.
type ConversationalTaskResult struct {
	Kind   string                    `json:"kind"`
	Result AnalyzeConversationResult `json:"result"`
}

// AnalyzeConversationResult is the spec's AnalyzeConversationResult.
type AnalyzeConversationResult struct {
	Query            string                 `json:"query"`
	DetectedLanguage string                 `json:"detectedLanguage,omitempty"`
	Prediction       ConversationPrediction `json:"prediction"`
}

// ConversationPrediction is the spec's ConversationPrediction.
type ConversationPrediction struct {
	TopIntent   string `json:"topIntent"`
	ProjectKind string `json:"projectKind"`
	// Intents are sorted by score, highest first.
	Intents  []ConversationIntent `json:"intents"`
	Entities []ConversationEntity `json:"entities"`
}

// ConversationIntent is the spec's ConversationIntent.
type ConversationIntent struct {
	Category        string  `json:"category"`
	ConfidenceScore float64 `json:"confidenceScore"`
}

// ConversationEntity is the spec's ConversationEntity. Offset and Length
// count the request's StringIndexType units.
type ConversationEntity struct {
	Category        string  `json:"category"`
	Text            string  `json:"text"`
	Offset          int     `json:"offset"`
	Length          int     `json:"length"`
	ConfidenceScore float64 `json:"confidenceScore"`
	// Resolutions are the spec's BaseResolution values, kept as JSON.
	Resolutions      []json.RawMessage  `json:"resolutions,omitempty"`
	ExtraInformation []ExtraInformation `json:"extraInformation,omitempty"`
}

// Extra information kinds of the spec's ExtraInformationKind enum.
const (
	ExtraListKey       = "ListKey"
	ExtraRegexKey      = "RegexKey"
	ExtraEntitySubtype = "EntitySubtype"
)

// ExtraInformation is the spec's BaseExtraInformation: ListKey (Key is the
// list key whose synonym matched), RegexKey (Key and RegexPattern) or
// EntitySubtype (Value).
type ExtraInformation struct {
	ExtraInformationKind string `json:"extraInformationKind"`
	Key                  string `json:"key,omitempty"`
	RegexPattern         string `json:"regexPattern,omitempty"`
	Value                string `json:"value,omitempty"`
}

// TopScore is the score of the top intent, or 0 when the prediction has no
// intents.
func (p *ConversationPrediction) TopScore() float64 {
	for _, in := range p.Intents {
		if in.Category == p.TopIntent {
			return in.ConfidenceScore
		}
	}
	return 0
}
