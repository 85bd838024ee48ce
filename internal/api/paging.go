package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/parley-dev/parley/internal/azerr"
	"github.com/parley-dev/parley/internal/wire"
)

// maxPageSize caps maxpagesize (AUTHORING.md §4.5).
const maxPageSize = 1000

// paging is the top/skip/maxpagesize of a list request (AUTHORING.md §4.5):
// top is how many items the caller wants in all, skip where to start,
// maxpagesize how many per page.
type paging struct {
	skip, size int
	top        int // -1: not given
}

func intParam(q url.Values, name string, def int) (int, *azerr.Error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, azerr.Invalid(name, "The query parameter %s must be a whole number of 0 or more, not %q.", name, s)
	}
	return n, nil
}

func (s *Server) parsePaging(r *http.Request) (paging, *azerr.Error) {
	q := r.URL.Query()
	var p paging
	var e *azerr.Error
	if p.skip, e = intParam(q, "skip", 0); e != nil {
		return p, e
	}
	if p.top, e = intParam(q, "top", -1); e != nil {
		return p, e
	}
	if p.size, e = intParam(q, "maxpagesize", s.cfg.PageSize); e != nil {
		return p, e
	}
	p.size = min(max(p.size, 1), maxPageSize)
	return p, nil
}

// limit is how many items this page may hold.
func (p paging) limit() int {
	if p.top >= 0 {
		return min(p.size, p.top)
	}
	return p.size
}

// nextLink returns the absolute URL of the next page, carrying every query
// parameter of this request with skip and top moved on, or nil when this
// page is the last.
func (s *Server) nextLink(r *http.Request, p paging, returned int, more bool) *string {
	if !more || (p.top >= 0 && p.top-returned <= 0) {
		return nil
	}
	q := r.URL.Query()
	q.Set("skip", strconv.Itoa(p.skip+returned))
	if p.top >= 0 {
		q.Set("top", strconv.Itoa(p.top-returned))
	}
	if q.Get("maxpagesize") == "" {
		q.Set("maxpagesize", strconv.Itoa(p.size))
	}
	link := s.baseURL(r) + r.URL.EscapedPath() + "?" + q.Encode()
	return &link
}

// pageOf pages an in-memory list.
func pageOf[T any](s *Server, r *http.Request, all []T) (wire.Page[T], *azerr.Error) {
	p, e := s.parsePaging(r)
	if e != nil {
		return wire.Page[T]{}, e
	}
	start := min(p.skip, len(all))
	end := min(start+p.limit(), len(all))
	out := wire.Page[T]{Value: all[start:end]}
	if out.Value == nil {
		out.Value = []T{}
	}
	out.NextLink = s.nextLink(r, p, end-start, end < len(all))
	return out, nil
}
