package api

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// The LUIS prediction endpoint (issue 12): the v3 and v2 routes of the LUIS
// runtime spec (Azure/azure-rest-api-specs, specification/cognitiveservices/
// data-plane/LUIS/Runtime), so that a bot built on LuisRecognizer keeps
// working with only its endpoint and key changed. The app id of the URL
// names the project that carries it (luisAppId); a slot names the
// deployment of the same name. Predictions take the same path as
// :analyze-conversations (Runtime.Predict, its model cache included); only
// the request and answer shapes are LUIS's. docs/compatibility.md, "LUIS
// prediction endpoint", lists every parameter and member.

// luisRoute is a route of the LUIS prediction API: no api-version.
type luisRoute struct {
	method    string
	path      string
	operation string // the runtime spec's operationId
	handle    func(s *Server, w http.ResponseWriter, r *http.Request)
}

// luisV3Prefixes are where v3 lives: LuisRecognizer and the docs use
// /luis/prediction/v3.0; the spec's host template is {Endpoint}/luis/v3.0.
var luisV3Prefixes = []string{"/luis/prediction/v3.0", "/luis/v3.0"}

// luisV2Prefix is where v2 lives.
const luisV2Prefix = "/luis/v2.0"

// luisRoutes is the LUIS route table, in the spec's order.
var luisRoutes = func() []luisRoute {
	var out []luisRoute
	for _, p := range luisV3Prefixes {
		out = append(out,
			luisRoute{"GET", p + "/apps/{appId}/slots/{slotName}/predict", "Prediction_GetSlotPredictionGET", (*Server).luisV3Predict},
			luisRoute{"POST", p + "/apps/{appId}/slots/{slotName}/predict", "Prediction_GetSlotPrediction", (*Server).luisV3Predict},
			luisRoute{"GET", p + "/apps/{appId}/versions/{versionId}/predict", "Prediction_GetVersionPredictionGET", (*Server).luisVersionPredict},
			luisRoute{"POST", p + "/apps/{appId}/versions/{versionId}/predict", "Prediction_GetVersionPrediction", (*Server).luisVersionPredict},
		)
	}
	return append(out,
		luisRoute{"GET", luisV2Prefix + "/apps/{appId}", "Prediction_Resolve2", (*Server).luisV2Predict},
		luisRoute{"POST", luisV2Prefix + "/apps/{appId}", "Prediction_Resolve", (*Server).luisV2Predict},
	)
}()

// registerLUIS adds the LUIS routes to mux, and their paths' methods to
// methods for the 405 twins.
func (s *Server) registerLUIS(mux *http.ServeMux, methods map[string][]string) {
	for _, rt := range luisRoutes {
		mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
			if info := infoOf(r); info != nil {
				info.Operation = rt.operation
			}
			rt.handle(s, w, r)
		})
		methods[rt.path] = append(methods[rt.path], rt.method)
	}
}

// Limits of a LUIS request. LUIS allowed 500 characters of query (v2 spec:
// maxLength 500) and "up to 2 lists with about 1,000 items" of dynamic
// lists (docs); Parley's bounds are a little wider.
const (
	luisMaxQuery            = 500
	luisMaxBody             = 1 << 20
	luisMaxExternalEntities = 100
	luisMaxDynamicLists     = 10
	luisMaxDynamicValues    = 1000 // canonical forms and synonyms, all lists together
	luisMaxValueLength      = 100  // UTF-16 code units of one list value
)

// LUIS error codes (the runtime spec's ErrorBody.code is a string; these
// are the ones LUIS answered).
const (
	luisBadArgument = "BadArgument"
	luisNotFound    = "NotFound"
)

// luisError is an error in the LUIS runtime's shape.
type luisError struct {
	status  int
	code    string
	message string
}

func (e *luisError) Error() string { return e.code + ": " + e.message }

func luisBad(format string, args ...any) *luisError {
	return &luisError{http.StatusBadRequest, luisBadArgument, sprintf(format, args...)}
}

// writeLUISError writes err: a *luisError in LUIS's shape, the services'
// not-found errors as LUIS's NotFound, and anything else as the rest of the
// API does (same {"error": {"code", "message"}} envelope).
func (s *Server) writeLUISError(w http.ResponseWriter, r *http.Request, err error) {
	var le *luisError
	var ae *azerr.Error
	switch {
	case errors.As(err, &le):
	case errors.As(err, &ae) && (ae.Code == azerr.NotFound || ae.Code == azerr.ProjectNotFound):
		le = &luisError{http.StatusNotFound, luisNotFound, ae.Message}
	case errors.As(err, &ae) && (ae.Code == azerr.InvalidArgument || ae.Code == azerr.InvalidRequest):
		le = &luisError{http.StatusBadRequest, luisBadArgument, ae.Message}
	default:
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("x-ms-error-code", le.code)
	writeJSON(w, le.status, wire.LUISError{Error: wire.LUISErrorBody{Code: le.code, Message: le.message}})
}

// luisQuery is a parsed LUIS prediction request.
type luisQuery struct {
	project, deployment string
	text                string
	verbose, allIntents bool
	opts                *project.PredictOptions
	external            []wire.LUISExternalEntity
	preferExternal      bool
	dynamic             []wire.LUISDynamicList
}

// luisProject returns the project and deployment that a request's app id
// and slot name stand for.
func (s *Server) luisProject(r *http.Request, slot string) (string, string, error) {
	appID := r.PathValue("appId")
	name, err := s.svc.Runtime.LUISProject(r.Context(), appID)
	switch {
	case errors.Is(err, project.ErrLUISAppsUnavailable):
		return "", "", azerr.New(azerr.NotImplemented, "The LUIS prediction endpoint needs projects with LUIS app ids; this Parley serves exported models only (parley serve --models). Use POST /language/:analyze-conversations.")
	case errors.Is(err, project.ErrLUISAppNotFound):
		return "", "", &luisError{http.StatusNotFound, luisNotFound, sprintf("The application %q wasn't found: no project of this Parley has it as its LUIS app id. Give the project it by PATCH .../authoring/analyze-conversations/projects/{projectName} with {\"luisAppId\": %q}, or import the LUIS app.", appID, appID)}
	case err != nil:
		return "", "", err
	}
	switch strings.ToLower(slot) {
	case "production":
		return name, "production", nil
	case "staging":
		return name, "staging", nil
	}
	return "", "", luisBad("The slot %q does not exist; LUIS apps have the slots \"production\" and \"staging\" (they are the deployments of those names).", slot)
}

// luisBool reads a boolean query parameter: absent is false.
func luisBool(q map[string][]string, name string) (bool, error) {
	vs, ok := q[name]
	if !ok || len(vs) == 0 || vs[0] == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(vs[0]))
	if err != nil {
		return false, luisBad("The query parameter %s=%q is not a boolean; use true or false.", name, vs[0])
	}
	return b, nil
}

// checkLUISQuery refuses a query LUIS would not predict.
func checkLUISQuery(text string) error {
	if strings.TrimSpace(text) == "" {
		return luisBad("The query is empty; send the utterance to predict (v3: the query parameter or body member; v2: q).")
	}
	if n := utf16Len(text); n > luisMaxQuery {
		return &luisError{http.StatusRequestURITooLong, luisBadArgument, sprintf("The query is %d characters long; the limit is %d.", n, luisMaxQuery)}
	}
	return nil
}

// luisV3Predict implements Prediction_GetSlotPredictionGET and
// Prediction_GetSlotPrediction.
func (s *Server) luisV3Predict(w http.ResponseWriter, r *http.Request) {
	lq, err := s.parseLUISV3(w, r)
	if err != nil {
		s.writeLUISError(w, r, err)
		return
	}
	p, err := s.luisPredict(r, lq.project, lq.deployment, lq.text, lq.opts)
	if err != nil {
		s.writeLUISError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, luisV3Answer(lq, p))
}

// luisPredict predicts as :analyze-conversations does; a missing
// deployment is a slot that is not published.
func (s *Server) luisPredict(r *http.Request, name, deployment, text string, opts *project.PredictOptions) (*project.Prediction, error) {
	p, err := s.svc.Runtime.Predict(r.Context(), name, deployment, text, "", opts)
	var ae *azerr.Error
	if errors.As(err, &ae) && ae.Code == azerr.NotFound && ae.Target == "deploymentName" {
		return nil, &luisError{http.StatusNotFound, luisNotFound, sprintf("The %s slot of application %s is not published: its project %q has no deployment %q. Train a model and deploy it under that name (PUT .../projects/%s/deployments/%s).", deployment, r.PathValue("appId"), name, deployment, name, deployment)}
	}
	return p, err
}

// parseLUISV3 reads a v3 request: the query parameters, and for POST the
// PredictionRequest body.
func (s *Server) parseLUISV3(w http.ResponseWriter, r *http.Request) (*luisQuery, error) {
	lq := &luisQuery{}
	q := r.URL.Query()
	var err error
	if lq.verbose, err = luisBool(q, "verbose"); err != nil {
		return nil, err
	}
	if lq.allIntents, err = luisBool(q, "show-all-intents"); err != nil {
		return nil, err
	}
	if _, err = luisBool(q, "log"); err != nil { // Parley keeps no query log
		return nil, err
	}
	if r.Method == http.MethodGet {
		lq.text = q.Get("query")
	} else {
		var req wire.LUISPredictionRequest
		if err := s.readLUISBody(w, r, &req); err != nil {
			return nil, err
		}
		if req.Query == nil {
			return nil, luisBad("The body has no query; send {\"query\": \"<utterance>\"}.")
		}
		lq.text = *req.Query
		if o := req.Options; o != nil {
			if o.DatetimeReference != nil && *o.DatetimeReference != "" {
				ref, err := parseLUISReference(*o.DatetimeReference, s.svc.Runtime.TimeZone())
				if err != nil {
					return nil, err
				}
				lq.opts = &project.PredictOptions{Reference: ref}
			}
			if o.PreferExternalEntities != nil {
				lq.preferExternal = *o.PreferExternalEntities
			} else if o.OverridePredictions != nil {
				lq.preferExternal = *o.OverridePredictions
			}
		}
		lq.external, lq.dynamic = req.ExternalEntities, req.DynamicLists
	}
	if err := checkLUISQuery(lq.text); err != nil {
		return nil, err
	}
	if err := checkExternal(lq.text, lq.external); err != nil {
		return nil, err
	}
	if err := checkDynamic(lq.dynamic); err != nil {
		return nil, err
	}
	if lq.project, lq.deployment, err = s.luisProject(r, r.PathValue("slotName")); err != nil {
		return nil, err
	}
	return lq, nil
}

// readLUISBody decodes a JSON body within luisMaxBody.
func (s *Server) readLUISBody(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, luisMaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &luisError{http.StatusRequestEntityTooLarge, luisBadArgument, sprintf("The request body is larger than %d bytes, the limit of a LUIS prediction request.", luisMaxBody)}
	} else if err != nil {
		return luisBad("The request body could not be read whole (%v).", err)
	}
	if e := project.CheckUnicode(b); e != nil {
		return luisBad("%s", e.Message)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return luisBad("The request body is not valid JSON of the expected shape: %v.", err)
	}
	return nil
}

// parseLUISReference reads options.datetimeReference: RFC 3339, or a local
// date-time read in the server's time zone.
func parseLUISReference(s string, zone *time.Location) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.ParseInLocation(localDateTime, s, zone)
	}
	if err != nil {
		return time.Time{}, luisBad("options.datetimeReference %q is not a date-time; give one such as \"2019-05-05T12:00:00\" or \"2015-02-13T13:15:00.000Z\".", s)
	}
	if y := t.Year(); y < 1000 || y > 9999 {
		return time.Time{}, luisBad("options.datetimeReference %q is out of range; give a date-time from year 1000 to 9999.", s)
	}
	return t, nil
}

// checkExternal refuses external entities that are not spans of the query.
func checkExternal(text string, ee []wire.LUISExternalEntity) error {
	if len(ee) > luisMaxExternalEntities {
		return luisBad("The request has %d external entities; the limit is %d.", len(ee), luisMaxExternalEntities)
	}
	n := utf16Len(text)
	for i, e := range ee {
		switch {
		case e.EntityName == "":
			return luisBad("externalEntities[%d].entityName is required.", i)
		case e.StartIndex == nil || e.EntityLength == nil:
			return luisBad("externalEntities[%d] needs startIndex and entityLength.", i)
		case *e.StartIndex < 0 || *e.EntityLength <= 0 || *e.StartIndex+*e.EntityLength > n:
			return luisBad("externalEntities[%d] (startIndex %d, entityLength %d) is not a span of the query, which is %d characters long.", i, *e.StartIndex, *e.EntityLength, n)
		case e.Score != nil && (*e.Score < 0 || *e.Score > 1 || math.IsNaN(*e.Score)):
			return luisBad("externalEntities[%d].score %v is not between 0 and 1.", i, *e.Score)
		}
		if _, _, sub := project.SpanIn(text, *e.StartIndex, *e.EntityLength, project.Utf16CodeUnit); sub == "" {
			return luisBad("externalEntities[%d] (startIndex %d, entityLength %d) cuts a character of the query in two.", i, *e.StartIndex, *e.EntityLength)
		}
	}
	return nil
}

// checkDynamic bounds the dynamic lists of a request.
func checkDynamic(dl []wire.LUISDynamicList) error {
	if len(dl) > luisMaxDynamicLists {
		return luisBad("The request has %d dynamic lists; the limit is %d.", len(dl), luisMaxDynamicLists)
	}
	values := 0
	for i, d := range dl {
		if d.ListEntityName == "" {
			return luisBad("dynamicLists[%d].listEntityName is required.", i)
		}
		if len(d.RequestLists) == 0 {
			return luisBad("dynamicLists[%d].requestLists is empty; give at least one {\"canonicalForm\": ...}.", i)
		}
		for j, rl := range d.RequestLists {
			if strings.TrimSpace(rl.CanonicalForm) == "" {
				return luisBad("dynamicLists[%d].requestLists[%d].canonicalForm is required.", i, j)
			}
			for _, v := range append([]string{rl.CanonicalForm}, rl.Synonyms...) {
				values++
				if n := utf16Len(v); n > luisMaxValueLength {
					return luisBad("dynamicLists[%d].requestLists[%d] has a value %d characters long; the limit is %d.", i, j, n, luisMaxValueLength)
				}
			}
		}
	}
	if values > luisMaxDynamicValues {
		return luisBad("The dynamic lists have %d canonical forms and synonyms; the limit is %d in all.", values, luisMaxDynamicValues)
	}
	return nil
}

// luisVersionPredict answers the v3 routes by version: Parley publishes
// deployments, which LUIS's slots name, not versions.
func (s *Server) luisVersionPredict(w http.ResponseWriter, r *http.Request) {
	s.writeLUISError(w, r, &luisError{http.StatusNotFound, luisNotFound, sprintf("Parley serves LUIS predictions by slot, not by version (%q): use .../apps/{appId}/slots/production/predict or .../slots/staging/predict, the deployments of those names.", r.PathValue("versionId"))})
}

// luisV2Predict implements Prediction_Resolve2 (GET, q in the query) and
// Prediction_Resolve (POST, q as a JSON string body).
func (s *Server) luisV2Predict(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	verbose, err := luisBool(q, "verbose")
	if err != nil {
		s.writeLUISError(w, r, err)
		return
	}
	staging, err := luisBool(q, "staging")
	if err != nil {
		s.writeLUISError(w, r, err)
		return
	}
	spell, err := luisBool(q, "spellCheck")
	if err != nil {
		s.writeLUISError(w, r, err)
		return
	}
	if spell {
		s.writeLUISError(w, r, luisBad("spellCheck=true asks for Bing spell checking, which Parley does not have; leave spellCheck out or false."))
		return
	}
	if _, err := luisBool(q, "log"); err != nil { // Parley keeps no query log
		s.writeLUISError(w, r, err)
		return
	}
	var opts *project.PredictOptions
	if tz := q.Get("timezoneOffset"); tz != "" {
		mins, err := strconv.ParseFloat(tz, 64)
		if err != nil || math.IsNaN(mins) || math.Abs(mins) > 24*60 {
			s.writeLUISError(w, r, luisBad("timezoneOffset=%q is not an offset in minutes between -1440 and 1440.", tz))
			return
		}
		opts = &project.PredictOptions{Location: time.FixedZone("", int(math.Round(mins*60)))}
	}
	text := q.Get("q")
	if r.Method == http.MethodPost {
		if err := s.readLUISBody(w, r, &text); err != nil {
			s.writeLUISError(w, r, err)
			return
		}
	}
	if err := checkLUISQuery(text); err != nil {
		s.writeLUISError(w, r, err)
		return
	}
	slot := "production"
	if staging {
		slot = "staging"
	}
	name, deployment, err := s.luisProject(r, slot)
	if err != nil {
		s.writeLUISError(w, r, err)
		return
	}
	p, err := s.luisPredict(r, name, deployment, text, opts)
	if err != nil {
		s.writeLUISError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, luisV2Answer(text, verbose, p))
}
