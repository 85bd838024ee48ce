package api

import (
	"net/http"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
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
	writePageOf(s, w, r, project.Languages)
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
	writePageOf(s, w, r, project.PrebuiltEntities)
}

// listTrainingConfigVersions implements ConversationalAnalysisAuthoring_ListTrainingConfigVersions.
func (s *Server) listTrainingConfigVersions(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	if e := checkProjectKind(r, v); e != nil {
		s.writeError(w, r, e)
		return
	}
	writePageOf(s, w, r, project.TrainingConfigVersions)
}

func writePageOf[T any](s *Server, w http.ResponseWriter, r *http.Request, all []T) {
	p, e := pageOf(s, r, all)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
