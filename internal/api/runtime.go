package api

import (
	"net/http"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// runtimePrefix is where the runtime API lives under the endpoint.
const runtimePrefix = "/language"

// maxQueryLength is the longest query text, in UTF-16 code units (RUNTIME.md §2).
const maxQueryLength = 1000

// runtimeRoutes are the prediction API's routes (RUNTIME.md), under /language.
// The asynchronous conversation-analysis jobs are summarization and PII
// tasks, which Parley does not carry out.
var runtimeRoutes = []route{
	{"POST", "/:analyze-conversations", "ConversationAnalysis_AnalyzeConversation", (*Server).analyzeConversation, nil},
	{"POST", "/analyze-conversations/jobs", "AnalyzeConversation_SubmitJob", nil, nil},
	{"GET", "/analyze-conversations/jobs/{jobId}", "AnalyzeConversation_JobStatus", nil, nil},
	{"POST", "/analyze-conversations/jobs/{jobId}", "AnalyzeConversation_CancelJob", nil, nil}, // {jobId}:cancel
}

// analyzeConversation implements ConversationAnalysis_AnalyzeConversation
// for Conversation projects.
func (s *Server) analyzeConversation(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req wire.AnalyzeConversationTask
	if e := decodeBody(body, &req); e != nil {
		s.writeError(w, r, e)
		return
	}
	switch {
	case strings.EqualFold(req.Kind, "ConversationalAI") && v.AllowsConversationalAI():
		// the multi-turn task of 2025-05-15-preview asks for an LLM-backed
		// model Parley does not have (VERSIONS.md §7)
		e := azerr.New(azerr.NotImplemented, "kind \"ConversationalAI\" (multi-turn conversation analysis with an LLM-backed model) is not supported by Parley; use kind \"Conversation\" with one conversationItem.")
		e.Target = "kind"
		s.writeError(w, r, e)
		return
	case !strings.EqualFold(req.Kind, "Conversation"):
		s.writeError(w, r, azerr.Invalid("kind", "kind %q is not supported; use \"Conversation\".", req.Kind))
		return
	case req.AnalysisInput == nil || req.AnalysisInput.ConversationItem == nil:
		s.writeError(w, r, azerr.Invalid("analysisInput.conversationItem", "analysisInput.conversationItem is required."))
		return
	case req.Parameters == nil || req.Parameters.ProjectName == "":
		s.writeError(w, r, azerr.Invalid("parameters.projectName", "parameters.projectName is required."))
		return
	case req.Parameters.DeploymentName == "":
		s.writeError(w, r, azerr.Invalid("parameters.deploymentName", "parameters.deploymentName is required."))
		return
	}
	item, params := req.AnalysisInput.ConversationItem, req.Parameters
	switch n := utf16Len(item.Text); {
	case item.ID == "":
		s.writeError(w, r, azerr.Invalid("analysisInput.conversationItem.id", "analysisInput.conversationItem.id is required."))
		return
	case item.ParticipantID == "":
		s.writeError(w, r, azerr.Invalid("analysisInput.conversationItem.participantId", "analysisInput.conversationItem.participantId is required."))
		return
	case strings.TrimSpace(item.Text) == "":
		s.writeError(w, r, azerr.Invalid("analysisInput.conversationItem.text", "analysisInput.conversationItem.text is empty; send the utterance to analyze."))
		return
	case n > maxQueryLength:
		s.writeError(w, r, azerr.Invalid("analysisInput.conversationItem.text", "The text is %d characters long; the limit is %d.", n, maxQueryLength))
		return
	}
	idx, ok := project.RuntimeIndexType(params.StringIndexType)
	if !ok {
		s.writeError(w, r, azerr.Invalid("parameters.stringIndexType", "stringIndexType %q is not one of TextElements_v8, UnicodeCodePoint, Utf16CodeUnit.", params.StringIndexType))
		return
	}
	opts, e := referenceOptions(params, s.svc.Runtime.TimeZone())
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	p, err := s.svc.Runtime.Predict(r.Context(), params.ProjectName, params.DeploymentName, item.Text, item.Language, opts)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out wire.ConversationalTaskResult
	out.Kind = "ConversationResult"
	out.Result.Query = item.Text
	pred := &out.Result.Prediction
	pred.TopIntent, pred.ProjectKind = p.TopIntent, "Conversation"
	pred.Intents = make([]wire.ConversationIntent, len(p.Intents))
	for i, in := range p.Intents {
		pred.Intents[i] = wire.ConversationIntent{Category: in.Intent, ConfidenceScore: in.Score}
	}
	pred.Entities = make([]wire.ConversationEntity, 0, len(p.Entities))
	for _, e := range p.Entities {
		off, n, text := project.SpanIn(item.Text, e.Offset, e.Length, idx)
		er := wire.ConversationEntity{Category: e.Category, Text: text, Offset: off, Length: n, ConfidenceScore: e.Score}
		if e.ListKey != "" {
			er.ExtraInformation = append(er.ExtraInformation, wire.ExtraInformation{ExtraInformationKind: "ListKey", Key: e.ListKey})
		}
		if e.RegexKey != "" {
			er.ExtraInformation = append(er.ExtraInformation, wire.ExtraInformation{ExtraInformationKind: "RegexKey", Key: e.RegexKey})
		}
		for _, pm := range e.Prebuilt {
			prebuiltWire(&er, pm.Result.TypeName, pm.Result.Resolution)
		}
		pred.Entities = append(pred.Entities, er)
	}
	writeJSON(w, http.StatusOK, out)
}

// utf16Len is the length of s in UTF-16 code units, the unit of the limit.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
