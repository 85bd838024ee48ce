package project

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/job"
)

// Resource assignment (ConversationalAnalysisAuthoring_AssignDeploymentResources
// and its kin, AUTHORING.md §5.6, VERSIONS.md §3.1–§3.3).
//
// On Azure a project can be assigned further Language resources, in other
// regions, and a deployment can be deployed to some of them. Parley is one
// resource and serves every deployment itself, at its own endpoint, whatever
// is assigned: what these operations keep is a record, so that a client can
// write it and read it back. Nothing is served anywhere else because of it.
//
//   - :assign records resources for the project (a new id is added, a known
//     id gets its new customDomain and region).
//   - :unassign removes them from the project, and from every deployment of
//     the project that had them recorded.
//   - A deployment's recorded resources (DeploymentResources) are a subset of
//     its project's; each deploy replaces them with the ids it was given
//     (RecordDeploymentResources), none when it named none.
//   - :delete-from-resources removes the named (or all) resources from a
//     deployment's record; the deployment keeps serving here.
//   - A deployment's deletion deletes its record, a project's deletion all
//     of its records; a swap exchanges the two deployments' models, and each
//     name keeps its record.

// MaxProjectResources is how many resources may be assigned to a project.
// Azure documents no limit; this one keeps every record small.
const MaxProjectResources = 50

// Limits on the text of an assigned resource.
const (
	MaxResourceIDLength     = 1024 // an ARM id; Azure's are far shorter
	MaxCustomDomainLength   = 253  // a DNS name
	MaxResourceRegionLength = 64
)

// Resource is an Azure resource assigned to a project: the item of an
// :assign body. CustomDomain is not read back on the wire (the list shows
// azureResourceId and region) but is kept as sent.
type Resource struct {
	AzureResourceID string `json:"azureResourceId"`
	CustomDomain    string `json:"customDomain"`
	Region          string `json:"region"`
}

// ResourceDeployment is a deployment with at least one recorded resource,
// an item of ListAssignedResourceDeployments.
type ResourceDeployment struct {
	Project        string
	Deployment     string
	Deployed       time.Time
	ExpirationDate string // YYYY-MM-DD
}

// ErrResourceNotAssigned: a resource id is not assigned to the project (or
// the deployment) named.
var ErrResourceNotAssigned = errors.New("resource not assigned")

// ResourceStore keeps the resources assigned to projects and deployments.
// It is part of Store.
type ResourceStore interface {
	// AssignResources adds rs to a project's resources, replacing the
	// customDomain and region of ids it has already, in one transaction;
	// ErrNotFound when the project is gone, ErrQuota when the project would
	// then have more than max resources.
	AssignResources(ctx context.Context, project string, rs []Resource, max int) error
	// ListResources returns a project's resources in the order they were
	// first assigned.
	ListResources(ctx context.Context, project string) ([]Resource, error)
	// UnassignResources removes ids from a project's resources and from
	// its deployments' records, in one transaction; ids not assigned are
	// skipped.
	UnassignResources(ctx context.Context, project string, ids []string) error
	// SetDeploymentResources replaces a deployment's recorded resources
	// with ids; ErrDeploymentNotFound, or ErrResourceNotAssigned when an id
	// is not one of the project's resources.
	SetDeploymentResources(ctx context.Context, project, deployment string, ids []string) error
	// DeploymentResources returns a deployment's recorded resources in the
	// project's order; none for a deployment that does not exist.
	DeploymentResources(ctx context.Context, project, deployment string) ([]Resource, error)
	// RemoveDeploymentResources removes ids (nil: all) from a deployment's
	// record; ids not recorded are skipped.
	RemoveDeploymentResources(ctx context.Context, project, deployment string, ids []string) error
	// ListResourceDeployments returns every deployment with at least one
	// recorded resource, ordered by project, then deployment.
	ListResourceDeployments(ctx context.Context) ([]ResourceDeployment, error)
}

// Job kinds of resource assignment (see jobs.go for the others).
const (
	JobAssignResources     job.Kind = "assignResources"     // ConversationalAnalysisAuthoring_AssignDeploymentResources
	JobUnassignResources   job.Kind = "unassignResources"   // ConversationalAnalysisAuthoring_UnassignDeploymentResources
	JobDeleteFromResources job.Kind = "deleteFromResources" // ConversationalAnalysisAuthoring_DeleteDeploymentFromResources
)

type assignArgs struct {
	Resources []Resource `json:"resources"`
}

func (assignArgs) Kind() job.Kind { return JobAssignResources }

type unassignArgs struct {
	IDs []string `json:"ids"`
}

func (unassignArgs) Kind() job.Kind { return JobUnassignResources }

// deleteFromResourcesArgs: IDs nil means every resource of the deployment.
type deleteFromResourcesArgs struct {
	Deployment string   `json:"deployment"`
	IDs        []string `json:"ids"`
}

func (deleteFromResourcesArgs) Kind() job.Kind { return JobDeleteFromResources }

// registerResourceJobs registers the workers of the resource job kinds.
func registerResourceJobs(r *job.Runner, s *Services) {
	job.AddWorker(r, s.Deployments.runAssignResources)
	job.AddWorker(r, s.Deployments.runUnassignResources)
	job.AddWorker(r, s.Deployments.runDeleteFromResources)
}

// checkResourceText checks one string of a resource; target names it.
func checkResourceText(target, s string, max int) *azerr.Error {
	switch {
	case s == "":
		return azerr.Invalid(target, "%s is required.", target)
	case !storableText(s):
		return azerr.Invalid(target, "%s is not valid UTF-8 text.", target)
	case utf8.RuneCountInString(s) > max:
		return azerr.Invalid(target, "%s has %d characters; the limit is %d.", target, utf8.RuneCountInString(s), max)
	}
	return nil
}

// CheckResourceIDs checks a list of resource ids from a body; field is the
// body's member (assignedResourceIds, azureResourceIds, ...).
func CheckResourceIDs(field string, ids []string) *azerr.Error {
	if len(ids) > MaxProjectResources {
		return azerr.Invalid(field, "%s has %d items; a project has at most %d resources.", field, len(ids), MaxProjectResources)
	}
	for i, id := range ids {
		if e := checkResourceText(fmt.Sprintf("%s[%d]", field, i), id, MaxResourceIDLength); e != nil {
			return e
		}
	}
	return nil
}

// ListResources implements ConversationalAnalysisAuthoring_ListDeploymentResources.
func (s *Deployments) ListResources(ctx context.Context, project string) ([]Resource, error) {
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	return s.store.ListResources(ctx, project)
}

func tooManyResources() *azerr.Error {
	return azerr.New(azerr.QuotaExceeded, "A project has at most %d assigned resources; unassign some first.", MaxProjectResources)
}

// StartAssignResources implements ConversationalAnalysisAuthoring_AssignDeploymentResources;
// field is the body's member that held rs (resourcesMetadata or projectResources).
func (s *Deployments) StartAssignResources(ctx context.Context, project, field string, rs []Resource, v APIVersion) (*job.Job, error) {
	if len(rs) == 0 {
		return nil, azerr.Invalid(field, "%s is required: the resources to assign.", field)
	}
	if len(rs) > MaxProjectResources {
		return nil, azerr.Invalid(field, "%s has %d items; a project has at most %d resources.", field, len(rs), MaxProjectResources)
	}
	for i, r := range rs {
		at := func(m string) string { return fmt.Sprintf("%s[%d].%s", field, i, m) }
		if e := checkResourceText(at("azureResourceId"), r.AzureResourceID, MaxResourceIDLength); e != nil {
			return nil, e
		}
		if e := checkResourceText(at("customDomain"), r.CustomDomain, MaxCustomDomainLength); e != nil {
			return nil, e
		}
		if e := checkResourceText(at("region"), r.Region, MaxResourceRegionLength); e != nil {
			return nil, e
		}
	}
	if _, err := s.lookupProject(ctx, project); err != nil {
		return nil, err
	}
	have, err := s.store.ListResources(ctx, project)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, r := range have {
		ids[r.AzureResourceID] = true
	}
	for _, r := range rs {
		ids[r.AzureResourceID] = true
	}
	if len(ids) > MaxProjectResources {
		return nil, tooManyResources()
	}
	args := assignArgs{Resources: rs}
	return s.enqueue(ctx, s.newJob(args, project, v), args)
}

func (s *Deployments) runAssignResources(ctx context.Context, run *job.Run, a assignArgs) (*job.Outcome, error) {
	switch err := s.store.AssignResources(ctx, run.Project, a.Resources, MaxProjectResources); {
	case errors.Is(err, ErrQuota):
		return nil, tooManyResources()
	case errors.Is(err, ErrNotFound):
		return nil, projectNotFound(run.Project)
	default:
		return nil, err
	}
}

// checkAssigned answers 400 naming field when an id is not in rs.
func checkAssigned(field, what string, rs []Resource, ids []string) *azerr.Error {
	for i, id := range ids {
		if !slices.ContainsFunc(rs, func(r Resource) bool { return r.AzureResourceID == id }) {
			return azerr.Invalid(fmt.Sprintf("%s[%d]", field, i), "The resource %q is not assigned to %s.", id, what)
		}
	}
	return nil
}

// StartUnassignResources implements ConversationalAnalysisAuthoring_UnassignDeploymentResources;
// field is the body's member that held ids.
func (s *Deployments) StartUnassignResources(ctx context.Context, project, field string, ids []string, v APIVersion) (*job.Job, error) {
	if len(ids) == 0 {
		return nil, azerr.Invalid(field, "%s is required: the ids of the resources to unassign.", field)
	}
	if e := CheckResourceIDs(field, ids); e != nil {
		return nil, e
	}
	have, err := s.ListResources(ctx, project)
	if err != nil {
		return nil, err
	}
	if e := checkAssigned(field, fmt.Sprintf("project %q", project), have, ids); e != nil {
		return nil, e
	}
	args := unassignArgs{IDs: ids}
	return s.enqueue(ctx, s.newJob(args, project, v), args)
}

func (s *Deployments) runUnassignResources(ctx context.Context, run *job.Run, a unassignArgs) (*job.Outcome, error) {
	return nil, s.store.UnassignResources(ctx, run.Project, a.IDs)
}

// StartDeleteFromResources implements ConversationalAnalysisAuthoring_DeleteDeploymentFromResources:
// it removes ids (nil: all) from the deployment's recorded resources. The
// deployment stays, and keeps serving here. field is the body's member that
// held ids.
func (s *Deployments) StartDeleteFromResources(ctx context.Context, project, deployment, field string, ids []string, v APIVersion) (*job.Job, error) {
	if e := CheckResourceIDs(field, ids); e != nil {
		return nil, e
	}
	if _, err := s.GetDeployment(ctx, project, deployment); err != nil {
		return nil, err
	}
	have, err := s.store.DeploymentResources(ctx, project, deployment)
	if err != nil {
		return nil, err
	}
	if e := checkAssigned(field, fmt.Sprintf("deployment %q", deployment), have, ids); e != nil {
		return nil, e
	}
	args := deleteFromResourcesArgs{Deployment: deployment, IDs: ids}
	j := s.newJob(args, project, v)
	j.Detail, _ = json.Marshal(deployment) // DeploymentOfJob reads it
	return s.enqueue(ctx, j, args)
}

func (s *Deployments) runDeleteFromResources(ctx context.Context, run *job.Run, a deleteFromResourcesArgs) (*job.Outcome, error) {
	return nil, s.store.RemoveDeploymentResources(ctx, run.Project, a.Deployment, a.IDs)
}

// DeploymentResources returns the resources recorded for a deployment, in
// the project's order: what its assignedResources shows. A deployment with none
// (or one that does not exist) has an empty list.
func (s *Deployments) DeploymentResources(ctx context.Context, project, deployment string) ([]Resource, error) {
	rs, err := s.store.DeploymentResources(ctx, project, deployment)
	if rs == nil && err == nil {
		rs = []Resource{}
	}
	return rs, err
}

// CheckDeploymentResources answers 400 naming field unless every id is
// assigned to the project: a deploy that names resources calls it before it
// starts its job.
func (s *Deployments) CheckDeploymentResources(ctx context.Context, project, field string, ids []string) error {
	if e := CheckResourceIDs(field, ids); e != nil {
		return e
	}
	have, err := s.store.ListResources(ctx, project)
	if err != nil {
		return err
	}
	if e := checkAssigned(field, fmt.Sprintf("project %q", project), have, ids); e != nil {
		return e
	}
	return nil
}

// RecordDeploymentResources replaces a deployment's recorded resources with
// ids (nil: none), as a deploy is a create-or-replace: a deploy job calls it
// after it saved the deployment, with the ids its body named and
// CheckDeploymentResources passed. An id unassigned from the project since
// then is left out, as :unassign would have removed it.
func (s *Deployments) RecordDeploymentResources(ctx context.Context, project, deployment string, ids []string) error {
	have, err := s.store.ListResources(ctx, project)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
		return !slices.ContainsFunc(have, func(r Resource) bool { return r.AzureResourceID == id })
	})
	switch err := s.store.SetDeploymentResources(ctx, project, deployment, ids); {
	case errors.Is(err, ErrDeploymentNotFound):
		return deploymentNotFound(project, deployment)
	case errors.Is(err, ErrResourceNotAssigned):
		return azerr.New(azerr.Conflict, "A resource named for deployment %q was unassigned from project %q while it deployed; deploy again.", deployment, project)
	default:
		return err
	}
}

// ListResourceDeployments implements ConversationalAnalysisAuthoring_ListAssignedResourceDeployments:
// the deployments of this server with at least one recorded resource.
func (s *Deployments) ListResourceDeployments(ctx context.Context) ([]ResourceDeployment, error) {
	return s.store.ListResourceDeployments(ctx)
}
