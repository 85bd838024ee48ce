package client

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 4, 18, 15, 23, 7, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"none", http.Header{}, 0, false},
		{"seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second, true},
		{"milliseconds first", http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"3"}}, 250 * time.Millisecond, true},
		{"x-ms milliseconds", http.Header{"X-Ms-Retry-After-Ms": {"40"}}, 40 * time.Millisecond, true},
		{"HTTP date", http.Header{"Retry-After": {"Sat, 18 Apr 2026 15:23:09 GMT"}}, 2 * time.Second, true},
		{"past date", http.Header{"Retry-After": {"Sat, 18 Apr 2026 15:00:00 GMT"}}, 0, true},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0, false},
		{"negative", http.Header{"Retry-After": {"-1"}}, 0, false},
	} {
		got, ok := retryAfter(tc.header, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: retryAfter(%v) = %v, %v; want %v, %v", tc.name, tc.header, got, ok, tc.want, tc.ok)
		}
	}
}
