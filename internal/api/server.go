// Package api is the HTTP surface of Parley: the CLU authoring REST API as
// Azure serves it. It owns the route table (one handler per spec
// operationId), the wire types, api-version and key checks, paging, and the
// one place where errors become HTTP statuses.
package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/project"
	"github.com/parley-dev/parley/internal/wire"
)

// Config configures a Server.
type Config struct {
	// Keys are the accepted values of Ocp-Apim-Subscription-Key; two let
	// a key be rotated without downtime.
	Keys []string
	// PublicURL, when set, is the endpoint absolute URLs start with (behind
	// a proxy); otherwise they are built from the request.
	PublicURL string
	// MaxBodyBytes limits request bodies; default 64 MiB.
	MaxBodyBytes int64
	// PageSize is the default page size of lists; default 100.
	PageSize int
	// RetryAfter is the Retry-After, in seconds, of 202s and unfinished
	// jobs; default 1.
	RetryAfter int
	Logger     *slog.Logger
	// RuntimeOnly serves predictions only (parley serve --models): every
	// authoring path answers runtimeOnlyError.
	RuntimeOnly bool
}

// Server is the http.Handler of the API.
type Server struct {
	cfg     Config
	svc     *project.Services
	log     *slog.Logger
	keys    [][32]byte
	handler http.Handler
}

// New returns a Server over svc.
func New(svc *project.Services, cfg Config) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 64 << 20
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 1
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	s := &Server{cfg: cfg, svc: svc, log: cfg.Logger}
	for _, k := range cfg.Keys {
		s.keys = append(s.keys, sha256.Sum256([]byte(k)))
	}
	mux := http.NewServeMux()
	s.register(mux)
	var h http.Handler = mux
	if cfg.RuntimeOnly {
		h = runtimeOnly(s, mux)
	}
	s.handler = s.recover(s.authenticate(h))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// RequestInfo is what the middleware above the API (internal/server) and
// the API tell each other about one request: the middleware gives the id and
// the logger, the API names the operation that answered.
type RequestInfo struct {
	ID        string
	Logger    *slog.Logger
	Operation string // the spec's operationId; set by the route that answers
	// StoreError is set when the request failed on the store: "unavailable"
	// (it did not answer a ping) or "internal" (an unexpected error).
	StoreError string
}

type ctxKey int

const requestInfoKey ctxKey = 0

// WithRequestInfo returns ctx carrying info.
func WithRequestInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey, info)
}

// requestInfo returns the request's info, making one when the API runs
// without the middleware above it.
func (s *Server) requestInfo(r *http.Request) (*RequestInfo, *http.Request) {
	if info, ok := r.Context().Value(requestInfoKey).(*RequestInfo); ok {
		return info, r
	}
	id := NewRequestID()
	info := &RequestInfo{ID: id, Logger: s.log.With("request_id", id)}
	return info, r.WithContext(WithRequestInfo(r.Context(), info))
}

// infoOf returns the info recover put on the request.
func infoOf(r *http.Request) *RequestInfo {
	info, _ := r.Context().Value(requestInfoKey).(*RequestInfo)
	return info
}

// NewRequestID returns a random id in the GUID shape of Azure's request ids
// (apim-request-id).
func NewRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// recover makes sure every request has an id (set by the middleware above,
// or made here) and turns a panic into a 500 whose request id is in the log.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, r := s.requestInfo(r)
		if w.Header().Get("apim-request-id") == "" {
			w.Header().Set("apim-request-id", info.ID)
			if c := r.Header.Get("x-ms-client-request-id"); c != "" {
				w.Header().Set("x-ms-client-request-id", c)
			}
		}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				info.Logger.Error("panic", "method", r.Method, "path", r.URL.Path, "operation", info.Operation, "panic", p)
				e := azerr.New(azerr.InternalServerError, "An internal error occurred; the server log has the details under request id %s.", info.ID)
				w.Header().Set("x-ms-error-code", string(e.Code))
				writeJSON(w, http.StatusInternalServerError, wire.ErrorResponse{Error: e})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// authenticate checks Ocp-Apim-Subscription-Key on every route but the
// health check, before the route or api-version are looked at, so a wrong key
// always gets 401 (AUTHORING.md §4.3).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath || r.URL.Path == readyPath {
			// Answers without a key end their connection, so that no one
			// without a key can hold connections open between requests.
			w.Header().Set("Connection", "close")
			next.ServeHTTP(w, r)
			return
		}
		key := r.Header.Get("Ocp-Apim-Subscription-Key")
		if key == "" && strings.HasPrefix(r.URL.Path, "/luis/") {
			// Old LUIS URLs carry the key in the query (v2 spec examples,
			// the LUIS portal's endpoint URLs): accepted on the LUIS routes
			// only. The access log redacts it (internal/server, logPath).
			key = r.URL.Query().Get("subscription-key")
		}
		if cr, ok := copyTokenRequest(r, key); ok && !s.validKey(key) {
			next.ServeHTTP(w, cr) // the import's handler checks the token (copy.go)
			return
		}
		if key == "" || !s.validKey(key) {
			msg := "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."
			if key == "" {
				msg = "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."
			}
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`AzureApiManagementKey realm="%s/language",name="Ocp-Apim-Subscription-Key",type="header"`, s.baseURL(r)))
			w.Header().Set("x-ms-error-code", string(azerr.GatewayUnauthorized))
			w.Header().Set("Connection", "close")
			writeJSON(w, http.StatusUnauthorized, wire.ErrorResponse{Error: &azerr.Error{Code: azerr.GatewayUnauthorized, Message: msg}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequireKey answers the Azure-shaped 401 unless the request carries a key
// of the server, in Ocp-Apim-Subscription-Key or as a bearer token
// (Authorization: Bearer KEY, which Prometheus scrape configs can send), for
// surfaces mounted beside the API such as /metrics.
func (s *Server) RequireKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Ocp-Apim-Subscription-Key")
		if b, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && key == "" {
			key = strings.TrimSpace(b)
		}
		if key == "" || !s.validKey(key) {
			w.Header().Set("x-ms-error-code", string(azerr.GatewayUnauthorized))
			w.Header().Set("Connection", "close")
			writeJSON(w, http.StatusUnauthorized, wire.ErrorResponse{Error: &azerr.Error{Code: azerr.GatewayUnauthorized,
				Message: "Access denied due to a missing or invalid key: send a key of this server in Ocp-Apim-Subscription-Key, or as Authorization: Bearer KEY."}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// validKey compares key with every configured key in constant time: hashing
// first makes the comparison independent of the keys' lengths too.
func (s *Server) validKey(key string) bool {
	h := sha256.Sum256([]byte(key))
	ok := 0
	for _, k := range s.keys {
		ok |= subtle.ConstantTimeCompare(h[:], k[:])
	}
	return ok == 1
}

// baseURL is the endpoint as the client sees it: PublicURL, or the scheme
// and host of the request.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// runtimeOnly answers every authoring path with one clear error, so that a
// runtime-only Parley never reaches an authoring handler (it has no store).
func runtimeOnly(s *Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == authoringPrefix || strings.HasPrefix(r.URL.Path, authoringPrefix+"/") || strings.HasPrefix(r.URL.Path, "/language/authoring/") {
			s.writeError(w, r, azerr.New(azerr.NotImplemented, "This Parley serves exported models only (parley serve --models): the authoring API is not available; use POST /language/:analyze-conversations."))
			return
		}
		next.ServeHTTP(w, r)
	})
}
