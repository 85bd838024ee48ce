package api

import (
	"net/http"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// checkProjectKind checks the projectKind query parameter the catalogue
// operations require.
func checkProjectKind(r *http.Request, v project.APIVersion) *azerr.Error {
	k := r.URL.Query().Get("projectKind")
	if k == "" {
		return azerr.Invalid("projectKind", "The query parameter projectKind is required: Conversation or Orchestration.")
	}
	if !v.ValidKind(project.Kind(k)) {
		return azerr.Invalid("projectKind", "projectKind %q is not supported in api-version %s; use Conversation or Orchestration.", k, v)
	}
	return nil
}

// listSupportedLanguages implements ConversationalAnalysisAuthoring_GetSupportedLanguages.
func (s *Server) listSupportedLanguages(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	if e := checkProjectKind(r, v); e != nil {
		s.writeError(w, r, e)
		return
	}
	out := make([]wire.SupportedLanguage, len(project.Languages))
	for i, l := range project.Languages {
		out[i] = wire.SupportedLanguage{LanguageName: l.Name, LanguageCode: l.Code}
	}
	writePageOf(s, w, r, out)
}

// listSupportedPrebuiltEntities implements ConversationalAnalysisAuthoring_GetSupportedPrebuiltEntities.
func (s *Server) listSupportedPrebuiltEntities(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	q := r.URL.Query()
	multilingual := false
	switch m := strings.ToLower(q.Get("multilingual")); m {
	case "", "false":
	case "true":
		multilingual = true
	default:
		s.writeError(w, r, azerr.Invalid("multilingual", "The query parameter multilingual must be true or false, not %q.", q.Get("multilingual")))
		return
	}
	if !multilingual && q.Get("language") == "" {
		s.writeError(w, r, azerr.Invalid("language", "The query parameter language is required unless multilingual=true, for example language=en."))
		return
	}
	recognised := project.RecognisedPrebuilts(q.Get("language"), multilingual)
	out := make([]wire.PrebuiltEntity, len(recognised))
	for i, e := range recognised {
		out[i] = wire.PrebuiltEntity{Category: e.Category, Description: e.Description, Examples: e.Examples}
	}
	writePageOf(s, w, r, out)
}

// listTrainingConfigVersions implements ConversationalAnalysisAuthoring_ListTrainingConfigVersions.
func (s *Server) listTrainingConfigVersions(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	if e := checkProjectKind(r, v); e != nil {
		s.writeError(w, r, e)
		return
	}
	out := make([]wire.TrainingConfigVersion, len(project.TrainingConfigVersions))
	for i, c := range project.TrainingConfigVersions {
		out[i] = wire.TrainingConfigVersion{TrainingConfigVersion: c.Version, ModelExpirationDate: c.ExpirationDate}
	}
	writePageOf(s, w, r, out)
}

func writePageOf[T any](s *Server, w http.ResponseWriter, r *http.Request, all []T) {
	p, e := pageOf(s, r, all)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
