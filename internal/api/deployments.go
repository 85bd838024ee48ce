package api

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// toDeployment maps a deployment; assignedResources exists in
// 2022-10-01-preview and is required from 2024-11-15-preview on
// (AUTHORING.md §6.2). It lists the resources the deploy named (rs, from
// Deployments.DeploymentResources); the model itself is served here whatever
// they are.
func toDeployment(d *project.Deployment, rs []project.Resource, v project.APIVersion) wire.ProjectDeployment {
	out := wire.ProjectDeployment{
		DeploymentName: d.Name, ModelID: d.ModelID, LastTrainedDateTime: wire.At(d.Trained),
		LastDeployedDateTime: wire.At(d.Deployed), DeploymentExpirationDate: d.ExpirationDate,
		ModelTrainingConfigVersion: d.ConfigVersion,
	}
	if v == project.V20221001Preview || v >= project.V20241115Preview {
		ar := toAssignedResources(rs, v)
		out.AssignedResources = &ar
	}
	return out
}

// listDeployments implements ConversationalAnalysisAuthoring_ListDeployments.
func (s *Server) listDeployments(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	ds, err := s.svc.Deployments.ListDeployments(r.Context(), r.PathValue("projectName"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]wire.ProjectDeployment, len(ds))
	for i, d := range ds {
		rs, err := s.deploymentResources(r, d, v)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out[i] = toDeployment(d, rs, v)
	}
	writePageOf(s, w, r, out)
}

// getDeployment implements ConversationalAnalysisAuthoring_GetDeployment; it
// is also the final GET of the deploy operation's poller.
func (s *Server) getDeployment(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	d, err := s.svc.Deployments.GetDeployment(r.Context(), r.PathValue("projectName"), r.PathValue("deploymentName"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rs, err := s.deploymentResources(r, d, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDeployment(d, rs, v))
}

// deploymentResources reads a deployment's recorded resources when v shows
// them, and nothing otherwise.
func (s *Server) deploymentResources(r *http.Request, d *project.Deployment, v project.APIVersion) ([]project.Resource, error) {
	if v != project.V20221001Preview && v < project.V20241115Preview {
		return nil, nil
	}
	return s.svc.Deployments.DeploymentResources(r.Context(), d.Project, d.Name)
}

// deployProject implements ConversationalAnalysisAuthoring_DeployProject.
func (s *Server) deployProject(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o wire.CreateDeploymentDetails
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	field, ids, e := checkDeployResources(body)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	j, err := s.svc.Deployments.StartDeploy(r.Context(), r.PathValue("projectName"), r.PathValue("deploymentName"), o.TrainedModelLabel, field, ids, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// deleteDeployment implements ConversationalAnalysisAuthoring_DeleteDeployment.
func (s *Server) deleteDeployment(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	j, err := s.svc.Deployments.StartDeleteDeployment(r.Context(), r.PathValue("projectName"), r.PathValue("deploymentName"), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// getDeploymentStatus implements ConversationalAnalysisAuthoring_GetDeploymentStatus,
// for deploy and delete jobs alike.
func (s *Server) getDeploymentStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	p, id := r.PathValue("projectName"), r.PathValue("jobId")
	j, err := s.svc.Deployments.GetJob(r.Context(), project.JobDeploy, p, id)
	if err != nil {
		j, err = s.svc.Deployments.GetJob(r.Context(), project.JobDeleteDeployment, p, id)
	}
	if err == nil && project.DeploymentOfJob(j) != r.PathValue("deploymentName") {
		e := azerr.New(azerr.OperationNotFound, "The job %q was not found for deployment %q.", id, r.PathValue("deploymentName"))
		e.Target = "jobId"
		err = e
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJob(w, r, j)
}

// swapDeployments implements ConversationalAnalysisAuthoring_SwapDeployments.
func (s *Server) swapDeployments(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o wire.SwapDeploymentsDetails
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	j, err := s.svc.Deployments.StartSwap(r.Context(), r.PathValue("projectName"), o.FirstDeploymentName, o.SecondDeploymentName, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// getSwapDeploymentsStatus implements ConversationalAnalysisAuthoring_GetSwapDeploymentsStatus.
func (s *Server) getSwapDeploymentsStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	s.getJob(w, r, project.JobSwapDeployments, r.PathValue("projectName"))
}

// deploymentJobPath is the path of a deploy or delete job under the project.
func deploymentJobPath(j *job.Job) string {
	return url.PathEscape(j.Project) + "/deployments/" + url.PathEscape(project.DeploymentOfJob(j)) + "/jobs/" + j.ID
}

// checkDeployResources validates the resources a deploy body may name, in
// each of the four spellings of the sources (VERSIONS.md §3.3):
// assignedResourceIds, assignedResources and azureResourceIds, each a list
// of resource ids or of objects with resourceId or azureResourceId. It
// returns the ids named (in the order given, without repeats) and the first
// field that named one, for the deploy to check against the project's
// assignments and record. The model is deployed here whatever they are.
func checkDeployResources(body []byte) (field string, ids []string, e *azerr.Error) {
	var b map[string]json.RawMessage
	if json.Unmarshal(body, &b) != nil {
		return "", nil, nil // decodeBody has judged the body already
	}
	add := func(f, id string) {
		if field == "" {
			field = f
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, f := range []string{"assignedResourceIds", "assignedResources", "azureResourceIds"} {
		raw, ok := b[f]
		if !ok || string(raw) == "null" {
			continue
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return "", nil, azerr.Invalid(f, "%s must be a list of resource ids or of objects with azureResourceId.", f)
		}
		for i, it := range items {
			var id string
			if json.Unmarshal(it, &id) == nil {
				if id == "" {
					return "", nil, azerr.Invalid(fmt.Sprintf("%s[%d]", f, i), "%s[%d] is an empty resource id.", f, i)
				}
				add(f, id)
				continue
			}
			var obj struct {
				ResourceID      string `json:"resourceId"`
				AzureResourceID string `json:"azureResourceId"`
			}
			if json.Unmarshal(it, &obj) != nil || obj.ResourceID == "" && obj.AzureResourceID == "" {
				return "", nil, azerr.Invalid(fmt.Sprintf("%s[%d]", f, i), "%s[%d] must be a resource id, or an object with azureResourceId (or resourceId).", f, i)
			}
			add(f, cmp.Or(obj.AzureResourceID, obj.ResourceID))
		}
	}
	return field, ids, nil
}
