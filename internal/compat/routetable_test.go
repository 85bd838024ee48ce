package compat

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/parley-dev/parley/internal/project"
)

// route is one row of the API's route table (internal/api/routes.go), read
// from its source so that this suite and the support matrix follow the
// table without the api package exporting it.
type route struct {
	Method      string
	Path        string // under the authoring prefix
	Operation   string // the spec's operationId
	Implemented bool   // has a handler; otherwise it answers 501 NotImplemented
	Versions    []project.APIVersion
}

// Offers reports whether the route exists in api-version v.
func (rt route) Offers(v project.APIVersion) bool {
	if rt.Versions == nil {
		return true
	}
	for _, w := range rt.Versions {
		if w == v {
			return true
		}
	}
	return false
}

var (
	routesFile  = filepath.Join("..", "api", "routes.go")
	versionFile = filepath.Join("..", "project", "version.go")
)

// routeFields are the route struct's fields in the order of positional
// literals.
var routeFields = []string{"method", "path", "operation", "handle", "versions"}

// loadRoutes parses the route table of routes.go: the "routes" slice and
// the version lists its rows name, resolved through project's constants.
func loadRoutes(t testing.TB) []route {
	t.Helper()
	fset := token.NewFileSet()
	vf, err := parser.ParseFile(fset, versionFile, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]project.APIVersion{}
	for _, vs := range valueSpecs(vf, token.CONST) {
		for i, name := range vs.Names {
			if i < len(vs.Values) {
				if s, ok := stringLit(vs.Values[i]); ok {
					consts[name.Name] = project.APIVersion(s)
				}
			}
		}
	}
	rf, err := parser.ParseFile(fset, routesFile, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string][]project.APIVersion{}
	var table *ast.CompositeLit
	for _, vs := range valueSpecs(rf, token.VAR) {
		if len(vs.Names) != 1 || len(vs.Values) != 1 {
			continue
		}
		lit, ok := vs.Values[0].(*ast.CompositeLit)
		if !ok {
			continue
		}
		if vs.Names[0].Name == "routes" {
			table = lit
			continue
		}
		var vers []project.APIVersion
		for _, e := range lit.Elts {
			sel, ok := e.(*ast.SelectorExpr)
			if !ok {
				vers = nil
				break
			}
			v, ok := consts[sel.Sel.Name]
			if !ok {
				t.Fatalf("%s: %s names %s, which is not a constant of %s", routesFile, vs.Names[0].Name, sel.Sel.Name, versionFile)
			}
			vers = append(vers, v)
		}
		if vers != nil {
			lists[vs.Names[0].Name] = vers
		}
	}
	if table == nil {
		t.Fatalf("%s has no var routes = []route{...}; update loadRoutes to the new shape of the table", routesFile)
	}
	var out []route
	for _, e := range table.Elts {
		row, ok := e.(*ast.CompositeLit)
		if !ok {
			t.Fatalf("%s:%v: a route that is not a composite literal", routesFile, fset.Position(e.Pos()))
		}
		fields := map[string]ast.Expr{}
		for i, el := range row.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					fields[id.Name] = kv.Value
				}
				continue
			}
			if i < len(routeFields) {
				fields[routeFields[i]] = el
			}
		}
		pos := fset.Position(row.Pos())
		var rt route
		for _, f := range []struct {
			name string
			dst  *string
		}{{"method", &rt.Method}, {"path", &rt.Path}, {"operation", &rt.Operation}} {
			s, ok := stringLit(fields[f.name])
			if !ok {
				t.Fatalf("%v: the route's %s is not a string literal", pos, f.name)
			}
			*f.dst = s
		}
		rt.Implemented = fields["handle"] != nil && !isNil(fields["handle"])
		if v := fields["versions"]; v != nil && !isNil(v) {
			id, ok := v.(*ast.Ident)
			if !ok || lists[id.Name] == nil {
				t.Fatalf("%v: the versions of %s are not a known version list", pos, rt.Operation)
			}
			rt.Versions = lists[id.Name]
		}
		out = append(out, rt)
	}
	if len(out) == 0 {
		t.Fatalf("%s: empty route table", routesFile)
	}
	return out
}

func valueSpecs(f *ast.File, tok token.Token) []*ast.ValueSpec {
	var out []*ast.ValueSpec
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != tok {
			continue
		}
		for _, s := range gd.Specs {
			out = append(out, s.(*ast.ValueSpec))
		}
	}
	return out
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func isNil(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil"
}

// routeByOperation indexes routes by operationId.
func routeByOperation(t testing.TB, routes []route) map[string]route {
	t.Helper()
	m := map[string]route{}
	for _, rt := range routes {
		if _, dup := m[rt.Operation]; dup {
			t.Fatalf("%s: operation %s appears twice", routesFile, rt.Operation)
		}
		m[rt.Operation] = rt
	}
	return m
}
