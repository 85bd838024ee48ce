package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
)

// authoringPrefix is where the authoring API lives under the endpoint.
const authoringPrefix = "/language/authoring/analyze-conversations"

// healthPath answers load balancers without a key: liveness, the process
// answers. readyPath is readiness: the store answers too.
const (
	healthPath = "/healthz"
	readyPath  = "/readyz"
)

// route is one operation of the API. Handlers get the request's api-version,
// already checked against versions.
type route struct {
	method    string
	path      string // under authoringPrefix; ":" segments are literal
	operation string // the spec's operationId
	handle    func(s *Server, w http.ResponseWriter, r *http.Request, v project.APIVersion)
	versions  []project.APIVersion // nil: every served version
}

// v2AndV4Plus are the versions with resource-assignment and newer operations
// (AUTHORING.md §0 #21).
var v2AndV4Plus = []project.APIVersion{project.V20221001Preview, project.V20230415Preview, project.V20231115Preview, project.V20241115Preview, project.V20250515Preview, project.V20251101, project.V20251115Preview}

// withoutV1 are the versions after 2022-05-01 (load snapshot).
var withoutV1 = []project.APIVersion{project.V20221001Preview, project.V20230401, project.V20230415Preview, project.V20231115Preview, project.V20241115Preview, project.V20250515Preview, project.V20251101, project.V20251115Preview}

// v4Plus are the versions with :evaluate and copy.
var v4Plus = []project.APIVersion{project.V20230415Preview, project.V20231115Preview, project.V20241115Preview, project.V20250515Preview, project.V20251101, project.V20251115Preview}

// v2024Plus are the versions with exported models (VERSIONS.md §4:
// 2024-11-15-preview and later, not 2023-11-15-preview).
var v2024Plus = []project.APIVersion{project.V20241115Preview, project.V20250515Preview, project.V20251101, project.V20251115Preview}

// routes is the route table, in the order of AUTHORING.md §1. Operations
// Parley does not carry out yet have no handler: they answer a clear
// NotImplemented error rather than a 404.
var routes = []route{
	{"GET", "/projects", "ConversationalAnalysisAuthoring_ListProjects", (*Server).listProjects, nil},
	{"GET", "/projects/{projectName}", "ConversationalAnalysisAuthoring_GetProject", (*Server).getProject, nil},
	{"PATCH", "/projects/{projectName}", "ConversationalAnalysisAuthoring_CreateProject", (*Server).createProject, nil},
	{"DELETE", "/projects/{projectName}", "ConversationalAnalysisAuthoring_DeleteProject", (*Server).deleteProject, nil},
	{"POST", "/projects/{projectName}/:export", "ConversationalAnalysisAuthoring_Export", (*Server).exportProject, nil},
	{"GET", "/projects/{projectName}/export/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetExportStatus", (*Server).getExportStatus, nil},
	{"GET", "/projects/{projectName}/export/jobs/{jobId}/result", "ConversationalAnalysisAuthoring_GetExportResult", (*Server).getExportResult, nil},
	{"POST", "/projects/{projectName}/:import", "ConversationalAnalysisAuthoring_Import", (*Server).importProject, nil},
	{"GET", "/projects/{projectName}/import/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetImportStatus", (*Server).getImportStatus, nil},
	{"POST", "/projects/{projectName}/:train", "ConversationalAnalysisAuthoring_Train", (*Server).train, nil},
	{"GET", "/projects/{projectName}/train/jobs", "ConversationalAnalysisAuthoring_ListTrainingJobs", (*Server).listTrainingJobs, nil},
	{"GET", "/projects/{projectName}/train/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetTrainingStatus", (*Server).getTrainingStatus, nil},
	{"POST", "/projects/{projectName}/train/jobs/{jobId}/:cancel", "ConversationalAnalysisAuthoring_CancelTrainingJob", (*Server).cancelTrainingJob, nil},
	{"GET", "/projects/{projectName}/models", "ConversationalAnalysisAuthoring_ListTrainedModels", (*Server).listTrainedModels, nil},
	{"GET", "/projects/{projectName}/models/{trainedModelLabel}", "ConversationalAnalysisAuthoring_GetTrainedModel", (*Server).getTrainedModel, nil},
	{"DELETE", "/projects/{projectName}/models/{trainedModelLabel}", "ConversationalAnalysisAuthoring_DeleteTrainedModel", (*Server).deleteTrainedModel, nil},
	{"POST", "/projects/{projectName}/models/{trainedModelLabel}/:load-snapshot", "ConversationalAnalysisAuthoring_LoadSnapshot", (*Server).loadSnapshot, withoutV1},
	{"GET", "/projects/{projectName}/models/{trainedModelLabel}/load-snapshot/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetLoadSnapshotStatus", (*Server).getLoadSnapshotStatus, withoutV1},
	{"GET", "/projects/{projectName}/models/{trainedModelLabel}/evaluation/result", "ConversationalAnalysisAuthoring_GetModelEvaluationResults", (*Server).getModelEvaluationResults, nil},
	{"GET", "/projects/{projectName}/models/{trainedModelLabel}/evaluation/summary-result", "ConversationalAnalysisAuthoring_GetModelEvaluationSummary", (*Server).getModelEvaluationSummary, nil},
	{"POST", "/projects/{projectName}/models/{trainedModelLabel}/:evaluate", "ConversationalAnalysisAuthoring_EvaluateModel", (*Server).evaluateModel, v4Plus},
	{"GET", "/projects/{projectName}/models/{trainedModelLabel}/evaluate/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetEvaluateStatus", (*Server).getEvaluateStatus, v4Plus},
	{"GET", "/projects/{projectName}/deployments", "ConversationalAnalysisAuthoring_ListDeployments", (*Server).listDeployments, nil},
	{"GET", "/projects/{projectName}/deployments/{deploymentName}", "ConversationalAnalysisAuthoring_GetDeployment", (*Server).getDeployment, nil},
	{"PUT", "/projects/{projectName}/deployments/{deploymentName}", "ConversationalAnalysisAuthoring_DeployProject", (*Server).deployProject, nil},
	{"DELETE", "/projects/{projectName}/deployments/{deploymentName}", "ConversationalAnalysisAuthoring_DeleteDeployment", (*Server).deleteDeployment, nil},
	{"GET", "/projects/{projectName}/deployments/{deploymentName}/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetDeploymentStatus", (*Server).getDeploymentStatus, nil},
	{"POST", "/projects/{projectName}/deployments/:swap", "ConversationalAnalysisAuthoring_SwapDeployments", (*Server).swapDeployments, nil},
	{"GET", "/projects/{projectName}/deployments/swap/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetSwapDeploymentsStatus", (*Server).getSwapDeploymentsStatus, nil},
	{"POST", "/projects/{projectName}/deployments/{deploymentName}/:delete-from-resources", "ConversationalAnalysisAuthoring_DeleteDeploymentFromResources", (*Server).deleteDeploymentFromResources, v2AndV4Plus},
	{"GET", "/projects/{projectName}/deployments/{deploymentName}/delete-from-resources/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetDeploymentDeleteFromResourcesStatus", (*Server).getDeploymentDeleteFromResourcesStatus, v2AndV4Plus},
	{"GET", "/projects/{projectName}/resources", "ConversationalAnalysisAuthoring_ListDeploymentResources", (*Server).listDeploymentResources, v2AndV4Plus},
	{"POST", "/projects/{projectName}/resources/:assign", "ConversationalAnalysisAuthoring_AssignDeploymentResources", (*Server).assignDeploymentResources, v2AndV4Plus},
	{"POST", "/projects/{projectName}/resources/:unassign", "ConversationalAnalysisAuthoring_UnassignDeploymentResources", (*Server).unassignDeploymentResources, v2AndV4Plus},
	{"GET", "/projects/{projectName}/resources/assign/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetAssignDeploymentResourcesStatus", (*Server).getAssignDeploymentResourcesStatus, v2AndV4Plus},
	{"GET", "/projects/{projectName}/resources/unassign/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetUnassignDeploymentResourcesStatus", (*Server).getUnassignDeploymentResourcesStatus, v2AndV4Plus},
	{"POST", "/projects/{projectName}/:authorize-copy", "ConversationalAnalysisAuthoring_CopyProjectAuthorization", (*Server).authorizeCopy, v4Plus},
	{"POST", "/projects/{projectName}/:copy", "ConversationalAnalysisAuthoring_CopyProject", (*Server).copyProject, v4Plus},
	{"GET", "/projects/{projectName}/copy/jobs/{jobId}", "ConversationalAnalysisAuthoring_GetCopyProjectStatus", (*Server).getCopyProjectStatus, v4Plus},
	{"GET", "/projects/{projectName}/exported-models", "ConversationAuthoringListExportedModels", (*Server).listExportedModels, v2024Plus},
	{"GET", "/projects/{projectName}/exported-models/{exportedModelName}", "ConversationAuthoringExportedModel_GetExportedModel", (*Server).getExportedModel, v2024Plus},
	{"PUT", "/projects/{projectName}/exported-models/{exportedModelName}", "ConversationAuthoringExportedModel_CreateOrUpdateExportedModel", (*Server).createExportedModel, v2024Plus},
	{"DELETE", "/projects/{projectName}/exported-models/{exportedModelName}", "ConversationAuthoringExportedModel_DeleteExportedModel", (*Server).deleteExportedModel, v2024Plus},
	{"GET", "/projects/{projectName}/exported-models/{exportedModelName}/jobs/{jobId}", "ConversationAuthoringExportedModel_GetExportedModelJobStatus", (*Server).getExportedModelJobStatus, v2024Plus},
	{"GET", "/projects/{projectName}/exported-models/{exportedModelName}/model", "Parley_DownloadExportedModel", (*Server).downloadExportedModel, v2024Plus},
	{"GET", "/projects/global/deletion-jobs/{jobId}", "ConversationalAnalysisAuthoring_GetProjectDeletionStatus", (*Server).getProjectDeletionStatus, nil},
	{"GET", "/projects/global/deployments/resources", "ConversationalAnalysisAuthoring_ListAssignedResourceDeployments", (*Server).listAssignedResourceDeployments, v2AndV4Plus},
	{"GET", "/projects/global/languages", "ConversationalAnalysisAuthoring_GetSupportedLanguages", (*Server).listSupportedLanguages, nil},
	{"GET", "/projects/global/prebuilt-entities", "ConversationalAnalysisAuthoring_GetSupportedPrebuiltEntities", (*Server).listSupportedPrebuiltEntities, nil},
	{"GET", "/projects/global/training-config-versions", "ConversationalAnalysisAuthoring_ListTrainingConfigVersions", (*Server).listTrainingConfigVersions, nil},
}

// register adds the routes to mux. A request that matches no route's
// method and path goes to a second mux of method-less twins, so that a wrong
// method gets our 405 and an unknown path the gateway's 404. (One mux cannot
// hold both: "/deployments/:swap" for every method would conflict with
// "GET /deployments/{deploymentName}".)
func (s *Server) register(mux *http.ServeMux) {
	methods := map[string][]string{}
	for _, rt := range routes {
		mux.HandleFunc(rt.method+" "+authoringPrefix+rt.path, s.dispatch(rt))
		methods[authoringPrefix+rt.path] = append(methods[authoringPrefix+rt.path], rt.method)
	}
	for _, rt := range runtimeRoutes {
		mux.HandleFunc(rt.method+" "+runtimePrefix+rt.path, s.dispatchIn(rt, project.APIVersion.KnownRuntime))
		methods[runtimePrefix+rt.path] = append(methods[runtimePrefix+rt.path], rt.method)
	}
	s.registerLUIS(mux, methods) // luis_runtime.go
	mux.HandleFunc("GET "+healthPath, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET "+readyPath, func(w http.ResponseWriter, r *http.Request) {
		if err := s.storeDown(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	misses := http.NewServeMux()
	for path, ms := range methods {
		allow := strings.Join(ms, ", ")
		misses.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			s.writeError(w, r, azerr.New(azerr.MethodNotAllowed, "The method %s is not allowed on this resource; allowed: %s.", r.Method, allow))
		})
	}
	misses.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.writeError(w, r, gatewayNotFound) })
	mux.Handle("/", misses)
}

// dispatch checks the api-version, which must be served and offer the
// operation; otherwise the gateway's 404 answers (AUTHORING.md §4.4).
func (s *Server) dispatch(rt route) http.HandlerFunc {
	return s.dispatchIn(rt, project.APIVersion.Known)
}

// dispatchIn is dispatch for the versions known says are served: the
// prediction API has a set of its own (VERSIONS.md §7).
func (s *Server) dispatchIn(rt route, served func(project.APIVersion) bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r); info != nil {
			info.Operation = rt.operation
		}
		v := project.APIVersion(r.URL.Query().Get("api-version"))
		if !served(v) || (rt.versions != nil && !slices.Contains(rt.versions, v)) {
			s.writeError(w, r, gatewayNotFound)
			return
		}
		if copyToken(r) != "" && !copyTokenOperations[rt.operation] {
			s.writeError(w, r, azerr.New(azerr.GatewayUnauthorized, "Access denied: a copy access token authorizes only the import of the project it was issued for."))
			return
		}
		if rt.handle == nil {
			msg := "The operation %s is not supported by Parley yet."
			if strings.HasPrefix(rt.path, "/analyze-conversations/jobs") {
				msg = "The operation %s is not supported by Parley: asynchronous conversation analysis (summarization, PII) is not part of CLU; use POST /language/:analyze-conversations for predictions."
			}
			s.writeError(w, r, azerr.New(azerr.NotImplemented, msg, rt.operation))
			return
		}
		rt.handle(s, w, r, v)
	}
}
