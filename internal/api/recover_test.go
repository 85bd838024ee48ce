package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/wire"
)

func TestPanicBecomes500WithRequestID(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	h := s.recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/language/x", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	var body wire.ErrorResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != azerr.InternalServerError {
		t.Fatalf("body = %s, want an InternalServerError", rec.Body)
	}
	id := rec.Header().Get("apim-request-id")
	if id == "" || !strings.Contains(body.Error.Message, id) || !strings.Contains(logs.String(), id) || !strings.Contains(logs.String(), "boom") {
		t.Errorf("request id %q must be in the message %q and the log %q", id, body.Error.Message, logs.String())
	}
}

func TestStatusByCodeIsComplete(t *testing.T) {
	codes := []azerr.Code{azerr.InvalidRequest, azerr.InvalidArgument, azerr.Unauthorized, azerr.Forbidden,
		azerr.NotFound, azerr.ProjectNotFound, azerr.OperationNotFound, azerr.TooManyRequests,
		azerr.InternalServerError, azerr.ServiceUnavailable, azerr.Timeout, azerr.QuotaExceeded,
		azerr.Conflict, azerr.Warning, azerr.NotImplemented, azerr.GatewayUnauthorized,
		azerr.GatewayNotFound, azerr.MethodNotAllowed, azerr.PayloadTooLarge}
	for _, c := range codes {
		if _, ok := statusByCode[c]; !ok {
			t.Errorf("statusByCode has no row for %s", c)
		}
	}
	if len(statusByCode) != len(codes) {
		t.Errorf("statusByCode has %d rows, this test knows %d codes: update it", len(statusByCode), len(codes))
	}
}

func TestInternalErrorHidesCause(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	rec := httptest.NewRecorder()
	rec.Header().Set("apim-request-id", "rid-1")
	s.writeError(rec, httptest.NewRequest("GET", "/x", nil), errSecret)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret") || !strings.Contains(logs.String(), "secret") {
		t.Errorf("500 body %q must hide the cause that the log %q holds", rec.Body, logs.String())
	}
}

var errSecret = &secretError{}

type secretError struct{}

func (*secretError) Error() string { return "secret database detail" }
