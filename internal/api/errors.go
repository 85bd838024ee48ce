package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/wire"
)

// statusByCode maps every error code to its HTTP status (AUTHORING.md §4.2).
// TestStatusByCodeIsComplete fails if a code lacks a row.
var statusByCode = map[azerr.Code]int{
	azerr.InvalidRequest:      http.StatusBadRequest,
	azerr.InvalidArgument:     http.StatusBadRequest,
	azerr.Unauthorized:        http.StatusUnauthorized,
	azerr.Forbidden:           http.StatusForbidden,
	azerr.NotFound:            http.StatusNotFound,
	azerr.ProjectNotFound:     http.StatusNotFound,
	azerr.OperationNotFound:   http.StatusNotFound,
	azerr.TooManyRequests:     http.StatusTooManyRequests,
	azerr.InternalServerError: http.StatusInternalServerError,
	azerr.ServiceUnavailable:  http.StatusServiceUnavailable,
	azerr.Timeout:             http.StatusGatewayTimeout,
	azerr.QuotaExceeded:       http.StatusConflict,
	azerr.Conflict:            http.StatusConflict,
	azerr.Warning:             http.StatusOK,
	azerr.NotImplemented:      http.StatusNotImplemented,
	azerr.GatewayUnauthorized: http.StatusUnauthorized,
	azerr.GatewayNotFound:     http.StatusNotFound,
	azerr.MethodNotAllowed:    http.StatusMethodNotAllowed,
	azerr.PayloadTooLarge:     http.StatusRequestEntityTooLarge,
}

// statusOf returns the HTTP status of e. QuotaExceeded is 400 for data
// limits, which carry a target, and 409 for count limits (§4.2).
func statusOf(e *azerr.Error) int {
	if e.Code == azerr.QuotaExceeded && e.Target != "" {
		return http.StatusBadRequest
	}
	if s, ok := statusByCode[e.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// writeError writes err in the Azure error shape. An error that is not an
// *azerr.Error is a bug or an outage: the client gets a generic 500 and the
// log gets the cause, with the request id that the client also sees.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *azerr.Error
	if !errors.As(err, &e) {
		if down := s.storeDown(r); down != nil {
			if info := infoOf(r); info != nil {
				info.Logger.Warn("request failed while the store is unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			err, e = down, down // not a bug: the store is out of reach
			if info := infoOf(r); info != nil {
				info.StoreError = "unavailable"
			}
		}
	}
	if e != nil && e.Code == azerr.InternalServerError {
		// A deliberate 500 (damaged data): the operator must see it too.
		if info := infoOf(r); info != nil {
			info.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "operation", info.Operation, "err", err)
		}
	}
	if e == nil {
		info := infoOf(r)
		if info == nil { // called outside recover, as unit tests do
			info = &RequestInfo{ID: w.Header().Get("apim-request-id"), Logger: s.log}
		}
		info.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "operation", info.Operation, "err", err)
		info.StoreError = "internal"
		e = azerr.New(azerr.InternalServerError, "An internal error occurred; the server log has the details under request id %s.", info.ID)
	}
	if e.Code == azerr.TooManyRequests || e.Code == azerr.ServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(s.cfg.RetryAfter))
	}
	w.Header().Set("x-ms-error-code", string(e.Code))
	writeJSON(w, statusOf(e), wire.ErrorResponse{Error: e})
}

// storeDown returns the ServiceUnavailable error to answer when the store
// does not answer a ping within two seconds, and nil when it does.
func (s *Server) storeDown(r *http.Request) *azerr.Error {
	if s.svc == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Second)
	defer cancel()
	if err := s.svc.Ready(ctx); err != nil {
		if info := infoOf(r); info != nil {
			info.Logger.Warn("store unavailable", "err", err)
		}
		return azerr.New(azerr.ServiceUnavailable, "The store of this server does not answer; try again later.")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if err != nil {
		slog.Error("encode response", "err", err)
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"InternalServerError","message":"The response could not be encoded."}}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// gatewayNotFound is the APIM gateway's answer to an unknown route or a
// missing or unsupported api-version (AUTHORING.md §4.4).
var gatewayNotFound = &azerr.Error{Code: azerr.GatewayNotFound, Message: "Resource not found"}
