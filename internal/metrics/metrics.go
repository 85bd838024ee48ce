// Package metrics is Parley's Prometheus instrumentation: one registry with
// the series an operator reads first (requests by operation, jobs, the job
// queue, predictions by deployment, loaded models, store errors) beside the
// Go runtime and process collectors of the official client library.
//
// Label values are bounded: operations are the spec's operationIds (or
// "unmatched"), statuses and job kinds are Parley's own, and the only user
// text is project and deployment names, capped at MaxDeploymentSeries pairs
// (later ones are counted under "_other"). Nothing is labelled by job,
// request or utterance.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MaxDeploymentSeries caps the distinct (project, deployment) label pairs of
// the prediction series.
const MaxDeploymentSeries = 1000

// Other is the label value of what a cap leaves out.
const Other = "_other"

// Sources are the values read when Prometheus scrapes.
type Sources struct {
	// QueuedJobs counts the jobs not started, by kind (the store's
	// QueuedJobs); nil leaves the queue series out.
	QueuedJobs func(ctx context.Context) (map[string]int, error)
	// Models describes the loaded models; nil leaves their series out.
	Models func() (loaded int, bytes, hits, loads int64)
}

// Metrics holds the collectors. Its Observe methods are safe for concurrent
// use and cheap enough for every request.
type Metrics struct {
	reg *prometheus.Registry

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	jobs            *prometheus.CounterVec
	jobDuration     *prometheus.HistogramVec
	jobWait         *prometheus.HistogramVec
	predictions     *prometheus.CounterVec
	predictDuration *prometheus.HistogramVec
	errors          *prometheus.CounterVec

	mu    sync.Mutex
	pairs map[[2]string]bool // (project, deployment) pairs labelled so far
}

// New makes the collectors and registers them with src's gauges.
func New(src Sources) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), pairs: map[[2]string]bool{}}
	latency := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parley_http_requests_total", Help: "HTTP requests answered, by the spec's operationId (unmatched: no route), method and status code.",
	}, []string{"operation", "method", "code"})
	m.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "parley_http_request_duration_seconds", Help: "Time to answer an HTTP request, by operationId and method.", Buckets: latency,
	}, []string{"operation", "method"})
	m.jobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parley_jobs_total", Help: "Job runs ended, by kind and outcome (succeeded, failed, cancelled; released: handed back to run again).",
	}, []string{"kind", "status"})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "parley_job_duration_seconds", Help: "Time a job run took, by kind.", Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
	}, []string{"kind"})
	m.jobWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "parley_job_wait_seconds", Help: "Time a job waited in the queue before its first run, by kind.", Buckets: []float64{.001, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
	}, []string{"kind"})
	m.predictions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parley_predictions_total", Help: "Predictions, by project, deployment and outcome (ok, error).",
	}, []string{"project", "deployment", "outcome"})
	m.predictDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "parley_prediction_duration_seconds", Help: "Time of a prediction in the engine, model load included, by project and deployment.", Buckets: latency,
	}, []string{"project", "deployment"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parley_store_errors_total", Help: "Requests that failed on the store: unavailable (it did not answer a ping) or internal (an unexpected store or server error, logged with its request id).",
	}, []string{"cause"})
	m.reg.MustRegister(m.requests, m.requestDuration, m.jobs, m.jobDuration, m.jobWait, m.predictions, m.predictDuration, m.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src.QueuedJobs != nil {
		m.reg.MustRegister(&queueCollector{count: src.QueuedJobs, desc: prometheus.NewDesc(
			"parley_jobs_queued", "Jobs waiting to run (not started), by kind, read from the store at scrape time.", []string{"kind"}, nil)})
	}
	if src.Models != nil {
		m.reg.MustRegister(&modelCollector{stats: src.Models,
			loaded: prometheus.NewDesc("parley_models_loaded", "Trained models loaded for predictions.", nil, nil),
			bytes:  prometheus.NewDesc("parley_models_loaded_bytes", "Bytes of the loaded models' engine blobs, the measure of --model-memory.", nil, nil),
			hits:   prometheus.NewDesc("parley_model_cache_hits_total", "Predictions that found their model loaded.", nil, nil),
			loads:  prometheus.NewDesc("parley_model_loads_total", "Models loaded (read and decoded) for predictions.", nil, nil),
		})
	}
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// ObserveRequest counts an answered request; operation "" is a request no
// route matched.
func (m *Metrics) ObserveRequest(operation, method string, status int, d time.Duration) {
	if operation == "" {
		operation = "unmatched"
	}
	method = boundedMethod(method)
	m.requests.WithLabelValues(operation, method, strconv.Itoa(status)).Inc()
	m.requestDuration.WithLabelValues(operation, method).Observe(d.Seconds())
}

// ObserveStoreError counts a request that failed on the store.
func (m *Metrics) ObserveStoreError(cause string) { m.errors.WithLabelValues(cause).Inc() }

// ObserveJob counts a job run that ended. waited counts on the first attempt
// only: a retried job's wait includes its earlier runs.
func (m *Metrics) ObserveJob(kind, status string, attempt int, d, waited time.Duration) {
	m.jobs.WithLabelValues(kind, status).Inc()
	m.jobDuration.WithLabelValues(kind).Observe(d.Seconds())
	if attempt == 1 {
		m.jobWait.WithLabelValues(kind).Observe(waited.Seconds())
	}
}

// ObservePrediction counts a prediction of a deployment.
func (m *Metrics) ObservePrediction(project, deployment string, d time.Duration, err error) {
	project, deployment = m.pair(project, deployment, err == nil)
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.predictions.WithLabelValues(project, deployment, outcome).Inc()
	if err == nil {
		m.predictDuration.WithLabelValues(project, deployment).Observe(d.Seconds())
	}
}

// pair returns the labels of a (project, deployment) pair: themselves once
// a prediction of the pair succeeded (it names a real deployment) while
// fewer than MaxDeploymentSeries pairs have, else Other. A failed prediction
// of a pair never seen (a name a client made up) is Other, so that clients
// cannot grow the series with names of deployments that do not exist.
func (m *Metrics) pair(project, deployment string, ok bool) (string, string) {
	k := [2]string{project, deployment}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pairs[k] {
		return project, deployment
	}
	if !ok || len(m.pairs) >= MaxDeploymentSeries {
		return Other, Other
	}
	m.pairs[k] = true
	return project, deployment
}

// boundedMethod keeps the label of the method within HTTP's usual ones.
func boundedMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return Other
}

// queueCollector reads the queue's depth from the store at scrape time.
type queueCollector struct {
	count func(ctx context.Context) (map[string]int, error)
	desc  *prometheus.Desc
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	for kind, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), kind)
	}
}

// modelCollector reads the model cache at scrape time.
type modelCollector struct {
	stats                      func() (int, int64, int64, int64)
	loaded, bytes, hits, loads *prometheus.Desc
}

func (c *modelCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.loaded
	ch <- c.bytes
	ch <- c.hits
	ch <- c.loads
}

func (c *modelCollector) Collect(ch chan<- prometheus.Metric) {
	n, b, h, l := c.stats()
	ch <- prometheus.MustNewConstMetric(c.loaded, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(b))
	ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(h))
	ch <- prometheus.MustNewConstMetric(c.loads, prometheus.CounterValue, float64(l))
}
