package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// Resource assignment (AUTHORING.md §5.6, VERSIONS.md §3.1–§3.3). Parley is
// one resource and serves every deployment itself: these operations record
// assignments and read them back (internal/project/resources.go); they never
// make a deployment answer anywhere else. docs/compatibility.md says so.

// renamesResources reports whether v spells the resource members the
// 2025-11-15-preview way (projectResources, azureResourceIds, and
// azureResourceId in a deployment's assignedResources).
func renamesResources(v project.APIVersion) bool { return v >= project.V20251115Preview }

// toAssignedResources maps a deployment's recorded resources
// (Deployments.DeploymentResources) to its assignedResources in the shape of
// v: never nil, so that an empty record writes [].
func toAssignedResources(rs []project.Resource, v project.APIVersion) []wire.AssignedDeploymentResource {
	out := make([]wire.AssignedDeploymentResource, len(rs))
	for i, r := range rs {
		out[i] = wire.AssignedDeploymentResource{Region: r.Region}
		if renamesResources(v) {
			out[i].AzureResourceID = r.AzureResourceID
		} else {
			out[i].ResourceID = r.AzureResourceID
		}
	}
	return out
}

// listDeploymentResources implements ConversationalAnalysisAuthoring_ListDeploymentResources
// (ConversationAuthoringListProjectResources in 2025-11-15-preview).
func (s *Server) listDeploymentResources(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	rs, err := s.svc.Deployments.ListResources(r.Context(), r.PathValue("projectName"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]wire.ProjectResourceInfo, len(rs))
	for i, res := range rs {
		out[i] = wire.ProjectResourceInfo{AzureResourceID: res.AzureResourceID, Region: res.Region}
	}
	writePageOf(s, w, r, out)
}

// assignDeploymentResources implements ConversationalAnalysisAuthoring_AssignDeploymentResources.
func (s *Server) assignDeploymentResources(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var o wire.AssignDeploymentResourcesDetails
	if e := decodeBody(body, &o); e != nil {
		s.writeError(w, r, e)
		return
	}
	field, items := "resourcesMetadata", o.ResourcesMetadata
	switch {
	case o.ResourcesMetadata != nil && o.ProjectResources != nil:
		s.writeError(w, r, azerr.Invalid("projectResources", "Send the resources as either resourcesMetadata or projectResources, not both."))
		return
	case o.ProjectResources != nil || (items == nil && renamesResources(v)):
		field, items = "projectResources", o.ProjectResources
	}
	rs := make([]project.Resource, len(items))
	for i, it := range items {
		rs[i] = project.Resource{AzureResourceID: it.AzureResourceID, CustomDomain: it.CustomDomain, Region: it.Region}
	}
	j, err := s.svc.Deployments.StartAssignResources(r.Context(), r.PathValue("projectName"), field, rs, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// resourceIDs reads the ids of an :unassign or :delete-from-resources body;
// field is the member that held them, named in errors. ids is nil when
// neither member is there.
func resourceIDs(body []byte, v project.APIVersion) (field string, ids []string, e *azerr.Error) {
	field = "assignedResourceIds"
	if renamesResources(v) {
		field = "azureResourceIds"
	}
	var o wire.ResourceIDsDetails
	if e := decodeBody(body, &o); e != nil {
		return field, nil, e
	}
	items := o.AssignedResourceIDs
	switch {
	case o.AssignedResourceIDs != nil && o.AzureResourceIDs != nil:
		return "azureResourceIds", nil, azerr.Invalid("azureResourceIds", "Send the resource ids as either assignedResourceIds or azureResourceIds, not both.")
	case o.AssignedResourceIDs != nil:
		field = "assignedResourceIds"
	case o.AzureResourceIDs != nil:
		field, items = "azureResourceIds", o.AzureResourceIDs
	default:
		return field, nil, nil
	}
	ids = make([]string, len(items))
	for i, raw := range items {
		at := fmt.Sprintf("%s[%d]", field, i)
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) > 0 && raw[0] == '"':
			if err := json.Unmarshal(raw, &ids[i]); err != nil {
				return field, nil, azerr.Invalid(at, "%s is not a valid string.", at)
			}
		case len(raw) > 0 && raw[0] == '{':
			var obj wire.ResourceIDObject
			if err := json.Unmarshal(raw, &obj); err != nil {
				return field, nil, azerr.Invalid(at, "%s must hold azureResourceId (or resourceId) as a string.", at)
			}
			switch {
			case obj.AzureResourceID != nil:
				ids[i] = *obj.AzureResourceID
			case obj.ResourceID != nil:
				ids[i] = *obj.ResourceID
			default:
				return field, nil, azerr.Invalid(at+".azureResourceId", "%s.azureResourceId is required.", at)
			}
		default:
			return field, nil, azerr.Invalid(at, "%s must be a resource id string or an object with azureResourceId.", at)
		}
	}
	return field, ids, nil
}

// unassignDeploymentResources implements ConversationalAnalysisAuthoring_UnassignDeploymentResources.
func (s *Server) unassignDeploymentResources(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	field, ids, e := resourceIDs(body, v)
	if e != nil {
		s.writeError(w, r, e)
		return
	}
	j, err := s.svc.Deployments.StartUnassignResources(r.Context(), r.PathValue("projectName"), field, ids, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// getAssignDeploymentResourcesStatus implements ConversationalAnalysisAuthoring_GetAssignDeploymentResourcesStatus.
func (s *Server) getAssignDeploymentResourcesStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	s.getJob(w, r, project.JobAssignResources, r.PathValue("projectName"))
}

// getUnassignDeploymentResourcesStatus implements ConversationalAnalysisAuthoring_GetUnassignDeploymentResourcesStatus.
func (s *Server) getUnassignDeploymentResourcesStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	s.getJob(w, r, project.JobUnassignResources, r.PathValue("projectName"))
}

// deleteDeploymentFromResources implements ConversationalAnalysisAuthoring_DeleteDeploymentFromResources:
// the named resources (all when the body names none) leave the deployment's
// record; the deployment keeps serving here. The body may be empty.
func (s *Server) deleteDeploymentFromResources(w http.ResponseWriter, r *http.Request, v project.APIVersion) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	field, ids := "assignedResourceIds", []string(nil)
	if len(bytes.TrimSpace(body)) > 0 {
		var e *azerr.Error
		if field, ids, e = resourceIDs(body, v); e != nil {
			s.writeError(w, r, e)
			return
		}
	}
	if len(ids) == 0 {
		ids = nil // empty or absent: every resource (AUTHORING.md §5.5.8)
	}
	j, err := s.svc.Deployments.StartDeleteFromResources(r.Context(), r.PathValue("projectName"), r.PathValue("deploymentName"), field, ids, v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.accepted(w, r, j)
}

// getDeploymentDeleteFromResourcesStatus implements ConversationalAnalysisAuthoring_GetDeploymentDeleteFromResourcesStatus.
func (s *Server) getDeploymentDeleteFromResourcesStatus(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	p, id := r.PathValue("projectName"), r.PathValue("jobId")
	j, err := s.svc.Deployments.GetJob(r.Context(), project.JobDeleteFromResources, p, id)
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

// listAssignedResourceDeployments implements ConversationalAnalysisAuthoring_ListAssignedResourceDeployments:
// on Azure, the deployments of other resources' projects that this resource
// is assigned to. Parley is the only resource, so it lists its own
// deployments that have at least one recorded resource, grouped by project.
func (s *Server) listAssignedResourceDeployments(w http.ResponseWriter, r *http.Request, _ project.APIVersion) {
	ds, err := s.svc.Deployments.ListResourceDeployments(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []wire.AssignedProjectDeploymentsMetadata{}
	for _, d := range ds {
		if len(out) == 0 || out[len(out)-1].ProjectName != d.Project {
			out = append(out, wire.AssignedProjectDeploymentsMetadata{ProjectName: d.Project, DeploymentsMetadata: []wire.AssignedProjectDeploymentMetadata{}})
		}
		last := &out[len(out)-1]
		last.DeploymentsMetadata = append(last.DeploymentsMetadata, wire.AssignedProjectDeploymentMetadata{
			DeploymentName: d.Deployment, LastDeployedDateTime: wire.At(d.Deployed), DeploymentExpirationDate: d.ExpirationDate})
	}
	writePageOf(s, w, r, out)
}

// resourceJobPath is the path, under the project, of the job of a resource
// operation; "" for another kind.
func resourceJobPath(j *job.Job) string {
	p := url.PathEscape(j.Project)
	switch j.Kind {
	case project.JobAssignResources:
		return p + "/resources/assign/jobs/" + j.ID
	case project.JobUnassignResources:
		return p + "/resources/unassign/jobs/" + j.ID
	case project.JobDeleteFromResources:
		return p + "/deployments/" + url.PathEscape(project.DeploymentOfJob(j)) + "/delete-from-resources/jobs/" + j.ID
	}
	return ""
}
